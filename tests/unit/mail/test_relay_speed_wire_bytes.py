"""Large base64 bodies put in around the generator give the generator's own bytes."""

from __future__ import annotations

import os
import random
from email.message import EmailMessage

import pytest
from test_outbound import _letter

from gobetween.adapters.mail import outbound
from gobetween.adapters.mail.outbound import SPLICE_BYTES, WIRE_POLICY, compose, wire_bytes
from gobetween.adapters.mail.parse import MailAttachment

PDF = MailAttachment("photo.pdf", "application/pdf", b"%PDF-1.4\n" + os.urandom(196_000))
SMALL = MailAttachment("small.bin", "application/octet-stream", os.urandom(300))
# Text attachments are base64 too; this one names a real address, so the sanitiser re-encodes it.
NOTES = MailAttachment(
    "notes.txt", "text/plain", ("Write to jane@seller.example.\n" * 2000).encode("ascii")
)
REPLACEMENTS = {"jane@seller.example": "t969vz2jn3bdsy7a@relay.test"}


def composed(attachments: tuple[MailAttachment, ...], *, seed: int) -> bytes:
    # The generator picks its multipart boundary at random: the same seed, the same boundary.
    random.seed(seed)
    return compose(_letter(attachments=attachments), replacements=REPLACEMENTS, key=None)


@pytest.mark.parametrize(
    "attachments",
    [(), (PDF,), (SMALL,), (PDF, SMALL, PDF), (NOTES, PDF), (SMALL, NOTES)],
    ids=["none", "pdf", "small", "pdf-small-pdf", "notes-pdf", "small-notes"],
)
def test_composed_bytes_are_the_generators(
    attachments: tuple[MailAttachment, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = composed(attachments, seed=7)
    monkeypatch.setattr(outbound, "SPLICE_BYTES", 10**12)  # nothing goes around the generator
    assert ours == composed(attachments, seed=7)
    if PDF in attachments:
        assert len(ours) > 260_000


def test_a_body_with_other_line_breaks_is_written_as_the_generator_writes_it() -> None:
    message = EmailMessage(policy=WIRE_POLICY)
    message["Subject"] = "breaks"
    message.set_content("text\n")
    message.add_attachment(os.urandom(30_000), maintype="application", subtype="octet-stream")
    leaf = next(iter(message.iter_attachments()))
    assert isinstance(leaf, EmailMessage)
    # A payload as someone else might have set it: CR, LF and CRLF breaks, no final break.
    odd = "QUJD\rQUJD\nQUJD\r\n" * (SPLICE_BYTES // 10) + "QUJD"
    leaf.set_payload(odd)
    random.seed(3)
    ours = wire_bytes(message)
    random.seed(3)
    assert ours == message.as_bytes(policy=WIRE_POLICY)
    assert b"QUJD\r\nQUJD\r\nQUJD\r\n" in ours
    # The message keeps its own body.
    assert leaf.get_payload() == odd
