"""The operator's commands: gobetween cases, gobetween metrics, gobetween webhooks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cases_world import T0, add_message, seed_thread
from sqlalchemy import Engine
from typer.testing import CliRunner

from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.entrypoints.cli import app
from gobetween.services import cases

ORDER = "114-0000012-0000001"


@pytest.fixture
def gobetween(engine: Engine, database_url: str) -> CliRunner:
    """A runner whose commands use the test database; a buyer message answered in 2 hours."""
    thread_id = seed_thread(engine, order_id=ORDER)
    message_id = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=T0)
    answer_id = add_message(
        engine, thread_id=thread_id, buyer=False, sender_id="S1", at=T0 + timedelta(hours=2)
    )
    with SqlUnitOfWork(engine) as uow:
        cases.note_buyer_message(
            uow,
            message_id=message_id,
            order_id=ORDER,
            thread_id=thread_id,
            seller_id="S1",
            buyer_id="B1",
            at=T0,
        )
        cases.note_seller_message(
            uow,
            message_id=answer_id,
            order_id=ORDER,
            thread_id=thread_id,
            seller_id="S1",
            disposition="delivered",
            categories=(),
            at=T0 + timedelta(hours=2),
        )
        uow.commit()
    return CliRunner(env={"GOBETWEEN_DATABASE_URL": database_url, "COLUMNS": "200"})


def test_cases_list_and_show(gobetween: CliRunner) -> None:
    listed = gobetween.invoke(app, ["cases", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    (case,) = json.loads(listed.output)
    assert (case["order_id"], case["state"], case["seller_id"]) == (ORDER, "opened", "S1")
    table = gobetween.invoke(app, ["cases", "list", "--seller", "S1"])
    assert ORDER in table.output
    shown = gobetween.invoke(app, ["cases", "show", str(case["id"])])
    assert shown.exit_code == 0, shown.output
    assert "History" in shown.output
    assert "buyer:B1" in shown.output
    missing = gobetween.invoke(app, ["cases", "show", "999"])
    assert missing.exit_code == 1
    assert "case 999 not found" in missing.output
    bad = gobetween.invoke(app, ["cases", "list", "--state", "open"])
    assert bad.exit_code == 2
    assert "--state must be opened, resolved or closed" in bad.output


def test_cases_close_and_sweep(gobetween: CliRunner) -> None:
    case_id = json.loads(gobetween.invoke(app, ["cases", "list", "--json"]).output)[0]["id"]
    unexplained = gobetween.invoke(app, ["cases", "close", str(case_id), "--reason", "  "])
    assert unexplained.exit_code == 1
    assert "reason" in unexplained.output
    closed = gobetween.invoke(app, ["cases", "close", str(case_id), "--reason", "Duplicate."])
    assert closed.exit_code == 0, closed.output
    assert f"case {case_id} closed" in closed.output
    shown = json.loads(gobetween.invoke(app, ["cases", "show", str(case_id), "--json"]).output)
    assert shown["history"][-1] | {"at": None} == {
        "at": None, "action": "close", "actor": "operator:cli", "from": "opened", "to": "closed",
        "reason": "Duplicate.",
    }  # fmt: skip
    again = gobetween.invoke(app, ["cases", "close", str(case_id), "--reason", "Again."])
    assert again.exit_code == 1
    assert "case_closed" in again.output
    swept = gobetween.invoke(app, ["cases", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert "closed 0 idle cases" in swept.output


def test_metrics_for_a_seller(gobetween: CliRunner) -> None:
    shown = gobetween.invoke(app, ["metrics", "--seller", "S1", "--json"])
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.output)["windows"]
    # The command uses the real clock, so which window holds T0's answer depends on today; the
    # figures themselves are tested in test_cases_service. Here: the shape, and nothing late.
    assert set(figures) == {"7", "30", "90"}
    assert all(w["answered_late"] == 0 and w["unanswered"] == 0 for w in figures.values())
    table = gobetween.invoke(app, ["metrics", "--seller", "S1"])
    assert "Answered within 24 h" in table.output
    assert "Daily limit" in table.output
    unknown = gobetween.invoke(app, ["metrics", "--seller", "S404"])
    assert unknown.exit_code == 1
    assert "seller 'S404' not found" in unknown.output


def test_webhook_subscriptions(gobetween: CliRunner) -> None:
    added = gobetween.invoke(
        app, ["webhooks", "add", "https://hooks.example/gb", "--event", "case.changed"]
    )
    assert added.exit_code == 0, added.output
    assert "secret (shown once" in added.output
    listed = gobetween.invoke(app, ["webhooks", "list"])
    assert "https://hooks.example/gb" in listed.output
    assert "case.changed" in listed.output
    paused = gobetween.invoke(app, ["webhooks", "pause", "1"])
    assert "subscription 1 paused" in paused.output
    assert gobetween.invoke(app, ["webhooks", "pause", "7"]).exit_code == 1
    refused = gobetween.invoke(
        app, ["webhooks", "add", "ftp://hooks.example/gb", "--event", "case.changed"]
    )
    assert refused.exit_code == 1
    assert "url" in refused.output
    unknown = gobetween.invoke(
        app, ["webhooks", "add", "https://hooks.example/gb", "--event", "message.sent"]
    )
    assert unknown.exit_code == 1
    assert "unknown 'message.sent'" in unknown.output
    deliveries = gobetween.invoke(app, ["webhooks", "deliveries"])
    assert deliveries.exit_code == 0, deliveries.output
