"""`redundant_notification` (policy.md §4, proactive only): order, shipment, tracking, delivery or
refund confirmations, which the marketplace already sends."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, match_findings, rule
from gobetween.policy.verdict import Finding

# The pattern of "will arrive tomorrow", "llegará en …": a message that schedules a delivery
# (policy §2, `delivery_scheduling`) names when the parcel comes, which is no confirmation.
_ARRIVAL_ESTIMATE = "arrival_estimate"


@rule("redundant_notification", groups=("redundant_notification",))
def redundant_notification(message: AnalyzedMessage) -> Iterable[Finding]:
    """A confirmation that the order shipped, is on its way, was delivered or was refunded."""
    matches = message.phrases.matches("redundant_notification")
    if not matches:
        # Most messages confirm nothing.
        return []
    if message.context.contact_reason == "delivery_scheduling":
        matches = [match for match in matches if match.name != _ARRIVAL_ESTIMATE]
    name = message.policy.marketplace_name
    return match_findings(
        message,
        matches,
        "redundant_notification",
        f"{name} already tells the buyer when an order ships, is delivered or is refunded, so this "
        "message is not needed.",
    )
