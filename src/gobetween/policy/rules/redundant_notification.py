"""`redundant_notification` (policy.md §4, proactive only): order, shipment, tracking, delivery or
refund confirmations, which the marketplace already sends."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


@rule("redundant_notification", groups=("redundant_notification",))
def redundant_notification(message: AnalyzedMessage) -> Iterable[Finding]:
    """A confirmation that the order shipped, is on its way, was delivered or was refunded."""
    name = message.policy.marketplace_name
    return phrase_findings(
        message,
        "redundant_notification",
        "redundant_notification",
        f"{name} already tells the buyer when an order ships, is delivered or is refunded, so this "
        "message is not needed.",
    )
