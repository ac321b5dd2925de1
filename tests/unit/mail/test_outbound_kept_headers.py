"""The wire policy parses a recurring header (To, the content headers) once per value and serves
that header to every mail: the bytes are the standard library's, in one thread or several."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_compose_same_bytes import _both
from test_outbound import _letter

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import WIRE_POLICY, compose
from gobetween.adapters.mail.parse import MailAttachment

REPLACEMENTS = {"jane@seller.example": "t969vz2jn3bdsy7a@relay.test"}


def test_a_recurring_header_is_parsed_once_per_value() -> None:
    factory = WIRE_POLICY.header_factory
    assert factory("To", "bob@buyer.example") is factory("To", "bob@buyer.example")
    assert factory("Content-Type", "application/pdf") is factory("Content-Type", "application/pdf")
    # The name is kept as it was given: another spelling is another header.
    lower = factory("to", "bob@buyer.example")
    assert lower is not factory("To", "bob@buyer.example")
    assert (lower.name, factory("To", "bob@buyer.example").name) == ("to", "To")
    # Values new in every mail are parsed each time.
    date = "Thu, 26 Nov 2026 12:00:00 +0000"
    assert factory("Date", date) is not factory("Date", date)
    assert factory("Message-ID", "<a@relay.test>") is not factory("Message-ID", "<a@relay.test>")


@pytest.mark.parametrize("recipient", ["bob@buyer.example", "Bob <bob@buyer.example>", "x@y.test"])
def test_mails_to_one_recipient_are_the_standard_librarys(
    recipient: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = MailAttachment("a.pdf", "application/pdf", os.urandom(30_000))
    for text in ("First mail.", "Second mail, the same headers.", "Third \u00e9\u00e8."):
        letter = _letter(recipient=recipient, text=text, attachments=(pdf,))
        ours, reference = _both(letter, relay_key, monkeypatch)
        assert ours == reference


def test_mails_composed_in_threads_are_the_mails_composed_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("gobetween.adapters.mail.outbound.time.time", lambda: 1_795_000_000)
    letters = [
        _letter(
            recipient=f"buyer{n % 3}@buyer.example",
            text=f"Mail {n}",
            message_id=f"<m{n}@relay.test>",
            attachments=(MailAttachment(f"f{n % 4}.pdf", "application/pdf", bytes(n * 3)),),
        )
        for n in range(60)
    ]
    # The multipart boundary is random: each mail's is set the same way in both runs.
    monkeypatch.setattr(
        "email.generator.Generator._make_boundary", classmethod(lambda cls, text=None: "=b=")
    )
    alone = [compose(letter, replacements=REPLACEMENTS, key=None) for letter in letters]
    with ThreadPoolExecutor(4) as pool:
        together = list(
            pool.map(lambda letter: compose(letter, replacements=REPLACEMENTS, key=None), letters)
        )
    assert together == alone
