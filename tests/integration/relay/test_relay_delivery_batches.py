"""A claimed batch composed and stored at once, sent, then marked done together: what arrives is
what is stored, threading headers come from the thread's earlier messages, and a row that cannot
be composed fails alone."""

from __future__ import annotations

import pytest
from relay_world import BUYER_EMAIL, World, mail, running_world
from sqlalchemy import Engine, select
from test_relay_smtp import send

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail import outbox_mail
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbox_mail import PREPARE_TRANSACTION_SECONDS
from gobetween.services.ports import OutboxItem


def buyer_writes(world: World, number: int) -> None:
    message = mail(
        sender=f"Bob Buyer <{BUYER_EMAIL}>",
        to=world.seller_alias,
        subject=f"About my order, question {number}",
        message_id=f"<question-{number}@buyer.example>",
        text=f"Question {number}: where is my parcel?",
    )
    code, reply = send(world, message)
    assert code == 250, reply


def outbox_statuses(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(t.outbox.c.delivery_key, t.outbox.c.status).order_by(t.outbox.c.id)
        )
        return [(row.delivery_key, row.status) for row in rows]


@pytest.mark.parametrize("transaction_seconds", [PREPARE_TRANSACTION_SECONDS, 0.0])
def test_one_pass_delivers_the_stored_bytes_with_the_threads_references(
    engine: Engine,
    relay_key: DkimKey,
    transaction_seconds: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0: every mail composed in a transaction of its own; the outcome is the same.
    monkeypatch.setattr(outbox_mail, "PREPARE_TRANSACTION_SECONDS", transaction_seconds)
    with running_world(engine, relay_key) as world:
        for number in range(13):
            buyer_writes(world, number)
        report = world.deliver()
        assert (report.claimed, report.delivered) == (13, 13)
        assert {status for _, status in outbox_statuses(engine)} == {"done"}
        with engine.connect() as connection:
            rows = connection.execute(
                select(r.relay_outbound.c.delivery_key, r.relay_outbound.c.data)
            ).all()
        stored = {key: bytes(data) for key, data in rows}
        keys = [key for key, _ in outbox_statuses(engine)]
        # Every mail arrived exactly as stored for its delivery key (a retry would send these).
        assert [data for *_, data in world.sink.received] == [stored[key] for key in keys]
        delivered = world.sink.messages()
        ids = [str(message["Message-ID"]) for message in delivered]
        assert len(set(ids)) == 13
        # The seller sees the thread in its own terms: our Message-IDs of the earlier mails,
        # the last ten of them in References, the latest in In-Reply-To.
        assert delivered[0]["In-Reply-To"] is None
        assert str(delivered[1]["In-Reply-To"]) == ids[0]
        assert str(delivered[12]["In-Reply-To"]) == ids[11]
        assert str(delivered[12]["References"]).split() == ids[2:12]
        assert str(delivered[5]["References"]).split() == ids[:5]


def test_a_row_that_cannot_be_composed_fails_alone_in_its_batch(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world, 1)
        with SqlUnitOfWork(engine) as uow:
            # A message row without its message or payload: no mail can be made of it.
            uow.outbox.add(
                OutboxItem("message", "someone@example.com", "broken-row", {}), now=world.now()
            )
            uow.commit()
        buyer_writes(world, 2)
        report = world.deliver()
        assert (report.claimed, report.delivered, report.failed) == (3, 2, 1)
        statuses = outbox_statuses(engine)
        assert [status for _, status in statuses] == ["done", "failed", "done"]
        with engine.connect() as connection:
            kept = set(connection.execute(select(r.relay_outbound.c.delivery_key)).scalars())
            error = connection.execute(
                select(t.outbox.c.last_error).where(t.outbox.c.delivery_key == "broken-row")
            ).scalar_one()
        assert "broken-row" not in kept
        assert error.startswith("cannot compose")
        assert len(world.sink.received) == 2
