"""`http_workers`: extra web processes on http_port beside `serve`'s own (serving.py).

Real processes (spawned as `serve` spawns them), real sockets on loopback, the real app on each
database: an extra process answers the API from the same database, stops when told to, stops
when `serve` is gone (even after `kill -9`), and one that cannot start stops `serve`'s start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from gobetween.adapters.db import migrate
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine
from gobetween.bootstrap import Settings, build_platform, load_settings
from gobetween.bootstrap.settings import SettingsError
from gobetween.entrypoints.http.app import create_app
from gobetween.entrypoints.http.serving import (
    WebProcessError,
    WebServer,
    server_options,
    start_web_processes,
    stop_web_processes,
)
from gobetween.services.access import create_token

GOBETWEEN = Path(sys.executable).with_name("gobetween")
WAIT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    return load_settings(
        environ={},
        overrides={
            "database_url": database_url,
            "http_port": free_port(),
            "smtp_enabled": False,
            "delivery_folder": str(tmp_path / "delivered"),
            "attachment_folder": str(tmp_path / "attachments"),
            "log_level": "WARNING",
            **overrides,
        },
    )


def auditor_token(engine: Engine) -> str:
    with SqlAccessUnitOfWork(engine) as uow:
        token = create_token(uow, "auditor", now=datetime.now(UTC))
        uow.commit()
    return token


def answered_me(port: int, token: str) -> int:
    """The status of GET /api/v1/me on a new connection (so each may reach another process)."""
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"http://127.0.0.1:{port}/api/v1/me", headers=headers, timeout=30).status_code


def test_an_extra_web_process_answers_the_api_and_stops_when_told(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    settings = web_settings(database_url, tmp_path)
    token = auditor_token(engine)
    [(process, control)] = start_web_processes(settings, 1)
    try:
        # Only the extra process listens on this port: every answer is its.
        me = httpx.get(
            f"http://127.0.0.1:{settings.http_port}/api/v1/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert me.status_code == 200
        assert me.json()["role"] == "auditor"
        assert answered_me(settings.http_port, "gbt_not-a-token") == 401
    finally:
        stop_web_processes([(process, control)])
    assert process.exitcode == 0
    with pytest.raises(httpx.ConnectError):
        answered_me(settings.http_port, token)


def test_an_extra_web_process_stops_when_serve_is_gone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    settings = web_settings(url, tmp_path)
    engine = build_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    [(process, control)] = start_web_processes(settings, 1)
    # What the process sees when `serve` dies, even by kill -9: the pipe closes.
    control.close()
    process.join(WAIT_SECONDS)
    assert process.exitcode == 0


def test_a_web_process_that_cannot_listen_stops_the_start(tmp_path: Path) -> None:
    settings = web_settings(f"sqlite:///{tmp_path / 'web.db'}", tmp_path)
    # Bound without SO_REUSEPORT: no other socket may join this port.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", settings.http_port))
        taken.listen()
        with pytest.raises(WebProcessError, match=r"did not start: OSError"):
            start_web_processes(settings, 1)


def test_serve_and_its_extra_process_share_the_port_with_per_process_rate_limits(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # Two requests a minute per token in each process: with both answering, a burst of twenty
    # requests on new connections gets three or four 200s; one process alone would give two.
    settings = web_settings(database_url, tmp_path, http_workers=2, api_requests_per_minute=2)
    token = auditor_token(engine)
    platform = build_platform(settings)
    config = uvicorn.Config(create_app(platform), **server_options(settings))
    web = WebServer(config, settings=settings, processes=settings.http_workers)
    serving = threading.Thread(target=web.run)
    serving.start()
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not web.started:
            assert serving.is_alive()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        statuses = [answered_me(settings.http_port, token) for _ in range(20)]
        [(process, _control)] = web.extra
    finally:
        web.server.should_exit = True
        serving.join(WAIT_SECONDS)
        platform.close()
    assert set(statuses) == {200, 429}
    assert 3 <= statuses.count(200) <= 4, statuses
    # Stopping `serve`'s server stopped the extra process too.
    assert process.exitcode == 0


def process_exists(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_serve_killed_with_sigkill_leaves_no_web_process_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOBETWEEN_")}
    environ |= {
        "GOBETWEEN_DATABASE_URL": url,
        "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
        "GOBETWEEN_SMTP_ENABLED": "false",
        "GOBETWEEN_HTTP_WORKERS": "2",
        "GOBETWEEN_LOG_LEVEL": "WARNING",
    }
    migrated = subprocess.run(
        [str(GOBETWEEN), "migrate"], env=environ, cwd=tmp_path, capture_output=True, check=False
    )
    assert migrated.returncode == 0, migrated.stderr
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        serve = subprocess.Popen(
            [str(GOBETWEEN), "serve", "--port", str(port), "--no-worker"],
            env=environ,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            assert serve.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer in time"
            time.sleep(0.1)
        web_processes = [
            pid
            for pid in children_of(serve.pid)
            if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        assert len(web_processes) == 1, web_processes
    finally:
        serve.send_signal(signal.SIGKILL)
        serve.wait(WAIT_SECONDS)
    deadline = time.monotonic() + WAIT_SECONDS
    while any(process_exists(pid) for pid in web_processes):
        assert time.monotonic() < deadline, "a web process outlived serve"
        time.sleep(0.1)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_a_web_process_count_below_one_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"HTTP_WORKERS .* must be greater than 0"):
        load_settings(environ={"GOBETWEEN_HTTP_WORKERS": "0"})
