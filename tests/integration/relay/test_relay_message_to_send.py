"""The delivery worker reads the message it composes in one statement built once
(`SqlRelayRepository.message_to_send`): the same fields, attachments in the same order, as the
message repository's `find`, on SQLite and PostgreSQL; and the Message-ID a party knows a message by
(`header_for`, a statement run on the driver's cursor) is the one remembered, or None."""

from __future__ import annotations

from datetime import timedelta

import pytest
from relay_world import NOW, ORDER, seed
from sqlalchemy import Engine

from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db.relay_repository import SqlRelayRepository
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.messages import AttachmentMeta
from gobetween.services.messaging import MessagingLimits, RecordBuyerMessage, record_buyer_message

FILES = (
    AttachmentMeta("b.pdf", "application/pdf", 20_000, "b" * 64),
    AttachmentMeta("a photo.png", "image/png", 300, "a" * 64),
    AttachmentMeta("Rechnung \u00fcber M\u00e4rz.txt", "text/plain", 12, "c" * 64),
)


def _stored(engine: Engine, files: tuple[AttachmentMeta, ...], minutes: int) -> int:
    result = record_buyer_message(
        RecordBuyerMessage(
            order_id=ORDER,
            buyer_id="b1",
            subject=f"Parcel \u00e9 {len(files)}",
            text="Where is it?\nStill waiting \u2014 \u6771\u4eac",
            channel="email",
            attachments=files,
        ),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW + timedelta(minutes=minutes),
        limits=MessagingLimits(),
    )
    return result.message_id


def test_the_message_to_send_is_what_find_reads(engine: Engine) -> None:
    seed(engine)
    ids = [_stored(engine, FILES[:count], count) for count in (0, 1, 3)]
    with engine.connect() as connection:
        for message_id in ids:
            record = repos.SqlMessageRepository(connection).find(message_id)
            assert record is not None
            read = SqlRelayRepository(connection).message_to_send(message_id)
            assert (
                read.id,
                read.thread_id,
                read.seq,
                read.direction,
                read.subject,
                read.body,
                read.created_at,
                read.attachments,
            ) == (
                record.id,
                record.thread_id,
                record.seq,
                record.direction,
                record.subject,
                record.body,
                record.created_at,
                record.attachments,
            )
            assert read.created_at.utcoffset() == timedelta(0)
        relay = SqlRelayRepository(connection)
        assert [len(relay.message_to_send(i).attachments) for i in ids] == [0, 1, 3]
        with pytest.raises(LookupError):
            relay.message_to_send(max(ids) + 100)


def test_the_message_id_a_party_knows_a_message_by(engine: Engine) -> None:
    seed(engine)
    message_id = _stored(engine, (), 0)
    with engine.begin() as connection:
        repo = SqlRelayRepository(connection)
        assert repo.header_for(message_id, "seller") is None
        assert repo.remember_header(message_id, "seller", "<a1@relay.test>") == "<a1@relay.test>"
        # Remembered once: a second id for the same party is not taken.
        assert repo.remember_header(message_id, "seller", "<a2@relay.test>") == "<a1@relay.test>"
        assert repo.header_for(message_id, "seller") == "<a1@relay.test>"
        assert repo.header_for(message_id, "buyer") is None
        assert repo.header_for(message_id + 1, "seller") is None
