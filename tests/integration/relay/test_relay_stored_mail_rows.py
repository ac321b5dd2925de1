"""A stored mail's relay rows (inbound record, Message-ID, attachments) as one call: on PostgreSQL
all in one statement, elsewhere one per row; the same rows either way, and a duplicate
of the exactly-once key raises IntegrityError and keeps nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from relay_world import seed, stored_buyer_message
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db.relay_repository import SqlRelayRepository
from gobetween.domain.aliases import AliasSide

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _store(
    engine: Engine,
    *,
    message_ref: int,
    message_id: str,
    header_id: str | None,
    attachments: list[tuple[str, str, bytes]],
    party: AliasSide = "buyer",
) -> None:
    with engine.begin() as connection:
        SqlRelayRepository(connection).add_stored_mail(
            alias="a1b2c3",
            message_id=message_id,
            body_sha256="0" * 64,
            mail_from="bob@buyer.example",
            from_address="bob@buyer.example",
            client_ip="192.0.2.1",
            auth={"spf": "pass", "dkim_domains": ["buyer.example"]},
            raw=b"Subject: x\r\n\r\nbody\r\n",
            reply="250 2.0.0 Accepted as message 1",
            now=NOW,
            message_ref=message_ref,
            party=party,
            header_id=header_id,
            attachments=attachments,
        )


def test_the_rows_of_a_stored_mail_in_every_shape(engine: Engine) -> None:
    seed(engine)
    message_ref = stored_buyer_message(engine, NOW)
    pdf, png = ("a" * 64, "application/pdf", b"%PDF-1.4 one"), ("b" * 64, "image/png", b"\x89PNG")
    _store(engine, message_ref=message_ref, message_id="<1@x>", header_id=None, attachments=[])
    _store(engine, message_ref=message_ref, message_id="<2@x>", header_id="<2@x>", attachments=[])
    _store(engine, message_ref=message_ref, message_id="<3@x>", header_id=None, attachments=[pdf])
    # The Message-ID already on record for this message, a known and a new attachment twice.
    _store(
        engine,
        message_ref=message_ref,
        message_id="<4@x>",
        header_id="<4@x>",
        attachments=[pdf, png, png],
    )
    with engine.connect() as connection:
        inbound = connection.execute(
            select(
                r.relay_inbound.c.message_id,
                r.relay_inbound.c.status,
                r.relay_inbound.c.auth,
                r.relay_inbound.c.raw,
                r.relay_inbound.c.message_ref,
                r.relay_inbound.c.decided_at,
            ).order_by(r.relay_inbound.c.id)
        ).all()
        headers = connection.execute(
            select(r.relay_message_ids.c.party, r.relay_message_ids.c.header_id)
        ).all()
        files = connection.execute(
            select(
                r.relay_attachments.c.sha256,
                r.relay_attachments.c.content_type,
                r.relay_attachments.c.data,
            ).order_by(r.relay_attachments.c.sha256)
        ).all()
    assert [row.message_id for row in inbound] == ["<1@x>", "<2@x>", "<3@x>", "<4@x>"]
    for row in inbound:
        assert row.status == "stored"
        assert row.auth == {"spf": "pass", "dkim_domains": ["buyer.example"]}
        assert bytes(row.raw) == b"Subject: x\r\n\r\nbody\r\n"
        assert row.message_ref == message_ref
        assert row.decided_at is not None
    assert [tuple(row) for row in headers] == [("buyer", "<2@x>")]
    assert [(row[0], row[1], bytes(row[2])) for row in files] == [pdf, png]


def test_attachments_of_one_hash_keep_the_first_content_type(engine: Engine) -> None:
    seed(engine)
    message_ref = stored_buyer_message(engine, NOW)
    csv, txt = ("d" * 64, "text/csv", b"a,b"), ("d" * 64, "text/plain", b"a,b")
    gif, jpeg = ("e" * 64, "image/gif", b"GIF89a"), ("f" * 64, "image/jpeg", b"\xff\xd8")
    _store(engine, message_ref=message_ref, message_id="<1@x>", header_id=None, attachments=[csv])
    # A hash on record already, then one new hash twice in one mail, around a third.
    _store(
        engine,
        message_ref=message_ref,
        message_id="<2@x>",
        header_id=None,
        attachments=[txt, gif, jpeg, (gif[0], "image/png", gif[2])],
    )
    with engine.connect() as connection:
        files = connection.execute(
            select(
                r.relay_attachments.c.sha256,
                r.relay_attachments.c.content_type,
                r.relay_attachments.c.data,
                r.relay_attachments.c.created_at,
            ).order_by(r.relay_attachments.c.sha256)
        ).all()
    assert [(row[0], row[1], bytes(row[2])) for row in files] == [csv, gif, jpeg]
    assert {row.created_at.replace(tzinfo=None) for row in files} == {NOW.replace(tzinfo=None)}


def test_a_duplicate_key_raises_and_keeps_nothing_of_the_statement(engine: Engine) -> None:
    seed(engine)
    message_ref = stored_buyer_message(engine, NOW)
    _store(engine, message_ref=message_ref, message_id="<1@x>", header_id=None, attachments=[])
    with pytest.raises(IntegrityError):
        _store(
            engine,
            message_ref=message_ref,
            message_id="<1@x>",
            header_id="<1@x>",
            attachments=[("c" * 64, "text/plain", b"c")],
            party="seller",
        )
    with engine.connect() as connection:
        assert connection.execute(select(r.relay_message_ids)).all() == []
        assert connection.execute(select(r.relay_attachments)).all() == []
        assert len(connection.execute(select(r.relay_inbound)).all()) == 1
