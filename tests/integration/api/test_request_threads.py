"""How many blocking request handlers a web process runs at once (`http_request_threads`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio.to_thread
import pytest
from api_world import World, make_world
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gobetween.bootstrap.settings import Settings, SettingsError, load_settings
from gobetween.entrypoints.http.app import request_threads


def running_threads(world: World) -> float:
    """The thread limiter's size once the app's lifespan ran, as under uvicorn."""
    with TestClient(world.client.app) as running:
        portal = running.portal
        assert portal is not None
        return portal.call(_thread_tokens)


async def _thread_tokens() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


@pytest.fixture
def threads_world(
    request: pytest.FixtureRequest, engine: Engine, database_url: str, tmp_path: Path
) -> Iterator[World]:
    built = make_world(engine, database_url, tmp_path, **getattr(request, "param", {}))
    try:
        yield built
    finally:
        built.client.close()
        built.platform.close()


def test_the_default_is_four_request_threads() -> None:
    assert Settings().http_request_threads == 4
    assert load_settings(environ={}).http_request_threads == 4
    assert load_settings(environ={"GOBETWEEN_HTTP_REQUEST_THREADS": "6"}).http_request_threads == 6


def test_request_threads_must_be_positive() -> None:
    with pytest.raises(SettingsError, match="GOBETWEEN_HTTP_REQUEST_THREADS"):
        load_settings(environ={"GOBETWEEN_HTTP_REQUEST_THREADS": "0"})


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_runs_four_handlers_on_a_pool_of_eight(threads_world: World) -> None:
    assert threads_world.platform.settings.database_pool_size == 8
    assert request_threads(threads_world.platform) == 4
    assert running_threads(threads_world) == 4


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("threads_world", "expected"),
    [
        ({"http_request_threads": 6}, 6),
        # Never more handlers than pooled connections: the others would open overflow sessions.
        ({"http_request_threads": 16}, 8),
        ({"http_request_threads": 16, "database_pool_size": 12}, 12),
    ],
    indirect=["threads_world"],
)
def test_postgresql_handlers_follow_the_setting_up_to_the_pool(
    threads_world: World, expected: int
) -> None:
    assert request_threads(threads_world.platform) == expected
    assert running_threads(threads_world) == expected


def test_sqlite_keeps_as_many_handlers_as_its_pool(sqlite_world: World) -> None:
    pooled = sqlite_world.platform.engine.pool.size()  # type: ignore[attr-defined]
    assert request_threads(sqlite_world.platform) == max(4, pooled)
    assert running_threads(sqlite_world) == max(4, pooled)
