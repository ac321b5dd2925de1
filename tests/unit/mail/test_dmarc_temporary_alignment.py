"""A DNS failure asks for a retry (DMARC temperror, 451) only when it hit an identifier that
could have aligned with the From domain; otherwise the DMARC fail stands (RFC 7489 §4.2, §6.6)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP

import dkim
import pytest

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.sender_auth import (
    AuthResult,
    DnsPythonResolver,
    RecordType,
    SenderAuthenticator,
    StaticResolver,
)

FORWARDER_IP = "203.0.113.5"  # permitted by no SPF record in the zone


class _PartlySilentResolver:
    """The test zone, but the names in `silent` are asked of a DNS server on 127.0.0.1 that
    never answers: dnspython times out, as it does when a domain's servers are down."""

    def __init__(self, zone: StaticResolver, silent_port: int) -> None:
        self.zone = zone
        self.silent: set[str] = set()
        self._silent = DnsPythonResolver(nameservers=["127.0.0.1"], port=silent_port, lifetime=0.3)

    def query(self, name: str, rtype: RecordType) -> list[str]:
        if name.lower().rstrip(".") in self.silent:
            return self._silent.query(name, rtype)
        return self.zone.query(name, rtype)


@pytest.fixture
def resolver(zone: StaticResolver) -> Iterator[_PartlySilentResolver]:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))  # bound and never read: every question goes unanswered
    try:
        yield _PartlySilentResolver(zone, int(server.getsockname()[1]))
    finally:
        server.close()


def _signed_by(domain: str, seller_key: DkimKey) -> tuple[bytes, str]:
    """A mail From jane@seller.example signed with d=`domain`, and its key's DNS name."""
    key = DkimKey(selector="mail", domain=domain, private_pem=seller_key.private_pem)
    message = EmailMessage()
    message["From"] = "Jane <jane@seller.example>"
    message["To"] = "abcdefghijklmnop@relay.test"
    message["Subject"] = "Your order"
    message.set_content("Your parcel ships today.")
    raw = message.as_bytes(policy=SMTP)
    signature: bytes = dkim.sign(
        raw,
        key.selector.encode(),
        key.domain.encode(),
        key.private_pem,
        include_headers=[b"from", b"to", b"subject"],
    )
    return signature + raw, key.dns_name


def _authenticate(
    raw: bytes, resolver: _PartlySilentResolver, *, mail_from: str = "jane@seller.example"
) -> AuthResult:
    return SenderAuthenticator(resolver).authenticate(
        raw,
        from_address="jane@seller.example",
        client_ip=FORWARDER_IP,
        mail_from=mail_from,
        helo="mx.forwarder.example",
    )


def _dmarc_record(zone: StaticResolver, record: str | None) -> None:
    del zone.records[("_dmarc.seller.example", "TXT")]
    if record is not None:
        zone.add("_dmarc.seller.example", "TXT", record)


def test_an_aligned_signature_whose_key_lookup_timed_out_asks_for_a_retry(
    seller_key: DkimKey, resolver: _PartlySilentResolver
) -> None:
    signed, key_name = _signed_by("seller.example", seller_key)
    resolver.silent.add(key_name)
    result = _authenticate(signed, resolver)
    assert (result.spf, result.dkim_domains, result.dmarc) == ("fail", (), "temperror")
    assert result.reason.startswith("DNS did not answer while checking seller.example; DMARC")


def test_an_unrelated_signature_whose_key_lookup_timed_out_leaves_the_fail(
    seller_key: DkimKey, resolver: _PartlySilentResolver
) -> None:
    """A forged mail with a junk signature from a domain whose DNS is broken: no answer could
    make it pass for seller.example, so it is refused or held, not retried."""
    signed, key_name = _signed_by("junk.example", seller_key)
    resolver.silent.add(key_name)
    result = _authenticate(signed, resolver)
    assert (result.spf, result.dkim_domains, result.dmarc) == ("fail", (), "fail")
    assert result.dmarc_policy == "reject"
    assert result.reason.startswith("DMARC failed for seller.example: no aligned")


