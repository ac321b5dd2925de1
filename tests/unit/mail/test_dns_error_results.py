"""Each way a DNS lookup can go wrong, from a real (loopback) DNS server through the production
resolver, gives the SPF, DKIM and DMARC result its RFC names: no record is "none" (SPF), a failed
signature (DKIM, PERMFAIL) or no DMARC policy; anything that is not an answer (a timeout, any RCODE
but NOERROR and NXDOMAIN, a malformed or truncated reply) is a temporary error, which the relay
answers with 451 (RFC 7208 §2.6 and §4.4, RFC 6376 §6.1.2, RFC 7489 §6.6.3)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP

import dkim
import pytest
from loopback_dns import LoopbackDnsServer

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.sender_auth import (
    AuthResult,
    DnsPythonResolver,
    DnsTemporaryError,
    RecordType,
    SenderAuthenticator,
)

SPF_NAME = "seller.example"
DMARC_NAME = "_dmarc.seller.example"
SELLER_IP = "192.0.2.10"  # the seller's SPF record permits it
FORWARDER_IP = "203.0.113.5"  # the record permits nothing else

# What the server does that is no answer at all: the resolver must say "ask again later".
UNANSWERED = [
    "silent",
    "servfail",
    "refused",
    "formerr",
    "notimp",
    "yxdomain",
    "garbage",
    "truncated",
]
# What the server does that is an answer: the name has no such record.
NO_RECORD = ["nxdomain", "empty"]


@pytest.fixture
def server(seller_key: DkimKey) -> Iterator[LoopbackDnsServer]:
    running = LoopbackDnsServer(
        {
            SPF_NAME: f"v=spf1 ip4:{SELLER_IP} -all",
            DMARC_NAME: "v=DMARC1; p=reject",
            seller_key.dns_name: seller_key.public_record,
        }
    )
    try:
        yield running
    finally:
        running.close()


def _resolver(server: LoopbackDnsServer) -> DnsPythonResolver:
    return DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=0.5)


def _signed(seller_key: DkimKey) -> bytes:
    message = EmailMessage()
    message["From"] = "Jane <jane@seller.example>"
    message["To"] = "abcdefghijklmnop@relay.test"
    message["Subject"] = "Your order"
    message.set_content("Your parcel ships today.")
    raw = message.as_bytes(policy=SMTP)
    signature: bytes = dkim.sign(
        raw, seller_key.selector.encode(), seller_key.domain.encode(), seller_key.private_pem
    )
    return signature + raw


def _authenticate(server: LoopbackDnsServer, raw: bytes, *, client_ip: str) -> AuthResult:
    return SenderAuthenticator(_resolver(server), dns_timeout=1).authenticate(
        raw,
        from_address="jane@seller.example",
        client_ip=client_ip,
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )


@pytest.mark.parametrize("behaviour", UNANSWERED)
@pytest.mark.parametrize("rtype", ["TXT", "A", "MX"])
def test_a_lookup_without_an_answer_is_a_temporary_error(
    behaviour: str, rtype: RecordType, server: LoopbackDnsServer
) -> None:
    server.names["broken.example"] = behaviour
    with pytest.raises(DnsTemporaryError):
        _resolver(server).query("broken.example", rtype)


@pytest.mark.parametrize("behaviour", NO_RECORD)
@pytest.mark.parametrize("rtype", ["TXT", "A", "MX"])
def test_a_name_or_record_that_does_not_exist_is_no_record(
    behaviour: str, rtype: RecordType, server: LoopbackDnsServer
) -> None:
    server.names["missing.example"] = behaviour
    assert _resolver(server).query("missing.example", rtype) == []
    assert server.questions == ["missing.example"]


@pytest.mark.parametrize("name", ["shop\\", "a\\999.example"])
def test_a_name_with_a_bad_escape_has_no_records(name: str, server: LoopbackDnsServer) -> None:
    assert _resolver(server).query(name, "TXT") == []
    assert server.questions == []


@pytest.mark.parametrize("behaviour", UNANSWERED + NO_RECORD)
def test_spf(behaviour: str, server: LoopbackDnsServer) -> None:
    server.names[SPF_NAME] = behaviour
    spf = SenderAuthenticator(_resolver(server), dns_timeout=1).check_spf(
        client_ip=SELLER_IP, mail_from="jane@seller.example", helo="mx.seller.example"
    )
    assert spf == ("temperror" if behaviour in UNANSWERED else "none")


@pytest.mark.parametrize("behaviour", UNANSWERED + NO_RECORD)
def test_dkim_key(behaviour: str, server: LoopbackDnsServer, seller_key: DkimKey) -> None:
    signed = _signed(seller_key)
    # The forwarder's address fails SPF: only the signature could pass DMARC.
    assert _authenticate(server, signed, client_ip=FORWARDER_IP).dmarc == "pass"
    server.names[seller_key.dns_name] = behaviour
    result = _authenticate(server, signed, client_ip=FORWARDER_IP)
    assert (result.spf, result.dkim_domains) == ("fail", ())
    # No key published: the signature failed for good (PERMFAIL), and with it DMARC.
    assert result.dmarc == ("temperror" if behaviour in UNANSWERED else "fail")


@pytest.mark.parametrize("behaviour", UNANSWERED + NO_RECORD)
def test_dmarc_record(behaviour: str, server: LoopbackDnsServer, seller_key: DkimKey) -> None:
    server.names[DMARC_NAME] = behaviour
    result = _authenticate(server, _signed(seller_key), client_ip=SELLER_IP)
    if behaviour in UNANSWERED:
        assert (result.dmarc, result.dmarc_policy) == ("temperror", None)
    else:
        # No record: the From domain itself passed SPF and DKIM.
        assert (result.dmarc, result.dmarc_policy) == ("pass", None)
        assert result.reason.endswith("(no DMARC record)")


def test_names_too_long_for_dns_have_no_records(server: LoopbackDnsServer) -> None:
    """A From domain of 250 octets is a DNS name, its _dmarc name is not; a MAIL FROM domain
    over 255 octets is none: no record, no server asked, not an error (RFC 7208 §4.3)."""
    from_domain = ".".join(["a" * 49] * 5)  # 249 octets
    long_domain = "b." * 130 + "example"
    result = SenderAuthenticator(_resolver(server), dns_timeout=1).authenticate(
        b"From: <jane@" + from_domain.encode() + b">\r\nSubject: hi\r\n\r\nHello\r\n",
        from_address=f"jane@{from_domain}",
        client_ip=SELLER_IP,
        mail_from=f"jane@{long_domain}",
        helo="mx.seller.example",
    )
    assert (result.spf, result.dmarc, result.dmarc_policy) == ("none", "fail", None)
    assert server.questions == [f"_dmarc.{'a' * 49}.{'a' * 49}"]
