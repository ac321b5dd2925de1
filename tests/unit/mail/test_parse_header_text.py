"""Subject, Message-ID, In-Reply-To, References and Auto-Submitted are read in one pass over the
headers, plain values without the header registry, with the same text as before.

`parse._read_headers` takes an ASCII unstructured value without an encoded word, and a
Message-ID of one plain `<left@right>`, as they are (line breaks removed, stripped), and hands
anything else to `_header` (the registry's parse), as every value went before. Both must give
the same text for any header values, also for a header that is missing or repeated.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdlib_parse import mail_with_headers

from gobetween.adapters.mail.parse import _READ_HEADERS, _read_headers, parse_mail


def _the_registry_way(message: EmailMessage) -> dict[str, str]:
    """What parse_mail read for each header before: `message.get`, the registry's text."""
    read: dict[str, str] = {}
    for name in _READ_HEADERS:
        try:
            value = message.get(name)
        except (ValueError, IndexError):
            read[name] = ""
            continue
        read[name] = "" if value is None else str(value).strip()
    return read


_NAMES = ["Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted"]


@pytest.mark.parametrize(
    "value",
    [
        "Question 7",
        "  Re: [reason:delivery_scheduling]  the parcel ",
        "<bench-4k-7@buyers.bench>",
        "<a@b> <c.d@e.f>",
        "<a@b>\r\n <c@d>",
        "Re: a long subject\r\n\tfolded onto two lines",
        "=?utf-8?q?Gr=C3=BC=C3=9Fe?=",
        "=?utf-8?b?w7Y=?= <a@b>",
        "Grüße",
        '<"quoted local"@b>',
        "<a@[127.0.0.1]>",
        "(comment) <a@b>",
        "<a@b> (comment)",
        "<a@b> trailing",
        "<a..b@c>",
        "<a@b",
        "a@b",
        "<>",
        "",
        "auto-replied",
        "no",
    ],
)
def test_one_value_reads_as_before(value: str) -> None:
    message = mail_with_headers([(name, value) for name in _NAMES])
    assert _read_headers(message) == _the_registry_way(message)


def test_a_missing_header_reads_empty_and_a_repeated_one_as_its_first() -> None:
    message = mail_with_headers(
        [("Subject", "first"), ("subject", "second"), ("MESSAGE-ID", "<a@b>")]
    )
    assert _read_headers(message) == _the_registry_way(message)
    assert _read_headers(message)["subject"] == "first"
    assert _read_headers(message)["references"] == ""


def test_the_parsed_mail_keeps_its_ids_and_subject() -> None:
    parsed = parse_mail(
        b"From: bob@buyers.example\r\nTo: abc@relay.example\r\nSubject:  Hi there \r\n"
        b"Message-ID: <m1@buyers.example>\r\nIn-Reply-To: <m0@relay.example>\r\n"
        b"References: <r1@x.example>\r\n <m0@relay.example>\r\nAuto-Submitted: no\r\n"
        b"\r\nHello\r\n"
    )
    assert parsed.subject == "Hi there"
    assert parsed.message_id == "<m1@buyers.example>"
    assert parsed.in_reply_to == ("<m0@relay.example>",)
    assert parsed.references == ("<r1@x.example>", "<m0@relay.example>")
    assert parsed.auto_submitted is False


_SYNTAX = [" ", "  ", "\t", "\r\n ", "<", ">", "@", ".", ",", '"', "(", ")", "[", "]", "\\"]
_WORDS = ["=?", "?=", "utf-8?q?", "=C3=B6", "Re:", "bob", "x-y", "9", "ö", "\x7f", "\x01", "'"]
_PIECES = st.sampled_from(_SYNTAX + _WORDS)
_VALUES = st.lists(_PIECES, max_size=14).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NAMES), _VALUES), min_size=1, max_size=6))
def test_any_values_read_as_before(headers: list[tuple[str, str]]) -> None:
    message = mail_with_headers(headers)
    assert _read_headers(message) == _the_registry_way(message)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["Message-ID", "Subject"]), _VALUES, _VALUES)
def test_values_around_a_message_id_read_as_before(name: str, before: str, after: str) -> None:
    message = mail_with_headers([(name, f"{before}<left.part@right.example>{after}")])
    assert _read_headers(message) == _the_registry_way(message)
