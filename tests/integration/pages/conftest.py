"""One demo server per database kind, shared by the page tests of this folder.

Loading the demo takes seconds, so the server lives for the whole module; tests that change
data act on their own orders and messages so they do not depend on each other's order.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from page_server import Served, demo_server, signed_in
from sqlalchemy import Engine, create_engine, text

from gobetween.adapters.db.engine import build_engine, normalize_url

POSTGRES_URL = os.environ.get("GOBETWEEN_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("GOBETWEEN_REQUIRE_POSTGRES", "") == "1"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`gobetween serve` on the demo marketplace, on SQLite and on PostgreSQL."""
    workdir = tmp_path_factory.mktemp(f"pages-{request.param}")
    if request.param == "sqlite":
        with demo_server(workdir, f"sqlite:///{workdir / 'gobetween.db'}") as server:
            yield server
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required here: GOBETWEEN_TEST_DATABASE_URL is not set")
        pytest.skip("GOBETWEEN_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(POSTGRES_URL))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        with demo_server(
            workdir, f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
        ) as server:
            yield server
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def workdir(served: Served) -> Path:
    return served.workdir


@pytest.fixture(scope="module")
def db(served: Served) -> Iterator[Engine]:
    engine = build_engine(served.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sign_in(served: Served) -> Iterator[Callable[[str], httpx.Client]]:
    """Sign in as a demo account; every client is closed after the test."""
    clients: list[httpx.Client] = []

    def open_session(email: str) -> httpx.Client:
        client = signed_in(served.base_url, email)
        clients.append(client)
        return client

    yield open_session
    for client in clients:
        client.close()
