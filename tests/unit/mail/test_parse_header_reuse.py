"""Parsed headers are reused across accesses and mails, and that changes no result."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default

import pytest

from gobetween.adapters.mail.parse import MAIL_POLICY, REUSED_HEADER_CHARS, parse_mail


def _mail(content_type: str, *, subject: str = "Hello") -> bytes:
    return (
        "From: Ann <ann@buyers.example>\r\nTo: s@relay.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <m1@buyers.example>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\nHi there\r\n"
    ).encode()


def test_the_same_header_value_is_parsed_once_and_shared() -> None:
    first = MAIL_POLICY.header_factory("Content-Type", 'text/plain; charset="utf-8"')
    again = MAIL_POLICY.header_factory("Content-Type", 'text/plain; charset="utf-8"')
    other = MAIL_POLICY.header_factory("Content-Type", 'text/html; charset="utf-8"')
    assert first is again
    assert other is not first
    assert (other.content_type, first.content_type) == ("text/html", "text/plain")


def test_a_shared_header_cannot_be_changed_through_its_parameters() -> None:
    header = MAIL_POLICY.header_factory("Content-Type", 'text/plain; charset="utf-8"')
    with pytest.raises(TypeError):
        header.params["charset"] = "latin-1"  # type: ignore[index]
    assert dict(header.params) == {"charset": "utf-8"}


def test_long_values_are_parsed_every_time() -> None:
    long_subject = "x" * (REUSED_HEADER_CHARS + 1)
    first = MAIL_POLICY.header_factory("Subject", long_subject)
    assert first == long_subject
    assert MAIL_POLICY.header_factory("Subject", long_subject) is not first


def test_reused_headers_read_like_the_stdlib_default_policy() -> None:
    types = ['text/plain; charset="utf-8"', "text/plain; charset=iso-8859-1", "text/html"]
    for content_type in types * 2:  # the second round reads reused headers
        raw = _mail(content_type, subject="=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
        ours = EmailMessage(policy=MAIL_POLICY)
        plain = EmailMessage(policy=default)
        for message in (ours, plain):
            message["Content-Type"] = content_type
        assert ours.get_content_type() == plain.get_content_type()
        assert ours.get_param("charset") == plain.get_param("charset")
        parsed = parse_mail(raw)
        assert parsed.subject == "Grüße"
        assert parsed.from_address == "ann@buyers.example"
        assert parsed.text == "Hi there"
