"""Group commit: many small transactions from many threads, made durable by one COMMIT.

SQLite has one writer at a time and `synchronous=FULL` makes every COMMIT wait for the disk, so
concurrent senders (API requests, SMTP sessions) each committing on their own queue behind each
other's fsync. Here one writer thread takes the jobs waiting at that moment, runs each in its own
SAVEPOINT (a failing job rolls back alone), commits the batch once, and only then answers every
job: a caller still learns of success only after its writes are durable ("250 after the commit",
"201 after the commit"), so durability is unchanged; only the fsync is shared.

A job is any function of an engine that opens its own SqlUnitOfWork on it, e.g.
`committer.run(lambda engine: send_seller_message(cmd, uow=SqlUnitOfWork(engine), ...))`.
`committer_for(engine)` gives a GroupCommitter on SQLite, and on PostgreSQL a DirectCommitter that
runs the job in the caller's thread on its own connection (PostgreSQL already merges the WAL
flushes of concurrent commits, and row locks let them overlap). The API and the relay make their
GroupCommitter on SQLite only (`entrypoints/http/api/callers.py` `write_batches`,
`entrypoints/smtp.py` `relay_committer`); on PostgreSQL their sends commit on their own.

On a SQLite file the batch's COMMIT does not checkpoint the WAL (SQLite's automatic checkpoint
would copy the WAL's pages into the database file and fsync it inside the COMMIT, every 1,000
pages: nearly every batch of 200 kB mails, before any of its callers hears back). The writer
checkpoints instead after the batch's callers are answered, at most every CHECKPOINT_INTERVAL, in
PASSIVE mode (it never waits for readers or writers). See `GroupCommitter._checkpoint_if_due`.

Each job's SAVEPOINT keeps, for its ROLLBACK TO, the first copy of every page the job changes
(SQLite's sub-journal); a 200 kB mail's job changes about 35 pages that were already in the
database (the b-tree pages its rows and indexes go into), 140 kB. SQLite writes a sub-journal of
more than 64 kB to a temporary file, two pwrite calls a page, and pays that again for every job.
The batch's connection keeps it in memory instead (`PRAGMA temp_store=MEMORY` for the batch): the
sub-journal is only ever read by a ROLLBACK TO inside the batch and is emptied when the job's
savepoint is released, so a crash loses nothing that a file would have kept.

The batch's changed pages stay in its connection's page cache until the COMMIT writes them to the
WAL, up to BATCH_SPILL_PAGES (`PRAGMA cache_spill` for the batch). SQLite's default page cache is
2 MB, less than one batch of ten 200 kB mails (~3 MB with the relay's rows and indexes): past it
SQLite wrote pages to the WAL in the middle of the batch ("spilling") and read them back when a
later job changed them again, so the kernel copied the batch's pages more often than its one
COMMIT needs. Nothing becomes durable any earlier or later: spilled frames are not committed
until the COMMIT, and the limit keeps a batch of very large mails from holding them all in memory.

A job receives an engine-like object whose `connect()` hands out the batch's connection with
`begin`/`commit`/`rollback` mapped to the job's savepoint, so the core's SqlUnitOfWork and
repositories run unchanged inside it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Final, TypeVar, cast

from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[Engine], Any]

# Enough to amortise one fsync over many messages; small enough that one batch stays short.
MAX_BATCH = 64
# The writer checkpoints the WAL after a batch when this long has passed since its last
# checkpoint: often enough that each copies about what SQLite's automatic one would (1,000 pages)
# at the relay's rates, rarely enough that small batches do not each pay the database's fsync.
CHECKPOINT_INTERVAL: Final = 0.25
# A PASSIVE checkpoint copies the WAL but the WAL only starts over from its beginning when a
# writer begins while every frame is copied and no reader is on it; with writers that follow
# each other without a pause (several listener processes) that moment may never come. A WAL of
# this many frames (about 40 MB with 4 kB pages) is restarted: the writer, inside its batch's
# turn and after answering it, runs a RESTART checkpoint, which waits for the readers.
WAL_RESTART_FRAMES: Final = 10_000
# The batch's changed pages stay in its connection's page cache up to this many (64 MiB of 4 kB
# pages) before SQLite spills them to the WAL while the jobs run (see the module's doc).
BATCH_SPILL_PAGES: Final = 16_384
# How long the RESTART checkpoint waits for readers (and another process's writer) before it
# gives up until the next batch: the relay's writers wait for this batch meanwhile.
RESTART_BUSY_TIMEOUT_MS: Final = 1000


class _SavepointConnection:
    """The batch's connection as one job sees it: its transaction is a savepoint.

    SAVEPOINT, RELEASE and ROLLBACK TO go straight to the driver: they are fixed strings run once
    per job, and SQLAlchemy's statement machinery around them cost as much as a send's own
    statements. SQLAlchemy's connection keeps seeing only the batch's transaction, which is all
    it manages here.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._active = False

    def begin(self) -> _SavepointConnection:
        self._driver("SAVEPOINT gobetween_job")
        self._active = True
        return self

    def in_transaction(self) -> bool:
        return self._active

    def commit(self) -> None:
        if self._active:
            self._active = False
            self._driver("RELEASE SAVEPOINT gobetween_job")

    def rollback(self) -> None:
        if self._active:
            self._active = False
            self._driver("ROLLBACK TO SAVEPOINT gobetween_job")
            self._driver("RELEASE SAVEPOINT gobetween_job")

    def close(self) -> None:
        # The batch owns the connection; a job only ends its savepoint.
        self.rollback()

    def _driver(self, statement: str) -> None:
        cursor = self._connection.connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()

    def __enter__(self) -> _SavepointConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class _BatchEngine:
    """What a job gets instead of the engine: connections inside the running batch."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.dialect = connection.dialect
        self.url = connection.engine.url

    def connect(self) -> _SavepointConnection:
        return _SavepointConnection(self._connection)

    def begin(self) -> _SavepointConnection:
        connection = _SavepointConnection(self._connection)
        connection.begin()
        return connection


class DirectCommitter:
    """The same interface as GroupCommitter, running each job at once in the caller's thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self, job: Callable[[Engine], T]) -> T:
        """Run `job` on the engine; its unit of work commits on its own connection."""
        return job(self.engine)

    def close(self) -> None:
        """Nothing to stop: there is no writer thread."""


