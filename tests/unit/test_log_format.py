"""The log_format setting and the JSON and text lines it selects."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from gobetween.bootstrap.settings import SettingsError, load_settings
from gobetween.entrypoints.log_format import JsonLines, TextLines, configure_logging


def record(message: str, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("gobetween.test", logging.WARNING, __file__, 1, message, (), None)
    made.__dict__.update(extra)
    return made


def test_log_format_comes_from_toml_environment_and_command_line(tmp_path: Path) -> None:
    assert load_settings(environ={}).log_format == "text"
    config = tmp_path / "gobetween.toml"
    config.write_text('log_format = "json"\n')
    assert load_settings(environ={}, config_file=config).log_format == "json"
    from_env = load_settings(environ={"GOBETWEEN_LOG_FORMAT": "json"})
    assert from_env.log_format == "json"
    overridden = load_settings(
        environ={"GOBETWEEN_LOG_FORMAT": "json"}, overrides={"log_format": "text"}
    )
    assert overridden.log_format == "text"


def test_an_unknown_log_format_is_refused_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"GOBETWEEN_LOG_FORMAT.*one of text, json.*'xml'"):
        load_settings(environ={"GOBETWEEN_LOG_FORMAT": "xml"})
    with pytest.raises(ValueError, match="one of text, json"):
        configure_logging("INFO", "yaml")


def test_a_json_line_holds_the_request_fields_and_the_traceback() -> None:
    try:
        raise RuntimeError("disk full")
    except RuntimeError as error:
        failing = record("request failed: %s", request_id="r-1", status=500, role="seller")
        failing.args = ("boom",)
        failing.exc_info = (type(error), error, error.__traceback__)
    line = json.loads(JsonLines().format(failing))
    assert line["message"] == "request failed: boom"
    assert (line["level"], line["logger"]) == ("WARNING", "gobetween.test")
    assert (line["request_id"], line["status"], line["role"]) == ("r-1", 500, "seller")
    assert "RuntimeError: disk full" in line["exception"]
    assert "method" not in line


def test_a_text_line_ends_with_the_request_id_only_for_requests() -> None:
    plain = TextLines().format(record("worker started"))
    assert plain.endswith("WARNING gobetween.test worker started")
    request = TextLines().format(
        record("GET /api/v1/me 200 1.2 ms", request_id="abc", role="buyer")
    )
    assert request.endswith("GET /api/v1/me 200 1.2 ms request_id=abc role=buyer")
