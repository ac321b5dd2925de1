"""The `gobetween` command: the installed console script for the main flows, in-process for errors.

Each subprocess pays the interpreter's start-up, so the real console script runs the flows that
matter end to end (migrate, import, demo --json, on SQLite and PostgreSQL); the many error paths
run the same Typer app in-process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from cli_process import GOBETWEEN, clean_environment, gobetween
from typer.testing import CliRunner

from gobetween.entrypoints.cli import app

SELLER = {
    "type": "seller",
    "id": "bottega",
    "display_name": "Bottega Verde",
    "business_name": "Bottega Verde S.r.l.",
    "customer_service_address": "servizio@bottega.example",
    "registered_addresses": ["ordini@bottega.example"],
}
BUYER = {
    "type": "buyer",
    "id": "b-it-1",
    "name": "Giulia Rossi",
    "email": "giulia.rossi@mail.example",
    "language": "it",
}
ORDER = {
    "type": "order",
    "id": "407-1111111-2222222",
    "marketplace": "IT",
    "seller_id": "bottega",
    "buyer_id": "b-it-1",
    "fulfillment": "seller",
    "status": "unshipped",
    "product_category": "leather_goods",
    "purchased_at": "2026-11-20T10:00:00Z",
    "items": [
        {"sku": "BV-1", "title": "Portafoglio", "quantity": 1, "price": "69.00", "currency": "EUR"}
    ],
    "shipping_address": {
        "name": "Giulia Rossi",
        "line1": "Via Roma 3",
        "city": "Milano",
        "country": "IT",
    },
}

installed = pytest.mark.skipif(not GOBETWEEN.exists(), reason="the console script is not installed")


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)


# ---------------------------------------------------------------------------------------------
# The installed console script, in a subprocess.


@installed
def test_migrate_then_import_all_or_nothing_skip_invalid_and_reimport(
    database_url: str, tmp_path: Path
) -> None:
    env = clean_environment(database_url, tmp_path)
    first = gobetween("migrate", environ=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "schema at revision" in first.stdout
    again = gobetween("migrate", environ=env, cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, first.stdout)
    bad = dict(ORDER, id="407-3333333-4444444", status="lost")
    data = write_jsonl(tmp_path / "data.jsonl", SELLER, BUYER, ORDER, bad)
    rejected = gobetween("import", str(data), environ=env, cwd=tmp_path)
    assert rejected.returncode == 1
    assert "import rejected, nothing written" in rejected.stderr
    assert f"{data}:4: status: must be one of pending" in rejected.stderr
    skipped = gobetween("import", "--skip-invalid", str(data), environ=env, cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert f"skipped {data}:4: status:" in skipped.stderr
    assert "sellers: 1 new, 0 updated; buyers: 1 new, 0 updated; orders: 1 new" in skipped.stdout
    moved = write_jsonl(
        tmp_path / "update.jsonl", dict(ORDER, status="shipped", shipped_at="2026-11-21T08:00:00Z")
    )
    update = gobetween("import", str(moved), environ=env, cwd=tmp_path)
    assert update.returncode == 0, update.stderr
    assert "orders: 0 new, 1 updated" in update.stdout


@installed
def test_demo_json_loads_once_and_if_empty_leaves_data_alone(tmp_path: Path) -> None:
    env = sqlite_env(tmp_path)
    assert gobetween("migrate", environ=env, cwd=tmp_path).returncode == 0
    loaded = gobetween("demo", "--json", environ=env, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    view = json.loads(loaded.stdout)
    assert isinstance(view["operator_token"], str)
    assert isinstance(view["auditor_token"], str)
    assert len(view["sellers"]) >= 5
    assert all({"id", "token"} <= set(s) for s in view["sellers"])
    assert len(view["buyers"]) >= 50
    assert all({"id", "token"} <= set(b) for b in view["buyers"])
    assert len(view["orders"]) >= 300
    assert all(
        {"id", "seller_id", "buyer_id", "fulfillment", "status"} <= set(o) for o in view["orders"]
    )
    assert {o["status"] for o in view["orders"]} == {
        "pending", "unshipped", "shipped", "delivered", "cancelled", "returned"
    }  # fmt: skip
    assert {o["fulfillment"] for o in view["orders"]} == {"marketplace", "seller"}
    assert view["messages"]["blocked"] >= 1
    again = gobetween("demo", "--if-empty", environ=env, cwd=tmp_path)
    assert (again.returncode, again.stdout.strip()) == (
        0,
        "the database already has data; demo not loaded",
    )


# ---------------------------------------------------------------------------------------------
# The same app in-process: usage and configuration errors.


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke the app in-process with a clean GOBETWEEN_* environment on a SQLite file."""
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("GOBETWEEN_")]:
        monkeypatch.delenv(name)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None) -> Any:
        return runner.invoke(app, list(args), env={**sqlite_env(tmp_path), **(env or {})})

    return invoke


def test_import_usage_errors(run: Any, tmp_path: Path) -> None:
    assert run("migrate").exit_code == 0
    missing = run("import", "nowhere.jsonl")
    assert (missing.exit_code, missing.stderr.strip()) == (
        2,
        "gobetween: nowhere.jsonl: no such file",
    )
    (tmp_path / "orders.xlsx").write_bytes(b"PK\x03\x04")
    unknown = run("import", "orders.xlsx")
    assert unknown.exit_code == 2
    assert "cannot tell the format from the name" in unknown.stderr
    wrong = run("import", "--format", "xml", "orders.xlsx")
    assert (wrong.exit_code, wrong.stderr.strip()) == (
        2,
        "gobetween: --format must be jsonl or csv; got 'xml'",
    )
    (tmp_path / "garbage.csv").write_bytes(bytes(range(255, -1, -1)) * 64)
    garbage = run("import", "garbage.csv")
    assert garbage.exit_code == 1
    assert "garbage.csv:1: not UTF-8 text (byte 0xff at column 1)" in garbage.stderr


def test_commands_refuse_an_unmigrated_database(run: Any, tmp_path: Path) -> None:
    for command in (["demo"], ["import", str(write_jsonl(tmp_path / "s.jsonl", SELLER))]):
        result = run(*command)
        assert result.exit_code == 1
        assert "needs migrating (run: gobetween migrate)" in result.stderr


def test_demo_refuses_a_database_with_data_unless_if_empty(run: Any, tmp_path: Path) -> None:
    assert run("migrate").exit_code == 0
    assert run("import", str(write_jsonl(tmp_path / "s.jsonl", SELLER))).exit_code == 0
    refused = run("demo")
    assert refused.exit_code == 1
    assert "already has data; the demo loads only into an empty one" in refused.stderr
    assert run("demo", "--if-empty", "--json").exit_code == 0


def test_config_file_option_and_bad_configuration(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "gobetween.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "from-config.db"}"\n', "utf-8")
    done = run("--config", str(config), "migrate", env={"GOBETWEEN_DATABASE_URL": None})
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "from-config.db").exists()
    config.write_text("http_port = 99999\n", encoding="utf-8")
    bad = run("--config", str(config), "migrate")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        f"gobetween: configuration error: http_port (from config file {config}) must be a TCP"
        " port (0-65535); got 99999"
    )
    missing = run("--config", str(tmp_path / "none.toml"), "migrate")
    assert missing.exit_code == 2
    assert "none.toml does not exist" in missing.stderr
