"""A buyer's message reads the order, its parties, the locked thread and its facts at once.

`SqlThreadRepository.lock_for_buyer_message` must give what the separate reads give
(`find_with_parties`, `lock_for_order`, `awaiting_reply`, `of_pair`), and a message that waited
for the thread's lock must not decide on facts read before the lock holder's message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from message_core_world import (
    NOW,
    ORDER,
    OTHER_SELLERS_ORDER,
    SECOND_ORDER,
    seed,
    seller_sends,
)
from sqlalchemy import Engine, select, text

from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.errors import NotFound
from gobetween.domain.evidence import GENESIS
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendResult,
    record_buyer_draft,
    record_buyer_message,
)
from gobetween.services.ports import (
    BuyerMessageFacts,
    LockedBuyerMessage,
    OrderParties,
    StoredMessage,
    UnitOfWork,
)

# An order of b1 with s1 whose latest message is a blocked seller message after the buyer's.
BLOCKED_LAST_ORDER = "114-0000004-0000004"


def _buyer_message(
    engine: Engine, order_id: str = ORDER, *, moment: Any = NOW, buyer_id: str = "b1"
) -> SendResult:
    return record_buyer_message(
        RecordBuyerMessage(order_id, buyer_id, "Question", "Is it gold?", "email"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: moment,
        limits=MessagingLimits(),
    )


def _separate_reads(uow: UnitOfWork, order_id: str) -> LockedBuyerMessage:
    parties = uow.orders.find_with_parties(order_id)
    assert parties is not None
    thread = uow.threads.lock_for_order(
        order_id,
        seller_id=parties.seller.id,
        buyer_id=parties.buyer.id,
        genesis=GENESIS,
        now=NOW,
    )
    facts = BuyerMessageFacts(
        awaiting_reply=uow.messages.awaiting_reply(thread.id),
        aliases=tuple(uow.aliases.of_pair(parties.buyer.id, parties.seller.id)),
    )
    return LockedBuyerMessage(parties, thread, facts)


def _varied_world(engine: Engine) -> None:
    """Threads where the buyer spoke last, the seller spoke last, and a blocked message is last;
    two items on one order; the other seller's pair with no aliases of its own yet."""
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find(ORDER)
        assert order is not None
        uow.orders.upsert(
            Order(
                BLOCKED_LAST_ORDER,
                "US",
                "s1",
                "b1",
                "marketplace",
                "delivered",
                "books",
                NOW - timedelta(days=9),
                delivered_at=NOW - timedelta(days=3),
                items=(
                    OrderItem("SKU-2", "A lamp", 2, 4999, "USD"),
                    OrderItem("SKU-1", "A book", 1, 1999, "USD"),
                ),
            ),
            now=NOW,
        )
        uow.commit()
    seller_sends(engine, moment=NOW - timedelta(minutes=9))
    _buyer_message(engine, moment=NOW - timedelta(minutes=8))  # ORDER: the buyer spoke last
    seller_sends(engine, order_id=SECOND_ORDER, moment=NOW - timedelta(minutes=7))
    _buyer_message(engine, BLOCKED_LAST_ORDER, moment=NOW - timedelta(minutes=6))
    blocked = seller_sends(
        engine,
        "Call me at +1 415 555 0100 or write to me at jo@example.com",
        order_id=BLOCKED_LAST_ORDER,
        moment=NOW - timedelta(minutes=5),
    )
    assert blocked.disposition == "blocked"


def test_the_one_read_gives_what_the_separate_reads_give(engine: Engine) -> None:
    _varied_world(engine)
    read: dict[str, LockedBuyerMessage] = {}
    for order_id in (ORDER, SECOND_ORDER, BLOCKED_LAST_ORDER):
        with SqlUnitOfWork(engine) as uow:
            locked = uow.threads.lock_for_buyer_message(order_id, buyer_id="b1")
            assert locked == _separate_reads(uow, order_id)
            read[order_id] = locked
    # What the comparison covered: the answers differ between the threads.
    buyer_last, seller_last = read[ORDER].facts, read[SECOND_ORDER].facts
    assert buyer_last is not None
    assert buyer_last.awaiting_reply
    assert seller_last is not None
    assert not seller_last.awaiting_reply
    blocked_last = read[BLOCKED_LAST_ORDER]
    assert blocked_last.facts is not None
    # The blocked seller message does not count: the buyer's message still awaits a reply.
    assert blocked_last.facts.awaiting_reply
    assert blocked_last.thread.message_count == 2
    assert [item.sku for item in blocked_last.parties.order.items] == ["SKU-2", "SKU-1"]
    assert blocked_last.parties.order.delivered_at == NOW - timedelta(days=3)
    assert {alias.side for alias in blocked_last.facts.aliases} == {"buyer", "seller"}
    assert blocked_last.parties.seller.registered_addresses == ("owner@acme.example",)
    assert blocked_last.parties.seller.authorized_addresses == ("staff@acme.example",)


