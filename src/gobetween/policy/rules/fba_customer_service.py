"""`fba_customer_service` (policy.md §4): on marketplace-fulfilled orders the marketplace handles
returns, refunds, replacements and delivery problems, so the seller must not."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


@rule("fba_customer_service", groups=("fba_self_service",))
def fba_customer_service(message: AnalyzedMessage) -> Iterable[Finding]:
    """The seller offering to refund, replace, take back or resend the item itself, or telling the
    buyer not to contact the marketplace; negated offers ("we can't refund") do not count."""
    if message.context.fulfillment != "marketplace":
        return []
    name = message.policy.marketplace_name
    return phrase_findings(
        message,
        "fba_self_service",
        "fba_customer_service",
        f"This order was fulfilled by {name}: send the buyer to {name} customer service for "
        f"returns, "
        "refunds, replacements and delivery problems instead of handling them yourself.",
    )
