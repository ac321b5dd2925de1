"""compose() sends the bytes the standard library's own path gives (add_attachment, the sanitiser,
as_bytes, then the signature), byte for byte, for many letters: the multipart boundary and the
signature's time are fixed, everything else is the letter's."""

from __future__ import annotations

import os
import random
from email.policy import SMTP

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_outbound import _letter

from gobetween.adapters.mail import outbound
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import SPLICE_BYTES, Letter, compose
from gobetween.adapters.mail.parse import MailAttachment
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver

REPLACEMENTS = {
    "jane@seller.example": "t969vz2jn3bdsy7a@relay.test",
    "bob@buyer.example": "qz8kd0rw2mxv4n1c@relay.test",
}
NOW = 1_795_000_000


def _pdf(size: int) -> MailAttachment:
    return MailAttachment("photo.pdf", "application/pdf", b"%PDF-1.4\n" + os.urandom(size))


HTML = MailAttachment(
    "page.html",
    "text/html",
    ("<p>Write to <a href='mailto:jane&#64;seller.example'>me</a> \u00e9</p>\n" * 900).encode(),
)
NAMED = MailAttachment("jane@seller.example.pdf", "application/pdf", os.urandom(40_000))
ACCENTED = MailAttachment("Rechnung \u00fcber M\u00e4rz.pdf", "application/pdf", os.urandom(30_000))
KEYS = MailAttachment("key.asc", "application/pgp-keys", os.urandom(50_000))
FORWARD = MailAttachment("fwd.eml", "message/rfc822", b"From: jane@seller.example\r\n\r\nhi\r\n")
NO_TYPE = MailAttachment("blob", "", os.urandom(25_000))
IMAGE = MailAttachment("scan.png", "image/png", os.urandom(120_000))

LETTERS = {
    "4k-text": _letter(text="Your parcel ships today, " * 160),
    "200k-pdf": _letter(attachments=(_pdf(196_000),)),
    "200k-pdf-html-image": _letter(attachments=(_pdf(80_000), HTML, IMAGE)),
    "encoded-words": _letter(
        sender_name="Jos\u00e9 \u00c1lvarez \u2014 \u6771\u4eac\u30b9\u30c8\u30a2",
        subject="=?utf-8?q?not_decoded?= \u00c4rger mit der Lieferung \U0001f4e6 " * 3,
        attachments=(ACCENTED,),
    ),
    "non-ascii-text": _letter(
        text="\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \u0436 \u6f22\u5b57\n" * 3000
    ),
    "address-in-filename": _letter(attachments=(NAMED, _pdf(20_000))),
    "dropped-parts": _letter(attachments=(KEYS, _pdf(30_000), FORWARD)),
    "no-content-type": _letter(attachments=(NO_TYPE,)),
    "dots-and-blanks": _letter(text=".\n..leading dots  \n\ttabs\t\n\n\n" * 400),
}


def _both(
    letter: Letter, key: DkimKey | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, bytes]:
    """(compose's bytes, the standard library path's), with the same boundary and time."""
    monkeypatch.setattr(outbound.time, "time", lambda: NOW)
    random.seed(11)
    ours = compose(letter, replacements=REPLACEMENTS, key=key)
    with monkeypatch.context() as plain:
        # Nothing goes around the generator: add_attachment encodes, as_bytes writes it all,
        # with the standard library's header registry.
        plain.setattr(outbound, "SPLICE_BYTES", 10**12)
        plain.setattr(outbound, "WIRE_POLICY", SMTP.clone(cte_type="7bit", max_line_length=78))
        random.seed(11)
        reference = compose(letter, replacements=REPLACEMENTS, key=key)
    return ours, reference


@pytest.mark.parametrize("name", LETTERS)
def test_the_bytes_sent_are_the_standard_librarys(
    name: str, relay_key: DkimKey, zone: StaticResolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, reference = _both(LETTERS[name], relay_key, monkeypatch)
    assert ours == reference
    assert b"jane@seller.example" not in ours
    # The signature verifies with dkimpy.
    verifier = dkim.DKIM(ours)
    assert verifier.verify(
        dnsfunc=lambda name, timeout=5: zone.query(name.decode().rstrip("."), "TXT")[0].encode()
    )
    assert SenderAuthenticator(zone).check_dkim(ours) == ("relay.test",)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(
        st.one_of(
            st.integers(0, 200),
            st.integers(SPLICE_BYTES * 3 // 4 - 120, SPLICE_BYTES * 3 // 4 + 120),
            st.integers(20_000, 210_000),
        ),
        max_size=3,
    ),
    types=st.lists(
        st.sampled_from(
            ["application/pdf", "image/jpeg", "application/octet-stream", "text/plain"]
        ),
        min_size=3,
        max_size=3,
    ),
)
def test_attachments_of_any_size_around_the_threshold(sizes: list[int], types: list[str]) -> None:
    attachments = tuple(
        MailAttachment(f"file{n}", kind, os.urandom(size))
        for n, (size, kind) in enumerate(zip(sizes, types, strict=False))
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        ours, reference = _both(_letter(attachments=attachments), None, monkeypatch)
    assert ours == reference


def test_headers_keep_their_registered_classes() -> None:
    """The header classes made once per name are the registry's: parsed the same way."""
    from email.headerregistry import AddressHeader, DateHeader, UnstructuredHeader
    from email.message import EmailMessage

    message = EmailMessage(policy=outbound.WIRE_POLICY)
    message["From"] = "Jane <jane@relay.test>"
    message["Date"] = "Thu, 26 Nov 2026 12:00:00 +0000"
    message["X-Unknown"] = "kept as before"
    again = EmailMessage(policy=outbound.WIRE_POLICY)
    again["From"] = "Bob <bob@relay.test>"
    assert isinstance(message["From"], AddressHeader)
    assert isinstance(message["Date"], DateHeader)
    assert isinstance(message["X-Unknown"], UnstructuredHeader)
    assert type(message["From"]) is type(again["From"])
    assert message["From"].addresses[0].addr_spec == "jane@relay.test"
