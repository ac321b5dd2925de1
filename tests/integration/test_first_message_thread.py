"""An order's first message creates its thread with one INSERT that returns the new row (locked
as its own until the commit), not an INSERT and a second read; the row is the same, and a first
message racing another one on PostgreSQL waits, inserts nothing and reads the winner's row.
A case's opening appends its event on the driver's cursor, with the row `execute` wrote."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from message_core_world import NOW, ORDER, SECOND_ORDER, seed
from sqlalchemy import Engine, Text, cast, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.messages import Thread
from gobetween.services.ports import Event

GENESIS = "0" * 64


def _lock(uow: SqlUnitOfWork, order_id: str = ORDER) -> Thread:
    return uow.threads.lock_for_order(
        order_id, seller_id="s1", buyer_id="b1", genesis=GENESIS, now=NOW
    )


def test_the_first_message_inserts_the_thread_and_reads_it_not_again(
    engine: Engine, record_statements: Callable[[Engine], list[str]]
) -> None:
    seed(engine)
    seen = record_statements(engine)
    with SqlUnitOfWork(engine) as uow:
        created = _lock(uow)
        uow.commit()
    # The lock's read finds nothing; the insert returns the row.
    assert len(seen) == 2, seen
    assert seen[1].startswith("INSERT INTO threads")
    with SqlUnitOfWork(engine) as uow:
        assert uow.threads.find_for_order(ORDER) == created
        assert _lock(uow) == created
    assert len(seen) == 4  # the find, and the lock's one read of a thread there is
    assert created.message_count == 0
    assert created.head_hash == GENESIS
    assert created.last_message_at is None


@pytest.mark.postgres
def test_a_racing_first_message_waits_and_reads_the_thread_the_other_made(
    postgres_engine: Engine,
) -> None:
    seed(postgres_engine)
    found: list[Thread] = []
    with SqlUnitOfWork(postgres_engine) as first:
        made = _lock(first)

        def second() -> None:
            with SqlUnitOfWork(postgres_engine) as uow:
                found.append(_lock(uow))
                uow.commit()

        racing = threading.Thread(target=second)
        racing.start()
        # The second one's insert waits for this transaction's row.
        time.sleep(0.5)
        assert found == []
        first.commit()
    racing.join(timeout=10)
    assert found == [made]
    with postgres_engine.connect() as connection:
        rows = connection.execute(select(t.threads).where(t.threads.c.order_id == ORDER)).all()
    assert len(rows) == 1


def test_an_event_is_the_row_execute_wrote(engine: Engine) -> None:
    seed(engine)
    event = Event(
        kind="case.changed",
        subject_type="case",
        subject_id="7",
        actor="buyer:b1",
        data={"change": "open", "case_id": 7, "order_id": SECOND_ORDER, "note": "Grüße"},
    )
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(event, now=NOW)
        uow.commit()
    with engine.begin() as connection:
        connection.execute(
            t.events.insert().values(
                kind=event.kind,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                actor=event.actor,
                data=event.data,
                created_at=NOW,
            )
        )
        # The JSON as stored, as text: the same bytes, not only the same value.
        e = t.events.c
        rows: list[Any] = connection.execute(
            select(
                e.kind, e.subject_type, e.subject_id, e.actor, cast(e.data, Text), e.created_at
            ).order_by(e.id)
        ).all()
    ours, theirs = (tuple(row) for row in rows)
    assert ours == theirs
    with SqlUnitOfWork(engine) as uow:
        assert [stored.data for stored in uow.events.for_subject("case", "7")] == [event.data] * 2
