"""Database engines for SQLite (embedded, the default) and PostgreSQL (production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


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
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
