"""GET /metrics' messages by disposition equal a count of every message grouped by disposition,
now read as all messages and the undelivered ones from their partial index (delivered: the rest)."""

from __future__ import annotations

from message_core_world import SECOND_ORDER, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.service_readings import read_service_readings


def _grouped(engine: Engine) -> dict[str, int]:
    m = t.messages.c
    with engine.connect() as connection:
        rows = connection.execute(select(m.disposition, func.count()).group_by(m.disposition))
        return {str(disposition): int(n) for disposition, n in rows}


def test_an_empty_database_counts_nothing(engine: Engine) -> None:
    assert read_service_readings(engine).messages_by_disposition == {} == _grouped(engine)


def test_the_counts_by_disposition_equal_the_grouped_count(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine, "Please leave us a 5-star review!", reason="other")  # blocked
    assert read_service_readings(engine).messages_by_disposition == {"blocked": 1}
    seller_sends(engine)
    seller_sends(engine, "Your parcel left our warehouse today.", order_id=SECOND_ORDER)
    buyer_sends(engine)
    readings = read_service_readings(engine).messages_by_disposition
    assert readings == _grouped(engine)
    assert readings["delivered"] >= 2
    assert readings["blocked"] >= 1
