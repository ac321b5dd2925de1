"""A delivered row's "done" mark (a statement built once, run on the driver's cursor) writes
what the statement built per call through Connection.execute wrote, on SQLite and PostgreSQL,
and only for the worker that holds the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine, select, update

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import utc
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.ports import OutboxItem

NOW = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
LATER = datetime(2026, 11, 27, 11, 0, 1, 654321, tzinfo=timezone(timedelta(hours=1)))


def _settled(engine: Engine, item_id: int) -> tuple[object, ...]:
    with engine.connect() as connection:
        row = connection.execute(
            select(
                t.outbox.c.status,
                t.outbox.c.finished_at,
                t.outbox.c.claimed_until,
                t.outbox.c.claimed_by,
            ).where(t.outbox.c.id == item_id)
        ).one()
    return tuple(row)


def test_the_done_mark_is_what_execute_wrote(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        marked, by_execute = (
            uow.outbox.add(OutboxItem("message", "r@example.com", key, {}), now=NOW)
            for key in ("k-1", "k-2")
        )
        uow.outbox.claim(worker="w1", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=5)
        assert uow.outbox.mark_done(marked, worker="w2", now=LATER) is False
        assert uow.outbox.mark_done(marked, worker="w1", now=LATER) is True
        assert uow.outbox.mark_done(marked, worker="w1", now=LATER) is False
        uow.commit()
    with engine.begin() as connection:
        # The statement mark_done ran before, through execute.
        connection.execute(
            update(t.outbox)
            .where(
                t.outbox.c.id == by_execute,
                t.outbox.c.claimed_by == "w1",
                t.outbox.c.status == "pending",
            )
            .values(status="done", finished_at=utc(LATER), claimed_until=None)
        )
    assert _settled(engine, marked) == _settled(engine, by_execute)
    status, finished_at, claimed_until, _ = _settled(engine, marked)
    assert (status, claimed_until) == ("done", None)
    assert isinstance(finished_at, datetime)
    assert utc(finished_at) == LATER
