"""`buyer_opted_out` (policy.md §2, §4): a non-critical proactive message to a buyer who opted out
is not delivered (a bounce, not a violation); replies and critical messages go through (§7)."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("buyer_opted_out")
def buyer_opted_out(message: AnalyzedMessage) -> Iterable[Finding]:
    """Opted-out buyer, proactive message, non-critical reason."""
    context = message.context
    if not context.buyer_opted_out or context.initiation != "proactive" or context.critical:
        return []
    return [
        Finding(
            "buyer_opted_out",
            "opted_out_non_critical",
            "block",
            None,
            "This buyer opted out of messages that are not critical to the order, so this one will "
            "bounce; only customization, delivery, address, legal and unexpected-problem messages "
            "reach them.",
        )
    ]
