"""What differs between SQLite and PostgreSQL for the repositories: timestamps and upserts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def utc(moment: datetime) -> datetime:
    """A timestamp as aware UTC; naive values (SQLite's) are UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    """`utc` for a column that may be NULL."""
    return None if moment is None else utc(moment)


def insert_on_conflict(connection: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT on both backends."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
