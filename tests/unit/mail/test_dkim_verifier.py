"""The relay's DKIM verifier gives dkimpy's verdict on every signature, whatever the mail, but
for a key lookup that DNS could not answer: a temporary error where dkimpy says False."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import SMTP

import dkim
import dkim.crypto
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from loopback_dns import LoopbackDnsServer

from gobetween.adapters.mail import sender_auth
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.sender_auth import (
    AuthResult,
    DnsPythonResolver,
    Resolver,
    SenderAuthenticator,
    StaticResolver,
    _DkimVerifier,
    _rsa_verify,
)

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
    txt = _key_lookup(verifier, zone)
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


def _dkimpys_key_lookup(resolver: Resolver) -> Callable[..., bytes | None]:
    """dkimpy's get_txt over a resolver: the first TXT record at the name, or None."""

    def first_record(name: bytes, timeout: int = 5) -> bytes | None:
        records = SenderAuthenticator(resolver)._dkim_key_records(name, timeout)
        return records[0] if records else None

    return first_record


def _key_lookup(
    verifier: Callable[[bytes], dkim.DKIM], resolver: Resolver
) -> Callable[..., object]:
    """Our verifier reads every record at the key's name; dkimpy's reads the first."""
    if verifier is _DkimVerifier:
        return SenderAuthenticator(resolver)._dkim_key_records
    return _dkimpys_key_lookup(resolver)


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


class _DkimpyOnFirstRecord(dkim.DKIM):  # type: ignore[misc]
    """dkimpy's verifier, given the first of the key records the authenticator looks up."""

    def verify(self, idx: int = 0, dnsfunc: Callable[..., list[bytes]] = list) -> bool:
        def first_record(name: bytes, timeout: int = 5) -> bytes | None:
            records = dnsfunc(name, timeout=timeout)
            return records[0] if records else None

        return bool(super().verify(idx=idx, dnsfunc=first_record))


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
    monkeypatch.setattr(sender_auth, "_DkimVerifier", _DkimpyOnFirstRecord)
    assert ours == results()
    assert [result.authenticated for result in ours] == [True, True]


def _with_signature(signed: bytes, value: bytes) -> bytes:
    """The mail with the b= value of its (first) signature replaced by `value`, base64."""
    header_end = signed.index(b"\r\n", signed.index(b" b=")) + 2
    while signed[header_end : header_end + 1] in (b" ", b"\t"):
        header_end = signed.index(b"\r\n", header_end) + 2
    start = signed.index(b" b=") + 3
    return signed[:start] + base64.b64encode(value) + b"\r\n" + signed[header_end:]


def _signature_of(signed: bytes) -> bytes:
    start = signed.index(b" b=") + 3
    end = signed.index(b"\r\n", start)
    while signed[end + 2 : end + 3] in (b" ", b"\t"):
        end = signed.index(b"\r\n", end + 2)
    return base64.b64decode(re.sub(rb"\s+", b"", signed[start:end]))


@pytest.mark.parametrize("algorithm", [b"rsa-sha256", b"rsa-sha1"])
def test_odd_rsa_signatures_verify_as_with_dkimpy(
    algorithm: bytes, seller_key: DkimKey, zone: StaticResolver
) -> None:
    raw = _mail("Signed text.\n")
    signed = (
        dkim.sign(
            raw,
            seller_key.selector.encode(),
            seller_key.domain.encode(),
            seller_key.private_pem,
            include_headers=[b"from", b"to", b"subject"],
            signature_algorithm=algorithm,
        )
        + raw
    )
    signature = _signature_of(signed)
    modulus = _modulus(seller_key)
    value = int.from_bytes(signature, "big")
    length = len(signature)
    assert _same_verdicts(signed, zone) == ["True"]
    assert _same_verdicts(_with_signature(signed, signature), zone) == ["True"]
    cases = [
        bytes([signature[0] ^ 1]) + signature[1:],  # one bit off
        signature[:-1],  # too short
        b"\x00" + signature,  # a leading zero: dkimpy reads the same number
        (value + modulus).to_bytes(length + 1, "big"),  # the same residue, longer
        modulus.to_bytes(length, "big"),
        (modulus - 1).to_bytes(length, "big"),
        b"",
    ]
    for case in cases:
        _same_verdicts(_with_signature(signed, case), zone)


def test_a_1024_bit_key_verifies_as_with_dkimpy(zone: StaticResolver) -> None:
    key = _rsa_key(1024)
    zone.add(key.dns_name, "TXT", key.public_record)
    signed = _signed(_mail("Short key.\n"), key, (b"relaxed", b"relaxed"))
    assert _same_verdicts(signed, zone) == ["True"]
    assert _same_verdicts(signed.replace(b"Short key", b"Short Key"), zone) == ["ValidationError"]
    signature = _signature_of(signed)
    _same_verdicts(_with_signature(signed, signature[:-1] + b"\x00"), zone)


