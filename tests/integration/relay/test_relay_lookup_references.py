"""The mail's one lookup statement also finds the order its In-Reply-To and References refer to,
as orders_for_headers and the relay's choice among its rows do: the newest id that the writing
side knows on a thread of the alias's pair; none for unknown ids, the other side's ids, or
another pair's threads."""

from __future__ import annotations

from datetime import timedelta

from relay_world import NOW, ORDER, seed
from sqlalchemy import Engine, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.relay_repository import SqlRelayRepository
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.aliases import AliasSide
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer
from gobetween.services.aliases import ensure_pair_aliases
from gobetween.services.messaging import MessagingLimits, RecordBuyerMessage, record_buyer_message

SECOND_ORDER = "114-0000000-0000002"
OTHER_BUYERS_ORDER = "114-0000000-0000003"


def _order(order_id: str, buyer_id: str, days_ago: int) -> Order:
    return Order(
        order_id, "US", "s1", buyer_id, "seller", "shipped", "books", NOW - timedelta(days_ago)
    )


def _message_on(engine: Engine, order_id: str, buyer_id: str) -> int:
    record_buyer_message(
        RecordBuyerMessage(
            order_id=order_id, buyer_id=buyer_id, subject="Parcel", text="Where?", channel="email"
        ),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW,
        limits=MessagingLimits(),
    )
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(t.messages.c.id)
                .join(t.threads, t.threads.c.id == t.messages.c.thread_id)
                .where(t.threads.c.order_id == order_id)
                .order_by(t.messages.c.id.desc())
                .limit(1)
            ).scalar_one()
        )


def _python_choice(
    engine: Engine, buyer_id: str, party: AliasSide, header_ids: list[str]
) -> str | None:
    """What the relay chose with orders_for_headers: the first row on the alias's pair."""
    with engine.connect() as connection:
        rows = SqlRelayRepository(connection).orders_for_headers(party, header_ids)
    return next(
        (order for buyer, seller, order in rows if (buyer, seller) == (buyer_id, "s1")), None
    )


def test_the_lookup_finds_the_referenced_order_as_orders_for_headers_does(
    engine: Engine,
) -> None:
    aliases = seed(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b2", "Ann Other", "ann@buyer.example", "en"), now=NOW)
        uow.orders.upsert(_order(SECOND_ORDER, "b1", 1), now=NOW)
        uow.orders.upsert(_order(OTHER_BUYERS_ORDER, "b2", 1), now=NOW)
        ensure_pair_aliases(uow=uow, buyer_id="b2", seller_id="s1", now=NOW)
        uow.commit()
    first = _message_on(engine, ORDER, "b1")
    second = _message_on(engine, SECOND_ORDER, "b1")
    other = _message_on(engine, OTHER_BUYERS_ORDER, "b2")
    with engine.begin() as connection:
        repo = SqlRelayRepository(connection)
        for ref, name in ((first, "first"), (second, "second"), (other, "other")):
            repo.add_header(ref, "seller", f"<{name}@seller.example>")
            repo.add_header(ref, "buyer", f"<{name}@buyer.example>")
    lists = [
        ["<unknown@x>"],
        ["<first@seller.example>"],
        ["<first@seller.example>", "<second@seller.example>"],
        ["<second@seller.example>", "<first@seller.example>"],
        ["<second@seller.example>", "<first@seller.example>", "<second@seller.example>"],
        ["<first@seller.example>", "<other@seller.example>"],
        ["<other@seller.example>"],
        ["<first@buyer.example>", "<second@seller.example>", "<unknown@x>"],
        ["<second@buyer.example>", "<first@buyer.example>"],
        ["<first@seller.example>", "<second@buyer.example>"],
    ]
    # Mail to the buyer's alias is the seller's, mail to the seller's alias the buyer's.
    for alias, party in (
        (aliases.buyer.local_part, "seller"),
        (aliases.seller.local_part, "buyer"),
    ):
        found_any = False
        for header_ids in lists:
            with engine.connect() as connection:
                found = SqlRelayRepository(connection).inbound_lookup(
                    alias, "<x@y>", "0" * 64, tuple(header_ids)
                )
            expected = _python_choice(engine, "b1", party, header_ids)  # type: ignore[arg-type]
            assert found.referenced_order == expected, (alias, header_ids)
            assert found.parties is not None
            assert found.newest_order == SECOND_ORDER
            found_any = found_any or expected is not None
        assert found_any
        with engine.connect() as connection:
            without = SqlRelayRepository(connection).inbound_lookup(alias, "<x@y>", "0" * 64)
        assert without.referenced_order is None
