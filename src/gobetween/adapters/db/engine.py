"""Database engines for SQLite (embedded, the default) and PostgreSQL (production)."""

from __future__ import annotations

import time
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

# A pooled PostgreSQL connection idle longer than this is pinged before use. `pool_pre_ping`
# would ping on every checkout: one extra round trip per unit of work, 10-20 % of a send. A
# connection in steady use has just proved itself; one back from a long rest may have been cut
# (server restart, idle timeout on a proxy), and only those pay for the check.
IDLE_PING_AFTER: Final = 10.0
# Connections older than this are replaced at checkout (also bounds a silently dead one's life).
POOL_RECYCLE: Final = 1800


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` URLs (SQLAlchemy would pick psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def build_engine(url: str, *, pool_size: int = 5, echo: bool = False) -> Engine:
    """Create an engine with the settings each backend needs to keep evidence safe.

    SQLite: WAL so readers never block the writer, foreign keys on, a busy timeout instead of
    instant "database is locked", synchronous=FULL so a committed message survives power loss, and
    `BEGIN IMMEDIATE` so a transaction takes the write lock before it reads the hash-chain head.
    """
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event decide when transactions start (pysqlite would not).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if ":memory:" not in url and make_url(url).database:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # Straight to the driver: every unit of work pays this, and `exec_driver_sql` would
            # add the whole statement machinery (events, result set-up) to a fixed string.
            connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=POOL_RECYCLE
    )
    _ping_after_idle(engine)
    _keep_prepared_statements(engine)
    return engine


def _keep_prepared_statements(engine: Engine) -> None:
    """End a transaction that wrote nothing with COMMIT, so psycopg keeps its prepared statements.

    psycopg prepares a statement on the server after its 5th execution on a connection, and
    drops every one of them (DEALLOCATE ALL, counts restarted) on each ROLLBACK. Read-only units
    of work end with a rollback (and so did the pool's reset of a connection returned inside
    one), so on a path with one of them per request nothing ever stayed prepared: every
    statement was parsed and planned again, most of a send's PostgreSQL CPU through the API.

    A transaction without a transaction id wrote nothing; COMMIT and ROLLBACK end it the same
    way (no session-level SET or NOTIFY is used inside one). Any other transaction, and one in
    an error state, is rolled back as before.
    """
    if engine.dialect.driver != "psycopg":
        return  # another driver (an explicit postgresql+psycopg2 URL) keeps its own rollback
    from psycopg.pq import TransactionStatus

    roll_back = engine.dialect.do_rollback

    def end_transaction(connection: Any) -> None:
        driver = getattr(connection, "dbapi_connection", connection)  # the pool passes its proxy
        status = driver.info.transaction_status
        if status == TransactionStatus.IDLE:
            # Nothing to end: the pool's reset of a connection returned after its COMMIT (every
            # send) would otherwise go through psycopg's rollback only to find the same.
            return
        if status == TransactionStatus.INTRANS:
            with driver.cursor() as cursor:
                cursor.execute("SELECT txid_current_if_assigned() IS NULL", prepare=True)
                row = cursor.fetchone()
            if row is not None and row[0]:
                driver.commit()
                return
        roll_back(connection)

    # An instance attribute: this engine's dialect only (SQLAlchemy calls it for every rollback,
    # the pool's reset included).
    engine.dialect.do_rollback = end_transaction  # type: ignore[method-assign,assignment]


def _ping_after_idle(engine: Engine) -> None:
    """Ping a pooled connection at checkout only when it has rested longer than IDLE_PING_AFTER.

    A dead connection raises DisconnectionError here, before any statement of the unit of work
    ran, so the pool discards it and checks out (or opens) another; the caller never sees it.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < IDLE_PING_AFTER:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(f"pooled connection failed its ping: {error}") from error
