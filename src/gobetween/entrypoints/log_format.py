"""How the processes log: one line per event on stderr, as text or as JSON (`log_format`).

Text is for people at a terminal; JSON lines are for a log collector (Loki, Elasticsearch,
journald with a JSON parser): every line is one object with `time` (UTC, ISO 8601), `level`,
`logger` and `message`, plus, for a web request, `request_id`, `method`, `path`, `status`,
`duration_ms` and `role` (the caller's, when a token said who called), and `exception` with the
traceback when there is one. The standard library's formatter is enough for this; a logging
framework would only add a dependency.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final, TextIO

LOG_FORMATS: Final = ("text", "json")
# The fields a request's log line carries (entrypoints/http/observability.py), in this order.
REQUEST_FIELDS: Final = ("request_id", "method", "path", "status", "duration_ms", "role")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    """The usual text line; a request's line ends with its request id and the caller's role."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            return line
        role = getattr(record, "role", None)
        return f"{line} request_id={request_id}" + (f" role={role}" if role else "")


class CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes each record to `sys.stderr` as it is when the record is logged.

    A command run inside another program (a test's CliRunner, an embedding process) may be given
    a stderr that is closed when it returns; a handler holding that stream would fail on every
    later record. In a process of its own, stderr never changes and this is a StreamHandler.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass  # always the current stderr


def configure_logging(level: str, log_format: str) -> None:
    """Send every logger's records to stderr at `level`, formatted as `log_format` says."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}; got {log_format!r}")
    handler = CurrentStderr()
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
