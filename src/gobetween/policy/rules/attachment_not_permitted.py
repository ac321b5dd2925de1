"""`attachment_not_permitted` (policy.md §4): file types judged by content, count and total size."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.detectors.attachments import (
    ALLOWED_TYPES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    check_attachments,
)
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

_RULES = {"type": "attachment_type", "count": "attachment_count", "size": "attachment_size"}


@rule("attachment_not_permitted")
def attachment_not_permitted(message: AnalyzedMessage) -> Iterable[Finding]:
    """A finding (without a span: the problem is not in the text) per refused file or limit."""
    attachments = message.context.attachments
    if not attachments:
        return []
    limits = getattr(message.profile, "attachments", None)
    problems = check_attachments(
        attachments,
        allowed_types=getattr(limits, "allowed_types", ALLOWED_TYPES),
        max_files=getattr(limits, "max_files", MAX_FILES),
        max_total_bytes=getattr(limits, "max_total_bytes", MAX_TOTAL_BYTES),
    )
    return [
        Finding("attachment_not_permitted", _RULES[p.kind], "block", None, p.message)
        for p in problems
    ]
