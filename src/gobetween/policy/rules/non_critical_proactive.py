"""`non_critical_proactive` (policy.md §2, §4, §7): a proactive message whose purpose is not
a reason of §2 (`other` is a reply-only reason; a thank-you is never a purpose)."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.phrases import read_in_every_language
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.rules.stock_or_delay_notice import stock_or_delay_notice
from gobetween.policy.rules.thank_you_only import is_thank_you_only
from gobetween.policy.sentences import asks_question
from gobetween.policy.verdict import Finding

# A request in any language ("bitte", "please") means the message asks the buyer for something.
read_in_every_language("request_cue")

# The reasons a seller writes under to get something from the buyer: a design choice, a delivery
# slot, a corrected address. A notice that asks the buyer nothing serves none of them.
_REASONS_THAT_ASK = frozenset({"customization", "delivery_scheduling", "address_issue"})

_EXPLANATION = (
    "Sellers may start a conversation only for a reason the order needs (customization, delivery "
    "scheduling, an address problem, an invoice, a warranty, a legal notice, a digital key)."
)


@rule("non_critical_proactive")
def non_critical_proactive(message: AnalyzedMessage) -> Iterable[Finding]:
    """`other` proactively, `unexpected_problem` out of scope or used for a stock or delay
    notice, a notice that asks nothing sent under a reason for asking, or a thank-you as the
    purpose."""
    context = message.context
    reason = context.contact_reason
    if reason == "other":
        return [Finding("non_critical_proactive", "reply_only_reason", "block", None, _EXPLANATION)]
    # policy.md §2: an unexpected problem may be raised proactively only on seller-fulfilled
    # orders that are not yet delivered.
    if reason == "unexpected_problem" and (
        context.fulfillment != "seller"
        or context.order_status in ("delivered", "returned", "cancelled")
    ):
        return [
            Finding(
                "non_critical_proactive",
                "unexpected_problem_out_of_scope",
                "block",
                None,
                _EXPLANATION,
            )
        ]
    # policy.md §2: `unexpected_problem` is a problem "other than stock or delay (those: cancel
    # the order)"; a delay notice sent under it has no reason of §2 as its purpose.
    if reason == "unexpected_problem" and stock_or_delay_notice(message):
        return [
            Finding(
                "non_critical_proactive",
                "stock_or_delay_is_no_unexpected_problem",
                "block",
                None,
                _EXPLANATION,
            )
        ]
    # policy.md §7: a delay notice or a shipment confirmation sent as `customization`,
    # `delivery_scheduling` or `address_issue`, asking the buyer nothing, has no reason of §2 as
    # its purpose ("shipped today, no action needed on your side").
    if (
        reason in _REASONS_THAT_ASK
        and not _asks_the_buyer(message)
        # (The shipment confirmations' own matches: `redundant_notification` would build a
        # finding from each only for this test.)
        and (stock_or_delay_notice(message) or message.phrases.matches("redundant_notification"))
    ):
        return [
            Finding(
                "non_critical_proactive",
                "notice_asks_nothing_of_the_buyer",
                "block",
                None,
                _EXPLANATION,
            )
        ]
    if is_thank_you_only(message):
        return [
            Finding("non_critical_proactive", "thanks_is_not_a_reason", "block", None, _EXPLANATION)
        ]
    return []


def _asks_the_buyer(message: AnalyzedMessage) -> bool:
    """A question, or a request ("please", "bitte", "ください"), anywhere in the message."""
    scan = message.phrases
    return asks_question(scan.text) or bool(scan.class_starts("request_cue"))
