"""The signer's relaxed header canonicalisation gives dkimpy's bytes for any header field, and a
signature over a mail with folded, tabbed and blank-padded headers is dkimpy's."""

from __future__ import annotations

import time

import pytest
from dkim.canonicalization import Relaxed
from hypothesis import given, settings
from hypothesis import strategies as st
from test_outbound import _letter
from test_outbound_signing import SIGNED_AT, dkimpy_signed, unsigned

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import relaxed_headers, sign

# Every case of unfolding and compression: CRLF, bare LF and CR, CR before CRLF, blanks and tabs
# alone and in runs, at the ends of a value and inside it.
PIECES = [b" ", b"  ", b"\t", b" \t ", b"\r\n", b"\n", b"\r", b"\r\r\n\n", b"a", b"=?b?=", b"\x0b"]
NAMES = [b"Subject", b"FROM ", b"x-Y\t", b"To"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(PIECES), max_size=20))))
def test_relaxed_headers_are_dkimpys(fields: list[tuple[bytes, list[bytes]]]) -> None:
    headers = [[name, b"".join(pieces)] for name, pieces in fields]
    assert relaxed_headers(headers) == Relaxed.canonicalize_headers(headers)


@pytest.mark.parametrize(
    "subject",
    [
        "Plain subject",
        "Two  blanks\tand a tab   at the end   ",
        "A long subject " * 12,  # folded by the generator
    ],
)
def test_a_mail_is_signed_as_dkimpy_signs_it(
    subject: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = unsigned(_letter(subject=subject, sender_name="ACME\tStore  Ltd"))
    monkeypatch.setattr(time, "time", lambda: SIGNED_AT)
    assert sign(data, relay_key) == dkimpy_signed(data, relay_key)
