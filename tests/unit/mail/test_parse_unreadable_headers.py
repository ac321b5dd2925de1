"""A header value the stdlib's parser raises on is kept as text, and the mail is still read.

Python 3.11's structured header parsers record a defect for most malformed values, but some make
them raise (`Content-Type: text/plain;x*`: IndexError, inside the parse itself). Such an error
used to leave the relay with a temporary failure (451) for a mail that can never be read
differently, so the sender's MTA would retry it for days.
"""

from __future__ import annotations

from email import message_from_bytes
from email.errors import InvalidHeaderDefect
from email.message import EmailMessage
from email.policy import default

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import parse
from gobetween.adapters.mail.parse import MalformedMail, mail_policy, parse_mail

_HEAD = b"From: a@seller.example\r\nTo: b@relay.test\r\nMessage-ID: <m1@seller.example>\r\n"


def test_the_stdlib_alone_raises_on_this_content_type() -> None:
    # What this file guards against; if a later Python reads it, the fallback is simply unused.
    with pytest.raises(IndexError):
        message_from_bytes(
            _HEAD + b"Content-Type: text/plain;x*\r\n\r\nhello\r\n",
            _class=EmailMessage,
            policy=default,
        )


def test_a_content_type_the_stdlib_raises_on_reads_as_plain_text() -> None:
    parsed = parse_mail(_HEAD + b"Content-Type: text/plain;x*\r\n\r\nhello there\r\n")
    assert parsed.body == "hello there"
    assert parsed.attachments == ()


def test_the_kept_header_is_its_text_with_a_defect() -> None:
    message = message_from_bytes(
        _HEAD + b"Content-Type: ;charset*\r\n\r\nhello\r\n",
        _class=EmailMessage,
        policy=mail_policy(),
    )
    header = message["Content-Type"]
    assert str(header) == ";charset*"
    assert any(isinstance(defect, InvalidHeaderDefect) for defect in header.defects)
    # The stdlib's reading of a Content-Type without a type: text/plain.
    assert message.get_content_type() == "text/plain"


def test_a_part_with_such_a_content_type_inside_a_multipart_mail() -> None:
    raw = (
        _HEAD + b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain;x*\r\n\r\nthe new text\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
        b'filename="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n'
        b"--b--\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.body == "the new text"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("a.pdf", b"%PDF-1.4\n")]


def test_an_unreadable_header_is_not_kept_for_other_mails() -> None:
    before = dict(parse._RECURRING_HEADERS)
    parse_mail(_HEAD + b"Content-Type: text/plain;x*\r\n\r\nhello\r\n")
    added = {key for key in parse._RECURRING_HEADERS if key not in before}
    assert ("content-type", "text/plain;x*") not in {(n.lower(), v) for n, v in added}


_PIECES = st.sampled_from(
    ["text/plain", "multipart/mixed", "text", "/", ";", ",", " ", "charset", "boundary",
     "filename", "=", '"', "utf-8", "*", "'", "%C3", "x", "\\", "(", ")", "<", ">", "@", ":",
     "a@b.example", "<m@x>", "=?utf-8?q?", "?=", "\t", "Mon, 1 Jan 2024"]
)  # fmt: skip
_NAMES = st.sampled_from(
    ["Content-Type", "Content-Disposition", "Content-Transfer-Encoding", "To", "Cc", "Reply-To",
     "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Subject", "From"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NAMES, st.lists(_PIECES, max_size=8).map("".join)), max_size=3))
def test_any_header_values_read_or_refuse_with_malformed_mail(
    headers: list[tuple[str, str]],
) -> None:
    head = b"".join(f"{name}: {value}\r\n".encode() for name, value in headers)
    raw = b"From: a@seller.example\r\nTo: b@relay.test\r\n" + head + b"\r\nthe body\r\n"
    try:
        parsed = parse_mail(raw)
        parsed.body_part.reply()
        parsed.attachments  # noqa: B018 (read for the errors it may raise)
    except MalformedMail:
        pass
