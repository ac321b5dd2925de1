"""`review_request` (policy.md §4): asking for a review, rating, feedback or stars, any wording."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


_EXPLANATION = (
    "Asking for a review, rating or feedback is not allowed in a message; use the marketplace's "
    "own Request a Review action instead."
)


@rule("review_request")
def review_request(message: AnalyzedMessage) -> Iterable[Finding]:
    """A request word near a review word ("leave … a review", "let others know what you think").

    policy.md §7: a request to remove or change a review is `review_change_request`, so the
    review words of a change request do not count as a request for a review as well.
    """
    changes = [
        message.normalized.to_original(m.start, m.end)
        for m in message.phrases.matches("review_change_request")
    ]
    found = phrase_findings(
        message,
        "review_request",
        "review_request",
        "Asking for a review, rating or feedback is not allowed in a message; use the "
        "marketplace's "
        "own Request a Review action instead.",
    )
    # An offer tied to a review ("a gift card once your review is up") asks for the review too.
    for match in message.phrases.matches("review_incentive"):
        span = message.normalized.to_original(match.start, match.end)
        found.append(Finding("review_request", match.name, "block", span, _EXPLANATION))
    return [
        finding
        for finding in found
        if finding.span is None
        or not any(finding.span[0] < end and start < finding.span[1] for start, end in changes)
    ]
