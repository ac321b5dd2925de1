"""From/To/Cc of one plain address are read without the header registry, with the same result.

`parse._addresses` reads values such as `Bob Buyer <bob@buyers.example>` directly and hands
anything else to the stdlib (registry parse, then `getaddresses`), as every value went before.
Both must give the same addresses for any header values.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdlib_parse import mail_with_headers

from gobetween.adapters.mail.parse import _addresses, parse_mail


def _the_stdlib_way(message: EmailMessage, *names: str) -> object:
    """What _addresses gave for every value before plain ones were read directly."""
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in message.get_all(name, []))
        except (ValueError, IndexError):
            continue
    return [
        (display, address.lower()) for display, address in getaddresses(values) if "@" in address
    ]


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except Exception as error:  # compared: both ways must fail alike
        return ("raised", type(error))


@pytest.mark.parametrize(
    "value",
    [
        "bob@buyers.example",
        "Bob Buyer <Bob@Buyers.Example>",
        "O'Brien <ob@x.example>",
        "  bob@buyers.example  ",
        "Bob  Buyer <bob@buyers.example>",
        '"Buyer, Bob" <bob@buyers.example>',
        "=?utf-8?q?B=C3=B6b?= <bob@buyers.example>",
        "=?utf-8?q?bob?=@buyers.example",
        "bob@buyers.example (Bob)",
        "Bob <bob@buyers.example>, ann@buyers.example",
        "Bob.Buyer <bob@buyers.example>",
        "<bob@buyers.example>",
        "bob@localhost",
        "bob..x@buyers.example",
        "Bob <bob@buyers.example",
        "undisclosed-recipients:;",
    ],
)
def test_one_value_reads_as_before(value: str) -> None:
    message = mail_with_headers([("From", value), ("To", value), ("Cc", "ann@buyers.example")])
    assert _outcome(lambda: _addresses(message, "from")) == _outcome(
        lambda: _the_stdlib_way(message, "from")
    )
    assert _outcome(lambda: _addresses(message, "to", "cc")) == _outcome(
        lambda: _the_stdlib_way(message, "to", "cc")
    )


def test_the_parsed_mail_keeps_its_sender_and_recipients() -> None:
    parsed = parse_mail(
        b"From: Bob Buyer <Bob@Buyers.Example>\r\nTo: abc@relay.example\r\n"
        b"Cc: Ann <ann@buyers.example>\r\nSubject: Hi\r\n\r\nHello\r\n"
    )
    assert (parsed.from_name, parsed.from_address) == ("Bob Buyer", "bob@buyers.example")
    assert parsed.recipients == ("abc@relay.example", "ann@buyers.example")


_SYNTAX = [" ", "  ", "\t", "<", ">", "@", ".", ",", '"', "(", ")", ":", ";", "\\", "=?", "?="]
_WORDS = ["Bob", "buyer", "example", "x-y", "O'", "9", "utf-8?q?", "ö", "_", "+", "=", "?", "["]
_PIECES = st.sampled_from(_SYNTAX + _WORDS)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=1, max_size=3),
    st.sampled_from(["bob@buyers.example", "Bob <bob@buyers.example>", ""]),
)
def test_any_values_read_as_before(values: list[str], plain: str) -> None:
    headers = [("To", value) for value in values] + ([("Cc", plain)] if plain else [])
    headers.append(("From", values[0]))
    message = mail_with_headers(headers)
    for names in (("from",), ("to", "cc")):
        assert _outcome(lambda names=names: _addresses(message, *names)) == _outcome(
            lambda names=names: _the_stdlib_way(message, *names)
        )
