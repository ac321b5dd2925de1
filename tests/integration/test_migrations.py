"""The one set of migrations runs up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from gobetween.adapters.db import migrate
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
