"""A multipart mail of plain structure is built around the stdlib's parse of each header block,
without the stdlib's line-by-line reading, and the parse comes out exactly the same.

`parse._read_multipart` finds the delimiter lines itself and builds the tree as the feed parser
does (parts, preamble, epilogue, the line break before a delimiter going with it); whatever the
feed parser treats its own way is parsed whole. Every case compares the whole MIME tree (raw
headers, payloads, preamble, epilogue, defects) and the bytes with the stdlib's parse of the
whole mail, and the relay's view with `lift_from=None`.
"""

from __future__ import annotations

import random
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdlib_parse import assert_read_as_the_stdlib_reads, mime_tree, relay_outcome

from gobetween.adapters.mail.parse import (
    LIFT_BYTES,
    _read_message,
    _read_multipart,
    mail_policy,
    parse_mail,
)

PDF = b"%PDF-1.4\n" + random.Random(11).randbytes(30_000)


def _built_here(raw: bytes) -> bool:
    """Whether _read_multipart builds the tree itself (else the whole mail goes to the stdlib)."""
    built = _read_multipart(
        raw, mail_policy(), LIFT_BYTES, max_parts=100, max_depth=10, lifted=None
    )
    return built is not None


def _with_attachment(*, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Buyer <buyer@buyers.example>"
    message["To"] = "abcdefghijklmno@relay.test"
    message["Subject"] = "Invoice"
    message["Message-ID"] = "<m1@buyers.example>"
    message.set_content("See the attached invoice.\n")
    if html:
        message.add_alternative("<p>See the attached <b>invoice</b>.</p>", subtype="html")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="i.pdf")
    return message.as_bytes(policy=SMTP)


def test_a_mail_with_an_attachment_is_built_here_with_the_same_parse() -> None:
    raw = _with_attachment()
    assert _built_here(raw)
    assert_read_as_the_stdlib_reads(raw)
    parsed = parse_mail(raw)
    assert [a.data for a in parsed.attachments] == [PDF]
    assert parsed.attachments[0].raw_base64 is not None
    assert parsed.text == "See the attached invoice."


def test_a_nested_alternative_is_built_here_with_the_same_parse() -> None:
    raw = _with_attachment(html=True)
    assert _built_here(raw)
    assert_read_as_the_stdlib_reads(raw)
    assert raw.replace(b"\r\n", b"\n") != raw
    assert_read_as_the_stdlib_reads(raw.replace(b"\r\n", b"\n"))


def _multipart(body: bytes, *, boundary: bytes = b"B", extra: bytes = b"") -> bytes:
    return (
        b'From: a@b.example\r\nContent-Type: multipart/mixed; boundary="'
        + boundary
        + b'"\r\n'
        + extra
        + b"\r\n"
        + body
    )


PLAIN_PART = b"Content-Type: text/plain\r\n\r\nhello\r\n"


