"""The real `gobetween` command: migrate, import, demo, configuration errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_process import GOBETWEEN, clean_environment, gobetween

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

pytestmark = pytest.mark.skipif(
    not GOBETWEEN.exists(), reason="the console script is not installed"
)


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh SQLite database; the services are tested on PostgreSQL in tests/integration."""
    return clean_environment(f"sqlite:///{tmp_path / 'gobetween.db'}", tmp_path)


def test_migrate_is_idempotent_on_each_database(database_url: str, tmp_path: Path) -> None:
    env = clean_environment(database_url, tmp_path)
    first = gobetween("migrate", environ=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "schema at revision" in first.stdout
    again = gobetween("migrate", environ=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_import_all_or_nothing_then_skip_invalid_then_reimport(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert gobetween("migrate", environ=env, cwd=tmp_path).returncode == 0
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


def test_import_usage_errors(env: dict[str, str], tmp_path: Path) -> None:
    assert gobetween("migrate", environ=env, cwd=tmp_path).returncode == 0
    missing = gobetween("import", "nowhere.jsonl", environ=env, cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "gobetween: nowhere.jsonl: no such file",
    )
    (tmp_path / "orders.xlsx").write_bytes(b"PK\x03\x04")
    unknown = gobetween("import", "orders.xlsx", environ=env, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "cannot tell the format from the name" in unknown.stderr
    (tmp_path / "garbage.csv").write_bytes(bytes(range(255, -1, -1)) * 64)
    garbage = gobetween("import", "garbage.csv", environ=env, cwd=tmp_path)
    assert garbage.returncode == 1
    assert "garbage.csv:1: not UTF-8 text (byte 0xff at column 1)" in garbage.stderr


def test_demo_json_loads_once_and_if_empty_leaves_data_alone(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert gobetween("migrate", environ=env, cwd=tmp_path).returncode == 0
    loaded = gobetween("demo", "--json", environ=env, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    view = json.loads(loaded.stdout)
    assert isinstance(view["operator_token"], str)
    assert isinstance(view["auditor_token"], str)
    assert len(view["sellers"]) >= 5
    assert all({"id", "token"} <= set(s) for s in view["sellers"])
    assert len(view["buyers"]) >= 50
    assert len(view["orders"]) >= 300
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
    refused = gobetween("demo", environ=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "already has data" in refused.stderr
    audit = gobetween("audit", "verify", environ=env, cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_commands_refuse_an_unmigrated_database(env: dict[str, str], tmp_path: Path) -> None:
    demo = gobetween("demo", environ=env, cwd=tmp_path)
    assert demo.returncode == 1
    assert "needs migrating (run: gobetween migrate)" in demo.stderr
    data = write_jsonl(tmp_path / "sellers.jsonl", SELLER)
    imported = gobetween("import", str(data), environ=env, cwd=tmp_path)
    assert imported.returncode == 1
    assert "needs migrating (run: gobetween migrate)" in imported.stderr


def test_config_file_option_and_bad_configuration(tmp_path: Path) -> None:
    environ = clean_environment("sqlite:///ignored.db", tmp_path)
    del environ["GOBETWEEN_DATABASE_URL"]
    config = tmp_path / "gobetween.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "from-config.db"}"\n', encoding="utf-8"
    )
    done = gobetween("--config", str(config), "migrate", environ=environ, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-config.db").exists()
    config.write_text("http_port = 99999\n", encoding="utf-8")
    bad = gobetween("--config", str(config), "migrate", environ=environ, cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        f"gobetween: configuration error: http_port (from config file {config}) must be a TCP port"
        " (0-65535); got 99999"
    )
