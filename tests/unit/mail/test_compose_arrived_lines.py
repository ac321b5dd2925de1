"""compose() sends an attachment's base64 body as it arrived (Letter.attachment_lines) only where
those lines are byte for byte the ones it would write, and the mail is the same either way."""

from __future__ import annotations

import binascii
import os
import random
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from test_outbound import _letter

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import _as_wire_lines, compose
from gobetween.adapters.mail.parse import MailAttachment

NOW = 1_795_000_000
REPLACEMENTS = {"jane@seller.example": "t969vz2jn3bdsy7a@relay.test"}


def _as_sent(data: bytes) -> bytes:
    """The base64 body a mail client writes for `data` (the standard library's), its last line
    break left out, as the relay keeps it."""
    message = EmailMessage()
    message.set_content(data, maintype="application", subtype="pdf", filename="a.pdf")
    raw = message.as_bytes(policy=SMTP)
    body = raw[raw.index(b"\r\n\r\n") + 4 :]
    return body[: -len(b"\r\n")]


def _lines(data: bytes, width: int, linesep: bytes = b"\r\n") -> bytes:
    encoded = binascii.b2a_base64(data, newline=False)
    return linesep.join(encoded[i : i + width] for i in range(0, len(encoded), width))


@pytest.mark.parametrize("size", [1, 2, 3, 56, 57, 58, 114, 20_000, 20_001, 20_002, 196_009])
def test_the_lines_a_client_writes_are_the_lines_compose_writes(size: int) -> None:
    data = os.urandom(size)
    assert _as_wire_lines(_as_sent(data), data) == _lines(data, 76) + b"\r\n"


def test_other_lines_are_not_taken() -> None:
    data = os.urandom(20_003)  # the last quantum holds two bytes: one "=" and 2 unused bits
    canonical = _lines(data, 76)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    flipped = alphabet[alphabet.index(canonical[-2]) ^ 1]
    unused_bits_set = canonical[:-2] + bytes([flipped]) + canonical[-1:]
    assert unused_bits_set != canonical
    assert binascii.a2b_base64(unused_bits_set) == data
    for lines in (
        _lines(data, 64),
        _lines(data, 72),
        _lines(data, 76, b"\n"),
        canonical[:-1],
        canonical + b"\r\n",
        canonical.replace(b"\r\n", b"\r\r", 1),
        canonical[:100] + b"\n" + canonical[101:],
        unused_bits_set,
    ):
        assert _as_wire_lines(lines, data) is None
    assert _as_wire_lines(b"", b"") is None


@pytest.mark.parametrize("width", [76, 64])
def test_a_mail_is_the_same_with_the_arrived_lines(
    width: int, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = MailAttachment("a.pdf", "application/pdf", b"%PDF-1.4\n" + os.urandom(196_000))
    small = MailAttachment("s.pdf", "application/pdf", os.urandom(30_001))
    letter = _letter(attachments=(pdf, small))
    arrived = _letter(
        attachments=(pdf, small),
        attachment_lines={
            pdf.sha256: _lines(pdf.data, width),
            small.sha256: _lines(small.data, width),
        },
    )
    monkeypatch.setattr("gobetween.adapters.mail.outbound.time.time", lambda: NOW)
    random.seed(5)
    plain = compose(letter, replacements=REPLACEMENTS, key=relay_key)
    calls: list[bytes] = []
    encode = binascii.b2a_base64

    def counted(data: bytes, *, newline: bool = True) -> bytes:
        calls.append(bytes(data))
        return encode(data, newline=newline)

    monkeypatch.setattr("gobetween.adapters.mail.outbound.binascii.b2a_base64", counted)
    random.seed(5)
    assert compose(arrived, replacements=REPLACEMENTS, key=relay_key) == plain
    # At 76 characters the lines are sent as they came: neither attachment is encoded again.
    encoded_again = {pdf.data, small.data} & set(calls)
    assert encoded_again == (set() if width == 76 else {pdf.data, small.data})
