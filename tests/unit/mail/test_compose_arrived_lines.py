"""An attachment's base64 body as it arrived is decoded to the bytes binascii gives, and sent as
it is only where it is byte for byte the body compose writes for them; a mail is the same bytes
as one composed the way it was before (binascii's decode, binascii's encoding cut into lines)
under the same boundary and signing time."""

from __future__ import annotations

import binascii
import os
import random
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_outbound import _letter

from gobetween.adapters.mail import outbound
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import compose, decode_wire_lines
from gobetween.adapters.mail.parse import MailAttachment

NOW = 1_795_000_000
REPLACEMENTS = {
    "jane@seller.example": "t969vz2jn3bdsy7a@relay.test",
    "bob@buyer.example": "qz8kd0rw2mxv4n1c@relay.test",
}
ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


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


def _binascii_wire_lines(data: bytes) -> bytes:
    """The wire lines as compose wrote them before: binascii's encoding cut in Python."""
    encoded = binascii.b2a_base64(data, newline=False)
    lines = [encoded[start : start + 76] for start in range(0, len(encoded), 76)]
    lines.append(b"")
    return b"\r\n".join(lines)


def _unused_bits_set(canonical: bytes) -> bytes:
    """`canonical` (of a length 1 more than a multiple of 3) with a bit the decoder drops set."""
    flipped = ALPHABET[ALPHABET.index(canonical[-3]) ^ 1]
    return canonical[:-3] + bytes([flipped]) + canonical[-2:]


def _binascii_outcome(lines: bytes) -> bytes | str:
    """binascii's bytes for `lines`, or its error's message."""
    try:
        return binascii.a2b_base64(lines)
    except binascii.Error as error:
        return str(error)


def _outcome(lines: bytes) -> bytes | str:
    """decode_wire_lines' bytes for `lines`, or its error's message."""
    try:
        return decode_wire_lines(lines)[0]
    except binascii.Error as error:
        return str(error)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_compose_writes_binascii_lines(data: bytes) -> None:
    assert outbound._wire_lines(data) == _binascii_wire_lines(data)


@pytest.mark.parametrize("size", [1, 2, 3, 56, 57, 58, 114, 20_000, 20_001, 20_002, 196_009])
def test_the_lines_a_client_writes_are_the_lines_compose_writes(size: int) -> None:
    data = os.urandom(size)
    assert decode_wire_lines(_as_sent(data)) == (data, _lines(data, 76) + b"\r\n")


def test_other_lines_decode_as_binascii_decodes_them_and_are_not_taken() -> None:
    data = os.urandom(20_003)  # the last quantum holds two bytes: one "=" and 2 unused bits
    canonical = _lines(data, 76)
    unused_bits_set = _unused_bits_set(_lines(os.urandom(20_002), 76))
    for lines in (
        _lines(data, 64),
        _lines(data, 72),
        _lines(data, 76, b"\n"),
        canonical[:-1],
        canonical + b"\r\n",
        canonical.replace(b"\r\n", b"\r\r", 1),
        canonical[:100] + b"\n" + canonical[101:],
        canonical[:100] + b" !\t" + canonical[100:],
        canonical.rstrip(b"="),
        canonical + b"=",
        canonical + b"AAAA",
        canonical[:40] + b"==" + canonical[40:],
        unused_bits_set,
        b"",
        b"\r\n",
        b"QQ==",
    ):
        assert _outcome(lines) == _binascii_outcome(lines)
        taken = None if isinstance(_outcome(lines), str) else decode_wire_lines(lines)[1]
        assert taken is None or lines in (canonical, b"QQ==")


@pytest.mark.parametrize("lines", [b"QQ", b"Q", b"A===", b"abcde", b"QUFB\r\nQ", b"QUFBQ\r\n"])
def test_lines_binascii_refuses_are_refused_with_its_error(lines: bytes) -> None:
    with pytest.raises(binascii.Error) as expected:
        binascii.a2b_base64(lines)
    with pytest.raises(binascii.Error) as raised:
        decode_wire_lines(lines)
    assert str(raised.value) == str(expected.value)


