"""`review_request` (policy.md §4): asking for a review, rating, feedback or stars, any wording."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, match_findings, rule
from gobetween.policy.verdict import Finding

_EXPLANATION = (
    "Asking for a review, rating or feedback is not allowed in a message; use the marketplace's "
    "own Request a Review action instead."
)


@rule("review_request", groups=("review_request", "review_incentive"))
def review_request(message: AnalyzedMessage) -> Iterable[Finding]:
    """A request word near a review word ("leave … a review", "let others know what you think"),
    or an offer tied to a review ("a gift card once your review is up"), which asks for one too.

    policy.md §7: a request to remove or change a review is `review_change_request`, so a
    sentence that asks for a change is not also a request for a review.
    """
    scan = message.phrases
    asks = scan.matches("review_request") + scan.matches("review_incentive")
    if not asks:
        return []
    changes = scan.matches("review_change_request")
    if changes:
        changing = {scan.sentence_of(m.start) for m in changes}
        asks = [match for match in asks if scan.sentence_of(match.start) not in changing]
    return match_findings(message, asks, "review_request", _EXPLANATION)
