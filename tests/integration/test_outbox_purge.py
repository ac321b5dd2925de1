"""Outbox housekeeping on real databases: purging finished rows, and the status line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from message_core_world import NOW, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.cli import app
from gobetween.entrypoints.cli.outbox import age
from gobetween.services.delivery import outbox_counts, purge_finished
from gobetween.services.ports import OutboxItem


def add_row(engine: Engine, key: str, *, status: str, finished: datetime | None) -> None:
    """An outbox row in the given state, created a day before it finished (or before NOW)."""
    with SqlUnitOfWork(engine) as uow:
        item_id = uow.outbox.add(
            OutboxItem("message", f"{key}@example.com", key, {"text": "t"}),
            now=(finished or NOW) - timedelta(days=1),
        )
        uow.commit()
    with engine.begin() as connection:
        connection.execute(
            update(t.outbox)
            .where(t.outbox.c.id == item_id)
            .values(status=status, finished_at=finished)
        )


def keys(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(select(t.outbox.c.delivery_key).order_by(t.outbox.c.id))
        return list(rows.scalars())


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def outbox_of_every_kind(engine: Engine) -> None:
    add_row(engine, "done-old", status="done", finished=NOW - timedelta(days=31))
    add_row(engine, "failed-old", status="failed", finished=NOW - timedelta(days=45))
    add_row(engine, "done-recent", status="done", finished=NOW - timedelta(days=29))
    add_row(engine, "failed-recent", status="failed", finished=NOW - timedelta(hours=1))
    # Pending rows stay however old they are: they still have to be delivered or failed.
    add_row(engine, "pending-old", status="pending", finished=None)
    with engine.begin() as connection:
        connection.execute(
            update(t.outbox)
            .where(t.outbox.c.delivery_key == "pending-old")
            .values(created_at=NOW - timedelta(days=400), available_at=NOW - timedelta(days=400))
        )


def test_purge_removes_only_finished_rows_older_than_the_retention(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine)
    buyer_sends(engine)
    outbox_of_every_kind(engine)
    evidence = {name: count(engine, t.metadata.tables[name]) for name in t.EVIDENCE_TABLES}
    stored_mail = count(engine, r.relay_outbound)
    removed = purge_finished(
        uow_factory=lambda: SqlUnitOfWork(engine), clock=lambda: NOW, older_than=timedelta(days=30)
    )
    assert removed == 2
    assert keys(engine) == [
        "message-1-buyer",
        "message-2-seller",
        "done-recent",
        "failed-recent",
        "pending-old",
    ]
    # Messages, findings, events and attachments are evidence: not one row of them goes.
    assert {name: count(engine, t.metadata.tables[name]) for name in t.EVIDENCE_TABLES} == evidence
    assert evidence["messages"] == 2
    assert count(engine, r.relay_outbound) == stored_mail


def test_purge_deletes_in_chunks_until_nothing_old_is_left(engine: Engine) -> None:
    for number in range(7):
        add_row(engine, f"done-{number}", status="done", finished=NOW - timedelta(days=40))
    add_row(engine, "pending", status="pending", finished=None)
    removed = purge_finished(
        uow_factory=lambda: SqlUnitOfWork(engine),
        clock=lambda: NOW,
        older_than=timedelta(days=30),
        chunk=3,
    )
    assert removed == 7
    assert keys(engine) == ["pending"]


@pytest.mark.parametrize("older_than", [timedelta(0), timedelta(hours=23), timedelta(days=-3)])
def test_a_retention_under_a_day_is_refused_and_nothing_is_removed(
    engine: Engine, older_than: timedelta
) -> None:
    add_row(engine, "done-old", status="done", finished=NOW - timedelta(days=40))
    with pytest.raises(InvalidInput, match="older_than"):
        purge_finished(
            uow_factory=lambda: SqlUnitOfWork(engine), clock=lambda: NOW, older_than=older_than
        )
    assert keys(engine) == ["done-old"]


def test_counts_by_status_with_the_oldest_pending(engine: Engine) -> None:
    assert outbox_counts(uow_factory=lambda: SqlUnitOfWork(engine)).pending == 0
    outbox_of_every_kind(engine)
    counts = outbox_counts(uow_factory=lambda: SqlUnitOfWork(engine))
    assert (counts.pending, counts.done, counts.failed) == (1, 2, 2)
    assert counts.oldest_pending_since == NOW - timedelta(days=400)


def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Result:
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", database_url)
    monkeypatch.setenv("GOBETWEEN_DELIVERY_FOLDER", str(tmp_path / "out"))
    monkeypatch.delenv("GOBETWEEN_CONFIG", raising=False)
    return CliRunner().invoke(app, ["outbox", *args])


def test_the_commands_purge_and_report(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The commands run on the real clock: rows relative to now.
    now = datetime.now(UTC)
    add_row(engine, "done-old", status="done", finished=now - timedelta(days=31))
    add_row(engine, "failed-week", status="failed", finished=now - timedelta(days=7))
    add_row(engine, "pending", status="pending", finished=None)
    result = cli(database_url, monkeypatch, tmp_path, "status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("pending 1 (oldest waiting ")
    assert result.output.rstrip().endswith("done 1, failed 1")
    result = cli(database_url, monkeypatch, tmp_path, "purge")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed 1 outbox rows")
    assert keys(engine) == ["failed-week", "pending"]
    result = cli(database_url, monkeypatch, tmp_path, "purge", "--older-than", "5")
    assert result.output.startswith("removed 1 outbox rows")
    assert keys(engine) == ["pending"]


@pytest.mark.parametrize("days", ["0", "-1", "soon", "40000"])
def test_the_purge_command_refuses_a_bad_retention(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    days: str,
) -> None:
    add_row(engine, "done-old", status="done", finished=datetime.now(UTC) - timedelta(days=90))
    result = cli(database_url, monkeypatch, tmp_path, "purge", "--older-than", days)
    assert result.exit_code == 2
    assert "--older-than" in result.output
    assert keys(engine) == ["done-old"]


def test_ages_read_in_their_two_largest_units() -> None:
    assert age(timedelta(seconds=12)) == "12s"
    assert age(timedelta(minutes=4, seconds=10)) == "4m 10s"
    assert age(timedelta(hours=2, minutes=5, seconds=9)) == "2h 5m"
    assert age(timedelta(days=3, hours=4, minutes=1)) == "3d 4h"
    assert age(timedelta(seconds=-5)) == "0s"