def _modulus(key: DkimKey) -> int:
    private = serialization.load_pem_private_key(key.private_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private.public_key().public_numbers().n


def _rsa_key(bits: int) -> DkimKey:
    # generate_key refuses keys under 2048 bits for signing; verifiers still meet 1024-bit ones.
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return DkimKey(selector="short", domain="seller.example", private_pem=pem)


def _encoded(digest_info: bytes, length: int, *, ones: int | None = None) -> int:
    """An EMSA-PKCS1-v1_5 block (00 01 FF.. 00 DigestInfo) as a number, `ones` FF bytes."""
    filler = length - len(digest_info) - 3 if ones is None else ones
    block = b"\x00\x01" + b"\xff" * filler + b"\x00" + digest_info
    return int.from_bytes(block.rjust(length, b"\x00"), "big")


@pytest.mark.parametrize(("bits", "exponent"), [(1024, 65537), (2048, 65537), (2048, 3)])
def test_rsa_blocks_are_judged_as_dkimpy_judges_them(bits: int, exponent: int) -> None:
    private = rsa.generate_private_key(public_exponent=exponent, key_size=bits)
    numbers = private.private_numbers()
    modulus, secret = numbers.public_numbers.n, numbers.d
    public_key = {"modulus": modulus, "publicExponent": numbers.public_numbers.e}
    length = (modulus.bit_length() + 7) // 8
    digest = hashlib.sha256(b"signed headers")
    sha256_prefix = bytes.fromhex("3031300d060960864801650304020105000420")
    without_null = bytes.fromhex("302f300b0609608648016503040201") + b"\x04\x20"
    sha1_prefix = bytes.fromhex("3021300906052b0e03021a05000414")
    blocks = [
        _encoded(sha256_prefix + digest.digest(), length),
        _encoded(without_null + digest.digest(), length),
        _encoded(sha256_prefix + hashlib.sha256(b"other").digest(), length),
        _encoded(sha1_prefix + hashlib.sha1(b"signed headers").digest(), length),  # noqa: S324
        _encoded(sha256_prefix + digest.digest(), length, ones=4),
        _encoded(sha256_prefix + digest.digest() + b"\x00", length, ones=length - 55),
    ]
    verdicts = []
    for block in blocks:
        signature = pow(block, secret, modulus).to_bytes(length, "big")
        ours = _rsa_verify(digest, signature, public_key)
        assert ours is dkim.crypto.RSASSA_PKCS1_v1_5_verify(digest, signature, public_key)
        verdicts.append(ours)
    assert verdicts == [True, False, False, False, False, False]


@pytest.fixture
def key_server(seller_key: DkimKey) -> Iterator[LoopbackDnsServer]:
    running = LoopbackDnsServer({seller_key.dns_name: seller_key.public_record})
    try:
        yield running
    finally:
        running.close()


def _key_lookup_verdict(raw: bytes, resolver: Resolver) -> str:
    """What our verifier says of the mail's one signature: True, False or the error's name."""
    verifier = _DkimVerifier(raw, minkey=1024)
    try:
        return str(verifier.verify(idx=0, dnsfunc=SenderAuthenticator(resolver)._dkim_key_records))
    except dkim.DKIMException as error:
        return type(error).__name__


@pytest.mark.parametrize(
    ("behaviour", "verdict", "dkimpys"),
    [
        # No answer in time, or the servers could not answer: ask again later (RFC 6376 §6.1.2).
        ("silent", "DnsTimeoutError", "False"),
        ("servfail", "DnsTimeoutError", "False"),
        # No key published: a failed signature for good, as dkimpy says.
        ("nxdomain", "False", "False"),
        ("empty", "False", "False"),
        ("key", "True", "True"),
    ],
)
def test_a_key_lookup_dns_could_not_answer_is_a_temporary_error(
    behaviour: str,
    verdict: str,
    dkimpys: str,
    seller_key: DkimKey,
    key_server: LoopbackDnsServer,
) -> None:
    if behaviour != "key":
        key_server.names[seller_key.dns_name] = behaviour
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=key_server.port, lifetime=0.5)
    signed = _signed(_mail("Your parcel ships today."), seller_key, (b"relaxed", b"simple"))
    assert _key_lookup_verdict(signed, resolver) == verdict
    # dkimpy's own verify reads every one of these as a verdict; only ours raises for a retry.
    dkimpy = dkim.DKIM(signed, minkey=1024)
    assert str(dkimpy.verify(idx=0, dnsfunc=_dkimpys_key_lookup(resolver))) == dkimpys


def test_a_failing_name_in_the_test_zone_is_a_temporary_error(
    seller_key: DkimKey, zone: StaticResolver
) -> None:
    signed = _signed(_mail("Your parcel ships today."), seller_key, (b"relaxed", b"simple"))
    assert _key_lookup_verdict(signed, zone) == "True"
    zone.failing.add(seller_key.dns_name)
    assert _key_lookup_verdict(signed, zone) == "DnsTimeoutError"


def _authenticate(raw: bytes, zone: StaticResolver, *, client_ip: str) -> AuthResult:
    return SenderAuthenticator(zone).authenticate(
        raw,
        from_address="jane@seller.example",
        client_ip=client_ip,
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )


def test_dmarc_is_a_temporary_error_when_only_the_key_lookup_could_have_passed_it(
    seller_key: DkimKey, zone: StaticResolver
) -> None:
    """SPF fails (a forwarder's address) and the signature's key did not come: DMARC cannot
    be decided, so the relay asks for a retry (451) rather than refusing for good (550)."""
    signed = _signed(_mail("Your parcel ships today."), seller_key, (b"relaxed", b"simple"))
    zone.failing.add(seller_key.dns_name)
    result = _authenticate(signed, zone, client_ip="203.0.113.5")
    assert (result.spf, result.dkim_domains, result.dmarc) == ("fail", (), "temperror")
    assert result.reason.startswith("DNS did not answer while checking seller.example")
    assert not result.authenticated
    # An aligned SPF pass decides DMARC whatever the key lookup did.
    passed = _authenticate(signed, zone, client_ip="192.0.2.10")
    assert (passed.spf, passed.dmarc) == ("pass", "pass")
    # A key that is not published is a DMARC fail, not a retry.
    zone.failing.clear()
    del zone.records[(seller_key.dns_name, "TXT")]
    failed = _authenticate(signed, zone, client_ip="203.0.113.5")
    assert (failed.spf, failed.dkim_domains, failed.dmarc) == ("fail", (), "fail")
