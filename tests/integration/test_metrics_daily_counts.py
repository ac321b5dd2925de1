"""Account health's "sent today" (the daily limit's use) equals the count of the seller's
delivered messages since midnight UTC: from the day's counters on PostgreSQL (migration 0010),
counted on SQLite, and counted on both for a start that is not a midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy.event
from message_core_world import NOW, SECOND_ORDER, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.domain.response_times import WINDOWS_DAYS
from gobetween.services import metrics
from gobetween.services.messaging import MessagingLimits

TODAY = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
TOMORROW = TODAY + timedelta(days=1)
YESTERDAY = TODAY - timedelta(days=1)
LIMITS = MessagingLimits(daily_limit_base=600, daily_limit_multiplier=5, daily_limit_days=7)


def _traffic(engine: Engine) -> None:
    """Delivered, blocked and buyer messages over three days (test_daily_send_counts.py's)."""
    seller_sends(engine, moment=YESTERDAY + timedelta(hours=23, minutes=59))
    seller_sends(engine)
    seller_sends(engine, "Your parcel left our warehouse today.", order_id=SECOND_ORDER)  # blocked
    seller_sends(engine, "Please leave us a 5-star review!", reason="other")  # blocked
    buyer_sends(engine)
    buyer_sends(engine, "Thanks!", moment=NOW + timedelta(hours=1))
    seller_sends(engine, "Any time.", moment=NOW + timedelta(hours=2))
    seller_sends(engine, "It arrives tomorrow.", moment=TOMORROW)  # a clock ahead of today's


def _counted(engine: Engine, seller_id: str, since: datetime) -> int:
    """The definition: the seller's delivered messages to buyers stamped at or after `since`."""
    m = t.messages.c
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).where(
                    m.sender_id == seller_id,
                    m.direction == "seller_to_buyer",
                    m.disposition == "delivered",
                    m.created_at >= since,
                )
            ).scalar_one()
        )


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    def capture(*event: Any) -> None:
        seen.append(event[2])

    sqlalchemy.event.listen(engine, "before_cursor_execute", capture)
    return seen


def test_sent_today_equals_the_count_on_every_day(engine: Engine) -> None:
    seed(engine)
    _traffic(engine)
    reader = SqlMetricsReader(engine)
    found = []
    for since in (YESTERDAY, TODAY, TOMORROW, TOMORROW + timedelta(days=1)):
        for seller_id in ("s1", "s2"):
            expected = _counted(engine, seller_id, since)
            assert reader.sent_since(seller_id, since) == expected, (seller_id, since)
            reading = reader.seller_health(
                seller_id,
                now=since + timedelta(hours=12),
                windows=WINDOWS_DAYS,
                sent_since=since,
                orders_since=since - timedelta(days=7),
            )
            assert reading is not None
            assert reading.sent == expected, (seller_id, since)
            found.append(expected)
    # Not vacuous: yesterday's, today's and tomorrow's sends, the blocked ones left out.
    assert found == [4, 0, 3, 0, 1, 0, 0, 0]


def test_a_start_that_is_not_a_midnight_is_counted(engine: Engine) -> None:
    seed(engine)
    _traffic(engine)
    reader = SqlMetricsReader(engine)
    since = NOW + timedelta(hours=1)  # after NOW's send, before the one two hours on
    assert reader.sent_since("s1", since) == _counted(engine, "s1", since) == 2


def test_on_postgresql_the_day_comes_from_the_counters(postgres_engine: Engine) -> None:
    seed(postgres_engine)
    _traffic(postgres_engine)
    seen = _statements(postgres_engine)
    health = metrics.seller_metrics(
        "s1", reader=SqlMetricsReader(postgres_engine), clock=lambda: NOW, limits=LIMITS
    )
    assert health.sent_today == _counted(postgres_engine, "s1", TODAY) == 3
    statement = next(s for s in seen if "UNION ALL" in s)
    # The day's part reads the counters only; the messages are read for blocks and bounces.
    sent_part = next(part for part in statement.split("UNION ALL") if "seller_daily_sends" in part)
    assert "messages" not in sent_part


def test_on_sqlite_the_day_is_counted(sqlite_engine: Engine) -> None:
    seed(sqlite_engine)
    _traffic(sqlite_engine)
    seen = _statements(sqlite_engine)
    health = metrics.seller_metrics(
        "s1", reader=SqlMetricsReader(sqlite_engine), clock=lambda: NOW, limits=LIMITS
    )
    assert health.sent_today == _counted(sqlite_engine, "s1", TODAY) == 3
    assert not any("seller_daily_sends" in s for s in seen)
