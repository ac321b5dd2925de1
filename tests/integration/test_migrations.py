"""The one set of migrations runs up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

# Each feature's tables register themselves on the shared metadata when imported.
from gobetween.adapters.db import access_tables as access_tables
from gobetween.adapters.db import case_tables as case_tables
from gobetween.adapters.db import migrate
from gobetween.adapters.db import relay_tables as relay_tables
from gobetween.adapters.db import spapi_tables as spapi_tables
from gobetween.adapters.db import web_tables as web_tables
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.tables import metadata


def test_upgrade_creates_every_table_and_downgrade_removes_them(database_url: str) -> None:
    engine: Engine = build_engine(database_url)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert not set(metadata.tables) & set(inspect(engine).get_table_names())
    engine.dispose()


def test_migrated_schema_matches_the_table_declarations(database_url: str) -> None:
    # The migrations create the schema; the *_tables.py modules declare it for the queries. An
    # index, column or type added to one and not the other shows up here as a difference.
    engine: Engine = build_engine(database_url)
    migrate.upgrade(engine)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert differences == []
    finally:
        migrate.downgrade(engine, "base")
        engine.dispose()
