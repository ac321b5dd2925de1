"""The parse says where a large attachment's body stands in the raw mail as its base64 encoding
(MailAttachment.raw_base64), and the relay's search for that body (base64_body_in) gives the
same answer with that hint as without it, in every line layout."""

from __future__ import annotations

import binascii
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.db.relay_repository import base64_body_in
from gobetween.adapters.mail.inbound import _base64_bodies
from gobetween.adapters.mail.parse import LIFT_BYTES, _written_by_b2a, parse_mail

BOUNDARY = b"==bound=="


def _mail(body: bytes, *, closing: bytes = b"\r\n--" + BOUNDARY + b"--\r\n") -> bytes:
    return (
        b"From: bob@buyer.example\r\nSubject: file\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="' + BOUNDARY + b'"\r\n\r\n'
        b"--" + BOUNDARY + b"\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
        b"--" + BOUNDARY + b"\r\nContent-Type: application/pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n' + body + closing
    )


def _lines(encoded: bytes, width: int, linesep: bytes = b"\r\n") -> bytes:
    return linesep.join(encoded[i : i + width] for i in range(0, len(encoded), width))


def test_a_large_attachment_in_ordinary_lines_is_found_where_it_stands() -> None:
    data = os.urandom(60_001)
    body = _lines(binascii.b2a_base64(data, newline=False), 76)
    raw = _mail(body)
    [attachment] = parse_mail(raw).attachments
    assert attachment.data == data
    assert attachment.raw_base64 == (raw.index(body), raw.index(body) + len(body))
    found = base64_body_in(raw, data, attachment.raw_base64)
    assert found == base64_body_in(raw, data) == (raw.index(body), len(body))
    # What the relay hands to add_stored_mail with the attachment's row.
    assert _base64_bodies(parse_mail(raw)) == {attachment.sha256: attachment.raw_base64}


def test_the_hint_spares_encoding_the_attachment(monkeypatch: pytest.MonkeyPatch) -> None:
    data = os.urandom(60_000)
    body = _lines(binascii.b2a_base64(data, newline=False), 76)
    raw = _mail(body)
    [attachment] = parse_mail(raw).attachments

    def no_encoding(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the attachment was encoded again")

    monkeypatch.setattr(binascii, "b2a_base64", no_encoding)
    assert base64_body_in(raw, data, attachment.raw_base64) == (raw.index(body), len(body))


def test_a_small_attachment_is_not_lifted_so_has_no_place() -> None:
    data = os.urandom(LIFT_BYTES // 4)
    raw = _mail(_lines(binascii.b2a_base64(data, newline=False), 76))
    [attachment] = parse_mail(raw).attachments
    assert attachment.data == data
    assert attachment.raw_base64 is None


def test_padding_bits_a_mailer_set_leave_no_place() -> None:
    data = os.urandom(60_001)  # one byte in the last group of four: "XY=="
    encoded = binascii.b2a_base64(data, newline=False)
    # Y carries 4 bits the decoder ignores, which b2a_base64 writes as zeros: set one.
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    odd = alphabet.index(encoded[-3:-2]) | 1
    changed = encoded[:-3] + alphabet[odd : odd + 1] + b"=="
    raw = _mail(_lines(changed, 76))
    [attachment] = parse_mail(raw).attachments
    assert attachment.data == data
    assert attachment.raw_base64 is None
    assert base64_body_in(raw, data) is None


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6, 100, 101, 102])
def test_written_by_b2a_is_the_comparison_with_the_encoding(size: int) -> None:
    data = os.urandom(size)
    encoded = binascii.b2a_base64(data, newline=False)
    assert _written_by_b2a(encoded, data)
    if encoded.endswith(b"="):
        last = encoded.rstrip(b"=")[-1:]
        other = b"B" if last == b"A" else b"A"
        changed = encoded.rstrip(b"=")[:-1] + other + encoded[len(encoded.rstrip(b"=")) :]
        if binascii.a2b_base64(changed, strict_mode=True) == data:
            assert not _written_by_b2a(changed, data)
    assert _written_by_b2a(b"", b"")


LAYOUTS = st.sampled_from(
    [
        (76, b"\r\n", b"\r\n"),
        (64, b"\r\n", b"\r\n"),
        (72, b"\r\n", b"\r\n"),
        (100, b"\r\n", b"\r\n\r\n"),
        (60, b"\r\n", b"\r\n"),
        (76, b"\n", b"\n"),
        (76, b"\r\n", b"\r\n\r\n\r\n"),
        (1_000_000, b"\r\n", b"\r\n"),
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(LIFT_BYTES, LIFT_BYTES * 3),
    layout=LAYOUTS,
    uneven=st.integers(0, 3),
    twice=st.booleans(),
)
def test_the_hint_gives_what_the_search_gives(
    size: int, layout: tuple[int, bytes, bytes], uneven: int, twice: bool
) -> None:
    width, linesep, trailing = layout
    data = os.urandom(size)
    body = _lines(binascii.b2a_base64(data, newline=False), width, linesep)
    for _ in range(uneven):
        # A line broken early somewhere: still the encoding once the breaks are deleted.
        cut = body.find(linesep, len(body) // (uneven + 1))
        if cut > 10:
            body = body[: cut - 5] + linesep + body[cut - 5 :]
    raw = _mail(body + trailing, closing=b"--" + BOUNDARY + b"--\r\n")
    if twice:
        # The same body earlier in the mail (a forwarded copy): the search finds that one first.
        raw = raw.replace(b"See the file.", b"See the file.\r\n" + body, 1)
    attachments = parse_mail(raw).attachments
    attachment = attachments[-1]
    assert attachment.data == data
    if attachment.raw_base64 is not None:
        start, end = attachment.raw_base64
        assert raw[start:end].translate(None, b"\r\n") == binascii.b2a_base64(data, newline=False)
    assert base64_body_in(raw, data, attachment.raw_base64) == base64_body_in(raw, data)
