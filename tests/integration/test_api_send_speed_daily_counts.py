"""The daily limit's count for the API's 429 (`uow.access.daily_sends`) against the messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from message_core_world import NOW, SECOND_ORDER, seed, seller_sends
from sqlalchemy import Engine

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork


def test_the_counters_agree_with_the_day_s_delivered_messages(engine: Engine) -> None:
    seed(engine)
    yesterday, midnight = NOW - timedelta(days=1), NOW.replace(hour=0)
    seller_sends(engine, moment=yesterday)
    seller_sends(engine, moment=NOW)
    seller_sends(engine, order_id=SECOND_ORDER, moment=NOW + timedelta(minutes=1))
    blocked = seller_sends(engine, "Please leave us a 5-star review!", reason="other")
    assert blocked.disposition == "blocked"
    # A clock ahead: a message stamped tomorrow counts today, as it does in the send's check.
    seller_sends(engine, moment=NOW + timedelta(days=1))
    with SqlAccessUnitOfWork(engine) as uow:
        for day_start in (midnight - timedelta(days=1), midnight, midnight + timedelta(days=2)):
            assert uow.access.daily_sends.sent_since(
                "s1", day_start
            ) == uow.messages.count_seller_sent_since("s1", day_start)
        assert uow.access.daily_sends.sent_since("s1", midnight) == 3
        assert uow.access.daily_sends.sent_since("s2", midnight) == 0


def test_a_day_start_that_is_not_a_midnight_is_refused(engine: Engine) -> None:
    seed(engine)
    with SqlAccessUnitOfWork(engine) as uow, pytest.raises(ValueError, match="midnight"):
        uow.access.daily_sends.sent_since("s1", NOW)
