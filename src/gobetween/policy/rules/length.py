"""`length` (policy.md §2): free text longer than its contact reason allows."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

# policy.md §2, in characters (code points) of the message text.
LIMITS = {"customization": 800, "digital_access_key": 400}
DEFAULT_LIMIT = 2000


def length_limit(message: AnalyzedMessage) -> int:
    """The limit for the message's reason: the profile's when it sets one, else policy.md §2."""
    reason = message.context.contact_reason
    limits = getattr(message.profile, "limits", None)
    if limits is not None and hasattr(limits, "length_limit"):
        return int(limits.length_limit(reason))
    return LIMITS.get(reason, DEFAULT_LIMIT)


@rule("length")
def length(message: AnalyzedMessage) -> Iterable[Finding]:
    """The characters beyond the limit, as the finding's span."""
    limit = length_limit(message)
    size = len(message.text)
    if size <= limit:
        return []
    explanation = (
        f"The message has {size} characters; {limit} are allowed for the contact reason "
        f"{message.context.contact_reason}."
    )
    return [Finding("length", "text_length", "block", (limit, size), explanation)]
