"""`gobetween dkim keygen` and `gobetween dkim record`, through the real command line app."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gobetween.adapters.mail.dkim_keys import load_key
from gobetween.entrypoints.cli import app


def test_keygen_writes_the_key_and_prints_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBETWEEN_ALIAS_DOMAIN", "relay.test")
    key_file = tmp_path / "dkim.pem"
    result = CliRunner().invoke(app, ["dkim", "keygen", "--out", str(key_file), "--selector", "s1"])
    assert result.exit_code == 0, result.output
    key = load_key(key_file, selector="s1", domain="relay.test")
    assert key.zone_line() in result.output
    assert 's1._domainkey.relay.test. IN TXT ( "v=DKIM1; k=rsa; p=' in result.output

    again = CliRunner().invoke(app, ["dkim", "keygen", "--out", str(key_file)])
    assert again.exit_code == 1
    assert "already exists" in again.output

    monkeypatch.setenv("GOBETWEEN_DKIM_KEY_FILE", str(key_file))
    monkeypatch.setenv("GOBETWEEN_DKIM_SELECTOR", "s1")
    record = CliRunner().invoke(app, ["dkim", "record"])
    assert record.exit_code == 0, record.output
    assert record.output.strip() == key.zone_line()


def test_record_without_a_key_file_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOBETWEEN_DKIM_KEY_FILE", raising=False)
    result = CliRunner().invoke(app, ["dkim", "record"])
    assert result.exit_code == 2
    assert "dkim_key_file" in result.output