def committer_for(engine: Engine) -> GroupCommitter | DirectCommitter:
    """Group commit where the database has one writer (SQLite), direct commits elsewhere."""
    if engine.dialect.name == "sqlite":
        return GroupCommitter(engine)
    return DirectCommitter(engine)


class GroupCommitter:
    """One writer thread that runs submitted jobs in batches, one COMMIT per batch."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = MAX_BATCH,
        checkpoint_interval: float = CHECKPOINT_INTERVAL,
    ) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.checkpoint_interval = checkpoint_interval
        # SQLite's PRAGMAs around a batch (the tests also run batches on PostgreSQL).
        self._sqlite = engine.dialect.name == "sqlite"
        # Only a SQLite file has a WAL (an in-memory database keeps its journal in memory).
        self._checkpoints = _is_sqlite_file(engine)
        self._last_checkpoint = time.monotonic()
        self._restart_due = False
        # The WAL's size at which a RESTART is next tried, above WAL_RESTART_FRAMES after one
        # that a reader kept from finishing.
        self._restart_backoff = 0
        self._jobs: queue.Queue[tuple[Job, Future[Any]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="group-commit", daemon=True)
        self._thread.start()

    def run(self, job: Callable[[Engine], T]) -> T:
        """Run `job` in the next batch; return its result once the batch is committed."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the group committer is closed")
            self._jobs.put((job, future))
        return cast(T, future.result())

    def close(self) -> None:
        """Finish the queued jobs, then stop the writer thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(None)
        self._thread.join()

    def _loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    following = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    stop = True
                    break
                batch.append(following)
            self._run_batch(batch)
            # After the batch and its turn (ListenerWriters' file lock is released by now): the
            # checkpoint's copying and fsync overlap the other listeners' batches.
            self._checkpoint_if_due()
            if stop:
                return

    def _run_batch(self, batch: list[tuple[Job, Future[Any]]]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self.engine.connect() as connection:
                # The jobs' sub-journals in memory and the batch's pages unspilled (see the
                # module's doc); read by SQLite when the batch's transaction begins. The pooled
                # connection gets its settings back for whoever uses it next.
                if self._sqlite:
                    (temp_store,) = _run_on_driver(connection, "PRAGMA temp_store")
                    _run_on_driver(connection, "PRAGMA temp_store=MEMORY")
                    (cache_spill,) = _run_on_driver(connection, "PRAGMA cache_spill")
                    _run_on_driver(connection, f"PRAGMA cache_spill={BATCH_SPILL_PAGES}")
                if self._checkpoints:
                    # This connection's COMMIT leaves the WAL as it is (see the module's doc).
                    (pages,) = _run_on_driver(connection, "PRAGMA wal_autocheckpoint")
                    _run_on_driver(connection, "PRAGMA wal_autocheckpoint=0")
                try:
                    transaction = connection.begin()
                    shared = cast(Engine, _BatchEngine(connection))
                    for job, future in batch:
                        try:
                            outcomes.append((future, job(shared), None))
                        except Exception as job_error:
                            outcomes.append((future, None, job_error))
                    transaction.commit()
                finally:
                    if self._checkpoints:
                        _run_on_driver(connection, f"PRAGMA wal_autocheckpoint={int(pages)}")
                    if self._sqlite:
                        _run_on_driver(connection, f"PRAGMA temp_store={int(temp_store)}")
                        _run_on_driver(connection, f"PRAGMA cache_spill={int(cache_spill)}")
        except Exception as batch_error:
            # Nothing of this batch is durable: every job fails, and its caller may retry.
            log.exception("group commit of %d jobs failed", len(batch))
            for _, future in batch:
                if not future.done():
                    future.set_exception(batch_error)
            return
        for future, result, failure in outcomes:
            if failure is not None:
                future.set_exception(failure)
            else:
                future.set_result(result)
        if self._restart_due:
            # Still inside the batch's turn (a subclass's lock around _run_batch), so the other
            # listeners' writers wait on that lock rather than in SQLite's busy handler.
            self._restart_due = False
            busy, wal_frames = self._checkpoint("RESTART", busy_timeout_ms=RESTART_BUSY_TIMEOUT_MS)
            # A reader that stayed longer than the wait would make every batch wait again: the
            # next RESTART waits until the WAL has grown by as much once more.
            self._restart_backoff = wal_frames + WAL_RESTART_FRAMES if busy else 0

    def _checkpoint_if_due(self) -> None:
        """Checkpoint the WAL (PASSIVE) when CHECKPOINT_INTERVAL has passed since the last one.

        Durability does not depend on it: a batch is durable once its COMMIT has synced the WAL,
        and a database opened after a crash replays the WAL's committed frames whether or not
        they were copied into the database file. The checkpoint only keeps the WAL short (reads
        and the file's size) and, when the WAL has grown past WAL_RESTART_FRAMES without starting
        over, asks the next batch for a RESTART checkpoint.
        """
        if not self._checkpoints:
            return
        now = time.monotonic()
        if now - self._last_checkpoint < self.checkpoint_interval:
            return
        self._last_checkpoint = now
        _, wal_frames = self._checkpoint("PASSIVE")
        if wal_frames >= max(WAL_RESTART_FRAMES, self._restart_backoff):
            self._restart_due = True

    def _checkpoint(self, mode: str, *, busy_timeout_ms: int | None = None) -> tuple[bool, int]:
        """Run `PRAGMA wal_checkpoint(mode)`; return whether a reader or writer stopped it short
        (busy) and the frames the WAL holds (0 when unknown).

        A failed checkpoint is logged and left to the next one: the batches are committed already.
        """
        try:
            with self.engine.connect() as connection:
                if busy_timeout_ms is not None:
                    # The connection's own busy timeout (engine.py) is given back afterwards.
                    (usual_timeout,) = _run_on_driver(connection, "PRAGMA busy_timeout")
                    _run_on_driver(connection, f"PRAGMA busy_timeout={busy_timeout_ms}")
                try:
                    row = _run_on_driver(connection, f"PRAGMA wal_checkpoint({mode})")
                finally:
                    if busy_timeout_ms is not None:
                        _run_on_driver(connection, f"PRAGMA busy_timeout={int(usual_timeout)}")
        except Exception:
            log.warning("WAL checkpoint (%s) failed", mode, exc_info=True)
            return True, 0
        if row is None:
            return True, 0
        busy, wal_frames, copied = row
        log.debug(
            "WAL checkpoint (%s): busy=%s frames=%s copied=%s", mode, busy, wal_frames, copied
        )
        return bool(busy), max(int(wal_frames), 0)


def _run_on_driver(connection: Connection, statement: str) -> Any:
    """Run a fixed PRAGMA on the driver (outside SQLAlchemy's transaction); its first row."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
        return cursor.fetchone()
    finally:
        cursor.close()


def _is_sqlite_file(engine: Engine) -> bool:
    url = engine.url
    if engine.dialect.name != "sqlite" or not url.database or url.database == ":memory:":
        return False
    return url.query.get("mode") != "memory"
