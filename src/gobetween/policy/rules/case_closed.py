"""`case_closed` (policy.md §4 system rules): no seller message on a closed case."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("case_closed", facts_only=True)
def case_closed(message: AnalyzedMessage) -> Iterable[Finding]:
    """The case this message belongs to is closed."""
    if message.facts.case_state != "closed":
        return []
    return [
        Finding(
            "case_closed",
            "case_closed",
            "block",
            None,
            "This case is closed, so no more messages can be sent on it; the buyer can open a new "
            "one.",
        )
    ]
