"""Shared fixtures: real databases (SQLite always; PostgreSQL with GOBETWEEN_TEST_DATABASE_URL).

PostgreSQL tests skip when no server is configured or reachable, unless GOBETWEEN_REQUIRE_POSTGRES=1
(set by .ci/run), in which case they fail: CI never passes without having run them.
Each test gets a fresh, fully migrated database: a new SQLite file, or a new PostgreSQL schema.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from gobetween.adapters.db import migrate
from gobetween.adapters.db.dialect import DriverStatement
from gobetween.adapters.db.engine import build_engine, normalize_url

POSTGRES_URL = os.environ.get("GOBETWEEN_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("GOBETWEEN_REQUIRE_POSTGRES", "") == "1"


def _postgres_problem() -> str | None:
    if not POSTGRES_URL:
        return "GOBETWEEN_TEST_DATABASE_URL is not set"
    try:
        probe = create_engine(normalize_url(POSTGRES_URL))
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}"
    return None


_POSTGRES_PROBLEM = _postgres_problem()


def require_postgres() -> None:
    """Skip (locally) or fail (in CI) when PostgreSQL is not available."""
    if _POSTGRES_PROBLEM is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL is required here: {_POSTGRES_PROBLEM}")
    pytest.skip(_POSTGRES_PROBLEM)


def postgres_schema_url(schema: str) -> str:
    """The test server's URL with `schema` first on the search path."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def _postgres_schema() -> Iterator[str]:
    """A new, empty PostgreSQL schema for one test, dropped afterwards; yields its URL."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(POSTGRES_URL))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _migrated(url: str) -> Iterator[Engine]:
    built = build_engine(url)
    migrate.upgrade(built)
    try:
        yield built
    finally:
        built.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of each kind: a new SQLite file or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gobetween.db'}"
        return
    with _postgres_schema() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh database of each kind."""
    with _migrated(database_url) as built:
        yield built


@pytest.fixture
def record_statements(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Engine], list[str]]]:
    """Starts keeping the SQL of every statement an engine runs, through `execute` or on the
    driver's cursor (DriverStatement), in the list it returns; stops at the test's end."""
    seen: list[str] = []
    listening: list[Engine] = []
    run_on_driver = DriverStatement._run

    def run_and_record(connection: Any, compiled: Any, params: Any, **options: Any) -> Any:
        seen.append(compiled.sql)
        return run_on_driver(connection, compiled, params, **options)

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    def start(engine: Engine) -> list[str]:
        monkeypatch.setattr(DriverStatement, "_run", staticmethod(run_and_record))
        event.listen(engine, "before_cursor_execute", record)
        listening.append(engine)
        return seen

    yield start
    for engine in listening:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated engine on a fresh SQLite file: for behaviour only SQLite has."""
    with _migrated(f"sqlite:///{tmp_path / 'gobetween.db'}") as built:
        yield built


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A migrated engine on a fresh PostgreSQL schema: for behaviour only PostgreSQL has."""
    with _postgres_schema() as url, _migrated(url) as built:
        yield built