_BASE64_TEXT = st.lists(
    st.one_of(
        st.sampled_from([b"\r\n", b"\n", b"\r", b"=", b"==", b" ", b"\t", b"-", b"\x00", b"\xc3"]),
        st.binary(min_size=1, max_size=80).map(lambda raw: binascii.b2a_base64(raw)[:-1]),
        st.text(alphabet=ALPHABET.decode(), min_size=1, max_size=90).map(str.encode),
    ),
    max_size=40,
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(_BASE64_TEXT)
def test_any_text_decodes_as_binascii_decodes_it(lines: bytes) -> None:
    expected = _binascii_outcome(lines)
    assert _outcome(lines) == expected
    if isinstance(expected, str):
        return
    data, taken = decode_wire_lines(lines)
    if taken is not None:
        assert taken == _binascii_wire_lines(data) == lines + b"\r\n"


def _arrived(data: bytes, form: str) -> bytes:
    """`data`'s base64 body in one of the forms mail clients (and others) write."""
    if form == "client":
        return _as_sent(data)
    if form == "64":
        return _lines(data, 64)
    if form == "lf":
        return _lines(data, 76, b"\n")
    if form == "one-line":
        return binascii.b2a_base64(data, newline=False)
    if form == "odd":
        return _lines(data, 61, b"\r\n \r\n")
    raise AssertionError(form)


FORMS = ["client", "64", "lf", "one-line", "odd"]


def _sent_both_ways(
    letter_fields: dict[str, object],
    bodies: list[tuple[str, str, bytes]],
    key: DkimKey | None,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[bytes, bytes]:
    """(the DATA bytes now, the DATA bytes the way it was before) under the same boundaries and
    signing time: each attachment (filename, type, arrived base64 body) decoded and sent by
    decode_wire_lines, and decoded by binascii, then encoded by binascii and cut into lines."""
    now: list[MailAttachment] = []
    before: list[MailAttachment] = []
    lines_now: dict[str, bytes] = {}
    for filename, content_type, arrived in bodies:
        data, wire = decode_wire_lines(arrived)
        now.append(MailAttachment(filename, content_type, data))
        if wire is not None:
            lines_now[now[-1].sha256] = wire
        before.append(MailAttachment(filename, content_type, binascii.a2b_base64(arrived)))
    monkeypatch.setattr(outbound.time, "time", lambda: NOW)
    random.seed(7)
    ours = compose(
        _letter(**letter_fields, attachments=tuple(now), attachment_lines=lines_now),
        replacements=REPLACEMENTS,
        key=key,
    )
    with monkeypatch.context() as old_way:
        old_way.setattr(outbound, "_wire_lines", _binascii_wire_lines)
        random.seed(7)
        reference = compose(
            _letter(**letter_fields, attachments=tuple(before)),
            replacements=REPLACEMENTS,
            key=key,
        )
    return ours, reference


LETTERS: dict[str, tuple[dict[str, object], list[tuple[str, int, str]]]] = {
    "200k-pdf": ({}, [("application/pdf", 196_000, "client")]),
    "escaped-addresses": (
        {
            "text": "Write to jane&#64;seller.example or JANE@Seller.Example, "
            "=?utf-8?q?jane=40seller.example?= and bob%40buyer.example.\n" * 40,
            "sender_name": "Jane <jane@seller.example>",
            "subject": "Re: jane@seller.example \u2014 \u00c4rger",
        },
        [("application/pdf", 30_001, "client"), ("image/png", 120_002, "64")],
    ),
    "odd-line-lengths": (
        {"text": "x" * 997 + "\n" + "short\n" + "y" * 78 + "\n"},
        [("application/octet-stream", 57 * 300 + 1, "odd"), ("application/pdf", 40_000, "lf")],
    ),
    "one-line-body": ({}, [("application/zip", 90_000, "one-line")]),
    "small-and-large": (
        {},
        [("application/pdf", 1_000, "client"), ("application/pdf", 150_000, "client")],
    ),
}


@pytest.mark.parametrize("name", LETTERS)
def test_a_mail_is_the_same_bytes_as_before(
    name: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields, shapes = LETTERS[name]
    bodies = [
        (f"f{number} jane@seller.example.bin", content_type, _arrived(os.urandom(size), form))
        for number, (content_type, size, form) in enumerate(shapes)
    ]
    ours, reference = _sent_both_ways(fields, bodies, relay_key, monkeypatch)
    assert ours == reference


def test_non_canonical_last_quantum_is_sent_as_before(
    relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrived = _unused_bits_set(_as_sent(os.urandom(60_001)))
    assert decode_wire_lines(arrived)[1] is None
    ours, reference = _sent_both_ways(
        {}, [("a.pdf", "application/pdf", arrived)], relay_key, monkeypatch
    )
    assert ours == reference


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shapes=st.lists(
        st.tuples(st.integers(1, 60_000), st.sampled_from(FORMS), st.booleans()),
        min_size=1,
        max_size=3,
    ),
    text=st.text(max_size=300),
)
def test_varied_letters_are_the_same_bytes_as_before(
    shapes: list[tuple[int, str, bool]], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = []
    for number, (size, form, unused_bits) in enumerate(shapes):
        arrived = _arrived(os.urandom(size), form)
        if unused_bits and size % 3 == 1 and form == "client":
            arrived = _unused_bits_set(arrived)
        bodies.append((f"f{number}.pdf", "application/pdf", arrived))
    ours, reference = _sent_both_ways({"text": text}, bodies, None, monkeypatch)
    assert ours == reference


def test_the_arrived_lines_are_not_encoded_again(
    relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(196_000)
    data_back, wire = decode_wire_lines(_as_sent(data))
    assert wire is not None
    pdf = MailAttachment("a.pdf", "application/pdf", data_back)
    monkeypatch.setattr(outbound.time, "time", lambda: NOW)
    random.seed(5)
    plain = compose(_letter(attachments=(pdf,)), replacements=REPLACEMENTS, key=relay_key)

    def not_called(data: bytes) -> bytes:
        raise AssertionError("encoded again")

    monkeypatch.setattr(outbound, "_wire_lines", not_called)
    random.seed(5)
    arrived = _letter(attachments=(pdf,), attachment_lines={pdf.sha256: wire})
    assert compose(arrived, replacements=REPLACEMENTS, key=relay_key) == plain


def test_lines_of_another_length_are_refused(relay_key: DkimKey) -> None:
    pdf = MailAttachment("a.pdf", "application/pdf", os.urandom(40_000))
    letter = _letter(attachments=(pdf,), attachment_lines={pdf.sha256: b"QUFB\r\n"})
    with pytest.raises(ValueError, match="does not fit"):
        compose(letter, replacements=REPLACEMENTS, key=relay_key)
