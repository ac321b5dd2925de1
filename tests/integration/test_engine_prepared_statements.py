"""PostgreSQL: statements stay prepared across units of work that end without a commit.

psycopg drops every prepared statement of a connection on ROLLBACK; the engine ends a
transaction that wrote nothing with COMMIT instead (engine.py), and still rolls back any
transaction that wrote or failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, exc, func, select, text

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.ports import Event

pytestmark = pytest.mark.postgres

LOOKUP = "SELECT count(*) FROM sellers WHERE id = %(id)s"


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Iterator[Engine]:
    # One pooled connection, so every checkout hands back the same server backend.
    built = build_engine(postgres_engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        yield built
    finally:
        built.dispose()


def _prepared(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        )


def _look_up_and_leave(engine: Engine) -> None:
    """A read-only unit of work that ends without commit (its connection rolled back)."""
    with engine.connect() as connection:
        connection.exec_driver_sql(LOOKUP, {"id": "nobody"}).all()


def test_a_statement_stays_prepared_across_read_only_units_of_work(pg_engine: Engine) -> None:
    for _ in range(7):  # psycopg prepares on the 5th execution
        _look_up_and_leave(pg_engine)
    assert any("FROM sellers WHERE id = $1" in statement for statement in _prepared(pg_engine))


def test_without_the_commit_a_rollback_would_have_dropped_them(pg_engine: Engine) -> None:
    # The driver's own behaviour this works around: proof that the test above could fail.
    for _ in range(7):
        _look_up_and_leave(pg_engine)
    with pg_engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert driver is not None
        driver.execute("SELECT 1")  # a transaction is open
        driver.rollback()
        left = connection.execute(text("SELECT count(*) FROM pg_prepared_statements"))
        assert left.scalar_one() == 0


def test_a_unit_of_work_that_wrote_and_did_not_commit_is_rolled_back(pg_engine: Engine) -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    with SqlUnitOfWork(pg_engine) as uow:
        uow.events.append(Event("test", "thing", "1", "tester"), now=now)
        # no commit: leaving must undo the write
    with pg_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.events)).scalar_one() == 0


def test_a_failed_transaction_is_rolled_back_and_the_connection_reused(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection, pytest.raises(exc.DataError):
        connection.execute(text("SELECT 1 / 0"))
    with pg_engine.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar_one() == 2


def test_a_committed_write_is_kept_and_later_reads_end_cleanly(pg_engine: Engine) -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    with SqlUnitOfWork(pg_engine) as uow:
        uow.events.append(Event("test", "thing", "2", "tester"), now=now)
        uow.commit()
    for _ in range(3):
        with pg_engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(t.events)).scalar_one()
            assert count == 1
            driver = connection.connection.dbapi_connection
            assert driver is not None
        # Back in the pool, the connection is outside any transaction.
        assert driver.info.transaction_status.name == "IDLE"
