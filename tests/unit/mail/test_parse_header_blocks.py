"""A plain header block read without the feed parser (parse._plain_header_block) gives the
message BytesHeaderParser gives: the same headers as stored, payload, defects, envelope line and
default type; any other block is left to BytesHeaderParser."""

from __future__ import annotations

from email.message import EmailMessage
from email.parser import BytesHeaderParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail.parse import _plain_header_block, mail_policy


def _stored(message: EmailMessage) -> tuple[Any, ...]:
    return (
        list(message.raw_items()),
        getattr(message, "_payload", None),
        [repr(defect) for defect in message.defects],
        message.get_unixfrom(),
        message.get_default_type(),
        message.preamble,
        message.epilogue,
        message.get_content_type(),
    )


def _stdlib(block: bytes) -> EmailMessage:
    return BytesHeaderParser(_class=EmailMessage, policy=mail_policy()).parsebytes(block)


def _plain(block: bytes) -> EmailMessage | None:
    return _plain_header_block(block, mail_policy())


LINES = st.sampled_from(
    [
        "From: Bob <bob@buyer.example>",
        "To: a-1@relay.example",
        "Subject: Question about order 114-1234567-1234567",
        'Content-Type: multipart/mixed; boundary="===============0123456789=="',
        "Content-Type: application/pdf",
        'Content-Disposition: attachment; filename="a.pdf"',
        "Content-Transfer-Encoding: base64",
        "MIME-Version: 1.0",
        "X-Empty:",
        "X-Spaces:   \t value  ",
        "Name:no-space",
        " folded continuation",
        "\tfolded with a tab",
        "   ",
        "From bob@buyer.example Mon Nov 23 10:00:00 2026",
        "From : odd",
        ": no name",
        "no colon at all",
        "Bad Name: a space in the name",
        "X-Ctl\x7f: a control character in the name",
        "X-Bare: a bare\rCR",
        "X-Bare: a bare\nLF",
        "Subject: caf\u00e9",
        "",
    ]
)


@settings(max_examples=600, deadline=None)
@given(
    lines=st.lists(LINES, max_size=8),
    ending=st.sampled_from(["\r\n\r\n", "\r\n", "\n\n", "\r\n\r\nbody\r\n", ""]),
)
def test_a_block_reads_as_the_stdlib_reads_it(lines: list[str], ending: str) -> None:
    block = ("\r\n".join(lines) + ending).encode("utf-8")
    plain = _plain(block)
    if plain is not None:
        assert _stored(plain) == _stored(_stdlib(block))


@pytest.mark.parametrize(
    "block",
    [
        b"From: bob@buyer.example\r\nSubject: hi\r\n\r\n",
        b'Content-Type: multipart/mixed;\r\n boundary="b0"\r\nMIME-Version: 1.0\r\n\r\n',
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        b"X-Empty:\r\nX-Tab:\t\tv \r\n \r\n\r\n",
    ],
)
def test_plain_blocks_are_read_here(block: bytes) -> None:
    plain = _plain(block)
    assert plain is not None
    assert _stored(plain) == _stored(_stdlib(block))


@pytest.mark.parametrize(
    "block",
    [
        b"\r\n",  # no headers at all
        b" folded first\r\nSubject: hi\r\n\r\n",
        b"From bob@buyer.example Mon Nov 23 10:00:00 2026\r\nSubject: hi\r\n\r\n",
        b": no name\r\n\r\n",
        b"Subject: hi\r\nno colon\r\n\r\n",
        b"Subject: hi\nTo: a@b.example\n\n",
        b"Subject: a bare\rCR\r\n\r\n",
        b"Subject: caf\xc3\xa9\r\n\r\n",
        b"Subject: hi\r\n",
    ],
)
def test_other_blocks_are_left_to_the_stdlib(block: bytes) -> None:
    assert _plain(block) is None


PLAIN_LINES = st.from_regex(r"\A(?:[!-9;-~]{1,12}:[ \t]?[ -~\t]{0,30}|[ \t][ -~\t]{0,20})\Z")


@settings(max_examples=400, deadline=None)
@given(first=PLAIN_LINES.filter(lambda line: line[0] not in " \t"), rest=st.lists(PLAIN_LINES))
def test_generated_plain_blocks_read_as_the_stdlib_reads_them(first: str, rest: list[str]) -> None:
    block = ("\r\n".join([first, *rest]) + "\r\n\r\n").encode("ascii")
    plain = _plain(block)
    assert plain is not None
    assert _stored(plain) == _stored(_stdlib(block))
