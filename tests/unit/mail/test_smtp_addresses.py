"""MAIL FROM / RCPT TO addresses: the listener's plain-address reading against aiosmtpd's own.

`RelaySMTP._getaddr` reads `<local@domain>` of plain dot-atoms without the stdlib's header
parser and hands everything else to aiosmtpd; both must give the same (address, rest) for any
argument, or a mail would be accepted or refused differently.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.entrypoints.smtp import RelaySMTP


class _NoHandler:
    """aiosmtpd needs a handler object; reading an address calls none of its hooks."""


def _listener(local_part_limit: int = 0) -> RelaySMTP:
    listener = RelaySMTP(_NoHandler())
    listener.local_part_limit = local_part_limit
    return listener


def _aiosmtpd_reading(listener: RelaySMTP, arg: str) -> Any:
    return _outcome(lambda: SMTP._getaddr(listener, arg))


def _our_reading(listener: RelaySMTP, arg: str) -> Any:
    return _outcome(lambda: listener._getaddr(arg))


def _outcome(read: Any) -> Any:
    """What reading gives, or the exception it raises (aiosmtpd's reading of "<" raises)."""
    try:
        return read()
    except Exception as error:  # compared, not hidden: both readings must fail alike
        return ("raised", type(error))


@pytest.mark.parametrize(
    "arg",
    [
        "<buyer12@buyers.example>",
        "<buyer12@buyers.example> SIZE=4096 BODY=8BITMIME",
        "<first.last+tag@mail.example.co.uk>\tSIZE=1",
        "<a@b>SIZE=1",
        "<a@b.c>  (a comment) SIZE=1",
        "<a@b.c> \r\n SIZE=1",
        "<>",
        "<a..b@c.example>",
        "<.a@c.example>",
        '<"quoted local"@c.example>',
        "<@route.example:a@c.example>",
        "<a@[127.0.0.1]>",
        "<a@b..c>",
        "<a@-b.example>",
        "<Ünïcode@b.example>",
        "< a@b.example>",
        " <a@b.example>",
        "a@b.example",
        "<a@b.example",
        "",
    ],
)
def test_reads_like_aiosmtpd(arg: str) -> None:
    listener = _listener()
    assert _our_reading(listener, arg) == _aiosmtpd_reading(listener, arg)


def test_plain_address_is_read_without_the_header_parser() -> None:
    listener = _listener()
    assert listener._getaddr("<buyer12@buyers.example> SIZE=10") == (
        "buyer12@buyers.example",
        "SIZE=10",
    )


@pytest.mark.parametrize("limit", [0, 5, 64])
def test_local_part_limit_as_aiosmtpd(limit: int) -> None:
    listener = _listener(local_part_limit=limit)
    for arg in ("<abcde@b.example>", "<abcdef@b.example>", f"<{'x' * 70}@b.example>"):
        assert _our_reading(listener, arg) == _aiosmtpd_reading(listener, arg)
    if limit == 5:
        assert listener._getaddr("<abcdef@b.example>") == (None, None)


_SYNTAX = ["<", ">", "@", ".", " ", "\t", "\r\n", "(", ")", '"', "\\", "[", "]", ":", ",", "-"]
_WORDS = ["a", "Z", "9", "x.y", "buyers", "example", "SIZE=10", "ü", "'", "=", "_", "~", "!", "+"]
_PIECES = st.sampled_from(_SYNTAX + _WORDS)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_any_argument_reads_like_aiosmtpd(tail: str) -> None:
    listener = _listener()
    for arg in (tail, "<" + tail, "<a@b.example>" + tail, "<a" + tail + "@b.example>"):
        assert _our_reading(listener, arg) == _aiosmtpd_reading(listener, arg)
