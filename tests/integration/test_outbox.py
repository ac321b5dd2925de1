"""The outbox on real databases: folder delivery, concurrent claims, and a worker killed mid-way."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from functools import partial
from pathlib import Path

import pytest
from message_core_world import ALIAS_DOMAIN, NOW, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.compose import compose_delivery
from gobetween.adapters.mail.folder_transport import FolderTransport
from gobetween.entrypoints.cli import app
from gobetween.entrypoints.delivery_worker import run_worker
from gobetween.services.delivery import DeliveryPolicy, claim_batch, deliver_pending
from gobetween.services.ports import OutboundMail, OutboxItem

HERE = Path(__file__).parent
COMPOSE = partial(compose_delivery, alias_domain=ALIAS_DOMAIN)


def statuses(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(t.outbox.c.status).order_by(t.outbox.c.id)).scalars())


def test_delivered_mail_comes_from_the_alias_and_hides_real_addresses(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    seller_sends(engine)
    buyer_sends(engine)
    transport = FolderTransport(tmp_path / "out")
    report = deliver_pending(
        uow_factory=lambda: SqlUnitOfWork(engine),
        transport=transport,
        compose=COMPOSE,
        worker="w1",
        clock=lambda: NOW,
        policy=DeliveryPolicy(),
    )
    assert (report.claimed, report.delivered) == (2, 2)
    assert statuses(engine) == ["done", "done"]
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert [f.name for f in files] == ["message-1-buyer.eml", "message-2-seller.eml"]
    to_buyer = message_from_bytes(files[0].read_bytes(), policy=default)
    assert to_buyer["To"] == "jo@example.com"
    assert to_buyer["From"].addresses[0].display_name == "Acme"
    assert to_buyer["From"].addresses[0].domain == ALIAS_DOMAIN
    assert to_buyer["Message-ID"].endswith(f"@{ALIAS_DOMAIN}>")
    assert "engraving" in to_buyer.get_content()
    raw = b"".join(f.read_bytes() for f in files)
    # The buyer's mail never shows the seller's own addresses, nor the other way round.
    assert b"owner@acme.example" not in raw
    assert b"cs@acme.example" not in files[0].read_bytes()
    assert b"jo@example.com" not in files[1].read_bytes()
    assert list((tmp_path / "out").glob(".*.tmp")) == []


def queue(engine: Engine, count: int) -> None:
    with SqlUnitOfWork(engine) as uow:
        for number in range(count):
            uow.outbox.add(
                OutboxItem(
                    "message",
                    f"r{number}@example.com",
                    f"message-{number}-buyer",
                    {"from_alias": "a" * 16, "from_name": "A", "subject": "s", "text": "t"},
                ),
                now=NOW,
            )
        uow.commit()


def test_concurrent_workers_claim_disjoint_rows(engine: Engine) -> None:
    queue(engine, 120)
    claims: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        mine: list[int] = []
        while batch := claim_batch(
            uow_factory=lambda: SqlUnitOfWork(engine),
            worker=name,
            clock=lambda: NOW,
            policy=DeliveryPolicy(batch_size=7),
        ):
            mine.extend(item.id for item in batch if item.id is not None)
        claims[name] = mine

    workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = [item for mine in claims.values() for item in mine]
    assert len(every) == 120
    assert len(set(every)) == 120
    with engine.connect() as connection:
        holders = dict(connection.execute(select(t.outbox.c.id, t.outbox.c.claimed_by)).all())
    assert all(holders[item] == name for name, mine in claims.items() for item in mine)


def test_concurrent_workers_deliver_each_row_once(engine: Engine, tmp_path: Path) -> None:
    queue(engine, 60)
    delivered: list[str] = []
    lock = threading.Lock()

    class CountingTransport(FolderTransport):
        def deliver(self, mail: OutboundMail) -> None:
            super().deliver(mail)
            with lock:
                delivered.append(mail.delivery_key)

    transport = CountingTransport(tmp_path)

    def work(name: str) -> None:
        while deliver_pending(
            uow_factory=lambda: SqlUnitOfWork(engine),
            transport=transport,
            compose=COMPOSE,
            worker=name,
            clock=lambda: NOW,
            policy=DeliveryPolicy(batch_size=5),
        ).claimed:
            pass

    workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(delivered) == sorted(f"message-{n}-buyer" for n in range(60))
    assert set(statuses(engine)) == {"done"}


def run_worker_process(database_url: str, folder: Path, at: timedelta, mode: str) -> int:
    return subprocess.run(
        [
            sys.executable,
            str(HERE / "outbox_crash_worker.py"),
            database_url,
            str(folder),
            (NOW + at).isoformat(),
            mode,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    ).returncode


def test_a_worker_killed_after_delivering_but_before_committing_delivers_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    seed(engine)
    seller_sends(engine)
    buyer_sends(engine)
    folder = tmp_path / "delivered"
    folder.mkdir()
    # Dies right after the first mail reached the folder, before marking it done.
    assert run_worker_process(database_url, folder, timedelta(0), "crash") == 17
    assert statuses(engine) == ["pending", "pending"]
    assert (folder / "attempts.log").read_text().split() == ["message-1-buyer"]
    # While the dead worker's lease lasts nobody else takes its rows.
    assert run_worker_process(database_url, folder, timedelta(seconds=30), "normal") == 0
    assert (folder / "attempts.log").read_text().split() == ["message-1-buyer"]
    # After the lease: a restarted worker delivers both; the first again, under the same key.
    assert run_worker_process(database_url, folder, timedelta(minutes=2), "normal") == 0
    assert statuses(engine) == ["done", "done"]
    attempts = (folder / "attempts.log").read_text().split()
    assert attempts == ["message-1-buyer", "message-1-buyer", "message-2-seller"]
    files = sorted(p.name for p in folder.glob("*.eml"))
    assert files == ["message-1-buyer.eml", "message-2-seller.eml"]


def test_run_worker_drains_the_outbox_until_stopped(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    seller_sends(engine)
    buyer_sends(engine)
    stop = threading.Event()
    folder = tmp_path / "out"
    worker = threading.Thread(
        target=run_worker,
        kwargs={
            "uow_factory": lambda: SqlUnitOfWork(engine),
            "transport": FolderTransport(folder),
            "compose": COMPOSE,
            "clock": lambda: NOW,
            "policy": DeliveryPolicy(),
            "stop": stop,
            "poll_seconds": 0.05,
        },
    )
    worker.start()
    try:
        # Wait for the outcome, not for a duration: the worker marks both rows done.
        for _ in range(400):
            if statuses(engine) == ["done", "done"]:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert statuses(engine) == ["done", "done"]
    assert len(list(folder.glob("*.eml"))) == 2


def test_the_worker_command_delivers_what_is_due(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(engine)
    # The command runs on the real clock; the message must be due by then.
    seller_sends(engine, moment=datetime.now(UTC) - timedelta(minutes=1))
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", database_url)
    monkeypatch.setenv("GOBETWEEN_DELIVERY_FOLDER", str(tmp_path / "cli"))
    monkeypatch.setenv("GOBETWEEN_ALIAS_DOMAIN", ALIAS_DOMAIN)
    monkeypatch.delenv("GOBETWEEN_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered 1" in result.output
    assert [p.name for p in (tmp_path / "cli").glob("*.eml")] == ["message-1-buyer.eml"]
    assert statuses(engine) == ["done"]