@pytest.mark.parametrize(
    "body",
    [
        b"--B\r\n" + PLAIN_PART + b"--B--\r\n",
        b"preamble\r\n--B\r\n" + PLAIN_PART + b"--B--\r\nepilogue\r\n",
        b"\r\n--B\r\n" + PLAIN_PART + b"--B--\r\n\r\n",
        b"--B\r\n" + PLAIN_PART + b"--B--",
        b"--B  \t\r\n" + PLAIN_PART + b"--B-- \r\n",
        b"--B\n" + PLAIN_PART.replace(b"\r\n", b"\n") + b"--B--\n",
        b"--B\r\n" + PLAIN_PART + b"--B\r\n\r\nno headers\r\n--B--\r\n",
        b"--B\r\n\r\n--B--\r\n",
        b"--B\r\n" + b"Content-Type: text/plain\r\n\r\n" + b"--B--\r\n",
        b"--B\r\n" + PLAIN_PART + b"--Bx\r\nnot a delimiter\r\n--B--\r\n",
        b"--B\r\n" + PLAIN_PART + b"x--B\r\n--B--\r\n--B\r\nafter the end\r\n",
        b"--B\r\n" + PLAIN_PART + b"--B--\r\n--B--\r\n",
    ],
)
def test_plain_structures_are_built_here_with_the_same_parse(body: bytes) -> None:
    raw = _multipart(body)
    assert _built_here(raw)
    assert_read_as_the_stdlib_reads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        # No delimiter, no closing delimiter, a closing one first, delimiters in a row.
        _multipart(b"just text\r\n"),
        _multipart(b"--B\r\n" + PLAIN_PART),
        _multipart(b"--B--\r\n--B\r\n" + PLAIN_PART + b"--B--\r\n"),
        _multipart(b"--B\r\n--B\r\n" + PLAIN_PART + b"--B--\r\n"),
        _multipart(b"--B\r\n" + PLAIN_PART + b"--B\r\n--B--\r\nafter\r\n"),
        # A part without an empty line, one whose headers end on a line that is not a header,
        # a bare CR that makes an empty line.
        _multipart(b"--B\r\nContent-Type: text/plain\r\n--B--\r\n"),
        _multipart(b"--B\r\nnot a header\r\n\r\nbody\r\n--B--\r\n"),
        _multipart(b"--B\r\nX-A: 1\r\r\n\r\nbody\r\n--B--\r\n"),
        # A delimiter after a bare CR, which the feed parser takes for a line break.
        _multipart(b"--B\r\n" + b"Content-Type: text/plain\r\n\r\nhello\r--B--\r\n"),
        _multipart(b"--B\r\n" + PLAIN_PART + b"\r--B\r\n" + PLAIN_PART + b"--B--\r\n"),
        # message/* parts, multipart/digest, a nested multipart with the same boundary.
        _multipart(b"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\n\r\nx\r\n--B--\r\n"),
        _multipart(
            b"--B\r\nContent-Type: message/delivery-status\r\n\r\nA: b\r\n\r\nC: d\r\n--B--\r\n"
        ),
        _multipart(b"--B\r\n" + PLAIN_PART + b"--B--\r\n").replace(b"mixed", b"digest"),
        _multipart(b"--B\r\n\r\nFrom: c@d\r\n\r\nx\r\n--B--\r\n").replace(b"mixed", b"digest"),
        _multipart(
            b"--B\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n--B\r\n"
            + PLAIN_PART
            + b"--B--\r\n--B--\r\n"
        ),
        # A multipart part without a boundary or without its closing delimiter.
        _multipart(b"--B\r\nContent-Type: multipart/alternative\r\n\r\nx\r\n--B--\r\n"),
        _multipart(
            b"--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n--C\r\n"
            + PLAIN_PART
            + b"--B--\r\n"
        ),
        # A transfer encoding the feed parser marks as a defect on a multipart, and odd
        # boundaries: non-ASCII, RFC 2231 encoded, quoted with blanks, none at all.
        _multipart(
            b"--B\r\n" + PLAIN_PART + b"--B--\r\n", extra=b"Content-Transfer-Encoding: base64\r\n"
        ),
        b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary*=us-ascii''%42\r\n\r\n"
        b"--B\r\n" + PLAIN_PART + b"--B--\r\n",
        _multipart(b"--a b \r\n" + PLAIN_PART + b"--a b--\r\n", boundary=b"a b "),
        b"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\n--B\r\n" + PLAIN_PART,
        # Headers of the mail itself that the feed parser ends early.
        b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=B\r\nnot a header\r\n\r\n"
        b"--B\r\n" + PLAIN_PART + b"--B--\r\n",
    ],
)
def test_odd_structures_give_the_same_parse(raw: bytes) -> None:
    assert_read_as_the_stdlib_reads(raw)


def test_a_boundary_of_8_bit_bytes_gives_the_same_tree() -> None:
    # The stdlib reads it (as surrogates) but cannot write the mail again (as_bytes raises), so
    # only the trees are compared.
    raw = _multipart(b"--\xc3\xa9\r\n" + PLAIN_PART + b"--\xc3\xa9--\r\n", boundary=b"\xc3\xa9")
    read = _read_message(raw, LIFT_BYTES, max_parts=100, max_depth=10)
    plain = message_from_bytes(raw, _class=EmailMessage, policy=default)
    assert isinstance(plain, EmailMessage)
    assert mime_tree(read) == mime_tree(plain)
    assert relay_outcome(raw) == relay_outcome(raw, lift_from=None)


