"""The relay's reading of a mail compared with the stdlib's parse of the whole mail, and mails
to read."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from gobetween.adapters.mail.parse import (
    LIFT_BYTES,
    MalformedMail,
    _read_message,
    mail_policy,
    parse_mail,
)


def mime_tree(message: EmailMessage) -> list[tuple[Any, ...]]:
    """Every part of `message` as the parse left it: content type, raw headers, unixfrom,
    payload string, preamble and epilogue, defects."""
    return [
        (
            part.get_content_type(),
            # Raw values: what the parse kept (the registry's reading of them is a function of
            # them, and raises on some noise, e.g. IndexError for a From of "a@").
            list(part.raw_items()),
            part.get_unixfrom(),
            getattr(part, "_payload", None) if not part.is_multipart() else None,
            part.preamble,
            part.epilogue,
            [type(defect).__name__ for defect in part.defects],
        )
        for part in message.walk()
    ]


def relay_outcome(raw: bytes, **limits: Any) -> object:
    """`parse_mail(raw, **limits)`, or the refusal it raised."""
    try:
        return parse_mail(raw, **limits)
    except MalformedMail as error:
        return ("refused", str(error))


def assert_read_as_the_stdlib_reads(raw: bytes) -> None:
    """The relay's reading of `raw` is the stdlib's parse of the whole mail: the same MIME tree
    and bytes, and the same relay view as with the stdlib alone (`lift_from=None`)."""
    read = _read_message(raw, LIFT_BYTES, max_parts=100, max_depth=10)
    plain = message_from_bytes(raw, _class=EmailMessage, policy=default)
    assert isinstance(plain, EmailMessage)
    assert mime_tree(read) == mime_tree(plain)
    assert read.as_bytes() == plain.as_bytes()
    assert relay_outcome(raw) == relay_outcome(raw, lift_from=None)


def mail_with_headers(headers: list[tuple[str, str]]) -> EmailMessage:
    """A mail of these header lines (values as given, non-ASCII kept) and a short body, as the
    relay's policy parses it."""
    raw = "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\nHello\r\n"
    message = message_from_bytes(
        raw.encode("utf-8", "surrogateescape"), _class=EmailMessage, policy=mail_policy()
    )
    assert isinstance(message, EmailMessage)
    return message
