"""Sends on the parties read in their own transaction (`*_with_parties` of the message service).

The API's and the pages' sends read the order, its seller and buyer to check the draft, then the
message service stores the message on those parties in the same transaction instead of reading
them again. These tests hold them to what `send_seller_message` and `record_buyer_message` do
on the same database.
"""

from __future__ import annotations

import pytest
from message_core_world import NOW, ORDER, OTHER_SELLERS_ORDER, SECOND_ORDER, seed
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.errors import NotFound
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendResult,
    SendSellerMessage,
    record_buyer_message,
    record_buyer_message_with_parties,
    send_seller_message,
    send_seller_message_with_parties,
)


def command(
    order_id: str = ORDER,
    text: str = "Could you confirm the engraving text?",
    reason: str = "customization",
) -> SendSellerMessage:
    return SendSellerMessage(order_id, "s1", "Your order", text, reason, "web")


def send_on_parties_read(engine: Engine, order_id: str, sent: SendSellerMessage) -> SendResult:
    with SqlUnitOfWork(engine) as uow:
        parties = uow.orders.find_with_parties(order_id)
        assert parties is not None
        return send_seller_message_with_parties(
            sent, parties, uow=uow, clock=lambda: NOW, limits=MessagingLimits()
        )


def stored(engine: Engine, message_id: int) -> tuple[object, ...]:
    with SqlUnitOfWork(engine) as uow:
        record = uow.messages.find(message_id)
    assert record is not None
    return (
        record.seq,
        record.direction,
        record.initiation,
        record.verdict,
        record.disposition,
        record.body,
        tuple(f.category for f in record.findings),
        record.hash != "",
    )


def count(engine: Engine, table: t.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize(
    "text",
    [
        "Could you confirm the engraving text?",
        "Please leave us a 5-star review!",
        "Write to me at jo.seller@gmail.com for a discount.",
    ],
)
def test_the_same_message_verdict_and_deliveries_as_send_seller_message(
    engine: Engine, text: str
) -> None:
    seed(engine)
    # Two orders of the same seller and buyer, each with its own thread: one through each path.
    reference = send_seller_message(
        command(ORDER, text), uow=SqlUnitOfWork(engine), clock=lambda: NOW, limits=MessagingLimits()
    )
    outbox_after_reference = count(engine, t.outbox)
    on_parties = send_on_parties_read(engine, SECOND_ORDER, command(SECOND_ORDER, text))
    assert on_parties.verdict == reference.verdict
    assert on_parties.disposition == reference.disposition
    assert stored(engine, on_parties.message_id) == stored(engine, reference.message_id)
    # A delivered message queues one row, a blocked one none: the same on both paths.
    assert count(engine, t.outbox) - outbox_after_reference == outbox_after_reference


def test_parties_of_another_order_are_refused_and_nothing_is_stored(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        others = uow.orders.find_with_parties(OTHER_SELLERS_ORDER)
        assert others is not None
        with pytest.raises(NotFound):
            # s1's command on s2's order: the parties do not belong to the command's seller.
            send_seller_message_with_parties(
                command(OTHER_SELLERS_ORDER),
                others,
                uow=uow,
                clock=lambda: NOW,
                limits=MessagingLimits(),
            )
        mine = uow.orders.find_with_parties(ORDER)
        assert mine is not None
        with pytest.raises(NotFound):
            # The parties of one order with the command of another.
            send_seller_message_with_parties(
                command(SECOND_ORDER), mine, uow=uow, clock=lambda: NOW, limits=MessagingLimits()
            )
    assert count(engine, t.messages) == 0
    assert count(engine, t.outbox) == 0


def test_an_opted_out_buyer_read_in_the_transaction_gets_the_bounce(engine: Engine) -> None:
    seed(engine, opted_out=True)
    warranty = command(text="Here is the warranty information you need.", reason="warranty")
    result = send_on_parties_read(engine, ORDER, warranty)
    assert result.disposition == "bounced"
    # The seller's bounce notice, not a message to the buyer.
    with SqlUnitOfWork(engine) as uow:
        [row] = [item for item in (uow.outbox.find(n) for n in range(1, 5)) if item is not None]
    assert row.kind == "bounce_notice"


def test_a_buyer_message_on_the_parties_read_is_stored_as_record_buyer_message_stores_it(
    engine: Engine,
) -> None:
    seed(engine)
    reference = record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "Question", "When will it arrive?", "web"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW,
        limits=MessagingLimits(),
    )
    with SqlUnitOfWork(engine) as uow:
        parties = uow.orders.find_with_parties(SECOND_ORDER)
        assert parties is not None
        on_parties = record_buyer_message_with_parties(
            RecordBuyerMessage(SECOND_ORDER, "b1", "Question", "When will it arrive?", "web"),
            parties,
            uow=uow,
            clock=lambda: NOW,
            limits=MessagingLimits(),
        )
    assert on_parties.verdict == reference.verdict
    assert stored(engine, on_parties.message_id) == stored(engine, reference.message_id)
    assert count(engine, t.outbox) == 2


def test_a_buyer_message_on_another_buyer_s_parties_is_refused(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        parties = uow.orders.find_with_parties(ORDER)
        assert parties is not None
        with pytest.raises(NotFound):
            record_buyer_message_with_parties(
                RecordBuyerMessage(ORDER, "b2", "Question", "Hello?", "web"),
                parties,
                uow=uow,
                clock=lambda: NOW,
                limits=MessagingLimits(),
            )
    assert count(engine, t.messages) == 0
