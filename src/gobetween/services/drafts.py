"""Check a seller's draft against the policy without storing or sending it (the live check).

The context is built from the same facts the message service uses when the draft is sent, so the
live check while typing and the verdict at sending agree.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.messages import MAX_TEXT_BYTES
from gobetween.policy import SystemFacts, Verdict
from gobetween.policy.categories import CONTACT_REASONS
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    days_since_delivery,
    seller_policy_context,
)
from gobetween.services.ports import Clock, UnitOfWork


def check_seller_draft(
    *,
    order_id: str,
    seller_id: str,
    subject: str,
    text: str,
    contact_reason: str,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    clock: Clock,
    limits: MessagingLimits,
) -> Verdict:
    """The verdict a seller's draft would get if sent now; nothing is written.

    NotFound when the order is not the seller's; InvalidInput for an unknown reason or a text
    beyond the size a message may have.
    """
    if contact_reason not in CONTACT_REASONS:
        raise InvalidInput("contact_reason", f"must be one of {', '.join(CONTACT_REASONS)}")
    if len(text) > MAX_TEXT_BYTES:
        raise InvalidInput("text", f"is too large: at most {MAX_TEXT_BYTES} bytes of UTF-8")
    now = clock().astimezone(UTC)
    with uow:
        order = uow.orders.find(order_id)
        if order is None or order.seller_id != seller_id:
            raise NotFound("order", order_id)
        buyer = uow.buyers.find(order.buyer_id)
        if buyer is None:
            raise NotFound("buyer", order.buyer_id)
        thread = uow.threads.find_for_order(order.id)
        awaiting = thread is not None and uow.messages.awaiting_reply(thread.id)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        sent_today = uow.messages.count_seller_sent_since(seller_id, day_start)
        orders_in_window = uow.orders.count_for_seller_since(
            seller_id, now - timedelta(days=limits.daily_limit_days)
        )
        buyer_is_seller = uow.sellers.find_by_buyer_id(buyer.id) is not None
    context = seller_policy_context(
        order,
        buyer,
        initiation="reply" if awaiting else "proactive",
        contact_reason=contact_reason,
        limits=limits,
    )
    facts = SystemFacts(
        messages_sent_today=sent_today,
        daily_limit=limits.daily_limit(orders_in_window),
        days_since_delivery=days_since_delivery(order, now),
        sender_and_recipient_are_sellers=buyer_is_seller,
    )
    return check_policy(text, context, subject=subject or None, facts=facts)
