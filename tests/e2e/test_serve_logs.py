"""`gobetween serve --log-format json`: every request's log line, from a real server process."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_process import GOBETWEEN, clean_environment, gobetween

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of the log, each of which must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_json_logs_carry_each_requests_id_status_duration_and_role(tmp_path: Path) -> None:
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    environ["GOBETWEEN_SMTP_ENABLED"] = "false"
    assert gobetween("migrate", environ=environ, cwd=tmp_path).returncode == 0
    created = gobetween("tokens", "create", "--role", "operator", environ=environ, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    token = re.search(r"gbt_[A-Za-z0-9_-]+", created.stdout)
    assert token is not None, created.stdout
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(GOBETWEEN), "serve", "--port", str(port), "--no-worker", "--log-format", "json"],
            env=environ,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_SECONDS
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    httpx.get(f"{base}/health", timeout=5)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "serve did not answer in time"
                    time.sleep(0.1)
            headers = {"Authorization": f"Bearer {token.group()}"}
            me = httpx.get(f"{base}/api/v1/me", headers=headers | {"X-Request-ID": "trace-me-1"})
            assert me.status_code == 200
            assert me.headers["X-Request-ID"] == "trace-me-1"
            missing = httpx.get(f"{base}/api/v1/threads/424242", headers=headers)
            assert missing.status_code == 404
            problem_id = missing.json()["request_id"]
            anonymous = httpx.get(f"{base}/api/v1/inbox")
            assert anonymous.status_code == 401
        finally:
            process.terminate()
            process.wait(30)
    lines = json_lines(log_path.read_text())
    by_id = {line["request_id"]: line for line in lines if "request_id" in line}
    assert by_id["trace-me-1"] | {"time": "", "duration_ms": 0} == {
        "time": "",
        "level": "INFO",
        "logger": "gobetween.http",
        "message": by_id["trace-me-1"]["message"],
        "request_id": "trace-me-1",
        "method": "GET",
        "path": "/api/v1/me",
        "status": 200,
        "duration_ms": 0,
        "role": "operator",
    }
    assert by_id["trace-me-1"]["duration_ms"] > 0
    assert by_id["trace-me-1"]["time"].endswith("+00:00")
    # The id in the error's body is the id of the request's log line.
    assert by_id[problem_id]["status"] == 404
    assert by_id[problem_id]["path"] == "/api/v1/threads/424242"
    unauthenticated = [line for line in lines if line.get("path") == "/api/v1/inbox"]
    assert [(line["status"], "role" in line) for line in unauthenticated] == [(401, False)]
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.slow
def test_several_web_workers_share_the_port_with_the_settings_of_the_file(
    tmp_path: Path,
) -> None:
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    assert gobetween("migrate", environ=environ, cwd=tmp_path).returncode == 0
    created = gobetween("tokens", "create", "--role", "auditor", environ=environ, cwd=tmp_path)
    token = re.search(r"gbt_[A-Za-z0-9_-]+", created.stdout)
    assert token is not None, created.stdout + created.stderr
    # Settings from a file must reach the worker processes: two requests a minute per token,
    # per process, so a burst of ten sees 429 after at most 2 x 2 answers.
    config = tmp_path / "gobetween.toml"
    config.write_text("smtp_enabled = false\napi_requests_per_minute = 2\n")
    port = free_port()
    log_path = tmp_path / "serve.log"
    command = [str(GOBETWEEN), "--config", str(config), "serve", "--port", str(port)]
    command += ["--no-worker", "--workers", "2", "--log-format", "json"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, env=environ, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_SECONDS
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "serve did not answer in time"
                time.sleep(0.1)
            headers = {"Authorization": f"Bearer {token.group()}"}
            statuses = [
                httpx.get(f"{base}/api/v1/me", headers=headers).status_code for _ in range(10)
            ]
            # `serve` serves too and spawns one web process more (multiprocessing adds its
            # resource tracker).
            workers = children_of(process.pid)
        finally:
            process.terminate()
            process.wait(30)
    assert process.returncode == 0, log_path.read_text()
    assert 2 <= len(workers) <= 3, workers
    assert set(statuses) == {200, 429}
    assert 2 <= statuses.count(200) <= 4, statuses
    requests = [line for line in json_lines_of(log_path) if line.get("path") == "/api/v1/me"]
    assert len(requests) == 10
    assert {line["role"] for line in requests if line["status"] == 200} == {"auditor"}


def json_lines_of(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a log that may also hold uvicorn's plain supervisor lines."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]
