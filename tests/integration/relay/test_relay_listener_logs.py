"""An extra relay listener process (smtp_listeners) logs as `log_format` says, like `serve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from relay_world import listener_settings, zone

from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.bootstrap import build_platform
from gobetween.entrypoints.smtp import start_listeners


def test_an_extra_listener_process_writes_json_lines(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = listener_settings(
        tmp_path / "relay.db", smtp_port=0, smtp_listeners=2, log_format="json", log_level="INFO"
    )
    platform = build_platform(settings)
    try:
        platform.migrate()
        listeners = start_listeners(
            platform, resolver=zone(generate_key(selector="s", domain="relay.test"))
        )
        port = listeners.controller.bound_port
        listeners.stop()
    finally:
        platform.close()
    # The child inherits this process's stderr. Its lines are the ones naming the bound port (this
    # process's listener was started with port 0, and other tests may have left a text handler
    # on this process's root logger).
    lines = [line for line in capfd.readouterr().err.splitlines() if f":{port} " in line]
    assert lines, "the extra listener logged nothing"
    logged = [json.loads(line) for line in lines]
    assert [(entry["level"], entry["logger"], entry["message"]) for entry in logged] == [
        ("INFO", "gobetween.entrypoints.smtp", f"SMTP listener on 127.0.0.1:{port} for @relay.test")
    ]
    assert logged[0]["time"].endswith("+00:00")
