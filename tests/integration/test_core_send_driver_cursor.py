"""DriverStatement keeps one driver cursor per pooled connection, and drops it after an error.

A new psycopg cursor per statement cost about a third of what running the prepared statement
costs the client (dialect.py `_kept_cursor`); the kept cursor must give the same rows, and a
statement that failed must not leave a broken cursor to the next unit of work.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement

MOMENT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
KEYS = ("kind", "recipient", "delivery_key", "payload", "status", "attempts")
INSERT_OUTBOX = DriverStatement(
    t.outbox.insert().returning(t.outbox.c.id),
    column_keys=(*KEYS, "available_at", "created_at"),
)
KEY_OF = DriverStatement(select(t.outbox.c.delivery_key).where(t.outbox.c.id == bindparam("id")))


def _values(key: str) -> dict[str, object]:
    return {
        "kind": "message",
        "recipient": "jo@example.com",
        "delivery_key": key,
        "payload": {},
        "status": "pending",
        "attempts": 0,
        "available_at": MOMENT,
        "created_at": MOMENT,
    }


def _cursor_of(connection: object) -> object:
    kept = connection.connection.info["gobetween.driver_cursor"]  # type: ignore[attr-defined]
    return kept[1]


def test_statements_on_one_connection_share_its_cursor_and_read_their_own_rows(
    engine: Engine,
) -> None:
    with engine.begin() as connection:
        ids = [INSERT_OUTBOX.rows(connection, _values(f"k{n}"))[0][0] for n in range(3)]
        cursor = _cursor_of(connection)
        driver = connection.connection.dbapi_connection
        keys = [KEY_OF.first(connection, {"id": id_}) for id_ in ids]
        assert _cursor_of(connection) is cursor
    assert [row.delivery_key for row in keys if row is not None] == ["k0", "k1", "k2"]
    # Back from the pool (the only connection it holds), the driver connection keeps its cursor.
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is driver
        assert KEY_OF.first(connection, {"id": ids[1]}) == ("k1",)
        assert _cursor_of(connection) is cursor


def test_a_failed_statement_leaves_no_cursor_behind(engine: Engine) -> None:
    with engine.begin() as connection:
        INSERT_OUTBOX.rows(connection, _values("taken"))
    with engine.connect() as connection:
        connection.begin()
        KEY_OF.first(connection, {"id": 1})
        failed_on = _cursor_of(connection)
        with pytest.raises(IntegrityError):
            INSERT_OUTBOX.rows(connection, _values("taken"))
        assert "gobetween.driver_cursor" not in connection.connection.info
        connection.rollback()
        # The next statement opens a fresh cursor and works.
        fresh = INSERT_OUTBOX.rows(connection, _values("free"))[0][0]
        assert _cursor_of(connection) is not failed_on
        assert KEY_OF.first(connection, {"id": fresh}) == ("free",)
        connection.commit()
