"""`gobetween worker` logs as `log_format` says: JSON lines, from a real worker process."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from cli_process import GOBETWEEN, clean_environment, gobetween

START_SECONDS = 60.0


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every non-empty line of the log, each of which must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_long_running_worker_writes_json_lines(tmp_path: Path) -> None:
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    assert gobetween("migrate", environ=environ, cwd=tmp_path).returncode == 0
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(GOBETWEEN), "worker", "--workers", "1", "--log-format", "json"],
            env=environ,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while "started" not in log_path.read_text():
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the worker logged nothing in time"
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(30)
    assert process.returncode == 0, log_path.read_text()
    lines = json_lines(log_path.read_text())
    logged = [
        (line["level"], line["logger"], line["message"].split()[-1])
        for line in lines
        if line["message"].startswith("delivery worker ")
    ]
    # Stopped by SIGTERM: the stop is logged the same way as the start.
    assert logged == [
        ("INFO", "gobetween.entrypoints.delivery_worker", "started"),
        ("INFO", "gobetween.entrypoints.delivery_worker", "stopped"),
    ]
    assert all(line["time"].endswith("+00:00") for line in lines)


def test_worker_once_follows_the_log_format_setting(tmp_path: Path) -> None:
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    assert gobetween("migrate", environ=environ, cwd=tmp_path).returncode == 0
    as_json = gobetween(
        "worker", "--once", environ=environ | {"GOBETWEEN_LOG_FORMAT": "json"}, cwd=tmp_path
    )
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.strip() == "delivered 0"
    assert {
        (line["level"], line["logger"], line["message"]) for line in json_lines(as_json.stderr)
    } >= {("INFO", "gobetween.entrypoints.cli.worker", "delivered 0 due outbox rows")}
    as_text = gobetween("worker", "--once", environ=environ, cwd=tmp_path)
    assert as_text.returncode == 0, as_text.stderr
    assert " INFO gobetween.entrypoints.cli.worker delivered 0 due outbox rows" in as_text.stderr
    assert not as_text.stderr.lstrip().startswith("{")


def test_an_unknown_log_format_is_refused_naming_the_setting(tmp_path: Path) -> None:
    environ = clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)
    refused = gobetween("worker", "--once", "--log-format", "yaml", environ=environ, cwd=tmp_path)
    assert refused.returncode != 0
    assert "log_format" in refused.stderr
