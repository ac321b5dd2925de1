"""Within one mail's parse each header is parsed once and shared; that changes no result."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default

import pytest

from gobetween.adapters.mail.parse import (
    _RECURRING_HEADERS,
    MAX_RECURRING_HEADERS,
    MAX_UNREGISTERED_NAMES,
    ReusedHeaderClasses,
    mail_policy,
    parse_mail,
)


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
    value = "Where is my parcel?"
    one = mail_policy().header_factory("Subject", value)
    other = mail_policy().header_factory("Subject", value)
    assert one is not other
    assert one == other


def test_mime_values_many_mails_share_are_parsed_once_per_process() -> None:
    for name, value in (
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
        ("MIME-Version", "1.0"),
        ("Content-Disposition", "inline"),
    ):
        one = mail_policy().header_factory(name, value)
        assert mail_policy().header_factory(name, value) is one


def test_values_new_in_every_mail_are_not_kept_across_mails() -> None:
    for name, value in (
        ("Content-Type", 'multipart/mixed; boundary="===1234=="'),
        ("Content-Type", 'application/pdf; name="invoice-77.pdf"'),
        ("Content-Disposition", 'attachment; filename="invoice-77.pdf"'),
        ("Content-Type", "text/plain; charset=utf-8; x-long=" + "y" * 80),
    ):
        one = mail_policy().header_factory(name, value)
        other = mail_policy().header_factory(name, value)
        assert one is not other
        assert one == other
        assert (name, value) not in _RECURRING_HEADERS


def test_the_table_of_shared_values_stops_taking_more_when_full() -> None:
    kept = dict(_RECURRING_HEADERS)
    try:
        _RECURRING_HEADERS.clear()
        for number in range(MAX_RECURRING_HEADERS + 10):
            mail_policy().header_factory("Content-Type", f"text/x-{number}")
        assert len(_RECURRING_HEADERS) == MAX_RECURRING_HEADERS
        assert ("Content-Type", "text/x-0") in _RECURRING_HEADERS
        assert ("Content-Type", f"text/x-{MAX_RECURRING_HEADERS}") not in _RECURRING_HEADERS
    finally:
        _RECURRING_HEADERS.clear()
        _RECURRING_HEADERS.update(kept)


def test_a_parse_with_shared_values_equals_one_without(monkeypatch: pytest.MonkeyPatch) -> None:
    mails = [
        _mail(content_type)
        for content_type in (
            'text/plain; charset="utf-8"',
            "text/plain; charset=iso-8859-1",
            "text/html",
            "text/plain; format=flowed; delsp=yes",
            "TEXT/PLAIN; CHARSET=US-ASCII",
            "text/plain; charset=",
            "text/",
        )
    ]
    warm = [parse_mail(raw) for raw in mails + mails]
    # No table: every value parsed for its own mail, as before the table existed.
    monkeypatch.setattr("gobetween.adapters.mail.parse.MAX_RECURRING_HEADERS", 0)
    monkeypatch.setattr("gobetween.adapters.mail.parse._RECURRING_HEADERS", {})
    cold = [parse_mail(raw) for raw in mails + mails]
    assert warm == cold
    assert [p.body for p in warm] == [p.body for p in cold]


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


def test_header_classes_kept_for_new_names_are_bounded() -> None:
    registry = ReusedHeaderClasses()
    assert registry["Subject"] is registry["subject"]
    names = [f"X-Invented-{number}" for number in range(MAX_UNREGISTERED_NAMES + 50)]
    made = [registry[name] for name in names]
    assert registry[names[0]] is made[0]  # kept: within the bound
    assert registry[names[-1]] is not made[-1]  # built again: past the bound
    assert registry[names[-1]]("X-Invented", "value") == "value"
