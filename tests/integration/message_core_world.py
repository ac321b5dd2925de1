"""Builders for the message-core integration tests: a small marketplace in a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendResult,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ORDER = "114-0000001-0000001"
SECOND_ORDER = "114-0000002-0000002"
OTHER_SELLERS_ORDER = "114-0000003-0000003"
ALIAS_DOMAIN = "relay.example"


def fixed_clock(moment: datetime = NOW) -> datetime:
    return moment


def seed(engine: Engine, *, opted_out: bool = False, bounce_notices: bool = True) -> None:
    """Two sellers, one buyer; the buyer has two orders with s1 and one with s2."""
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b1", "Jo Doe", "Jo@Example.com", "en", opted_out), now=NOW)
        uow.sellers.upsert(
            Seller(
                "s1",
                "Acme",
                "Acme GmbH",
                "cs@acme.example",
                ("owner@acme.example",),
                ("staff@acme.example",),
                opt_out_bounce_notices=bounce_notices,
            ),
            now=NOW,
        )
        uow.sellers.upsert(Seller("s2", "Other", "Other Ltd", "cs@other.example", ()), now=NOW)
        for order_id, seller in ((ORDER, "s1"), (SECOND_ORDER, "s1"), (OTHER_SELLERS_ORDER, "s2")):
            uow.orders.upsert(
                Order(
                    order_id,
                    "US",
                    seller,
                    "b1",
                    "seller",
                    "shipped",
                    "books",
                    NOW - timedelta(days=2),
                    items=(OrderItem("SKU-1", "A book", 1, 1999, "USD"),),
                    shipping_address={"city": "Springfield"},
                ),
                now=NOW,
            )
        uow.commit()


def seller_sends(
    engine: Engine,
    text: str = "Could you confirm the engraving text?",
    *,
    order_id: str = ORDER,
    reason: str = "customization",
    limits: MessagingLimits | None = None,
    moment: datetime = NOW,
) -> SendResult:
    return send_seller_message(
        SendSellerMessage(order_id, "s1", "Your order", text, reason, "web"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: moment,
        limits=limits or MessagingLimits(),
    )


def buyer_sends(
    engine: Engine, text: str = "When will it arrive?", *, moment: datetime = NOW
) -> SendResult:
    return record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "Question", text, "email"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: moment,
        limits=MessagingLimits(),
    )
