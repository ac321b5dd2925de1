"""On psycopg, DriverStatement sends SQL with PostgreSQL's own placeholders on a raw cursor.

psycopg's usual cursor turns named placeholders into $n on every execution and caches the
result only for statements of at most 4,096 characters; a longer one was parsed again each time.
The raw cursor takes the $n SQL as it is, whatever its length: a send converts no query at all,
and the values are the same as through SQLAlchemy's `execute`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from message_core_world import NOW, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, Integer, String, bindparam, literal_column, select, true

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement

# One bound value in three places, a literal %, a string and a timestamp read back.
_N = bindparam("n", type_=Integer)
_WORD = bindparam("word", type_=String)
_REPEATED = (
    select(
        (_N + _N).label("twice"),
        literal_column("'100%'").label("percent"),
        (_WORD + literal_column("'%s'") + _WORD).label("word"),
        bindparam("at", type_=t.orders.c.purchased_at.type).label("at"),
        bindparam("day", type_=t.seller_daily_sends.c.day.type).label("day"),
    )
    .where(_N > 0)
    .where(true())
)


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The queries psycopg converts from named placeholders, as they are converted."""
    from psycopg import _queries

    seen: list[bytes] = []
    convert = _queries.PostgresQuery.convert

    def counting(self: Any, query: Any, vars: Any) -> None:
        seen.append(query if isinstance(query, bytes) else str(query).encode())
        convert(self, query, vars)

    monkeypatch.setattr(_queries.PostgresQuery, "convert", counting)
    return seen


@pytest.mark.postgres
def test_a_send_and_a_buyer_message_convert_no_query(
    postgres_engine: Engine, converted: list[bytes]
) -> None:
    seed(postgres_engine)
    seller_sends(postgres_engine)  # the order's first message: the thread is made
    converted.clear()
    for number in range(3):
        moment = NOW + timedelta(minutes=number)
        assert buyer_sends(postgres_engine, moment=moment).disposition == "delivered"
        assert seller_sends(postgres_engine, moment=moment).disposition == "delivered"
    assert converted == []


@pytest.mark.postgres
def test_the_seller_send_is_one_statement_of_any_length(postgres_engine: Engine) -> None:
    from gobetween.adapters.db import repositories as repos

    compiled = repos._SELLER_SEND._compiled(postgres_engine.dialect)
    assert compiled.raw
    assert compiled.query == compiled.sql.encode()
    # Each name is numbered once, however often the statement uses it (the seller's id).
    assert compiled.sql.count("$1") >= 1
    assert len(compiled.names) == len(set(compiled.names))


def test_repeated_values_and_percent_signs_read_as_through_execute(engine: Engine) -> None:
    params = {
        "n": 21,
        "word": "a%b",
        "at": datetime(2026, 11, 27, 1, 2, 3, 456789, tzinfo=UTC),
        "day": date(2026, 11, 27),
    }
    ours = DriverStatement(_REPEATED)
    with engine.connect() as connection:
        expected = connection.execute(_REPEATED, params).one()
        found = ours.first(connection, params)
        missing = ours.first(connection, {**params, "n": 0})
    assert found is not None
    assert tuple(found) == tuple(expected)
    assert found.twice == 42
    assert found.percent == "100%"
    assert found.word == "a%b%sa%b"
    assert missing is None
