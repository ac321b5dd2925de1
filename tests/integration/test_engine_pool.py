"""The PostgreSQL pool: no ping per unit of work, yet a connection cut while idle is replaced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, text

from gobetween.adapters.db import engine as engine_module
from gobetween.adapters.db.engine import build_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Iterator[Engine]:
    # One pooled connection, so every checkout hands back the same server backend.
    built = build_engine(postgres_engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        yield built
    finally:
        built.dispose()


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(*args: object) -> None:
        seen.append(str(args[2]))

    return seen


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_busy_connection_is_not_pinged(pg_engine: Engine) -> None:
    first = _backend_pid(pg_engine)
    seen = _statements(pg_engine)
    for _ in range(3):
        assert _backend_pid(pg_engine) == first
    # Only our own statements reached the server: no ping per checkout.
    assert seen == ["SELECT pg_backend_pid()"] * 3


def test_a_connection_cut_while_idle_is_replaced_unseen(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = _backend_pid(pg_engine)
    admin = build_engine(str(pg_engine.url.render_as_string(hide_password=False)))
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": victim}
            ).scalar_one()
            connection.commit()
        assert killed is True
    finally:
        admin.dispose()
    # The pooled connection now looks idle for long enough to be checked before use.
    monkeypatch.setattr(engine_module, "IDLE_PING_AFTER", 0.0)
    replacement = _backend_pid(pg_engine)
    assert replacement != victim
