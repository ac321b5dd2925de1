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

A job receives an engine-like object whose `connect()` hands out the batch's connection with
`begin`/`commit`/`rollback` mapped to the job's savepoint, so the core's SqlUnitOfWork and
repositories run unchanged inside it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[Engine], Any]

# Enough to amortise one fsync over many messages; small enough that one batch stays short.
MAX_BATCH = 64


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

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
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
            if stop:
                return

    def _run_batch(self, batch: list[tuple[Job, Future[Any]]]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self.engine.connect() as connection:
                transaction = connection.begin()
                shared = cast(Engine, _BatchEngine(connection))
                for job, future in batch:
                    try:
                        outcomes.append((future, job(shared), None))
                    except Exception as job_error:
                        outcomes.append((future, None, job_error))
                transaction.commit()
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
