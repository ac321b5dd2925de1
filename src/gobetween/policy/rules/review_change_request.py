"""`review_change_request` (policy.md §4): asking to remove, change or reconsider a review."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


@rule("review_change_request", groups=("review_change_request",))
def review_change_request(message: AnalyzedMessage) -> Iterable[Finding]:
    """A change verb near a review word ("remove your 1-star review", "Bewertung überdenken")."""
    return phrase_findings(
        message,
        "review_change_request",
        "review_change_request",
        "Asking a buyer to remove, change or reconsider a review or feedback is not allowed.",
    )
