"""DKIM signing in OpenSSL gives dkimpy's signature byte for byte, and it verifies."""

from __future__ import annotations

import time

import dkim
import pytest
from test_outbound import _letter

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import SIGNED_HEADERS, Letter, compose, sign
from gobetween.adapters.mail.parse import MailAttachment

# A fixed signing time: dkimpy writes the current second into t=.
SIGNED_AT = 1_795_000_000.25


def dkimpy_signed(data: bytes, key: DkimKey) -> bytes:
    """What dkimpy's own signer prepends to the same bytes (the signer used before)."""
    header = dkim.sign(
        data,
        key.selector.encode("ascii"),
        key.domain.encode("ascii"),
        key.private_pem,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name.encode("ascii") for name in SIGNED_HEADERS],
    )
    assert isinstance(header, bytes)
    return header + data


def unsigned(letter: Letter) -> bytes:
    return compose(letter, replacements={"jane@seller.example": "a1@relay.test"}, key=None)


LETTERS = {
    "threaded reply": _letter(),
    "first message": _letter(in_reply_to=None, references=()),
    "long subject, folded": _letter(subject="Lieferung " * 30),
    "with attachment": _letter(
        attachments=(MailAttachment("photo.pdf", "application/pdf", b"%PDF-1.4\n" + bytes(5000)),)
    ),
    "one-click opt-out": _letter(list_unsubscribe="https://relay.test/u/abc"),
    "trailing blank lines": _letter(text="Thanks.\n\n\n\n"),
}


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_the_signed_bytes_are_dkimpys(
    name: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = unsigned(LETTERS[name])
    monkeypatch.setattr(time, "time", lambda: SIGNED_AT)
    ours = sign(data, relay_key)
    assert ours == dkimpy_signed(data, relay_key)
    assert ours.endswith(data)
    assert b" t=1795000000;" in ours


def test_the_signature_verifies_against_the_published_key(relay_key: DkimKey) -> None:
    data = sign(unsigned(LETTERS["with attachment"]), relay_key)

    def published(name: bytes, timeout: int = 5) -> bytes:
        assert name == relay_key.dns_name.encode("ascii") + b"."
        return relay_key.public_record.encode("ascii")

    assert dkim.verify(data, dnsfunc=published)
    # One changed body byte breaks it: the signature covers these exact bytes.
    tampered = data.replace(b"Your parcel", b"Your parcex")
    assert tampered != data
    assert not dkim.verify(tampered, dnsfunc=published)


def test_composing_with_a_key_signs_once_at_the_top(relay_key: DkimKey) -> None:
    data = compose(LETTERS["threaded reply"], replacements={}, key=relay_key)
    assert data.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=relay.test;")
    assert data.count(b"DKIM-Signature:") == 1