def test_the_one_read_says_none_when_the_long_way_decides(engine: Engine) -> None:
    seed(engine)
    _buyer_message(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b2", "Al Roe", "al@example.com", "de", False), now=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        read = uow.threads.lock_for_buyer_message
        assert read(ORDER, buyer_id="b1") is not None
        # Another buyer's order, an unknown order, an order without a thread yet.
        assert read(ORDER, buyer_id="b2") is None
        assert read("114-0000009-0000009", buyer_id="b1") is None
        assert read(SECOND_ORDER, buyer_id="b1") is None
        assert read(OTHER_SELLERS_ORDER, buyer_id="b1") is None


def test_a_buyer_message_tells_an_unknown_buyer_from_an_order_not_theirs(engine: Engine) -> None:
    seed(engine)
    _buyer_message(engine)  # ORDER has its thread: the one read finds no row for these
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b2", "Al Roe", "al@example.com", "de", False), now=NOW)
        uow.commit()
    with pytest.raises(NotFound) as not_theirs:
        _buyer_message(engine, buyer_id="b2")
    assert not_theirs.value.kind == "order"
    with pytest.raises(NotFound) as unknown:
        _buyer_message(engine, buyer_id="b9")
    assert unknown.value.kind == "buyer"
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        assert thread.message_count == 1


def test_a_first_and_a_later_buyer_message_read_their_initiation(engine: Engine) -> None:
    seed(engine)
    first = _buyer_message(engine, moment=NOW - timedelta(minutes=3))  # no thread yet
    second = _buyer_message(engine, moment=NOW - timedelta(minutes=2))  # the buyer spoke last
    seller_sends(engine, moment=NOW - timedelta(minutes=1))
    third = _buyer_message(engine)  # the seller spoke last
    assert first.thread_id == second.thread_id == third.thread_id
    with SqlUnitOfWork(engine) as uow:
        records = uow.messages.for_thread(first.thread_id)
    assert [(r.direction, r.initiation) for r in records] == [
        ("buyer_to_seller", "proactive"),
        ("buyer_to_seller", "proactive"),
        ("seller_to_buyer", "reply"),
        ("buyer_to_seller", "reply"),
    ]
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]


class _HoldBeforeCommit:
    """Message hooks that stop a send after its write, before its commit."""

    def __init__(self) -> None:
        self.written = threading.Event()
        self.release = threading.Event()

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return None

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        self.written.set()
        assert self.release.wait(10)


@pytest.mark.postgres
def test_a_buyer_message_that_waited_for_the_lock_reads_its_facts_again(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gobetween.services.messaging import SendSellerMessage, send_seller_message

    seed(postgres_engine)
    _buyer_message(postgres_engine, moment=NOW - timedelta(minutes=5))  # the buyer spoke last
    seen: list[LockedBuyerMessage | None] = []
    one_read = repos.SqlThreadRepository.lock_for_buyer_message

    def recorded(self: repos.SqlThreadRepository, *args: Any, **kwargs: Any) -> Any:
        found = one_read(self, *args, **kwargs)
        seen.append(found)
        return found

    monkeypatch.setattr(repos.SqlThreadRepository, "lock_for_buyer_message", recorded)
    hold = _HoldBeforeCommit()
    seller = threading.Thread(
        target=send_seller_message,
        args=(SendSellerMessage(ORDER, "s1", "Re", "It is gold.", "customization", "web"),),
        kwargs={
            "uow": SqlUnitOfWork(postgres_engine),
            "clock": lambda: NOW - timedelta(minutes=1),
            "limits": MessagingLimits(),
            "hooks": hold,
        },
    )
    seller.start()
    assert hold.written.wait(10)
    buyer = threading.Thread(target=_buyer_message, args=(postgres_engine, ORDER))
    buyer.start()
    # The buyer's message waits for the thread's lock, held by the seller's uncommitted send.
    with postgres_engine.connect() as watcher:
        for _ in range(200):
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE 'WITH h AS%'"
                )
            ).scalar_one()
            if waiting:
                break
            watcher.rollback()
            time.sleep(0.02)
        assert waiting == 1
    hold.release.set()
    seller.join(10)
    buyer.join(10)
    assert len(seen) == 1
    assert seen[0] is not None
    # The thread as the seller's commit left it (the new head); the facts from before it.
    assert seen[0].thread.message_count == 2
    assert seen[0].facts is None
    with postgres_engine.connect() as connection:
        stored = connection.execute(
            select(
                t.messages.c.direction,
                t.messages.c.initiation,
                t.messages.c.prev_hash,
                t.messages.c.hash,
            ).order_by(t.messages.c.seq)
        ).all()
    # The buyer answers the seller's message it waited for: a reply, on the seller's head.
    assert [(row.direction, row.initiation) for row in stored] == [
        ("buyer_to_seller", "proactive"),
        ("seller_to_buyer", "reply"),
        ("buyer_to_seller", "reply"),
    ]
    assert stored[2].prev_hash == stored[1].hash


