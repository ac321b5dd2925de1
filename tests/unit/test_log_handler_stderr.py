"""configure_logging writes to the stderr of the moment, so a command run in-process leaves no
handler on a stream that was closed when it returned (a CliRunner's, for one)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from gobetween.entrypoints.log_format import configure_logging


@pytest.fixture
def restored_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.usefixtures("restored_root_logger")
def test_records_after_an_in_process_command_reach_the_current_stderr(
    capfd: pytest.CaptureFixture[str],
) -> None:
    command = typer.Typer()

    @command.command()
    def run() -> None:
        configure_logging("INFO", "json")
        logging.getLogger("gobetween.test").info("inside the command")

    result = CliRunner().invoke(command, [])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stderr)["message"] == "inside the command"
    # The runner's stderr is closed now; the next record goes to the process's stderr.
    logging.getLogger("gobetween.test").warning("after the command")
    err = capfd.readouterr().err
    assert "Logging error" not in err
    assert [json.loads(line)["message"] for line in err.splitlines()] == ["after the command"]
