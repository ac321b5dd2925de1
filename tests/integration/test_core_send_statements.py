"""The send path's statements on PostgreSQL: planned once per connection, same answers as before.

psycopg prepares a statement on the server after its 5th execution on a connection; PostgreSQL
then keeps one generic plan only if its estimated cost is not above the per-execution plans.
The send facts' open date ranges made the generic plan look costlier, so that statement was
planned again on every send (repositories.py `_sending_facts_query`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from message_core_world import NOW, ORDER, seed, seller_sends
from sqlalchemy import Engine, text

from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.orders import Order

SENDS = 12


@pytest.fixture
def one_connection(postgres_engine: Engine) -> Iterator[Engine]:
    # One pooled connection, so every send runs on the same server backend.
    built = build_engine(postgres_engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        yield built
    finally:
        built.dispose()


def _a_busy_seller(engine: Engine) -> None:
    """Statistics like a marketplace's: s1 with orders over a year and counters of many days."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO orders (id, marketplace, seller_id, buyer_id, fulfillment, status,"
                " product_category, shipping_address, purchased_at, created_at, updated_at)"
                " SELECT '200-' || lpad(n::text, 7, '0') || '-0000000', 'US', 's1', 'b1',"
                " 'seller', 'shipped', 'books', '{}', :now - n * interval '1 hour', :now, :now"
                " FROM generate_series(1, 8000) AS n"
            ),
            {"now": NOW - timedelta(days=3)},
        )
        connection.execute(
            text(
                "INSERT INTO seller_daily_sends (seller_id, day, shard, sent)"
                " SELECT 's' || (n % 50), date '2020-01-01' + n / 50, 0, 1"
                " FROM generate_series(1, 20000) AS n"
            )
        )
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


@pytest.mark.postgres
def test_every_statement_of_a_send_is_planned_once_it_is_prepared(
    postgres_engine: Engine, one_connection: Engine
) -> None:
    seed(postgres_engine)  # on another connection: only the sends' statements are prepared here
    _a_busy_seller(postgres_engine)
    for number in range(SENDS):
        result = seller_sends(one_connection, moment=NOW + timedelta(seconds=number))
        assert result.disposition == "delivered"
    with one_connection.connect() as connection:
        plans = connection.execute(
            text(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement NOT LIKE '%txid_current_if_assigned%'"
            )
        ).all()
        connection.commit()
    # The order with its parties, the thread locked and the send facts in one read; the write.
    # (The first send, which made the thread, took the long way, once.)
    assert len(plans) == 2
    # The read locks the thread; the write also keeps the day's counter (migration 0014).
    facts = [row for row in plans if "FOR UPDATE" in row.statement]
    assert len(facts) == 1
    assert "seller_daily_sends" in facts[0].statement
    for row in plans:
        # PostgreSQL makes 5 plans for the values before it weighs a generic one; from then on
        # a statement whose generic plan is kept is not planned again.
        assert row.generic_plans > 0, row.statement[:120]
        assert row.custom_plans <= 5, row.statement[:120]


def test_orders_in_the_window_and_the_days_count_include_later_moments(engine: Engine) -> None:
    # The upper ends of the facts' ranges on PostgreSQL are the end of time: an order or a send
    # stamped after `now` (a clock ahead) still counts, on both databases.
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        ahead = uow.orders.find(ORDER)
        assert ahead is not None
        uow.orders.upsert(
            Order(
                "114-0000009-0000009",
                "US",
                "s1",
                "b1",
                "seller",
                "shipped",
                "books",
                NOW + timedelta(days=400),
                items=ahead.items,
            ),
            now=NOW,
        )
        uow.commit()
    seller_sends(engine, moment=NOW + timedelta(days=3))
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        day_start = NOW.replace(hour=0)
        facts = uow.messages.seller_sending_facts(
            thread_id=thread.id,
            order_id=ORDER,
            seller_id="s1",
            buyer_id="b1",
            day_start=day_start,
            window_start=NOW - timedelta(days=7),
        )
    # s1's two seeded orders (2 days old) and the one purchased 400 days ahead.
    assert facts.orders_in_window == 3
    # The send three days ahead is counted from today on.
    assert facts.sent_today == 1
