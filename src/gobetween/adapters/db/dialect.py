"""What differs between SQLite and PostgreSQL for the repositories: timestamps and upserts."""

from __future__ import annotations

import copy
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect


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


class DriverStatement:
    """A Core statement compiled once per dialect and run on the driver's own cursor.

    The send path runs seven small statements per message; through `Connection.execute` each costs
    about 0.05-0.1 ms of Python (cache-key generation, compiled-cache lookup, parameter processing,
    result set-up), several times what SQLite takes to run it. Here SQLAlchemy still renders the
    SQL and supplies its own type processors (timestamps as SQLite text, JSON, booleans), so the
    values stored and read are the same as through `execute`; only the per-call machinery is
    skipped. Driver errors come back as SQLAlchemy's exceptions (IntegrityError, ...), as they
    would through `execute`.

    `column_keys` names the bound columns of an INSERT or UPDATE without explicit values (as
    `execute` would derive them from the parameters' keys).

    On psycopg the SQL carries PostgreSQL's own placeholders ($1, $2, ...) and runs on a raw
    cursor, so psycopg passes it on as it is. Through its usual cursor psycopg turns named
    placeholders into $n on every execution, from a cache that keeps only statements of at most
    4,096 characters: a longer one (the seller's one read with its send facts) was parsed again
    on every send, and a shorter one still had its text encoded and hashed, and its parameters
    put in order from a dict, each time.

    `binary_results`: on psycopg, rows come in PostgreSQL's binary format. A bytea column comes
    in text form hex-escaped, twice its size, encoded by the server and decoded here: a 196 kB
    value cost 1.4-1.7 ms of the backend's CPU and 0.8-0.9 ms of this process's read that way,
    0.25-0.3 and 0.2-0.25 ms in binary. The values are the same.
    """

    __slots__ = ("_binary", "_by_dialect", "_column_keys", "_make_row", "_statement")

    def __init__(
        self,
        statement: Any,
        *,
        column_keys: Sequence[str] | None = None,
        binary_results: bool = False,
    ) -> None:
        self._statement = statement
        self._column_keys = list(column_keys) if column_keys is not None else None
        self._binary = binary_results
        self._by_dialect: dict[tuple[type[Dialect], str], _Compiled] = {}
        # Rows are named tuples, so `row.column` reads as with SQLAlchemy's Row.
        row_type: Any = namedtuple(  # type: ignore[misc]
            "DriverRow", list(statement.exported_columns.keys()), rename=True
        )
        self._make_row: Callable[[Iterable[Any]], Any] = row_type._make

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """All rows the statement returns, values as `execute` would return them."""
        compiled = self._compiled(connection.dialect)
        binary = self._binary and connection.dialect.driver == "psycopg"
        raw: list[tuple[Any, ...]] = self._run(connection, compiled, params, binary=binary)
        make, convert = self._make_row, compiled.result_processors
        if not convert:
            return [make(row) for row in raw]
        return [
            make(value if f is None else f(value) for f, value in zip(convert, row, strict=True))
            for row in raw
        ]

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any | None:
        """The first row, or None."""
        found = self.rows(connection, params)
        return found[0] if found else None

    def rowcount(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        compiled = self._compiled(connection.dialect)
        return int(self._run(connection, compiled, params, count=True))

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = (type(dialect), dialect.paramstyle)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = _Compiled.of(
                self._statement, dialect, self._column_keys
            )
        return found

    @staticmethod
    def _run(
        connection: Connection,
        compiled: _Compiled,
        params: Mapping[str, Any],
        *,
        count: bool = False,
        binary: bool = False,
    ) -> Any:
        if isinstance(connection, Connection) and not connection.in_transaction():
            connection.begin()  # what `execute` would do (autobegin)
        bound = compiled.bind(params)
        pooled = connection.connection
        dbapi_connection = pooled.dbapi_connection
        if dbapi_connection is None:  # pragma: no cover - a checked-out connection has one
            raise RuntimeError("the connection has no driver connection")
        cursor = _kept_cursor(pooled.info, dbapi_connection, raw=compiled.raw)
        try:
            if binary:
                cursor.execute(compiled.query, bound, binary=True)
            else:
                cursor.execute(compiled.query, bound)
            if count:
                return cursor.rowcount
            # Not `cursor.description`: psycopg builds an object per column for it.
            return cursor.fetchall() if compiled.returns_rows else []
        except connection.dialect.loaded_dbapi.Error as error:
            invalidated = connection.dialect.is_disconnect(error, dbapi_connection, cursor)
            # A cursor that saw an error is not reused: the next statement gets a fresh one.
            pooled.info.pop(_KEPT_CURSOR, None)
            cursor.close()
            if invalidated:
                connection.invalidate(error)
            raise exc.DBAPIError.instance(
                compiled.sql,
                bound,
                error,
                connection.dialect.loaded_dbapi.Error,
                connection_invalidated=invalidated,
                dialect=connection.dialect,
            ) from error


# Where a pooled connection keeps its driver cursor for DriverStatement (the pool record's info,
# which lives as long as the driver connection and is cleared when it is replaced).
_KEPT_CURSOR = "gobetween.driver_cursor"


def _kept_cursor(info: dict[Any, Any], dbapi_connection: Any, *, raw: bool) -> Any:
    """The driver connection's one cursor for DriverStatement, opened on first use (`raw`:
    psycopg's cursor for SQL with PostgreSQL's own placeholders).

    A new psycopg cursor per statement cost about 18 us of this process's CPU (its adapters
    map, its close), a third of what running a prepared statement costs it; a connection is
    used by one thread at a time, and every statement here fetches all its rows, so one cursor
    serves them all in turn.
    """
    kept = info.get(_KEPT_CURSOR)
    if kept is not None and kept[0] is dbapi_connection:
        return kept[1]
    if raw:
        from psycopg import RawCursor

        cursor = RawCursor(dbapi_connection)
    else:
        cursor = dbapi_connection.cursor()
    info[_KEPT_CURSOR] = (dbapi_connection, cursor)
    return cursor


_MISSING: Any = object()


class _Compiled:
    """One dialect's rendering of a statement: SQL text, parameters, type processors."""

    __slots__ = (
        "bind_processors",
        "defaults",
        "names",
        "plan",
        "positional",
        "query",
        "raw",
        "result_processors",
        "returns_rows",
        "sql",
    )

    def __init__(
        self,
        sql: str,
        names: tuple[str, ...],
        positional: bool,
        defaults: dict[str, Any],
        bind_processors: dict[str, Callable[[Any], Any]],
        result_processors: list[Callable[[Any], Any] | None],
        returns_rows: bool,
        *,
        raw: bool = False,
    ) -> None:
        self.sql = sql
        # What the driver is given: on psycopg's raw cursor the bytes it sends, encoded once.
        self.raw = raw
        self.query: str | bytes = sql.encode() if raw else sql
        self.returns_rows = returns_rows
        self.names = names
        self.positional = positional
        self.defaults = defaults
        self.bind_processors = bind_processors
        self.result_processors = result_processors
        # Per parameter in the SQL's order: its name, processor and default, looked up once.
        self.plan = tuple(
            (name, bind_processors.get(name), defaults.get(name, _MISSING)) for name in names
        )

    @classmethod
    def of(cls, statement: Any, dialect: Dialect, column_keys: list[str] | None) -> _Compiled:
        raw = dialect.driver == "psycopg"
        compiled = statement.compile(
            dialect=_numbered_placeholders(dialect) if raw else dialect, column_keys=column_keys
        )
        binds: dict[str, Callable[[Any], Any]] = {}
        defaults: dict[str, Any] = {}
        for name, bind in compiled.binds.items():
            processor = _bind_processor(bind.type.dialect_impl(dialect), dialect)
            if processor is not None:
                binds[name] = processor
            if not bind.required:
                defaults[name] = bind.effective_value
        results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.exported_columns
        ]
        positional = compiled.positiontup is not None
        names = tuple(compiled.positiontup) if positional else tuple(compiled.binds)
        return cls(
            str(compiled),
            names,
            positional,
            defaults,
            binds,
            results if any(f is not None for f in results) else [],
            bool(results),
            raw=raw,
        )

    def bind(self, params: Mapping[str, Any]) -> Any:
        """The driver's parameters: SQLAlchemy's bind processors applied, in the SQL's order."""
        get = params.get
        values = [
            get(name, default) if processor is None else processor(get(name, default))
            for name, processor, default in self.plan
        ]
        if _MISSING in values:
            missing = [
                name for name, value in zip(self.names, values, strict=True) if value is _MISSING
            ]
            raise KeyError(f"no value for the bound parameter(s) {', '.join(missing)}")
        if self.positional:
            return tuple(values)
        return dict(zip(self.names, values, strict=True))


