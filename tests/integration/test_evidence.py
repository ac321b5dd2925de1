"""Evidence on real databases: append-only tables, hash chains, tamper detection, no forks."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from message_core_world import NOW, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, Select, func, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.adapters.db.tables import metadata
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.messages import AttachmentMeta
from gobetween.entrypoints.cli import app
from gobetween.services.audit import verify_chains
from gobetween.services.messaging import MessagingLimits, SendSellerMessage, send_seller_message
from gobetween.services.ports import Event

RAW_CHANGES = {
    "messages": ("UPDATE messages SET body = 'changed'", "DELETE FROM messages"),
    "findings": ("UPDATE findings SET message = 'changed'", "DELETE FROM findings"),
    "message_attachments": (
        "UPDATE message_attachments SET filename = 'x.pdf'",
        "DELETE FROM message_attachments",
    ),
    "events": ("UPDATE events SET kind = 'changed'", "DELETE FROM events"),
}


def count_rows(table: str) -> Select[tuple[int]]:
    return select(func.count()).select_from(metadata.tables[table])


def fill_every_evidence_table(engine: Engine) -> None:
    seed(engine)
    # A blocked message has findings; an attachment gives message_attachments a row.
    seller_sends(engine, "Please leave us a 5-star review!", reason="other")
    send_seller_message(
        SendSellerMessage(
            "114-0000001-0000001",
            "s1",
            "Invoice",
            "Here is the invoice you need for your records.",
            "invoice",
            "web",
            attachments=(AttachmentMeta("invoice.pdf", "application/pdf", 2048, "a" * 64),),
        ),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW,
        limits=MessagingLimits(),
    )
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(Event("opted_out", "buyer", "b1", "buyer:b1"), now=NOW)
        uow.commit()


@pytest.mark.parametrize("table", sorted(RAW_CHANGES))
@pytest.mark.parametrize("operation", [0, 1], ids=["update", "delete"])
def test_the_database_refuses_changes_to_evidence(
    engine: Engine, table: str, operation: int
) -> None:
    fill_every_evidence_table(engine)
    with engine.connect() as connection:
        before = connection.execute(count_rows(table)).scalar_one()
    assert before > 0
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(RAW_CHANGES[table][operation]))
    with engine.connect() as connection:
        assert connection.execute(count_rows(table)).scalar_one() == before
    assert verify_chains(reader=SqlEvidenceReader(engine)).ok


def drop_message_triggers(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER messages_append_only ON messages"))
        else:
            connection.execute(text("DROP TRIGGER messages_no_update"))
            connection.execute(text("DROP TRIGGER messages_no_delete"))


def test_a_tampered_message_is_caught_and_named(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine)
    second = buyer_sends(engine, moment=NOW + timedelta(minutes=1))
    seller_sends(engine, "It ships tomorrow.", reason="other", moment=NOW + timedelta(minutes=2))
    assert verify_chains(reader=SqlEvidenceReader(engine)).ok
    drop_message_triggers(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE messages SET body = 'I never asked' WHERE id = :id"),
            {"id": second.message_id},
        )
    report = verify_chains(reader=SqlEvidenceReader(engine))
    assert not report.ok
    [broken] = report.broken
    assert (broken.thread_id, broken.seq, broken.message_id) == (
        second.thread_id,
        2,
        second.message_id,
    )


def test_a_deleted_last_message_is_caught_by_the_thread_head(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine)
    last = buyer_sends(engine)
    drop_message_triggers(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
        connection.execute(text("DELETE FROM messages WHERE id = :id"), {"id": last.message_id})
    [broken] = verify_chains(reader=SqlEvidenceReader(engine)).broken
    assert broken.thread_id == last.thread_id
    assert "2 messages" in broken.reason


def test_concurrent_writers_do_not_fork_a_thread(engine: Engine) -> None:
    seed(engine)
    errors: list[BaseException] = []

    def write(count: int) -> None:
        try:
            for _ in range(count):
                seller_sends(engine, "Could you confirm the size you need?")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    workers = [threading.Thread(target=write, args=(8,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    report = verify_chains(reader=SqlEvidenceReader(engine))
    assert report.ok
    assert report.messages_checked == 32
    with engine.connect() as connection:
        seqs = connection.execute(text("SELECT seq FROM messages ORDER BY seq")).scalars().all()
    assert seqs == list(range(1, 33))


def test_audit_verify_command_names_the_first_broken_link(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", database_url)
    monkeypatch.delenv("GOBETWEEN_CONFIG", raising=False)
    seed(engine)
    seller_sends(engine)
    tampered = buyer_sends(engine)
    runner = CliRunner()
    clean = runner.invoke(app, ["audit", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "OK 1 threads, 2 messages" in clean.output
    drop_message_triggers(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE messages SET subject = 'edited' WHERE id = :id"),
            {"id": tampered.message_id},
        )
    broken = runner.invoke(app, ["audit", "verify", "--thread", str(tampered.thread_id)])
    assert broken.exit_code == 1
    assert (
        f"first: thread {tampered.thread_id}, seq 2, message {tampered.message_id}" in broken.output
    )
    missing = runner.invoke(app, ["audit", "verify", "--thread", "999"])
    assert missing.exit_code == 1
    missing = runner.invoke(app, ["audit", "verify", "--thread", str(2**70)])
    assert missing.exit_code == 1


def test_the_audit_sees_no_broken_chain_while_writers_append(engine: Engine) -> None:
    seed(engine)
    seller_sends(engine)
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for number in range(30):
                if number % 2:
                    buyer_sends(engine)
                else:
                    seller_sends(engine, "Could you confirm the size you need?", reason="other")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    reports = []
    while not done.is_set():
        reports.append(verify_chains(reader=SqlEvidenceReader(engine), batch_size=1))
    writer.join()
    reports.append(verify_chains(reader=SqlEvidenceReader(engine)))
    assert errors == []
    assert [r.broken for r in reports if not r.ok] == []
    assert reports[-1].messages_checked == 31
