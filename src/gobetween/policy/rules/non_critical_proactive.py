"""`non_critical_proactive` (policy.md §2, §4, §7): a proactive message whose purpose is not
a reason of §2 (`other` is a reply-only reason; a thank-you is never a purpose)."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.rules.stock_or_delay_notice import stock_or_delay_notice
from gobetween.policy.rules.thank_you_only import is_thank_you_only
from gobetween.policy.verdict import Finding

_EXPLANATION = (
    "Sellers may start a conversation only for a reason the order needs (customization, delivery "
    "scheduling, an address problem, an invoice, a warranty, a legal notice, a digital key)."
)


@rule("non_critical_proactive")
def non_critical_proactive(message: AnalyzedMessage) -> Iterable[Finding]:
    """`other` proactively, `unexpected_problem` out of scope or used for a stock or delay
    notice, or a thank-you as the purpose."""
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
    if is_thank_you_only(message):
        return [
            Finding("non_critical_proactive", "thanks_is_not_a_reason", "block", None, _EXPLANATION)
        ]
    return []
