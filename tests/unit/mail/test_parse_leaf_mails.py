"""A mail that is one leaf (most replies: one text/plain part) gets its body without the stdlib's
line-by-line reading, and the parse comes out exactly the same.

`parse._read_leaf` lets the stdlib parse the header block alone and, when the stdlib's own
reading of it says the mail is neither multipart nor message/*, sets the rest of the mail as the
payload the stdlib would have joined from its lines. Every case compares the whole MIME tree and
the bytes with the stdlib's parse of the whole mail, and the relay's view with `lift_from=None`.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdlib_parse import assert_read_as_the_stdlib_reads

from gobetween.adapters.mail.parse import (
    _read_leaf,
    mail_policy,
)


def _reply(text: str = "Thanks, the parcel arrived.\r\n> quoted\r\n") -> bytes:
    message = EmailMessage()
    message["From"] = "Buyer <buyer@buyers.example>"
    message["To"] = "abcdefghijklmno@relay.test"
    message["Subject"] = "Re: order"
    message["Message-ID"] = "<m1@buyers.example>"
    message.set_content(text)
    return message.as_bytes(policy=SMTP)


def test_a_plain_reply_is_read_as_a_leaf_with_the_same_parse() -> None:
    raw = _reply("The parcel left our warehouse this morning. " * 90)
    assert _read_leaf(raw, mail_policy()) is not None
    assert_read_as_the_stdlib_reads(raw)


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Type: multipart/alternative; boundary=X\r\n",
        b"Content-Type: MultiPart/mixed; boundary=X\r\n",
        b"Content-Type: message/rfc822\r\n",
        b"Content-Type: message/delivery-status\r\n",
    ],
)
def test_multipart_and_message_mails_are_parsed_whole(header: bytes) -> None:
    raw = (
        header + b"From: a@b.example\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X--\r\n"
    )
    assert _read_leaf(raw, mail_policy()) is None
    assert_read_as_the_stdlib_reads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"From: a@b.example\r\nSubject: no empty line\r\nbody without a break",
        b"From: a@b.example\r\nnot a header line\r\n\r\nbody\r\n",
        b"From: a@b.example\r\nSubject: x\r\r\n\r\nbody after a bare CR\r\n",
        b"From: a@b.example\r\rSubject: x\r\n\r\nbody\r\n",
        b"From nobody Mon Jan  1 00:00:00 2026\r\nFrom: a@b.example\r\n\r\nmbox\r\n",
        b"\r\nno headers at all\r\n",
        b"From: a@b.example\n\nLF only\nlines\n",
        b"From: a@b.example\r\n\r\n",
        b"From: a@b.example\r\nContent-Type: text/html\r\n\r\n<p>hi</p>",
        b"From: a@b.example\r\nContent-Type: message\r\n\r\nnot a valid type\r\n",
        # The stdlib reads this type as it is, spaces and comment included: not message/*.
        b"From: a@b.example\r\nContent-Type: message (c) / rfc822\r\n\r\nFrom: c@d\r\n\r\nx",
        b"From: a@b.example\r\nSubject: \xc3\xa9t\xe9\r\n\r\nbytes \xff\xfe beyond ASCII\r\n",
        b"From: a@b.example\r\nSubject: folded\r\n  onto two lines\r\n\r\nbody\r\n",
    ],
)
def test_odd_header_blocks_give_the_same_parse(raw: bytes) -> None:
    assert_read_as_the_stdlib_reads(raw)


_HEADER_LINES = [
    b"From: a@b.example\r\n",
    b"Subject: hi\r\n",
    b" folded\r\n",
    b"Content-Type: text/plain; charset=utf-8\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Type: application/pdf\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Disposition: attachment; filename=a.pdf\r\n",
    b"no colon here\r\n",
    b"X-Odd:\r",
    b"\r\n",
    b"\n",
    b"\r",
    b"From x\r\n",
]
_BODY_PIECES = [b"text ", b"\r\n", b"\n", b"\r", b"--X\r\n", b"> quoted\r\n", b"\xff", b"=C3=A9"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_HEADER_LINES), max_size=8),
    st.lists(st.sampled_from(_BODY_PIECES), max_size=20),
)
def test_any_header_block_and_body_give_the_same_parse(
    headers: list[bytes], body: list[bytes]
) -> None:
    assert_read_as_the_stdlib_reads(b"".join(headers) + b"\r\n" + b"".join(body))
