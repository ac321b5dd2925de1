"""The group commit's savepoints keep their sub-journals in memory, and still roll back alone.

Real SQLite files in WAL mode (engine.py), no migrations: a job that rewrites a table of
existing rows changes far more than the 64 kB that SQLite keeps in memory by default before it
writes a sub-journal to a temporary file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.group_commit import GroupCommitter

ROWS = 400
ROW_BYTES = 1_000  # 400 kB of existing pages, rewritten by one job


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'relay.db'}", pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        connection.execute(
            text("INSERT INTO notes (id, body) VALUES (:id, :body)"),
            [{"id": number, "body": "a" * ROW_BYTES} for number in range(ROWS)],
        )
    yield engine
    engine.dispose()


def _temp_store(shared: Engine) -> int:
    with shared.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA temp_store").scalar_one())


def test_a_batch_keeps_its_sub_journals_in_memory_and_gives_the_setting_back(
    engine: Engine,
) -> None:
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)
    try:
        assert committer.run(_temp_store) == 2  # MEMORY
    finally:
        committer.close()
    # pool_size=1: the batch's connection, back in the pool with SQLite's default.
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA temp_store").scalar_one() == 0


def test_a_failing_job_that_changed_many_pages_rolls_back_alone(engine: Engine) -> None:
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)
    holding = threading.Event()
    release = threading.Event()

    def hold_the_writer(shared: Engine) -> None:
        holding.set()
        release.wait(30)

    def rewrite_every_note_then_fail(shared: Engine) -> None:
        with shared.connect() as connection:
            connection.begin()
            connection.execute(text("UPDATE notes SET body = :body"), {"body": "b" * ROW_BYTES})
            raise ValueError("fails after rewriting every note")

    def add_a_note(shared: Engine) -> int:
        with shared.connect() as connection:
            connection.begin()
            connection.execute(text("INSERT INTO notes (id, body) VALUES (:id, 'c')"), {"id": ROWS})
            connection.commit()
        return ROWS

    try:
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(committer.run, hold_the_writer)
            assert holding.wait(30)
            # Both wait in the queue meanwhile: the writer's next batch holds the two of them.
            failing = pool.submit(committer.run, rewrite_every_note_then_fail)
            adding = pool.submit(committer.run, add_a_note)
            deadline = time.monotonic() + 30
            while committer._jobs.qsize() < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            release.set()
            first.result(30)
            with pytest.raises(ValueError, match="fails after rewriting"):
                failing.result(30)
            assert adding.result(30) == ROWS
    finally:
        release.set()
        committer.close()
    with engine.connect() as connection:
        bodies = dict(
            connection.execute(text("SELECT body, count(*) FROM notes GROUP BY body")).all()
        )
    assert bodies == {"a" * ROW_BYTES: ROWS, "c": 1}
