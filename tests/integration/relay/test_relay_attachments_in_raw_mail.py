"""A large attachment received by mail is kept once, as the slice of the raw mail that holds its
base64 body: the relay_attachments row names that slice instead of holding the bytes, delivery
sends the exact bytes from it, a changed raw mail is not sent, and the downgrade of migration
0013 puts the bytes back into the row."""

from __future__ import annotations

import binascii
import hashlib
import os
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from relay_world import BUYER_EMAIL, World, mail, running_world, seed, stored_buyer_message
from sqlalchemy import Engine, select, update

from gobetween.adapters.db import migrate
from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db.relay_repository import (
    REFERENCED_FROM_BYTES,
    SqlRelayRepository,
    base64_body_in,
)
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import decode_wire_lines

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _lines(data: bytes, width: int, linesep: bytes = b"\r\n") -> bytes:
    encoded = binascii.b2a_base64(data, newline=False)
    return linesep.join(encoded[i : i + width] for i in range(0, len(encoded), width))


@pytest.mark.parametrize("width", [64, 72, 76, 100, 1_000_000])
def test_a_body_in_even_lines_is_found_exactly(width: int) -> None:
    data = os.urandom(20_001)
    body = _lines(data, width)
    raw = b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n--boundary--\r\n"
    found = base64_body_in(raw, data)
    assert found == (raw.index(body), len(body))
    start, length = found
    assert binascii.a2b_base64(raw[start : start + length]) == data


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda data: _lines(data, 60), id="lines shorter than the search"),
        pytest.param(lambda data: _lines(data, 76, b"\n"), id="LF breaks"),
        pytest.param(lambda data: _lines(data[:-1], 76), id="other bytes"),
        pytest.param(
            lambda data: _lines(data, 76).replace(b"\r\n", b"\r\n ", 1), id="uneven lines"
        ),
    ],
)
def test_a_body_in_other_lines_or_of_other_bytes_is_not_found(body: object) -> None:
    data = os.urandom(20_000)
    assert callable(body)
    raw = b"\r\n\r\n" + body(data) + b"\r\n"
    assert base64_body_in(raw, data) is None


def _pdf_mail(world: World, pdf: bytes) -> EmailMessage:
    message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="The invoice, attached.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="invoice.pdf")
    return message


def _send(world: World, message: EmailMessage) -> int:
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
        client.ehlo("client.buyer.example")
        client.mail(BUYER_EMAIL)
        client.rcpt(str(message["To"]))
        code, _ = client.data(message.as_bytes(policy=SMTP))
    return int(code)


def test_a_large_attachment_is_kept_in_the_raw_mail_and_delivered_exactly(
    engine: Engine, relay_key: DkimKey
) -> None:
    pdf = b"%PDF-1.4\n" + os.urandom(60_000)
    small = b"%PDF-1.4\n" + os.urandom(REFERENCED_FROM_BYTES // 2)
    with running_world(engine, relay_key) as world:
        message = _pdf_mail(world, pdf)
        message.add_attachment(small, maintype="application", subtype="pdf", filename="s.pdf")
        assert _send(world, message) == 250
        with engine.connect() as connection:
            inbound_id = connection.execute(select(r.relay_inbound.c.id)).scalar_one()
            rows = {
                row.sha256: row for row in connection.execute(select(r.relay_attachments)).all()
            }
        large = rows[hashlib.sha256(pdf).hexdigest()]
        assert (large.data, large.inbound_id) == (None, inbound_id)
        assert large.raw_length > len(pdf) * 4 // 3
        kept = rows[hashlib.sha256(small).hexdigest()]
        assert (bytes(kept.data), kept.inbound_id) == (small, None)
        assert world.deliver().delivered == 1
    [delivered] = world.sink.messages()
    sent = {part.get_filename(): part.get_content() for part in delivered.iter_attachments()}
    assert sent == {"invoice.pdf": pdf, "s.pdf": small}


def test_a_changed_raw_mail_is_not_sent_as_the_attachment(
    engine: Engine, relay_key: DkimKey
) -> None:
    pdf = b"%PDF-1.4\n" + os.urandom(60_000)
    with running_world(engine, relay_key) as world:
        assert _send(world, _pdf_mail(world, pdf)) == 250
        with engine.begin() as connection:
            row = connection.execute(select(r.relay_attachments)).one()
            raw = bytes(connection.execute(select(r.relay_inbound.c.raw)).scalar_one())
            # One base64 character of the attachment's body changed in the evidence.
            position = row.raw_start + 100
            changed = b"A" if raw[position : position + 1] != b"A" else b"B"
            connection.execute(
                update(r.relay_inbound).values(raw=raw[:position] + changed + raw[position + 1 :])
            )
        report = world.deliver()
        assert report.delivered == 0
    assert world.sink.received == []


def _stored_with_attachment(engine: Engine, pdf: bytes) -> bytes:
    seed(engine)
    message_ref = stored_buyer_message(engine, NOW)
    message = EmailMessage()
    message["Subject"] = "x"
    message.set_content("See the file.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="a.pdf")
    raw = message.as_bytes(policy=SMTP)
    with engine.begin() as connection:
        SqlRelayRepository(connection).add_stored_mail(
            alias="a1b2c3",
            message_id="<1@x>",
            body_sha256="0" * 64,
            mail_from="bob@buyer.example",
            from_address="bob@buyer.example",
            client_ip="192.0.2.1",
            auth={},
            raw=raw,
            reply="250 2.0.0 Accepted",
            now=NOW,
            message_ref=message_ref,
            party="buyer",
            header_id=None,
            attachments=[(hashlib.sha256(pdf).hexdigest(), "application/pdf", pdf)],
        )
    return raw


def _kept_bytes(repo: SqlRelayRepository, sha256: str) -> bytes | None:
    kept = repo.kept_attachment(sha256)
    if kept is None:
        return None
    if kept.data is not None:
        return kept.data
    assert kept.base64_body is not None
    return decode_wire_lines(kept.base64_body)[0]


def test_the_repository_reads_the_slice_back_and_downgrade_restores_the_bytes(
    engine: Engine,
) -> None:
    pdf = os.urandom(30_000)
    digest = hashlib.sha256(pdf).hexdigest()
    _stored_with_attachment(engine, pdf)
    with engine.connect() as connection:
        assert connection.execute(select(r.relay_attachments.c.data)).scalar_one() is None
        assert _kept_bytes(SqlRelayRepository(connection), digest) == pdf
    migrate.downgrade(engine, "0012")
    try:
        with engine.connect() as connection:
            [(sha256, data)] = connection.exec_driver_sql(
                "SELECT sha256, data FROM relay_attachments"
            ).all()
        assert (sha256, bytes(data)) == (digest, pdf)
    finally:
        migrate.upgrade(engine)
    with engine.connect() as connection:
        assert _kept_bytes(SqlRelayRepository(connection), digest) == pdf
