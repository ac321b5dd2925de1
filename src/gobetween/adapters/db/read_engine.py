"""An engine for reads that never take SQLite's write lock, beside the writing engine.

`build_engine` starts every SQLite transaction with `BEGIN IMMEDIATE` (the writer must hold the
lock before it reads the hash-chain head). A pure lookup does not need that lock, and taking it
queues the lookup behind whatever is being written: with group commit, behind a whole batch and
its fsync. In WAL mode readers never block the writer nor wait for it, so lookups that only
decide what to answer (is this alias known, was this mail seen) read through this engine instead.
Each statement reads the newest committed state; nothing here may write (`query_only`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event


def build_read_engine(engine: Engine) -> Engine:
    """A read-only engine on the same database; PostgreSQL's engine is returned as it is."""
    if engine.dialect.name != "sqlite":
        # PostgreSQL reads take no lock that writers wait for: the pool serves both.
        return engine
    reader = create_engine(engine.url, connect_args={"timeout": 30})

    @event.listens_for(reader, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit: no BEGIN, so every SELECT is its own short read snapshot.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return reader


def build_read_only_engine(engine: Engine) -> Engine:
    """An engine for read-only units of work: one snapshot per transaction, no write lock.

    Where `build_read_engine` reads each statement on its own, a unit of work that reads several
    things that must agree (a thread and its messages, a page's counts) needs them from one
    snapshot. On SQLite its transactions begin DEFERRED, which in WAL mode is a read snapshot
    that neither takes the write lock nor waits for it (the writing engine's `BEGIN IMMEDIATE`
    would queue every page read behind the writers and a group commit's fsync); `query_only`
    makes any write through it fail at once. On PostgreSQL, whose reads take no lock that writers
    wait for, it is a view of the same pool (one `dispose` for both) whose transactions begin
    READ ONLY (psycopg's `read_only`, sent with the BEGIN: no extra round trip), so a write
    through it fails there too.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True)
    if engine.dialect.name != "sqlite":
        return engine
    reader = create_engine(engine.url, connect_args={"timeout": 30})

    @event.listens_for(reader, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's begin event decides when transactions start (pysqlite would not).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(reader, "begin")
    def _on_begin(connection: Any) -> None:
        connection.connection.dbapi_connection.execute("BEGIN DEFERRED")

    return reader
