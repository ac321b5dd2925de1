"""A seller's send reads the order, its parties, the locked thread and the send facts at once.

`SqlThreadRepository.lock_for_seller_send` must give what the separate reads give
(`find_with_parties`, `lock_for_order`, `seller_sending_facts`), and a send that waited for the
thread's lock must not decide on facts read before the lock holder's message.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from message_core_world import NOW, ORDER, OTHER_SELLERS_ORDER, SECOND_ORDER, buyer_sends, seed
from sqlalchemy import Engine, insert, select, text

from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.spapi_tables import spapi_solicitations
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.evidence import GENESIS
from gobetween.domain.orders import OrderItem
from gobetween.domain.parties import Seller
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import LockedSellerSend, StoredMessage, UnitOfWork

DAY_START = NOW.replace(hour=0)
WINDOW_START = NOW - timedelta(days=7)


def _send(engine: Engine, order_id: str = ORDER, *, moment: Any = NOW) -> None:
    send_seller_message(
        SendSellerMessage(order_id, "s1", "Your order", "Which colour suits you?", "customization",
                          "web"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: moment,
        limits=MessagingLimits(),
    )  # fmt: skip


def _richer_world(engine: Engine) -> None:
    """Two items, several seller addresses, the buyer also a seller, a review request."""
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find(ORDER)
        assert order is not None
        uow.orders.upsert(
            replace(
                order,
                items=(
                    OrderItem("SKU-2", "A lamp", 2, 4999, "USD"),
                    OrderItem("SKU-1", "A book", 1, 1999, "USD"),
                ),
            ),
            now=NOW,
        )
        uow.commit()
    with engine.begin() as connection:
        connection.execute(
            insert(spapi_solicitations).values(
                order_id=SECOND_ORDER, seller_id="s1", buyer_id="b1", language="en",
                subject="Review", body="Please review", created_at=NOW,
            )
        )  # fmt: skip


def test_the_one_read_gives_what_the_separate_reads_give(postgres_engine: Engine) -> None:
    engine = postgres_engine
    _richer_world(engine)
    # Threads with messages: a seller message, then the buyer's (awaiting a reply); counts of
    # today's sends; both aliases of the pair.
    _send(engine, ORDER, moment=NOW - timedelta(minutes=5))
    buyer_sends(engine, moment=NOW - timedelta(minutes=4))
    _send(engine, SECOND_ORDER, moment=NOW - timedelta(minutes=3))
    # After the sends: a seller's messages to another seller's buying identity are blocked.
    with SqlUnitOfWork(engine) as uow:
        uow.sellers.upsert(
            Seller("s3", "Buys too", "Buys Ltd", "cs@buys.example", (), buyer_id="b1"), now=NOW
        )
        uow.commit()
    every: list[LockedSellerSend | None] = []
    for order_id in (ORDER, SECOND_ORDER):
        with SqlUnitOfWork(engine) as uow:
            locked = uow.threads.lock_for_seller_send(
                order_id, seller_id="s1", day_start=DAY_START, window_start=WINDOW_START
            )
            parties = uow.orders.find_with_parties(order_id)
            assert parties is not None
            thread = uow.threads.lock_for_order(
                order_id, seller_id="s1", buyer_id="b1", genesis=GENESIS, now=NOW
            )
            facts = uow.messages.seller_sending_facts(
                thread_id=thread.id,
                order_id=order_id,
                seller_id="s1",
                buyer_id="b1",
                day_start=DAY_START,
                window_start=WINDOW_START,
            )
        assert locked == LockedSellerSend(parties, thread, facts)
        every.append(locked)
    # What the comparison covered: nothing here is empty or false by default.
    first, second = every
    assert first is not None
    assert first.facts is not None
    assert second is not None
    assert second.facts is not None
    assert len(first.parties.order.items) == 2
    assert first.parties.order.items[0].sku == "SKU-2"
    assert len(first.parties.seller.registered_addresses) == 1
    assert first.facts.awaiting_reply
    assert not second.facts.awaiting_reply
    assert second.facts.review_requested
    assert not first.facts.review_requested
    assert first.facts.buyer_is_seller
    assert first.facts.orders_in_window == 2
    assert first.facts.sent_today == 2
    assert len(first.facts.aliases) == 2
    assert (first.thread.message_count, second.thread.message_count) == (2, 1)


def test_the_one_read_says_none_when_the_long_way_decides(postgres_engine: Engine) -> None:
    engine = postgres_engine
    seed(engine)
    _send(engine, ORDER)
    with SqlUnitOfWork(engine) as uow:
        read = uow.threads.lock_for_seller_send
        window = {"day_start": DAY_START, "window_start": WINDOW_START}
        assert read(ORDER, seller_id="s1", **window) is not None
        # Another seller's order, an unknown order, an order without a thread yet.
        assert read(OTHER_SELLERS_ORDER, seller_id="s1", **window) is None
        assert read("114-0000009-0000009", seller_id="s1", **window) is None
        assert read(SECOND_ORDER, seller_id="s1", **window) is None


class _HoldBeforeCommit:
    """Message hooks that stop the buyer's send after its write, before its commit."""

    def __init__(self) -> None:
        self.written = threading.Event()
        self.release = threading.Event()

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return None

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        self.written.set()
        assert self.release.wait(10)


