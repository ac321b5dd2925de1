"""Within one mail's parse each header is parsed once and shared; that changes no result."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default

import pytest

from gobetween.adapters.mail.parse import mail_policy, parse_mail


def _mail(content_type: str, *, subject: str = "Hello") -> bytes:
    return (
        "From: Ann <ann@buyers.example>\r\nTo: s@relay.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <m1@buyers.example>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\nHi there\r\n"
    ).encode()


def test_one_mail_parses_the_same_header_value_once() -> None:
    factory = mail_policy().header_factory
    first = factory("Content-Type", 'text/plain; charset="utf-8"')
    again = factory("Content-Type", 'text/plain; charset="utf-8"')
    other = factory("Content-Type", 'text/html; charset="utf-8"')
    assert first is again
    assert other is not first
    assert (other.content_type, first.content_type) == ("text/html", "text/plain")


def test_each_mail_has_its_own_parsed_headers() -> None:
    value = 'text/plain; charset="utf-8"'
    one = mail_policy().header_factory("Content-Type", value)
    other = mail_policy().header_factory("Content-Type", value)
    assert one is not other
    assert one == other


def test_a_shared_header_cannot_be_changed_through_its_parameters() -> None:
    header = mail_policy().header_factory("Content-Type", 'text/plain; charset="utf-8"')
    with pytest.raises(TypeError):
        header.params["charset"] = "latin-1"  # type: ignore[index]
    assert dict(header.params) == {"charset": "utf-8"}


def test_shared_headers_read_like_the_stdlib_default_policy() -> None:
    types = ['text/plain; charset="utf-8"', "text/plain; charset=iso-8859-1", "text/html"]
    for content_type in types:
        ours = EmailMessage(policy=mail_policy())
        plain = EmailMessage(policy=default)
        for message in (ours, plain):
            message["Content-Type"] = content_type
        for _ in range(2):  # the second read is the shared object
            assert ours.get_content_type() == plain.get_content_type()
            assert ours.get_param("charset") == plain.get_param("charset")
        parsed = parse_mail(_mail(content_type, subject="=?utf-8?q?Gr=C3=BC=C3=9Fe?="))
        assert parsed.subject == "Grüße"
        assert parsed.from_address == "ann@buyers.example"
        assert parsed.text == "Hi there"
