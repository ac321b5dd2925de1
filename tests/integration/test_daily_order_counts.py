"""The daily limit's order average counts the seller's orders of the window: on PostgreSQL from
per-day order counters (migration 0012) plus the window's first, partial day, which must always
equal the count over the orders themselves; SQLite counts the orders."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from message_core_world import NOW, ORDER, seed, seller_sends
from sqlalchemy import Engine, func, select, text

from gobetween.adapters.db import migrate
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.orders import Order, OrderItem

TODAY = NOW.replace(hour=0, minute=0, second=0, microsecond=0)


def _order(number: int, seller_id: str, purchased_at: datetime) -> Order:
    return Order(
        f"300-{number:07d}-0000000",
        "US",
        seller_id,
        "b1",
        "seller",
        "shipped",
        "books",
        purchased_at,
        items=(OrderItem("SKU-1", "A book", 1, 1999, "USD"),),
    )


def _moments(rng: random.Random, count: int) -> list[datetime]:
    """Purchase moments over 12 days around today, many of them on a midnight or a window edge."""
    edges = [TODAY - timedelta(days=days) for days in range(-2, 10)]
    edges += [NOW - timedelta(days=7), NOW - timedelta(days=7, microseconds=1)]
    moments = []
    for _ in range(count):
        if rng.random() < 0.25:
            moments.append(rng.choice(edges))
        else:
            moments.append(TODAY - timedelta(days=9) + timedelta(seconds=rng.randrange(11 * 86400)))
    return moments


def _import(engine: Engine, orders: list[Order]) -> None:
    # The import's and the operator's way in: the order repository's upsert.
    with SqlUnitOfWork(engine) as uow:
        for order in orders:
            uow.orders.upsert(order, now=NOW)
        uow.commit()


def _orders_in_window(engine: Engine, seller_id: str, window_start: datetime) -> tuple[int, int]:
    """The send facts' count of the window, and the count over the orders themselves."""
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        facts = uow.messages.seller_sending_facts(
            thread_id=thread.id,
            order_id=ORDER,
            seller_id=seller_id,
            buyer_id="b1",
            day_start=TODAY,
            window_start=window_start,
        )
        counted = uow.orders.count_for_seller_since(seller_id, window_start)
    return facts.orders_in_window, counted


def _window_starts(rng: random.Random) -> list[datetime]:
    starts = [NOW - timedelta(days=7), TODAY - timedelta(days=7), TODAY, TODAY + timedelta(days=1)]
    starts += [TODAY - timedelta(days=7, microseconds=-1), TODAY - timedelta(microseconds=1)]
    starts += [
        TODAY - timedelta(days=10) + timedelta(microseconds=rng.randrange(12 * 86400 * 10**6))
        for _ in range(30)
    ]
    return starts


def _counters_match_the_orders(engine: Engine) -> None:
    """PostgreSQL: every (seller, day) counter equals its orders; no day is missing or extra."""
    with engine.connect() as connection:
        counters = {
            (row.seller_id, row.day): row.orders
            for row in connection.execute(select(t.seller_daily_orders)).all()
            if row.orders != 0
        }
        counted = {
            (row.seller_id, row.day): row.n
            for row in connection.execute(
                text(
                    "SELECT seller_id, (purchased_at AT TIME ZONE 'UTC')::date AS day,"
                    " count(*) AS n FROM orders GROUP BY 1, 2"
                )
            ).all()
        }
    assert counters == counted


def test_the_window_count_equals_the_count_of_the_orders(engine: Engine) -> None:
    rng = random.Random(12)
    seed(engine)
    seller_sends(engine)  # the order's thread, which the send facts read
    moments = _moments(rng, 400)
    _import(
        engine,
        [_order(n, "s1" if n % 3 else "s2", moment) for n, moment in enumerate(moments)],
    )
    for window_start in _window_starts(rng):
        for seller_id in ("s1", "s2", "s3"):
            from_counters, counted = _orders_in_window(engine, seller_id, window_start)
            assert from_counters == counted, (seller_id, window_start)
    # Not a vacuous comparison: the usual window holds many of s1's orders, but not all.
    in_week, _ = _orders_in_window(engine, "s1", NOW - timedelta(days=7))
    assert 100 < in_week < 270
    with engine.connect() as connection:
        kept = connection.execute(select(func.count()).select_from(t.seller_daily_orders))
        # PostgreSQL reads the counters; SQLite counts its covering index and keeps none.
        assert (kept.scalar_one() > 0) == (engine.dialect.name == "postgresql")


