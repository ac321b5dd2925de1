"""`review_incentive` (policy.md §4, §7): something of value offered in connection with a review."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

# A value offered in the sentence of the review request, or the one right after it, is tied to
# the review ("Leave a review. We'll send you a gift card.").
_SENTENCE_REACH = 1


@rule(
    "review_incentive",
    groups=("review_request", "review_change_request", "review_incentive"),
)
def review_incentive(message: AnalyzedMessage) -> Iterable[Finding]:
    """Value (refund, coupon, gift, draw) next to a review request or a review change request.

    policy.md §7: a change request is an incentive only when value is tied to it, so a value word
    alone, or a review word alone, is not enough.
    """
    scan = message.phrases
    asks = scan.matches("review_request") + scan.matches("review_change_request")
    tied = scan.matches("review_incentive")
    if not asks and not tied:
        return []
    spans: list[tuple[int, int]] = []
    for offer in scan.matches("value_offer"):
        offer_sentence = scan.sentence_of(offer.start)
        if any(
            abs(scan.sentence_of(ask.start) - offer_sentence) <= _SENTENCE_REACH for ask in asks
        ):
            spans.append((offer.start, offer.end))
    spans.extend((match.start, match.end) for match in tied)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        # "gift" inside "gift card" is one offer, not two.
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [
        Finding(
            category="review_incentive",
            rule="value_for_review",
            severity="block",
            span=message.normalized.to_original(start, end),
            message="Offering money, a refund, a discount or a gift in return for a review is a "
            "serious "
            "policy violation.",
        )
        for start, end in merged
    ]
