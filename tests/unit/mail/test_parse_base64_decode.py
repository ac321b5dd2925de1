"""A base64 body is decoded by pybase64 when it is the encoding binascii.b2a_base64 writes, and by
binascii's strict decode or the stdlib otherwise: the bytes, whether the body is as written
(MailAttachment.raw_base64) and the part's defects are the same as with binascii alone."""

from __future__ import annotations

import binascii
from email.message import EmailMessage

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import parse
from gobetween.adapters.mail.parse import (
    LIFT_BYTES,
    _canonical_base64_decoded,
    _decoded_base64,
    _written_by_b2a,
    parse_mail,
)

ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def binascii_decoded_base64(part: EmailMessage) -> tuple[bytes, bool]:
    """_decoded_base64 as it was before pybase64: binascii's strict decode, else the stdlib."""
    payload = getattr(part, "_payload", None)
    if (
        isinstance(payload, str)
        and payload.isascii()
        and str(part.get("content-transfer-encoding", "")).lower() == "base64"
    ):
        joined = payload.encode("ascii").translate(None, b"\r\n")
        if len(joined) % 4 == 0:
            try:
                data = binascii.a2b_base64(joined, strict_mode=True)
            except binascii.Error:
                pass
            else:
                return data, _written_by_b2a(joined, data)
    decoded = part.get_payload(decode=True)
    return (decoded if isinstance(decoded, bytes) else b""), False


def _part(payload: str, encoding: str = "base64") -> EmailMessage:
    part = EmailMessage(policy=parse.MAIL_POLICY)
    part["Content-Type"] = "application/pdf"
    part["Content-Transfer-Encoding"] = encoding
    part.set_payload(payload)
    return part


def _lines(encoded: bytes, width: int, linesep: bytes) -> bytes:
    return linesep.join(encoded[i : i + width] for i in range(0, len(encoded), width))


def _mutated(encoded: bytes, kind: str, at: int, byte: int) -> bytes:
    """`encoded` changed in one of the ways mailers and forgers get base64 wrong."""
    where = at % (len(encoded) + 1)
    if kind == "garbage":
        return encoded[:where] + bytes([byte]) + encoded[where:]
    if kind == "drop":
        return encoded[:where] + encoded[where + 1 :]
    if kind == "padding bits" and encoded.endswith(b"="):
        # The bits after the last byte, which the decoder ignores and b2a_base64 writes as 0.
        last = len(encoded.rstrip(b"=")) - 1
        changed = ALPHABET.index(encoded[last : last + 1]) ^ (1 + byte % 3)
        return encoded[:last] + ALPHABET[changed : changed + 1] + encoded[last + 1 :]
    if kind == "no padding":
        return encoded.rstrip(b"=")
    if kind == "padding inside":
        return encoded[:where] + b"==" + encoded[where:]
    if kind == "lone line break":
        return encoded[:where] + (b"\r" if byte % 2 else b"\n") + encoded[where:]
    return encoded


MUTATIONS = st.sampled_from(
    ["none", "garbage", "drop", "padding bits", "no padding", "padding inside", "lone line break"]
)
LAYOUTS = st.sampled_from([(76, b"\r\n"), (76, b"\n"), (64, b"\r\n"), (10**9, b""), (3, b"\r")])


def _same(payload: str, encoding: str = "base64") -> tuple[bytes, bool]:
    new, old = _part(payload, encoding), _part(payload, encoding)
    found = _decoded_base64(new)
    assert found == binascii_decoded_base64(old)
    assert [repr(defect) for defect in new.defects] == [repr(defect) for defect in old.defects]
    return found


@settings(max_examples=400, deadline=None)
@given(
    data=st.binary(max_size=400),
    layout=LAYOUTS,
    trailing=st.sampled_from([b"", b"\r\n", b"\n", b"\r\n\r\n"]),
    mutation=MUTATIONS,
    at=st.integers(0, 10**6),
    byte=st.sampled_from(b"*-_.=!~ \t\x00\x7f" + ALPHABET[::7]),
)
@example(data=b"", layout=(76, b"\r\n"), trailing=b"", mutation="none", at=0, byte=42)
def test_encodings_of_random_bytes_decode_as_with_binascii(
    data: bytes, layout: tuple[int, bytes], trailing: bytes, mutation: str, at: int, byte: int
) -> None:
    width, linesep = layout
    encoded = _mutated(binascii.b2a_base64(data, newline=False), mutation, at, byte)
    payload = (_lines(encoded, width, linesep) + trailing).decode("latin-1")
    decoded, as_written = _same(payload)
    if mutation == "none":
        assert (decoded, as_written) == (data, True)


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet="ABCDQgw+/=\r\n*- é", max_size=40))
def test_any_text_decodes_as_with_binascii(text: str) -> None:
    _same(text)


@pytest.mark.parametrize("encoding", ["base64", "BASE64", "quoted-printable", "7bit"])
def test_the_transfer_encoding_decides_as_before(encoding: str) -> None:
    _same("QUJD\r\nRA==\r\n", encoding)


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (b"", b""),
        (b"QQ==", b"A"),
        (b"QUI=", b"AB"),
        (b"QUJD", b"ABC"),
        (b"QR==", None),  # padding bits set: decodes to b"A", but is not how b2a writes it
        (b"QQ", None),  # padding missing
        (b"QQ==QUJD", None),  # data after the padding
        (b"QU*D", None),
        (b"QUJD\n", None),
        (b"-_-_", None),  # the URL-safe alphabet
    ],
)
def test_only_the_encoding_b2a_writes_is_decoded(encoded: bytes, expected: bytes | None) -> None:
    assert _canonical_base64_decoded(encoded) == expected


def _mail(body: bytes) -> bytes:
    return (
        b"From: bob@buyer.example\r\nSubject: file\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        b"--b0\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
        b"--b0\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n' + body + b"\r\n--b0--\r\n"
    )


def _previous_parse(raw: bytes) -> object:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(parse, "_decoded_base64", binascii_decoded_base64)
        return _outcome(raw)


def _outcome(raw: bytes) -> object:
    parsed = parse_mail(raw)
    return [
        (a.filename, a.content_type, a.data, a.sha256, a.raw_base64) for a in parsed.attachments
    ]


@settings(max_examples=60, deadline=None)
@given(
    size=st.sampled_from([0, 1, 2, 3, 300, LIFT_BYTES, LIFT_BYTES + 1, LIFT_BYTES + 2]),
    layout=LAYOUTS.filter(lambda layout: layout[1] != b"\r"),
    mutation=MUTATIONS,
    at=st.integers(0, 10**6),
    byte=st.sampled_from(b"*-_.=!~ \t\x00\x7f" + ALPHABET[::7]),
    seed=st.binary(min_size=1, max_size=16),
)
def test_mails_parse_as_with_binascii(
    size: int,
    layout: tuple[int, bytes],
    mutation: str,
    at: int,
    byte: int,
    seed: bytes,
) -> None:
    width, linesep = layout
    data = (seed * (size // len(seed) + 1))[:size]
    encoded = _mutated(binascii.b2a_base64(data, newline=False), mutation, at, byte)
    raw = _mail(_lines(encoded, width, linesep))
    assert _outcome(raw) == _previous_parse(raw)
