"""`review_incentive` (policy.md §4, §7): something of value offered in connection with a review."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

# A value offered in the sentence of the review request, or the one right after it, is tied to
# the review ("Leave a review. We'll send you a gift card.").
_SENTENCE_REACH = 1


@rule("review_incentive")
def review_incentive(message: AnalyzedMessage) -> Iterable[Finding]:
    """Value (refund, coupon, gift, draw) next to a review request or a review change request.

    policy.md §7: a change request is an incentive only when value is tied to it, so a value word
    alone, or a review word alone, is not enough.
    """
    scan = message.phrases
    asks = scan.matches("review_request") + scan.matches("review_change_request")
    offers = scan.matches("value_offer")
    found: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    for offer in offers:
        offer_sentence = scan.sentence_of(offer.start)
        if any(abs(scan.sentence_of(ask.start) - offer_sentence) <= _SENTENCE_REACH for ask in asks):
            span = message.normalized.to_original(offer.start, offer.end)
            if span not in seen:
                seen.add(span)
                found.append(
                    Finding(
                        category="review_incentive",
                        rule="value_for_review",
                        severity="block",
                        span=span,
                        message="Offering money, a refund, a discount or a gift in return for a review "
                        "is a serious policy violation.",
                    )
                )
    for match in scan.matches("review_incentive"):
        span = message.normalized.to_original(match.start, match.end)
        if span not in seen:
            seen.add(span)
            found.append(
                Finding(
                    category="review_incentive",
                    rule="reward_for_review",
                    severity="block",
                    span=span,
                    message="Offering money, a refund, a discount or a gift in return for a review "
                    "is a serious policy violation.",
                )
            )
    return found
