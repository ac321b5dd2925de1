"""DriverStatement: the send path's statements on the driver's cursor store and read exactly what
SQLAlchemy's `execute` would, on both databases, and fail with the same exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import relay_tables as rt
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement

MOMENT = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
OUTBOX_KEYS = ("kind", "recipient", "delivery_key", "payload", "status", "attempts")
INSERT_OUTBOX = DriverStatement(
    t.outbox.insert().returning(t.outbox.c.id),
    column_keys=(*OUTBOX_KEYS, "available_at", "created_at"),
)
OUTBOX_ROW = DriverStatement(select(t.outbox).where(t.outbox.c.id == bindparam("key")))


def outbox_values(key: str) -> dict[str, object]:
    return {
        "kind": "message",
        "recipient": "jo@example.com",
        "delivery_key": key,
        "payload": {"subject": "Grüße", "attachments": [{"size": 3}]},
        "status": "pending",
        "attempts": 0,
        "available_at": MOMENT,
        "created_at": MOMENT,
    }


def test_rows_written_and_read_match_sqlalchemys_own(engine: Engine) -> None:
    with engine.begin() as connection:
        [(driver_id,)] = INSERT_OUTBOX.rows(connection, outbox_values("by-driver"))
        core_id = connection.execute(
            t.outbox.insert().returning(t.outbox.c.id), outbox_values("by-core")
        ).scalar_one()
    with engine.connect() as connection:
        by_driver = OUTBOX_ROW.first(connection, {"key": driver_id})
        by_core = connection.execute(select(t.outbox).where(t.outbox.c.id == core_id)).one()
        core_as_driver = OUTBOX_ROW.first(connection, {"key": core_id})
    # The row SQLAlchemy wrote reads the same both ways, column by column.
    assert core_as_driver is not None
    assert tuple(core_as_driver) == tuple(by_core)
    assert by_driver is not None
    assert by_driver.payload == {"subject": "Grüße", "attachments": [{"size": 3}]}
    assert by_driver.available_at.replace(tzinfo=UTC) == MOMENT
    assert by_driver.claimed_until is None
    differing = {
        name
        for name, a, b in zip(by_driver._fields, by_driver, core_as_driver, strict=True)
        if a != b
    }
    assert differing == {"id", "delivery_key"}


def test_a_constraint_violation_is_sqlalchemys_integrity_error(engine: Engine) -> None:
    with engine.begin() as connection:
        INSERT_OUTBOX.rows(connection, outbox_values("twice"))
    with (
        engine.connect() as connection,
        pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"),
    ):
        INSERT_OUTBOX.rows(connection, outbox_values("twice"))


def test_a_missing_parameter_is_named(engine: Engine) -> None:
    with engine.connect() as connection, pytest.raises(KeyError, match="key"):
        OUTBOX_ROW.first(connection, {})


def test_timestamps_are_bound_as_sqlalchemys_own_processor_writes_them() -> None:
    dialect = sqlite.dialect()
    ours = DriverStatement(select(t.outbox.c.id).where(t.outbox.c.created_at == bindparam("at")))
    compiled = ours._compiled(dialect)
    sqlalchemys = t.outbox.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert sqlalchemys is not None
    moments: list[object] = [
        MOMENT,
        MOMENT.replace(microsecond=0),
        MOMENT.replace(tzinfo=None),
        MOMENT.astimezone(timezone(timedelta(hours=5, minutes=30))),
        MOMENT.astimezone(timezone(timedelta(hours=-11))),
        datetime(1, 1, 1),
        datetime(999, 2, 3, 4, 5, 6, 7, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999),
        date(2026, 11, 26),
        None,
    ]
    for moment in moments:
        assert compiled.bind({"at": moment}) == (sqlalchemys(moment),), moment


def test_binary_results_read_the_same_row_as_execute(engine: Engine) -> None:
    """Rows in PostgreSQL's binary format (bytea not hex-escaped): same values, every type."""
    data = bytes(range(256)) * 800
    with engine.begin() as connection:
        connection.execute(
            rt.relay_outbound.insert().values(
                delivery_key="k1",
                header_id="<a@b>",
                sender="s@example.com",
                data=data,
                created_at=MOMENT,
            )
        )
    of_key = select(rt.relay_outbound).where(rt.relay_outbound.c.delivery_key == bindparam("key"))
    with engine.connect() as connection:
        [binary] = DriverStatement(of_key, binary_results=True).rows(connection, {"key": "k1"})
        expected = connection.execute(of_key, {"key": "k1"}).one()
    assert tuple(binary) == tuple(expected)
    assert bytes(binary.data) == data