def test_the_one_read_of_a_send_counts_the_same_orders(engine: Engine) -> None:
    # PostgreSQL's send reads order, thread and facts in one statement: the same count there.
    rng = random.Random(5)
    seed(engine)
    seller_sends(engine)
    _import(engine, [_order(n, "s1", moment) for n, moment in enumerate(_moments(rng, 200))])
    for window_start in _window_starts(rng):
        with SqlUnitOfWork(engine) as uow:
            locked = uow.threads.lock_for_seller_send(
                ORDER, seller_id="s1", day_start=TODAY, window_start=window_start
            )
            counted = uow.orders.count_for_seller_since("s1", window_start)
        if engine.dialect.name != "postgresql":
            assert locked is None  # SQLite takes the separate reads, compared above
            return
        assert locked is not None
        assert locked.facts is not None
        assert locked.facts.orders_in_window == counted, window_start


@pytest.mark.postgres
def test_the_counters_follow_every_change_of_an_order(postgres_engine: Engine) -> None:
    rng = random.Random(3)
    seed(postgres_engine)
    orders = [_order(n, "s1" if n % 2 else "s2", m) for n, m in enumerate(_moments(rng, 60))]
    _import(postgres_engine, orders)
    _counters_match_the_orders(postgres_engine)

    # A re-import moves the status (no counter changes) and is counted once, not twice.
    _import(postgres_engine, [Order(**{**_fields(o), "status": "delivered"}) for o in orders])
    _counters_match_the_orders(postgres_engine)

    with postgres_engine.begin() as connection:
        # An order's purchase moment moves to another day, another seller's order to s2 ...
        connection.execute(
            text(
                "UPDATE orders SET purchased_at = purchased_at - interval '3 days' WHERE id = :id"
            ),
            {"id": orders[0].id},
        )
        connection.execute(
            text("UPDATE orders SET seller_id = 's2' WHERE id = :id"), {"id": orders[1].id}
        )
        # ... both at once, a move within its day, and an update that moves neither.
        connection.execute(
            text(
                "UPDATE orders SET seller_id = 's1', purchased_at = purchased_at + interval '1 day'"
                " WHERE id = :id"
            ),
            {"id": orders[2].id},
        )
        connection.execute(
            text("UPDATE orders SET purchased_at = date_trunc('day', purchased_at) WHERE id = :id"),
            {"id": orders[3].id},
        )
        connection.execute(
            text("UPDATE orders SET seller_id = seller_id, status = 'returned' WHERE id = :id"),
            {"id": orders[4].id},
        )
        # An order taken back (its items first).
        connection.execute(
            text("DELETE FROM order_items WHERE order_id = :id"), {"id": orders[5].id}
        )
        connection.execute(text("DELETE FROM orders WHERE id = :id"), {"id": orders[5].id})
    _counters_match_the_orders(postgres_engine)

    with postgres_engine.begin() as connection:
        # A bulk statement moves many orders across midnight at once.
        connection.execute(
            text("UPDATE orders SET purchased_at = purchased_at + interval '13 hours'")
        )
    _counters_match_the_orders(postgres_engine)

    seller_sends(postgres_engine)
    for window_start in _window_starts(rng):
        from_counters, counted = _orders_in_window(postgres_engine, "s1", window_start)
        assert from_counters == counted, window_start


@pytest.mark.postgres
def test_the_migration_counts_the_orders_stored_before_it(postgres_engine: Engine) -> None:
    rng = random.Random(8)
    seed(postgres_engine)
    seller_sends(postgres_engine)
    migrate.downgrade(postgres_engine, "0011")
    _import(postgres_engine, [_order(n, "s1", m) for n, m in enumerate(_moments(rng, 150))])
    migrate.upgrade(postgres_engine)

    _counters_match_the_orders(postgres_engine)
    with postgres_engine.connect() as connection:
        backfilled = connection.execute(select(func.sum(t.seller_daily_orders.c.orders)))
        assert backfilled.scalar_one() == 153  # the seed's three orders and the 150
    for window_start in _window_starts(rng):
        from_counters, counted = _orders_in_window(postgres_engine, "s1", window_start)
        assert from_counters == counted, window_start


def _fields(order: Order) -> dict[str, object]:
    return {name: getattr(order, name) for name in Order.__dataclass_fields__}
