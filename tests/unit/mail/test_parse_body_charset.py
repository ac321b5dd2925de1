"""The body text is read as the stdlib's get_content reads it, the charset parameter kept per text.

`parse._text_of` decodes a text/* body itself, with the answer of `get_param("charset",
"ASCII")` kept per Content-Type text, and hands any other part to `get_content`; either way the
text, or the fallback after an unknown or lying charset, or the error, is what the stdlib's
`get_content` gives (the way `_text_of` read every body before).
"""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import parse
from gobetween.adapters.mail.parse import _text_of, mail_policy


@pytest.fixture(autouse=True)
def _process_tables_as_they_were() -> Iterator[None]:
    """The random Content-Types below would fill the process's tables of shared values, which
    other tests expect to have room."""
    kept = dict(parse._RECURRING_HEADERS), dict(parse._CHARSETS)
    yield
    for table, before in zip((parse._RECURRING_HEADERS, parse._CHARSETS), kept, strict=True):
        table.clear()
        table.update(before)


def _the_stdlib_way(part: EmailMessage) -> object:
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except Exception as error:  # compared: both ways must fail alike
        return ("raised", type(error))


def _part(content_type: str | None, encoding: str | None, body: bytes) -> EmailMessage:
    headers = b"From: a@b.example\r\n"
    if content_type is not None:
        headers += b"Content-Type: " + content_type.encode("utf-8", "surrogateescape") + b"\r\n"
    if encoding is not None:
        headers += b"Content-Transfer-Encoding: " + encoding.encode("ascii") + b"\r\n"
    message = message_from_bytes(
        headers + b"\r\n" + body, _class=EmailMessage, policy=mail_policy()
    )
    assert isinstance(message, EmailMessage)
    return message


def _assert_same(content_type: str | None, encoding: str | None, body: bytes) -> None:
    # Twice: the second read meets the kept charset.
    for _ in range(2):
        part = _part(content_type, encoding, body)
        assert _outcome(lambda part=part: _text_of(part)) == _outcome(
            lambda part=part: _the_stdlib_way(part)
        )


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        'text/plain; charset="utf-8"',
        "text/plain; charset=iso-8859-1; format=flowed",
        "text/plain; charset=no-such-charset",
        "text/plain; charset*=utf-8''%C3%A9",
        "text/plain; charset*0=utf; charset*1=-8",
        'text/html; charset="UTF-8"',
        "TEXT/PLAIN; CHARSET=UTF-8",
        "text/plain; charset",
        "text/plain;; charset=utf-8;",
        "application/octet-stream",
        "image/png; charset=utf-8",
        "multipart/mixed",
        "garbage",
    ],
)
@pytest.mark.parametrize("encoding", [None, "quoted-printable", "base64", "8bit"])
def test_examples_read_as_the_stdlib_reads_them(
    content_type: str | None, encoding: str | None
) -> None:
    _assert_same(content_type, encoding, "Grüße =C3=A9 w7Y=\r\nline two\r\n".encode())


_PIECES = st.sampled_from(
    ["text/plain", "text/html", "text", "/", ";", " ", "charset", "=", '"', "utf-8", "latin-1",
     "*", "'", "%C3", "x", "ascii", "\\", "(c)"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_PIECES, max_size=10).map("".join),
    st.sampled_from([None, "quoted-printable", "base64", "7bit"]),
    st.binary(max_size=40),
)
def test_any_content_type_reads_as_the_stdlib_reads_it(
    content_type: str, encoding: str | None, body: bytes
) -> None:
    _assert_same(content_type, encoding, body.replace(b"\r", b"").replace(b"\n", b"\r\n"))