@pytest.fixture
def one_connection(postgres_engine: Engine) -> Iterator[Engine]:
    # One pooled connection, so every message runs on the same server backend.
    built = build_engine(postgres_engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        yield built
    finally:
        built.dispose()


@pytest.mark.postgres
def test_a_buyer_message_on_a_thread_runs_the_one_read_and_the_write(
    postgres_engine: Engine, one_connection: Engine
) -> None:
    seed(postgres_engine)  # on another connection: only the messages' statements are prepared
    _buyer_message(postgres_engine, moment=NOW - timedelta(minutes=30))  # the thread exists
    for number in range(8):
        result = _buyer_message(one_connection, moment=NOW + timedelta(seconds=number))
        assert result.disposition == "delivered"
    with one_connection.connect() as connection:
        prepared = connection.execute(
            text(
                "SELECT statement FROM pg_prepared_statements"
                " WHERE statement NOT LIKE '%txid_current_if_assigned%'"
            )
        ).scalars()
        statements = list(prepared)
        connection.commit()
    # psycopg prepares what a connection ran 5 times: before, the order with its parties, the
    # thread's lock, its latest direction, the pair's aliases and the write (5 statements).
    assert len(statements) == 2, statements
    assert any("FOR UPDATE OF threads" in statement for statement in statements)


def _draft(engine: Engine, order_id: str, buyer_id: str, composed: list[str]) -> SendResult:
    def compose(parties: OrderParties) -> RecordBuyerMessage:
        composed.append(parties.order.id)
        return RecordBuyerMessage(parties.order.id, buyer_id, "Question", "Is it gold?", "web")

    with SqlUnitOfWork(engine) as uow:
        return record_buyer_draft(
            order_id,
            buyer_id,
            compose,
            uow=uow,
            clock=lambda: NOW,
            limits=MessagingLimits(),
        )


def test_a_buyer_draft_is_recorded_as_a_buyer_message_on_the_parties_of_the_one_read(
    engine: Engine,
) -> None:
    seed(engine)
    seller_sends(engine, moment=NOW - timedelta(minutes=5))  # ORDER has a thread
    composed: list[str] = []
    on_thread = _draft(engine, ORDER, "b1", composed)
    first = _draft(engine, SECOND_ORDER, "b1", composed)  # no thread yet: the long way
    assert composed == [ORDER, SECOND_ORDER]
    with SqlUnitOfWork(engine) as uow:
        answered = uow.messages.for_thread(on_thread.thread_id)
        opened = uow.messages.for_thread(first.thread_id)
    assert [(r.direction, r.initiation) for r in answered] == [
        ("seller_to_buyer", "proactive"),
        ("buyer_to_seller", "reply"),
    ]
    assert answered[1].prev_hash == answered[0].hash
    assert [(r.direction, r.initiation, r.channel) for r in opened] == [
        ("buyer_to_seller", "proactive", "web")
    ]


def test_a_buyer_draft_on_an_order_not_the_buyers_is_not_found_before_it_is_composed(
    engine: Engine,
) -> None:
    seed(engine)
    _buyer_message(engine)  # ORDER has a thread
    composed: list[str] = []
    for order_id, buyer_id in ((ORDER, "b9"), (SECOND_ORDER, "b9"), ("114-0000009-0000009", "b1")):
        with pytest.raises(NotFound) as error:
            _draft(engine, order_id, buyer_id, composed)
        # Never "buyer": the caller knows its buyer, and an order id must not tell more.
        assert error.value.kind == "order"
    assert composed == []