@pytest.mark.postgres
def test_sqlite_takes_the_separate_reads(sqlite_engine: Engine) -> None:
    seed(sqlite_engine)
    _send(sqlite_engine, ORDER)
    with SqlUnitOfWork(sqlite_engine) as uow:
        window = {"day_start": DAY_START, "window_start": WINDOW_START}
        assert uow.threads.lock_for_seller_send(ORDER, seller_id="s1", **window) is None
    _send(sqlite_engine, ORDER)
    with SqlUnitOfWork(sqlite_engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
    assert thread is not None
    assert thread.message_count == 2


def test_a_send_that_waited_for_the_lock_reads_the_facts_again(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(postgres_engine)
    _send(postgres_engine, ORDER, moment=NOW - timedelta(minutes=5))  # the seller spoke last
    seen: list[LockedSellerSend | None] = []
    one_read = repos.SqlThreadRepository.lock_for_seller_send

    def recorded(self: repos.SqlThreadRepository, *args: Any, **kwargs: Any) -> Any:
        found = one_read(self, *args, **kwargs)
        seen.append(found)
        return found

    monkeypatch.setattr(repos.SqlThreadRepository, "lock_for_seller_send", recorded)
    hold = _HoldBeforeCommit()
    buyer = threading.Thread(
        target=record_buyer_message,
        args=(RecordBuyerMessage(ORDER, "b1", "Question", "Is it gold?", "email"),),
        kwargs={
            "uow": SqlUnitOfWork(postgres_engine),
            "clock": lambda: NOW - timedelta(minutes=1),
            "limits": MessagingLimits(),
            "hooks": hold,
        },
    )
    buyer.start()
    assert hold.written.wait(10)
    seller = threading.Thread(target=_send, args=(postgres_engine, ORDER))
    seller.start()
    # The seller's send waits for the thread's lock, held by the buyer's uncommitted message.
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
    buyer.join(10)
    seller.join(10)
    assert len(seen) == 1
    assert seen[0] is not None
    # The thread as the buyer's commit left it; the facts from before it, so not used.
    assert seen[0].thread.message_count == 2
    assert seen[0].facts is None
    with postgres_engine.connect() as connection:
        initiations = connection.execute(
            select(t.messages.c.direction, t.messages.c.initiation).order_by(t.messages.c.seq)
        ).all()
    # The seller answers the buyer's message it waited for: a reply, not a proactive message.
    assert [tuple(row) for row in initiations] == [
        ("seller_to_buyer", "proactive"),
        ("buyer_to_seller", "reply"),
        ("seller_to_buyer", "reply"),
    ]