def test_an_aligned_timeout_next_to_an_unrelated_one_asks_for_a_retry(
    seller_key: DkimKey, resolver: _PartlySilentResolver
) -> None:
    junk, junk_key = _signed_by("junk.example", seller_key)
    both, seller_key_name = _signed_by("seller.example", seller_key)
    both = both.split(b"From:", 1)[0] + junk  # seller's signature on top of the junk one
    resolver.silent.update({junk_key, seller_key_name})
    assert _authenticate(both, resolver).dmarc == "temperror"
    resolver.silent.discard(seller_key_name)
    # The seller's key answers now: DMARC passes whatever the unrelated lookup did.
    passed = _authenticate(both, resolver)
    assert (passed.dkim_domains, passed.dmarc) == (("seller.example",), "pass")


@pytest.mark.parametrize(
    ("record", "dmarc"),
    [
        ("v=DMARC1; p=reject; adkim=r; aspf=r", "temperror"),  # same organisational domain
        ("v=DMARC1; p=reject; adkim=s; aspf=r", "fail"),  # strict: only seller.example itself
        (None, "fail"),  # no record: only a pass for exactly seller.example counts
    ],
)
def test_a_subdomain_signer_could_align_only_under_relaxed_dkim(
    record: str | None,
    dmarc: str,
    seller_key: DkimKey,
    zone: StaticResolver,
    resolver: _PartlySilentResolver,
) -> None:
    _dmarc_record(zone, record)
    signed, key_name = _signed_by("news.seller.example", seller_key)
    resolver.silent.add(key_name)
    assert _authenticate(signed, resolver).dmarc == dmarc


def test_without_a_dmarc_record_a_timeout_for_exactly_the_from_domain_asks_for_a_retry(
    seller_key: DkimKey, zone: StaticResolver, resolver: _PartlySilentResolver
) -> None:
    _dmarc_record(zone, None)
    signed, key_name = _signed_by("seller.example", seller_key)
    resolver.silent.add(key_name)
    result = _authenticate(signed, resolver)
    assert (result.dmarc, result.dmarc_policy) == ("temperror", None)
    assert result.reason.startswith("DNS did not answer while checking seller.example; neither")


@pytest.mark.parametrize(
    ("mail_from", "record", "dmarc"),
    [
        ("jane@seller.example", "v=DMARC1; p=reject; aspf=r", "temperror"),
        ("jane@seller.example", "v=DMARC1; p=reject; aspf=s", "temperror"),
        ("bounce@mail.seller.example", "v=DMARC1; p=reject; aspf=r", "temperror"),
        ("bounce@mail.seller.example", "v=DMARC1; p=reject; aspf=s", "fail"),
        ("bounces@esp.example", "v=DMARC1; p=reject; aspf=r", "fail"),  # another organisation
        ("jane@seller.example", None, "temperror"),
        ("bounce@mail.seller.example", None, "fail"),
    ],
)
def test_an_spf_temperror_asks_for_a_retry_only_for_an_aligned_mail_from(
    mail_from: str,
    record: str | None,
    dmarc: str,
    zone: StaticResolver,
    resolver: _PartlySilentResolver,
) -> None:
    _dmarc_record(zone, record)
    spf_domain = mail_from.rpartition("@")[2]
    resolver.silent.add(spf_domain)
    unsigned = b"From: Jane <jane@seller.example>\r\nSubject: Hi\r\n\r\nHello\r\n"
    result = _authenticate(unsigned, resolver, mail_from=mail_from)
    assert (result.spf, result.spf_domain, result.dmarc) == ("temperror", spf_domain, dmarc)


def test_a_dmarc_record_dns_could_not_answer_is_still_a_temporary_error(
    seller_key: DkimKey, resolver: _PartlySilentResolver
) -> None:
    signed, key_name = _signed_by("junk.example", seller_key)
    resolver.silent.update({key_name, "_dmarc.seller.example"})
    result = _authenticate(signed, resolver, mail_from="bounces@esp.example")
    assert (result.dmarc, result.dmarc_policy) == ("temperror", None)
    assert result.reason.startswith("TXT _dmarc.seller.example")