def _numbered_placeholders(dialect: Dialect) -> Dialect:
    """`dialect` rendering PostgreSQL's own placeholders ($1, $2, ...), each name numbered once
    (a value bound in several places is sent once), for psycopg's raw cursor."""
    numbered = copy.copy(dialect)
    numbered.paramstyle = "numeric_dollar"
    numbered.positional = True
    # The preparer doubles a literal % for the format paramstyles; $n needs no escaping.
    numbered.identifier_preparer = numbered.preparer(numbered)
    return numbered


def _bind_processor(type_impl: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's bind processor of `type_impl`, or a faster one that gives the same values."""
    processor: Callable[[Any], Any] | None = type_impl.bind_processor(dialect)
    if (
        processor is not None
        and isinstance(type_impl, sqlite.DATETIME)
        and type_impl._storage_format == sqlite.DATETIME._storage_format
    ):
        return _sqlite_datetime_text(processor)
    return processor


def _sqlite_datetime_text(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's timestamp text as SQLAlchemy's default storage format writes it.

    A send binds six timestamps; SQLAlchemy's processor fills a %-format from a dict of seven
    fields (~5-6 us each), `isoformat` writes the same "YYYY-MM-DD HH:MM:SS.ffffff" in about half
    the time. Its first 26 characters are exactly that text (years are always four digits, the
    microseconds always six); a zone's offset follows them and is cut, as SQLAlchemy writes an
    aware value's own fields without it. Anything else (a date, a subclass) goes to SQLAlchemy.
    """

    def process(value: Any) -> Any:
        if type(value) is datetime:
            return value.isoformat(" ", "microseconds")[:26]
        return fallback(value)

    return process
