"""Fixtures for the API tests: the marketplace of api_world.py on each database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_world import World, make_world
from sqlalchemy import Engine


@pytest.fixture
def world(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[World]:
    """The marketplace on SQLite and on PostgreSQL."""
    built = make_world(engine, database_url, tmp_path)
    try:
        yield built
    finally:
        built.client.close()
        built.platform.close()


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    """The marketplace on SQLite only: for the many tests that need no second database."""
    from gobetween.adapters.db import migrate
    from gobetween.adapters.db.engine import build_engine

    url = f"sqlite:///{tmp_path / 'api.db'}"
    engine = build_engine(url)
    migrate.upgrade(engine)
    built = make_world(engine, url, tmp_path)
    try:
        yield built
    finally:
        built.client.close()
        built.platform.close()
        engine.dispose()
