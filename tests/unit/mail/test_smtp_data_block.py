"""The transport's DATA bytes are smtplib's: dot-stuffed, CRLF-ended, then the lone dot, with
the dot-stuffing regular expression skipped only where it could match nothing."""

from __future__ import annotations

import smtplib

import pytest
from aiosmtpd.controller import Controller
from capturing_smarthost import Smarthost
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail.smtp_transport import SmtpTransport, data_block
from gobetween.services.ports import OutboundMail


def smtplibs_block(data: bytes) -> bytes:
    """What smtplib.SMTP.data sends for bytes (Python 3.11's steps)."""
    quoted: bytes = smtplib._quote_periods(data)  # type: ignore[attr-defined]
    if quoted[-2:] != b"\r\n":
        quoted += b"\r\n"
    return quoted + b".\r\n"


# Mails made of the pieces that matter to dot-stuffing and line ends.
PIECES = [b".", b"..", b"\r\n", b"\n", b"\r", b"a", b"\r\n.", b"\n.\n", b"QUJD", b" "]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_mail_is_sent_as_smtplib_sends_it(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert data_block(data) == smtplibs_block(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_sent_as_smtplib_sends_them(data: bytes) -> None:
    assert data_block(data) == smtplibs_block(data)


@pytest.mark.parametrize(
    "body",
    [
        b"No dot at a line start.\r\n",
        b".starts with a dot\r\n..two\r\nmiddle . dot\r\n.\r\n",
        b"ends without a line break.",
        b"a lone\n.dot after LF\r\n",
    ],
)
def test_the_smarthost_receives_the_exact_bytes(
    body: bytes, smarthost: tuple[Smarthost, Controller]
) -> None:
    handler, controller = smarthost
    data = b"From: a@relay.test\r\nTo: b@example.com\r\nSubject: dots\r\n\r\n" + body
    transport = SmtpTransport("127.0.0.1", controller.port, helo="relay.test")
    transport.deliver(OutboundMail("message-1-buyer", "bounces@relay.test", "b@example.com", data))
    transport.close()
    # The same mail through smtplib itself: the smarthost gets the same content.
    with smtplib.SMTP("127.0.0.1", controller.port, local_hostname="relay.test") as client:
        client.sendmail("bounces@relay.test", ["b@example.com"], data)
    ours, smtplibs = (content for *_, content in handler.received)
    assert ours == smtplibs
    assert ours.startswith(data.replace(b"\n..", b"\n.")[:40])
