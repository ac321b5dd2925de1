"""When a seller may ask the buyer for a review: the one solicitation per order and its window.

policy.md §2: asking for a review is never free text; the one compliant way is the marketplace's
own fixed, translated request, at most once per order, which the buyer cannot answer. Amazon's
Solicitations API opens it from 5 days after the earliest delivery date to 30 days after the latest
one, on a delivered order, and counts it against the one free-form proactive message of the order.
`solicitation_refusals` lists every condition that fails, so a refusal can say which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

OPENS_AFTER: Final = timedelta(days=5)
CLOSES_AFTER: Final = timedelta(days=30)
# Orders in these states have reached the buyer (a return was delivered first).
DELIVERED_STATUSES: Final = frozenset({"delivered"})


@dataclass(frozen=True, slots=True)
class SolicitationFacts:
    """What decides whether an order may get its review request now."""

    status: str
    delivered_at: datetime | None
    latest_delivery_at: datetime | None
    buyer_opted_out: bool
    already_requested_at: datetime | None
    proactive_message_sent: bool


@dataclass(frozen=True, slots=True)
class SolicitationRefusal:
    """One failed condition: a stable rule id and a sentence for the seller."""

    rule: str
    explanation: str


def solicitation_window(facts: SolicitationFacts) -> tuple[datetime, datetime] | None:
    """From 5 days after the earliest to 30 days after the latest delivery date; None undelivered.

    The latest delivery date is the marketplace's promise; when it is missing or earlier than the
    actual delivery, the actual delivery date stands in for it.
    """
    if facts.delivered_at is None:
        return None
    latest = facts.latest_delivery_at or facts.delivered_at
    latest = max(latest, facts.delivered_at)
    return facts.delivered_at + OPENS_AFTER, latest + CLOSES_AFTER


def solicitation_refusals(
    facts: SolicitationFacts, *, now: datetime
) -> tuple[SolicitationRefusal, ...]:
    """Every condition that keeps the order from its review request now; empty when it may go."""
    refusals: list[SolicitationRefusal] = []
    if facts.already_requested_at is not None:
        refusals.append(
            SolicitationRefusal(
                "already_requested",
                "A review was already requested for this order on "
                f"{facts.already_requested_at.date().isoformat()}; one request per order.",
            )
        )
    if facts.proactive_message_sent:
        refusals.append(
            SolicitationRefusal(
                "proactive_message_sent",
                "A non-critical proactive message was already sent on this order; an order gets "
                "either one review request or free-form proactive messages, not both.",
            )
        )
    if facts.buyer_opted_out:
        refusals.append(
            SolicitationRefusal(
                "buyer_opted_out", "The buyer opted out of messages that are not critical."
            )
        )
    window = solicitation_window(facts)
    if facts.status not in DELIVERED_STATUSES or window is None:
        refusals.append(
            SolicitationRefusal(
                "not_delivered",
                f"The order is {facts.status}; a review can be requested only once it is "
                "delivered.",
            )
        )
    else:
        opens, closes = window
        if now < opens:
            refusals.append(
                SolicitationRefusal(
                    "too_early",
                    f"The request opens 5 days after delivery, on {opens.isoformat()}.",
                )
            )
        elif now > closes:
            refusals.append(
                SolicitationRefusal(
                    "too_late",
                    "The request closed 30 days after the latest delivery date, on "
                    f"{closes.isoformat()}.",
                )
            )
    return tuple(refusals)
