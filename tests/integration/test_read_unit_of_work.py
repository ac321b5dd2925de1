"""Read-only units of work: on SQLite they neither take nor wait for the write lock, read one
snapshot, and cannot write; on PostgreSQL they are READ ONLY transactions."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from gobetween.adapters.db.read_engine import build_read_only_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.bootstrap import build_platform, load_settings
from gobetween.domain.parties import Buyer

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def add_buyer(uow: SqlUnitOfWork, ident: str) -> None:
    uow.buyers.upsert(Buyer(ident, "Jo Doe", f"{ident}@example.com", "en"), now=NOW)


def test_a_read_does_not_wait_for_a_writer_and_sees_only_committed_state(engine: Engine) -> None:
    reader = build_read_only_engine(engine)
    try:
        with SqlUnitOfWork(engine) as writing:
            add_buyer(writing, "committed")
            writing.commit()
        with SqlUnitOfWork(engine) as writer:
            # The writer holds SQLite's write lock (BEGIN IMMEDIATE) with an uncommitted row.
            add_buyer(writer, "pending")
            began = time.perf_counter()
            with SqlUnitOfWork(reader) as reading:
                committed = reading.buyers.find("committed")
                pending = reading.buyers.find("pending")
            waited = time.perf_counter() - began
        assert committed is not None
        assert pending is None
        # Far below the 30 s busy timeout a lock wait would have run into.
        assert waited < 5
    finally:
        if reader.pool is not engine.pool:
            reader.dispose()


def test_one_read_unit_of_work_reads_one_snapshot(engine: Engine) -> None:
    reader = build_read_only_engine(engine)
    try:
        with SqlUnitOfWork(reader) as reading:
            assert reading.buyers.find("late") is None
            with SqlUnitOfWork(engine) as writer:
                add_buyer(writer, "late")
                writer.commit()
            seen_inside = reading.buyers.find("late")
        with SqlUnitOfWork(reader) as again:
            seen_after = again.buyers.find("late")
        if engine.dialect.name == "sqlite":
            # The snapshot began with the first read (BEGIN DEFERRED).
            assert seen_inside is None
        assert seen_after is not None
    finally:
        if reader.pool is not engine.pool:
            reader.dispose()


def test_a_write_through_the_read_only_engine_fails(engine: Engine) -> None:
    reader = build_read_only_engine(engine)
    # SQLite: "attempt to write a readonly database"; PostgreSQL: "cannot execute INSERT in a
    # read-only transaction".
    refusal = "readonly" if engine.dialect.name == "sqlite" else "read-only transaction"
    try:
        with SqlUnitOfWork(reader) as reading, pytest.raises(DBAPIError, match=refusal):
            add_buyer(reading, "nope")
    finally:
        if reader.pool is not engine.pool:
            reader.dispose()
    with SqlUnitOfWork(engine) as checking:
        assert checking.buyers.find("nope") is None
    # The pool's connections are writable again for the writing engine.
    with SqlUnitOfWork(engine) as writing:
        add_buyer(writing, "yes")
        writing.commit()
    with SqlUnitOfWork(engine) as checking:
        assert checking.buyers.find("yes") is not None


def test_the_platform_hands_out_read_units_of_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'platform.db'}"
    platform = build_platform(
        load_settings(
            environ={
                "GOBETWEEN_DATABASE_URL": url,
                "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
                "GOBETWEEN_ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
            }
        )
    )
    try:
        platform.migrate()
        with platform.unit_of_work() as writing:
            add_buyer(writing, "b1")
            writing.commit()
        assert platform.read_engine is not platform.engine
        with platform.read_unit_of_work() as reading:
            assert reading.buyers.find("b1") is not None
    finally:
        platform.close()


@pytest.mark.postgres
def test_the_pool_size_setting_sizes_the_postgres_pool(
    tmp_path: Path, postgres_engine: Engine
) -> None:
    url = postgres_engine.url.render_as_string(hide_password=False)
    platform = build_platform(
        load_settings(
            environ={
                "GOBETWEEN_DATABASE_URL": url,
                "GOBETWEEN_DATABASE_POOL_SIZE": "7",
                "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
                "GOBETWEEN_ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
            }
        )
    )
    try:
        pool = platform.engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 7
        # The read-only engine shares the pool, so it does not open a second set of connections.
        assert platform.read_engine.pool is pool
    finally:
        platform.close()
