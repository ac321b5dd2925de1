"""The signer's own body canonicalisation and header split give dkimpy's bytes, for any body."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import dkim
import pytest
from dkim.canonicalization import Relaxed
from hypothesis import given
from hypothesis import strategies as st
from test_outbound import _letter
from test_outbound_signing import SIGNED_AT, dkimpy_signed, unsigned

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import dkim_headers_and_body, relaxed_body, sign
from gobetween.adapters.mail.parse import MailAttachment

# Pieces that make every case of the relaxed rules: blanks and tabs alone, in runs, before a
# CRLF, before a bare LF or CR, empty lines in the middle and at the end.
PIECES = [b" ", b"  ", b"\t", b" \t ", b"\r\n", b"\n", b"\r", b"a", b"QUJD", b"=20", b"-- "]


@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_relaxed_body_is_dkimpys(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    assert relaxed_body(body) == Relaxed.canonicalize_body(body)


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.lists(st.sampled_from(PIECES)))
def test_the_header_split_is_dkimpys(head: list[bytes], body: list[bytes]) -> None:
    data = b"Subject: x\r\nTo: a@b.example\r\n " + b"".join(head) + b"\r\n\r\n" + b"".join(body)
    assert _split(dkim_headers_and_body, data) == _split(dkim.rfc822_parse, data)


@pytest.mark.parametrize(
    "data",
    [
        b"\r\nSubject: no headers at all\r\n\r\nbody\r\n",
        b"Subject: x\nTo: y\n\nLF only\n",
        b"Subject: x\r\n\r\nbody with a bare\nLF\r\n",
        b"Subject: x\r\nno empty line\r\n",
        b"Subject: x\r\n\r\n",
    ],
)
def test_the_header_split_of_odd_mails_is_dkimpys(data: bytes) -> None:
    assert _split(dkim_headers_and_body, data) == _split(dkim.rfc822_parse, data)


def _split(split: Callable[[bytes], object], data: bytes) -> object:
    """The split, or the error it raised (a header line dkimpy cannot read, say)."""
    try:
        return split(data)
    except dkim.MessageFormatError as error:
        return str(error)


def test_a_large_body_keeps_its_unchanged_lines_and_changes_the_others() -> None:
    attachment = b"QUJD" * 19 + b"\r\n"
    body = b"Hello  there \r\n\tindented\r\n" + attachment * 3000 + b"bye \r\n\r\n\r\n"
    canonical = relaxed_body(body)
    assert canonical == Relaxed.canonicalize_body(body)
    assert canonical.startswith(b"Hello there\r\n indented\r\n" + attachment)
    assert canonical.endswith(attachment + b"bye\r\n")


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, one space each.",
        "Two  blanks, a\ttab and a trailing blank \nand more lines   \n\n\n",
        "  Leading blanks\n\t\tand tabs\n",
    ],
)
def test_a_large_mail_is_signed_as_dkimpy_signs_it(
    text: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = MailAttachment("photo.pdf", "application/pdf", b"%PDF-1.4\n" + os.urandom(196_000))
    data = unsigned(_letter(text=text, attachments=(pdf,)))
    monkeypatch.setattr(time, "time", lambda: SIGNED_AT)
    assert sign(data, relay_key) == dkimpy_signed(data, relay_key)
