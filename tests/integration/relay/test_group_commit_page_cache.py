"""A group-commit batch keeps its changed pages in memory until its COMMIT (no spilling to the WAL).

A real SQLite file in WAL mode (engine.py), no migrations: one batch writes 4 MB of rows, twice
SQLite's default page cache, which made SQLite write pages to the WAL before the COMMIT.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.group_commit import GroupCommitter

ROWS = 40
ROW_BYTES = 100_000  # 4 MB in one batch: past SQLite's default 2 MB page cache


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "relay.db"


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{database}", pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE mails (id INTEGER PRIMARY KEY, raw BLOB)"))
    yield engine
    engine.dispose()


def _wal_bytes(database: Path) -> int:
    wal = Path(f"{database}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_batch_larger_than_the_page_cache_writes_the_wal_only_at_its_commit(
    engine: Engine, database: Path
) -> None:
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)
    before = _wal_bytes(database)

    def write_4_mb(shared: Engine) -> int:
        with shared.connect() as connection:
            connection.begin()
            connection.execute(
                text("INSERT INTO mails (id, raw) VALUES (:id, :raw)"),
                [{"id": number, "raw": os.urandom(ROW_BYTES)} for number in range(ROWS)],
            )
            connection.commit()  # the job's savepoint; the batch is not committed yet
        return _wal_bytes(database)

    try:
        wal_before_the_commit = committer.run(write_4_mb)
    finally:
        committer.close()
    assert wal_before_the_commit == before
    assert _wal_bytes(database) >= ROWS * ROW_BYTES  # the COMMIT wrote them
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM mails")).scalar_one()
        # The pooled connection got SQLite's spilling back.
        spill = connection.exec_driver_sql("PRAGMA cache_spill").scalar_one()
    assert count == ROWS
    assert spill < 1000
