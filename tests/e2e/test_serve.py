"""`gobetween serve` as a real process: health over real HTTP, the delivery worker, clean stop."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_process import GOBETWEEN, clean_environment, gobetween
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.cli import app
from gobetween.entrypoints.http.app import create_app

pytestmark = pytest.mark.skipif(
    not GOBETWEEN.exists(), reason="the console script is not installed"
)

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, Path, subprocess.Popen[str]]]:
    """A migrated SQLite database with the demo loaded, served on free loopback ports."""
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    assert gobetween("migrate", environ=environ, cwd=tmp_path).returncode == 0
    demo = gobetween("demo", environ=environ, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    environ["GOBETWEEN_SMTP_PORT"] = str(free_port())
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [str(GOBETWEEN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", int(environ["GOBETWEEN_SMTP_PORT"]), tmp_path, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()


def wait_for_health(base: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "gobetween serve exited early"
        try:
            return httpx.get(f"{base}/health", timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {base}/health within {START_SECONDS} s")


@pytest.mark.slow
def test_serve_answers_health_and_smtp_delivers_the_outbox_and_stops_cleanly(
    served: tuple[str, int, Path, subprocess.Popen[str]],
) -> None:
    base, smtp_port, workdir, process = served
    response = wait_for_health(base, process)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]
    # The mail relay listens in the same process.
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as relay:
        code, _ = relay.noop()
    assert code == 250
    # The worker in the same process drains the demo's outbox into the delivery folder.
    delivered = workdir / "delivered"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and len(list(delivered.glob("*.eml"))) < 10:
        time.sleep(0.2)
    assert len(list(delivered.glob("*.eml"))) >= 10
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    log = (workdir / "serve.log").read_text()
    assert "Uvicorn running on" in log
    assert re.search(r"delivery worker \S+ stopped", log), log


def test_serve_refuses_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("GOBETWEEN_")]:
        monkeypatch.delenv(name)
    environ = clean_environment(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    result = CliRunner().invoke(app, ["serve", "--port", str(free_port())], env=environ)
    assert result.exit_code == 1
    assert "needs migrating (run: gobetween migrate)" in result.stderr


def test_health_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here
    settings = load_settings(
        environ={},
        overrides={"database_url": f"postgresql://nobody@127.0.0.1:{port}/none"},
    )
    platform = build_platform(settings)
    try:
        with TestClient(create_app(platform)) as client:
            response = client.get("/health")
    finally:
        platform.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"].startswith("unreachable: ")
    assert "\n" not in body["database"]
