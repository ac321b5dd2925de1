"""The relay's DKIM verifier gives dkimpy's verdict on every signature, whatever the mail."""

from __future__ import annotations

import os
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import sender_auth
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver, _DkimVerifier

CANONICALISATIONS = [
    (b"relaxed", b"relaxed"),
    (b"simple", b"simple"),
    (b"relaxed", b"simple"),
    (b"simple", b"relaxed"),
]
# Pieces that make every case of the canonicalisations: blanks and tabs alone, in runs, before
# a CRLF, before a bare LF or CR, empty lines in the middle and at the end.
PIECES = [b" ", b"  ", b"\t", b" \t ", b"\r\n", b"\n", b"\r", b"a", b"QUJD", b"=20", b"-- "]
HEAD = b"From: Jane <jane@seller.example>\r\nTo: a@relay.test\r\nSubject: Hello\r\n\r\n"


def _mail(text: str, *, pdf: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Jane <jane@seller.example>"
    message["To"] = "abcdefghijklmnop@relay.test"
    message["Subject"] = "Delivery"
    message["Message-ID"] = "<m1@seller.example>"
    message.set_content(text)
    if pdf:
        data = b"%PDF-1.4\n" + os.urandom(196_000)
        message.add_attachment(data, maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes(policy=SMTP)


def _signed(
    raw: bytes, key: DkimKey, canonicalize: tuple[bytes, bytes], *, length: bool = False
) -> bytes:
    signature: bytes = dkim.sign(
        raw,
        key.selector.encode(),
        key.domain.encode(),
        key.private_pem,
        canonicalize=canonicalize,
        include_headers=[b"from", b"to", b"subject"],
        length=length,
    )
    return signature + raw


def _verdicts(
    verifier: Callable[[bytes], dkim.DKIM], raw: bytes, zone: StaticResolver
) -> list[str]:
    """Each signature's outcome: True, False, or the name of the error it raised (a body
    that does not match its hash raises ValidationError)."""
    txt = SenderAuthenticator(zone)._dkim_txt
    try:
        checker = verifier(raw)
    except dkim.DKIMException as error:
        return [type(error).__name__]
    count = sum(1 for name, _ in checker.headers if name.lower() == b"dkim-signature")
    outcomes: list[str] = []
    for index in range(max(count, 1)):
        try:
            outcomes.append(str(checker.verify(idx=index, dnsfunc=txt)))
        except dkim.DKIMException as error:
            outcomes.append(type(error).__name__)
    return outcomes


def _same_verdicts(raw: bytes, zone: StaticResolver) -> list[str]:
    ours = _verdicts(_DkimVerifier, raw, zone)
    assert ours == _verdicts(dkim.DKIM, raw, zone)
    return ours


@pytest.mark.parametrize("canonicalize", CANONICALISATIONS)
@pytest.mark.parametrize(
    "text",
    [
        "Plain text, one space each.",
        "Two  blanks, a\ttab and a trailing blank \nand more lines   \n\n\n",
        "  Leading blanks\n\t\tand tabs\n",
    ],
)
@pytest.mark.parametrize("pdf", [False, True])
def test_a_signed_mail_verifies_as_with_dkimpy(
    canonicalize: tuple[bytes, bytes],
    text: str,
    pdf: bool,
    seller_key: DkimKey,
    zone: StaticResolver,
) -> None:
    signed = _signed(_mail(text, pdf=pdf), seller_key, canonicalize)
    assert _same_verdicts(signed, zone) == ["True"]


@pytest.mark.parametrize("canonicalize", CANONICALISATIONS)
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"Plain text", b"Plain  text"),  # a blank more: relaxed still passes, simple fails
        (b"Plain text", b"Plain text "),
        (b"Plain text", b"Plain next"),
        (b"Subject: Delivery", b"Subject: Delivery!"),
        (b"\r\n\r\n", b"\r\n\r\n\r\n"),  # an empty line at the top of the body
    ],
)
def test_a_changed_mail_fails_or_passes_as_with_dkimpy(
    canonicalize: tuple[bytes, bytes],
    old: bytes,
    new: bytes,
    seller_key: DkimKey,
    zone: StaticResolver,
) -> None:
    signed = _signed(_mail("Plain text, one space each.\n"), seller_key, canonicalize)
    assert old in signed
    _same_verdicts(signed.replace(old, new, 1), zone)


