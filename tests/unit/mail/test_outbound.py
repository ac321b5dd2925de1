"""Outbound mail: headers, 7-bit wire form, DKIM on the exact bytes; signing keys; DSNs."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import dkim
import pytest
from flufl.bounce import all_failures, scan_message

from gobetween.adapters.mail.dkim_keys import DkimKey, generate_key, load_key, save_key
from gobetween.adapters.mail.dsn import DeliveryFailure, build_dsn, headers_of
from gobetween.adapters.mail.outbound import Letter, compose, new_message_id, sign
from gobetween.adapters.mail.parse import MailAttachment
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver
from gobetween.domain.errors import InvalidInput

WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def _letter(**changes: object) -> Letter:
    fields: dict[str, object] = {
        "sender_alias": "t969vz2jn3bdsy7a@relay.test",
        "sender_name": "ACME Store",
        "recipient": "bob@buyer.example",
        "subject": "Your order 114-3941689-8772232 — Lieferung",
        "text": "Grüße! Your parcel ships today.\nWrite to jane@seller.example if needed.",
        "date": WHEN,
        "message_id": "<abc123@relay.test>",
        "in_reply_to": "<prev@relay.test>",
        "references": ("<first@relay.test>", "<prev@relay.test>"),
    }
    fields.update(changes)
    return Letter(**fields)  # type: ignore[arg-type]


REPLACEMENTS = {
    "jane@seller.example": "t969vz2jn3bdsy7a@relay.test",
    "bob@buyer.example": "x@relay.test",
}


def test_compose_writes_the_specified_headers(relay_key: DkimKey) -> None:
    data = compose(_letter(), replacements={}, key=relay_key)
    message = message_from_bytes(data, _class=EmailMessage, policy=default)
    assert str(message["From"]) == "ACME Store <t969vz2jn3bdsy7a@relay.test>"
    assert str(message["To"]) == "bob@buyer.example"
    assert str(message["Message-ID"]) == "<abc123@relay.test>"
    assert str(message["In-Reply-To"]) == "<prev@relay.test>"
    assert str(message["References"]) == "<first@relay.test> <prev@relay.test>"
    assert str(message["Date"]) == "Thu, 26 Nov 2026 09:30:00 +0000"
    assert "Lieferung" in str(message["Subject"])
    assert isinstance(message, EmailMessage)
    body = message.get_body()
    assert isinstance(body, EmailMessage)
    assert "Grüße" in body.get_content()


def test_wire_form_is_seven_bit_with_crlf(relay_key: DkimKey) -> None:
    data = compose(_letter(), replacements={}, key=relay_key)
    assert all(byte < 128 for byte in data)
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_dkim_signature_verifies_on_the_exact_bytes(relay_key: DkimKey) -> None:
    zone = StaticResolver()
    zone.add(relay_key.dns_name, "TXT", relay_key.public_record)
    data = compose(_letter(), replacements={}, key=relay_key)
    assert data.startswith(b"DKIM-Signature: ")
    assert SenderAuthenticator(zone).check_dkim(data) == ("relay.test",)

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        records = zone.query(name.decode().rstrip("."), "TXT")
        return records[0].encode() if records else None

    assert dkim.verify(data, dnsfunc=lookup)
    # A second From added on the way breaks the signature (From is oversigned).
    forged = data.replace(b"\r\nTo: ", b"\r\nFrom: someone@evil.example\r\nTo: ", 1)
    assert not dkim.verify(forged, dnsfunc=lookup)
    assert not dkim.verify(data.replace(b"ships today", b"ships later"), dnsfunc=lookup)


def test_real_addresses_are_replaced_in_the_composed_mail(relay_key: DkimKey) -> None:
    letter = _letter(
        sender_name="Jane jane@seller.example",
        attachments=(MailAttachment("note.txt", "text/plain", b"mail bob@buyer.example\n"),),
    )
    data = compose(letter, replacements=REPLACEMENTS, key=None)
    message = message_from_bytes(data, _class=EmailMessage, policy=default)
    decoded = "\n".join(
        [str(v) for k, v in message.items() if k != "To"]
        + [
            payload.decode("utf-8")
            for part in message.walk()
            if isinstance(payload := part.get_payload(decode=True), bytes)
        ]
    )
    assert "jane@seller.example" not in decoded
    assert "bob@buyer.example" not in decoded
    assert str(message["To"]) == "bob@buyer.example"  # the recipient's own address stays
    assert "mail x@relay.test" in decoded


def test_naive_date_is_refused() -> None:
    with pytest.raises(InvalidInput, match="date"):
        compose(_letter(date=datetime(2026, 1, 1)), replacements={}, key=None)


def test_header_injection_through_the_subject_is_impossible() -> None:
    data = compose(_letter(subject="Hi\r\nBcc: evil@x.example"), replacements={}, key=None)
    message = message_from_bytes(data, _class=EmailMessage, policy=default)
    assert message["Bcc"] is None


def test_message_ids_are_random_and_on_our_domain() -> None:
    first, second = new_message_id("relay.test"), new_message_id("relay.test")
    assert first != second
    assert first.endswith("@relay.test>")


def test_key_round_trip_and_dns_record(tmp_path: Path) -> None:
    key = generate_key(selector="s2026", domain="Relay.Test")
    path = tmp_path / "keys" / "dkim.pem"
    save_key(key, path)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(InvalidInput, match="already exists"):
        save_key(key, path)
    loaded = load_key(path, selector="s2026", domain="relay.test")
    assert loaded.public_record == key.public_record
    assert loaded.dns_name == "s2026._domainkey.relay.test"
    line = loaded.zone_line()
    assert line.startswith('s2026._domainkey.relay.test. IN TXT ( "v=DKIM1; k=rsa; p=')
    assert all(len(chunk) <= 255 for chunk in line.split('"')[1::2])
    # The key signs what dkimpy verifies against the published record.
    zone = StaticResolver({(loaded.dns_name, "TXT"): [loaded.public_record]})
    assert SenderAuthenticator(zone).check_dkim(sign(b"From: a@relay.test\r\n\r\nhi\r\n", loaded))


def test_bad_keys_fail_at_load(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_key(tmp_path / "missing.pem", selector="s", domain="relay.test")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    with pytest.raises(InvalidInput, match="not an unencrypted PEM"):
        load_key(garbage, selector="s", domain="relay.test")
    with pytest.raises(InvalidInput, match="at least 2048"):
        generate_key(selector="s", domain="relay.test", bits=1024)
    with pytest.raises(InvalidInput, match="one DNS label"):
        generate_key(selector="bad selector", domain="relay.test")


def test_dsn_is_rfc3464_and_read_back_by_flufl_bounce() -> None:
    original = (
        b"From: Jane <jane@seller.example>\r\nTo: abcdefghijklmnop@relay.test\r\n"
        b"Subject: Thank you\r\nMessage-ID: <m1@seller.example>\r\n\r\nSECRET BODY\r\n"
    )
    failure = DeliveryFailure(
        notify="jane@seller.example",
        final_recipient="abcdefghijklmnop@relay.test",
        original_headers=headers_of(original),
        status="5.7.1",
        diagnostic="550 5.7.1 The buyer has opted out of non-critical messages",
        explanation="The buyer has opted out of messages that are not needed for the order.",
        arrival=WHEN,
        original_message_id="<m1@seller.example>",
    )
    data = build_dsn(failure, reporting_domain="relay.test", now=WHEN)
    message = message_from_bytes(data, _class=EmailMessage, policy=default)
    assert message.get_content_type() == "multipart/report"
    assert message.get_param("report-type") == "delivery-status"
    assert str(message["Auto-Submitted"]) == "auto-replied"
    assert str(message["In-Reply-To"]) == "<m1@seller.example>"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "message/delivery-status",
        "text/rfc822-headers",
    ]
    assert b"SECRET BODY" not in data  # headers only
    assert b"Subject: Thank you" in data
    # A bounce parser we did not write finds the failed recipient: the alias, not a real address.
    assert scan_message(message) == {b"abcdefghijklmnop@relay.test"}
    temporary, permanent = all_failures(message)
    assert permanent == {b"abcdefghijklmnop@relay.test"}
    assert temporary == set()


def test_dsn_refuses_a_malformed_status() -> None:
    failure = DeliveryFailure("a@b.example", "x@relay.test", b"", "550", "x", "x", WHEN)
    with pytest.raises(InvalidInput, match="status"):
        build_dsn(failure, reporting_domain="relay.test", now=WHEN)
