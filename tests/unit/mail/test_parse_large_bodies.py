"""Large leaf bodies skip the stdlib's line reader, and the parse comes out exactly the same.

Every case parses the same bytes twice, with lifting (the default) and with the stdlib alone
(`lift_from=None`), and compares both the relay's view (ParsedMail) and the whole MIME tree the
stdlib built: content types, payload strings, preamble and epilogue, defects.
"""

from __future__ import annotations

import base64
import random
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdlib_parse import assert_read_as_the_stdlib_reads, relay_outcome

from gobetween.adapters.mail.parse import (
    LIFT_BYTES,
    _lift_bodies,
    parse_mail,
)

PDF = b"%PDF-1.4\n" + random.Random(7).randbytes(40_000)
BIG_TEXT = "The parcel left our warehouse this morning. " * 600


def _assert_same_parse(raw: bytes, *, lifted: bool | None = None) -> None:
    """Lifted and plain parses agree; `lifted` says whether a body must have been lifted."""
    skeleton, bodies = _lift_bodies(raw, LIFT_BYTES, max_parts=100, max_depth=10)
    if lifted is not None:
        assert bool(bodies) is lifted
        assert (len(skeleton) < len(raw)) is lifted
    assert_read_as_the_stdlib_reads(raw)


def _mail(text: str = "See the attached invoice.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Buyer <buyer@buyers.example>"
    message["To"] = "abcdefghijklmno@relay.test"
    message["Subject"] = "Invoice"
    message["Message-ID"] = "<m1@buyers.example>"
    message.set_content(text)
    return message


def test_a_base64_attachment_is_lifted_and_decodes_to_the_same_bytes() -> None:
    message = _mail()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="i.pdf")
    raw = message.as_bytes(policy=SMTP)
    _assert_same_parse(raw, lifted=True)
    parsed = parse_mail(raw)
    assert [a.data for a in parsed.attachments] == [PDF]
    assert parsed.text == "See the attached invoice."


def test_lf_line_endings_give_the_same_parse() -> None:
    message = _mail()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="i.pdf")
    _assert_same_parse(message.as_bytes(), lifted=True)


def test_a_large_plain_text_mail_is_lifted() -> None:
    _assert_same_parse(_mail(BIG_TEXT).as_bytes(policy=SMTP), lifted=True)


def test_a_body_with_a_line_starting_with_dashes_is_left_to_the_stdlib() -> None:
    raw = _mail(BIG_TEXT + "\n-- \nJane, Bench Store\n").as_bytes(policy=SMTP)
    _assert_same_parse(raw, lifted=False)


def test_nested_alternative_and_several_attachments() -> None:
    message = _mail(BIG_TEXT)
    message.add_alternative(f"<p>{BIG_TEXT}</p>", subtype="html")
    message.make_mixed()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="a.pdf")
    message.add_attachment(PDF[:30_000], maintype="image", subtype="png", filename="b.png")
    message.add_attachment(b"small", maintype="application", subtype="pdf", filename="c.pdf")
    _assert_same_parse(message.as_bytes(policy=SMTP), lifted=True)


def _multipart(parts: list[bytes], *, boundary: str = "BOUND", closing: bool = True) -> bytes:
    head = (
        b"From: buyer@buyers.example\r\nTo: a@relay.test\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="' + boundary.encode() + b'"\r\n\r\npreamble\r\n'
    )
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    tail = (b"--" + boundary.encode() + b"--  \r\nepilogue\r\n") if closing else b""
    return head + body + tail


def _base64_part(data: bytes, content_type: bytes = b"application/pdf") -> bytes:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n")
    return (
        b"Content-Type: "
        + content_type
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + encoded
    )


TEXT_PART = b"Content-Type: text/plain\r\n\r\nHello there"


def test_a_missing_closing_delimiter() -> None:
    _assert_same_parse(_multipart([TEXT_PART, _base64_part(PDF)], closing=False))
    _assert_same_parse(
        _multipart([TEXT_PART, _base64_part(PDF), _base64_part(PDF)], closing=False), lifted=True
    )


def test_a_line_that_looks_like_a_delimiter_but_is_not_one() -> None:
    fake = b"Content-Type: text/plain\r\n\r\n" + b"x" * 20_000 + b"\r\n--BOUNDARY-not\r\nmore text"
    _assert_same_parse(_multipart([TEXT_PART, fake, _base64_part(PDF)]), lifted=True)


def test_a_bare_cr_before_a_delimiter_counts_as_a_line_break_for_the_stdlib() -> None:
    sneaky = b"Content-Type: text/plain\r\n\r\n" + b"y" * 20_000 + b"\r--BOUND\r\nX-Smuggled: 1"
    _assert_same_parse(_multipart([TEXT_PART, sneaky, _base64_part(PDF)]))


def test_a_forwarded_mail_is_never_lifted_into() -> None:
    inner = _mail("forwarded")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="in.pdf")
    rfc822 = b"Content-Type: message/rfc822\r\n\r\n" + inner.as_bytes(policy=SMTP)
    _assert_same_parse(_multipart([TEXT_PART, rfc822]), lifted=False)
    # A single-part forwarded mail has no "--" line to stop a lift: its type alone must.
    single = b"Content-Type: message/rfc822\r\n\r\n" + _mail(BIG_TEXT).as_bytes(policy=SMTP)
    _assert_same_parse(_multipart([TEXT_PART, single]), lifted=False)


def test_a_delimiter_with_trailing_blanks_and_a_quoted_boundary_with_spaces() -> None:
    raw = _multipart([TEXT_PART, _base64_part(PDF)], boundary="a b=c")
    raw = raw.replace(b"--a b=c\r\n", b"--a b=c \t\r\n", 1)
    _assert_same_parse(raw, lifted=True)


def test_the_part_limit_is_the_same_with_lifting() -> None:
    raw = _multipart([TEXT_PART] + [_base64_part(PDF[:17_000])] * 6)
    assert relay_outcome(raw, max_parts=4) == relay_outcome(raw, max_parts=4, lift_from=None)
    assert isinstance(relay_outcome(raw, max_parts=4), tuple)


# Pieces that move structure around: delimiters of either level, bare CRs, empty lines, headers.
_NOISE = [b"\r\n--BOUND\r\n", b"\r--BOUND--\r\n", b"\n--IN\r\n", b"\r\r", b"\n\n", b"\r\n\r\n",
          b"--", b"\r\nContent-Type: message/rfc822\r\n", b"\r\n--IN--\r\n", b"-"]  # fmt: skip


def _nested_mail() -> bytes:
    inner = (
        b'Content-Type: multipart/alternative; boundary="IN"\r\n\r\n--IN\r\n'
        + TEXT_PART
        + b"\r\n--IN\r\n"
        + _base64_part(PDF[:20_000], b"text/html")
        + b"\r\n--IN--\r\n"
    )
    return _multipart([inner, _base64_part(PDF[:25_000]), _base64_part(PDF[:18_000])])


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(_NOISE)), min_size=1, max_size=4
    )
)
def test_noise_anywhere_never_changes_the_parse(cuts: list[tuple[int, bytes]]) -> None:
    raw = _nested_mail()
    for position, noise in cuts:
        at = position % (len(raw) + 1)
        raw = raw[:at] + noise + raw[at:]
    _assert_same_parse(raw)


@pytest.mark.parametrize("size", [LIFT_BYTES - 1, LIFT_BYTES, LIFT_BYTES + 1])
def test_bodies_around_the_threshold(size: int) -> None:
    _assert_same_parse(_multipart([TEXT_PART, _base64_part(PDF[: size * 3 // 4])]))