def test_more_parts_or_levels_than_the_limits_are_left_to_the_whole_parse() -> None:
    raw = _multipart(b"--B\r\n" + PLAIN_PART * 1 + b"--B\r\n" + PLAIN_PART + b"--B--\r\n")
    policy = mail_policy()
    assert _read_multipart(raw, policy, LIFT_BYTES, max_parts=2, max_depth=10, lifted=None) is None
    assert _read_multipart(raw, policy, LIFT_BYTES, max_parts=3, max_depth=10, lifted=None)
    nested = _multipart(
        b"--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n--C\r\n"
        + PLAIN_PART
        + b"--C--\r\n--B--\r\n"
    )
    assert (
        _read_multipart(nested, policy, LIFT_BYTES, max_parts=9, max_depth=1, lifted=None) is None
    )
    assert _read_multipart(nested, policy, LIFT_BYTES, max_parts=9, max_depth=2, lifted=None)
    assert_read_as_the_stdlib_reads(nested)


_LINES = [
    b"--B\r\n",
    b"--B--\r\n",
    b"--B \r\n",
    b"--B--",
    b"--B\n",
    b"--B\r",
    b"--Bx\r\n",
    b"--C\r\n",
    b"--C--\r\n",
    b"Content-Type: text/plain\r\n",
    b"Content-Type: multipart/alternative; boundary=C\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"X-A: 1\r\n",
    b" folded\r\n",
    b"\r\n",
    b"\n",
    b"\r",
    b"text\r\n",
    b"text",
    b"QUJD\r\n",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=24))
def test_any_multipart_body_gives_the_same_parse(lines: list[bytes]) -> None:
    assert_read_as_the_stdlib_reads(_multipart(b"".join(lines)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([b"text/plain", b"text/html", b"application/pdf"]),
            st.binary(max_size=64).map(lambda data: data.replace(b"-", b"")),
            st.sampled_from([b"\r\n", b"\n"]),
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_generated_multipart_mails_are_built_here_with_the_same_parse(
    parts: list[tuple[bytes, bytes, bytes]], nested: bool
) -> None:
    body = b""
    for content_type, data, line_break in parts:
        body += b"--C" + line_break + b"Content-Type: " + content_type + line_break
        body += line_break + data + line_break
    inner = body + b"--C--\r\n"
    if nested:
        inner = (
            b"--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n" + inner + b"--B--\r\n"
        )
        raw = _multipart(inner)
    else:
        raw = _multipart(inner, boundary=b"C")
    assert_read_as_the_stdlib_reads(raw)


_TEXT_LINES = [b"text\r\n", b"text", b"\r\n", b"\n", b"\r", b"--Bx\r\n", b"x--B\r\n", b"QUJD\r\n"]
_PART = st.tuples(
    st.sampled_from([b"--B\r\n", b"--B \r\n", b"--B\t\r\n", b"--B\n", b"--B\r"]),
    st.lists(
        st.sampled_from(
            [
                b"Content-Type: text/plain\r\n",
                b"Content-Type: text/html\n",
                b"X-A: 1\r\n",
                b" b\r\n",
            ]
        ),
        max_size=3,
    ),
    st.sampled_from([b"\r\n", b"\n"]),
    st.lists(st.sampled_from(_TEXT_LINES), max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_TEXT_LINES), max_size=3),
    st.lists(_PART, min_size=1, max_size=4),
    st.sampled_from([b"--B--\r\n", b"--B--", b"--B-- \r\n", b"--B--\n", b"--B--\r"]),
    st.lists(st.sampled_from([*_TEXT_LINES, b"--B\r\n", b"--B--\r\n"]), max_size=3),
)
def test_delimited_parts_with_odd_lines_give_the_same_parse(
    preamble: list[bytes],
    parts: list[tuple[bytes, list[bytes], bytes, list[bytes]]],
    closing: bytes,
    epilogue: list[bytes],
) -> None:
    body = b"".join(preamble)
    for delimiter, headers, empty_line, text in parts:
        body += delimiter + b"".join(headers) + empty_line + b"".join(text) + b"\r\n"
    assert_read_as_the_stdlib_reads(_multipart(body + closing + b"".join(epilogue)))