@pytest.mark.parametrize("canonicalize", CANONICALISATIONS)
def test_a_length_tag_covers_what_dkimpy_covers(
    canonicalize: tuple[bytes, bytes], seller_key: DkimKey, zone: StaticResolver
) -> None:
    signed = _signed(_mail("Signed part.\n", pdf=True), seller_key, canonicalize, length=True)
    assert _same_verdicts(signed, zone) == ["True"]
    assert _same_verdicts(signed + b"Added below the signed length.\r\n", zone) == ["True"]
    assert _same_verdicts(signed.replace(b"Signed part.", b"Signed Part."), zone) == [
        "ValidationError"  # the body hash
    ]


def test_each_of_several_signatures_as_with_dkimpy(
    seller_key: DkimKey, relay_key: DkimKey, zone: StaticResolver
) -> None:
    raw = _mail("Two signatures, one of them broken.\n", pdf=True)
    once = _signed(raw, seller_key, (b"relaxed", b"relaxed"))
    twice = _signed(once, relay_key, (b"relaxed", b"simple"))
    assert _same_verdicts(twice, zone) == ["True", "True"]
    broken = twice.replace(b"Two signatures", b"Two Signatures")
    assert _same_verdicts(broken, zone) == ["ValidationError", "ValidationError"]
    # A signature header of its own that does not parse, next to one that verifies.
    odd = b"DKIM-Signature: v=1; a=rsa-sha256; c=loose/loose; d=x\r\n" + once
    _same_verdicts(odd, zone)


@pytest.mark.parametrize(
    "data",
    [
        b"\r\nFrom: no headers at all\r\n\r\nbody\r\n",
        b"From: x\nTo: y\n\nLF only\n",
        b"From: x\r\n\r\nbody with a bare\nLF\r\n",
        b"From: x\r\nno empty line\r\n",
        b"From: x\r\n\r\n",
        b"From: x\r\n bad header line\r\n:\r\n\r\nbody\r\n",
    ],
)
def test_odd_mails_verify_as_with_dkimpy(
    data: bytes, seller_key: DkimKey, zone: StaticResolver
) -> None:
    _same_verdicts(data, zone)
    try:
        signed = _signed(data, seller_key, (b"relaxed", b"relaxed"))
    except dkim.DKIMException:
        return
    _same_verdicts(signed, zone)
    _same_verdicts(signed.replace(b"body", b"Body"), zone)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40),
    st.sampled_from(CANONICALISATIONS),
    st.lists(st.sampled_from(PIECES), max_size=3),
)
def test_any_body_verifies_as_with_dkimpy(
    seller_key: DkimKey,
    pieces: list[bytes],
    canonicalize: tuple[bytes, bytes],
    added: list[bytes],
) -> None:
    zone = StaticResolver({(seller_key.dns_name, "TXT"): [seller_key.public_record]})
    signed = _signed(HEAD + b"".join(pieces), seller_key, canonicalize)
    assert _same_verdicts(signed, zone) == ["True"]
    # Whitespace and line breaks added at the end: relaxed lets some through, simple fewer.
    _same_verdicts(signed + b"".join(added), zone)


def test_authentication_of_a_signed_large_mail_is_dkimpys(
    seller_key: DkimKey, zone: StaticResolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = _signed(_mail("A  reply\twith blanks \n", pdf=True), seller_key, (b"relaxed",) * 2)
    tampered = signed.replace(b"A  reply", b"A reply")

    def results() -> list[sender_auth.AuthResult]:
        authenticator = SenderAuthenticator(zone)
        return [
            authenticator.authenticate(
                raw,
                from_address="jane@seller.example",
                client_ip="203.0.113.9",
                mail_from="bounces@esp.example",
                helo="esp.example",
            )
            for raw in (signed, tampered)
        ]

    ours = results()
    monkeypatch.setattr(sender_auth, "_DkimVerifier", dkim.DKIM)
    assert ours == results()
    assert [result.authenticated for result in ours] == [True, True]
