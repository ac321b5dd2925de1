"""The group commit's WAL checkpoints: not inside a batch's COMMIT, after it, and bounded.

Real SQLite files in WAL mode with synchronous=FULL (engine.py), no migrations: a table of blobs
the size of a 200 kB mail's rows makes the WAL grow by about 50 pages a job.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gobetween.adapters.db import group_commit
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.group_commit import GroupCommitter

MAIL_BYTES = 200_000
PAGE = 4096


def _engine(path: Path) -> Engine:
    engine = build_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE IF NOT EXISTS mails (id INTEGER PRIMARY KEY, raw BLOB)")
        )
    return engine


def _store_mail(number: int):  # type: ignore[no-untyped-def]
    def job(shared: Engine) -> int:
        # As a unit of work does: begin, write, commit (the job's savepoint).
        with shared.connect() as connection:
            connection.begin()
            connection.execute(
                text("INSERT INTO mails (id, raw) VALUES (:id, :raw)"),
                {"id": number, "raw": os.urandom(MAIL_BYTES)},
            )
            connection.commit()
        return number

    return job


def _wal_frames(path: Path) -> int:
    """Frames in the WAL since it last started over (the writer's checkpoints have finished)."""
    connection = sqlite3.connect(path)
    try:
        # Its count of the WAL's frames; the copying it may do changes nothing the tests read.
        busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0
        return int(frames)
    finally:
        connection.close()


def _mails(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM mails").fetchone()[0])
    finally:
        connection.close()


def test_the_batches_commits_do_not_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    engine = _engine(path)
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)
    try:
        for number in range(60):
            committer.run(_store_mail(number))  # one job a batch: 60 COMMITs
        committer.close()
        # SQLite's automatic checkpoint (every 1,000 pages) would have let the WAL start over;
        # here it holds every batch: 60 mails of about 50 pages.
        assert (tmp_path / "relay.db-wal").stat().st_size > 2_500 * PAGE
        assert _wal_frames(path) > 2_500
        assert _mails(path) == 60
    finally:
        committer.close()
        engine.dispose()


def test_a_plain_commit_still_checkpoints_on_its_own(tmp_path: Path) -> None:
    """The batch's connection goes back to the pool with SQLite's automatic checkpoint."""
    path = tmp_path / "relay.db"
    engine = build_engine(f"sqlite:///{path}", pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE mails (id INTEGER PRIMARY KEY, raw BLOB)"))
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)
    try:
        committer.run(_store_mail(0))
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000
        for number in range(1, 60):
            _store_mail(number)(engine)
        assert _wal_frames(path) < 1_200
    finally:
        committer.close()
        engine.dispose()


def test_the_writer_checkpoints_after_its_batches_and_the_wal_stays_bounded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "relay.db"
    engine = _engine(path)
    committer = GroupCommitter(engine, checkpoint_interval=0.0)
    try:
        for number in range(150):  # about 7,500 pages written
            committer.run(_store_mail(number))
        committer.close()  # its last checkpoint done
        # Each batch was checkpointed after it, so the next one started the WAL over.
        assert (tmp_path / "relay.db-wal").stat().st_size < 200 * PAGE
        assert _mails(path) == 150
    finally:
        committer.close()
        engine.dispose()


def test_a_wal_kept_from_starting_over_is_restarted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader on an old snapshot stops every PASSIVE checkpoint short; once it has gone, the
    RESTART checkpoint run after the next batch lets the WAL start over."""
    monkeypatch.setattr(group_commit, "WAL_RESTART_FRAMES", 500)
    path = tmp_path / "relay.db"
    engine = _engine(path)
    committer = GroupCommitter(engine, checkpoint_interval=0.0)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        committer.run(_store_mail(0))
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM mails").fetchone()  # holds this snapshot
        for number in range(1, 30):
            committer.run(_store_mail(number))
        reader.execute("COMMIT")
        wal_size_with_reader = (tmp_path / "relay.db-wal").stat().st_size
        assert wal_size_with_reader > 1_000 * PAGE
        for number in range(30, 40):
            committer.run(_store_mail(number))
        committer.close()  # its last checkpoint done
        assert _wal_frames(path) < 200
        assert _mails(path) == 40
    finally:
        reader.close()
        committer.close()
        engine.dispose()


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from sqlalchemy import text
    from gobetween.adapters.db.engine import build_engine
    from gobetween.adapters.db.group_commit import GroupCommitter

    path = Path(sys.argv[1])
    engine = build_engine(f"sqlite:///{path}")
    committer = GroupCommitter(engine, checkpoint_interval=3600.0)

    def store(number):
        def job(shared):
            with shared.connect() as connection:
                connection.begin()
                connection.execute(
                    text("INSERT INTO mails (id, raw) VALUES (:id, :raw)"),
                    {"id": number, "raw": os.urandom(200_000)},
                )
                connection.commit()
        return job

    for number in range(40):
        committer.run(store(number))
    print("committed", flush=True)
    sys.stdin.read()  # killed here, the WAL not checkpointed
    """
)


def test_committed_batches_survive_a_killed_writer(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    _engine(path).dispose()
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout is not None
        try:
            assert writer.stdout.readline().strip() == "committed"
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    # The mails are in the WAL only (no checkpoint ran and the process never closed the
    # database); opening it again replays the WAL's committed frames.
    assert (tmp_path / "relay.db-wal").stat().st_size > 1_500 * PAGE
    assert _mails(path) == 40


class _CountedCheckpoints(GroupCommitter):
    """The group committer, counting the checkpoints it runs by mode."""

    def __init__(self, engine: Engine) -> None:
        self.modes: list[str] = []
        super().__init__(engine, checkpoint_interval=0.0)

    def _checkpoint(self, mode: str, *, busy_timeout_ms: int | None = None) -> tuple[bool, int]:
        self.modes.append(mode)
        return super()._checkpoint(mode, busy_timeout_ms=busy_timeout_ms)


def test_a_reader_that_stays_does_not_make_every_batch_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A RESTART a reader kept from finishing is not tried again until the WAL has grown by
    WAL_RESTART_FRAMES once more: otherwise each batch's turn would wait for that reader."""
    monkeypatch.setattr(group_commit, "WAL_RESTART_FRAMES", 500)
    monkeypatch.setattr(group_commit, "RESTART_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "relay.db"
    engine = _engine(path)
    committer = _CountedCheckpoints(engine)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        committer.run(_store_mail(0))
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM mails").fetchone()
        for number in range(1, 41):  # about 2,000 frames past the reader's snapshot
            committer.run(_store_mail(number))
        committer.close()
        # Past 500 frames every batch would try one; after each failed try, the next waits for
        # 500 frames more (about 10 batches): 3 or 4 tries in all.
        assert 2 <= committer.modes.count("RESTART") <= 4
        assert _mails(path) == 41
    finally:
        reader.close()
        committer.close()
        engine.dispose()
