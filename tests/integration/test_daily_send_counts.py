"""The daily limit's count comes from per-day counters on PostgreSQL (migration 0010) that always
equal the count of the seller's delivered messages since midnight UTC; SQLite counts them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from message_core_world import (
    NOW,
    ORDER,
    SECOND_ORDER,
    buyer_sends,
    seed,
    seller_sends,
)
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import migrate
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.messaging import MessagingLimits

TODAY = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
TOMORROW = TODAY + timedelta(days=1)
YESTERDAY = TODAY - timedelta(days=1)


def _traffic(engine: Engine) -> None:
    """Delivered, blocked and bounced seller messages and buyer messages over three days."""
    seller_sends(engine, moment=YESTERDAY + timedelta(hours=23, minutes=59))
    seller_sends(engine)
    seller_sends(engine, "Your parcel left our warehouse today.", order_id=SECOND_ORDER)  # blocked
    seller_sends(engine, "Please leave us a 5-star review!", reason="other")  # blocked
    buyer_sends(engine)
    buyer_sends(engine, "Thanks!", moment=NOW + timedelta(hours=1))
    seller_sends(engine, "Any time.", moment=NOW + timedelta(hours=2))
    seller_sends(engine, "It arrives tomorrow.", moment=TOMORROW)  # a clock ahead of today's


def _facts_and_count(engine: Engine, seller_id: str, day_start: datetime) -> tuple[int, int]:
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        facts = uow.messages.seller_sending_facts(
            thread_id=thread.id,
            order_id=ORDER,
            seller_id=seller_id,
            buyer_id="b1",
            day_start=day_start,
            window_start=day_start - timedelta(days=7),
        )
        counted = uow.messages.count_seller_sent_since(seller_id, day_start)
    return facts.sent_today, counted


def _every_day_agrees(engine: Engine) -> list[int]:
    found = []
    for day_start in (YESTERDAY, TODAY, TOMORROW, TOMORROW + timedelta(days=1)):
        for seller_id in ("s1", "s2"):
            from_counters, counted = _facts_and_count(engine, seller_id, day_start)
            assert from_counters == counted, (seller_id, day_start)
            found.append(counted)
    return found


def test_the_days_counters_equal_the_count_of_delivered_seller_messages(engine: Engine) -> None:
    seed(engine)
    _traffic(engine)

    # Since yesterday, today, tomorrow, the day after; for s1 and s2 (who sent nothing).
    assert _every_day_agrees(engine) == [4, 0, 3, 0, 1, 0, 0, 0]
    with engine.connect() as connection:
        counted = connection.execute(select(func.sum(t.seller_daily_sends.c.sent))).scalar_one()
    # PostgreSQL reads the counters; SQLite counts its covering index and keeps none.
    assert counted == (4 if engine.dialect.name == "postgresql" else None)


def test_the_daily_limit_still_blocks_the_message_over_it(engine: Engine) -> None:
    seed(engine)
    limits = MessagingLimits(daily_limit_base=1, daily_limit_multiplier=7, daily_limit_days=7)
    results = [seller_sends(engine, limits=limits) for _ in range(4)]
    assert [r.disposition for r in results] == ["delivered"] * 3 + ["blocked"]
    assert results[-1].verdict.categories == ["daily_limit"]


def test_the_migration_counts_the_messages_stored_before_it(engine: Engine) -> None:
    seed(engine)
    _traffic(engine)
    migrate.downgrade(engine, "0009")
    migrate.upgrade(engine)

    assert _every_day_agrees(engine) == [4, 0, 3, 0, 1, 0, 0, 0]


def test_a_day_that_does_not_start_at_midnight_is_refused(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine)
    with pytest.raises(ValueError, match="midnight UTC"):
        _facts_and_count(engine, "s1", TODAY + timedelta(hours=1))
