"""SPF, DKIM and DMARC evaluated by our own code against a fixed DNS zone."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import sign
from gobetween.adapters.mail.sender_auth import (
    SenderAuthenticator,
    StaticResolver,
    aligned,
    organizational_domain,
)


def _raw(sender: str = "jane@seller.example") -> bytes:
    message = EmailMessage()
    message["From"] = f"Jane <{sender}>"
    message["To"] = "abcdefghijklmnop@relay.test"
    message["Subject"] = "Tracking"
    message["Message-ID"] = "<m1@seller.example>"
    message.set_content("Your parcel ships today.")
    return message.as_bytes()


def test_spf_pass_with_dmarc_record_authenticates(zone: StaticResolver) -> None:
    result = SenderAuthenticator(zone).authenticate(
        _raw(),
        from_address="jane@seller.example",
        client_ip="192.0.2.10",
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )
    assert result.spf == "pass"
    assert result.authenticated
    assert result.dmarc_policy == "reject"
    assert "aligned SPF" in result.reason


def test_forged_from_of_a_registered_address_fails(zone: StaticResolver) -> None:
    # Anyone can write a registered address into From; the connecting host gives it away.
    result = SenderAuthenticator(zone).authenticate(
        _raw(),
        from_address="jane@seller.example",
        client_ip="203.0.113.66",
        mail_from="jane@seller.example",
        helo="attacker.example",
    )
    assert result.spf == "fail"
    assert result.dkim_domains == ()
    assert not result.authenticated
    assert "DMARC failed for seller.example" in result.reason


def test_aligned_dkim_passes_when_spf_is_for_another_domain(
    zone: StaticResolver, seller_key: DkimKey
) -> None:
    signed = sign(_raw(), seller_key)
    result = SenderAuthenticator(zone).authenticate(
        signed,
        from_address="jane@seller.example",
        client_ip="198.51.100.7",
        mail_from="bounces@esp.example",
        helo="out.esp.example",
    )
    assert result.spf == "pass"
    assert result.dkim_domains == ("seller.example",)
    assert result.authenticated
    assert "aligned DKIM" in result.reason


def test_unaligned_spf_pass_alone_is_not_enough(zone: StaticResolver) -> None:
    result = SenderAuthenticator(zone).authenticate(
        _raw(),
        from_address="jane@seller.example",
        client_ip="198.51.100.7",
        mail_from="bounces@esp.example",
        helo="out.esp.example",
    )
    assert result.spf == "pass"
    assert not result.authenticated


def test_tampered_body_breaks_dkim(zone: StaticResolver, seller_key: DkimKey) -> None:
    signed = sign(_raw(), seller_key).replace(b"ships today", b"ships never")
    authenticator = SenderAuthenticator(zone)
    assert authenticator.check_dkim(signed) == ()


def test_without_dmarc_record_the_exact_domain_must_pass(zone: StaticResolver) -> None:
    zone.add("shop.example", "TXT", "v=spf1 ip4:192.0.2.20 -all")
    zone.add("mail.shop.example", "TXT", "v=spf1 ip4:192.0.2.21 -all")
    authenticator = SenderAuthenticator(zone)
    exact = authenticator.authenticate(
        _raw("bob@shop.example"),
        from_address="bob@shop.example",
        client_ip="192.0.2.20",
        mail_from="bob@shop.example",
        helo="shop.example",
    )
    assert exact.authenticated
    assert exact.dmarc_policy is None
    # A relaxed-alignment pass for a subdomain is not enough without a published DMARC policy.
    sub = authenticator.authenticate(
        _raw("bob@shop.example"),
        from_address="bob@shop.example",
        client_ip="192.0.2.21",
        mail_from="bounce@mail.shop.example",
        helo="mail.shop.example",
    )
    assert sub.spf == "pass"
    assert not sub.authenticated


def test_spf_include_and_void_lookup_limit(zone: StaticResolver) -> None:
    zone.add("inc.example", "TXT", "v=spf1 include:_spf.inc.example -all")
    zone.add("_spf.inc.example", "TXT", "v=spf1 ip4:192.0.2.30 -all")
    zone.add(
        "void.example", "TXT", "v=spf1 a:n1.void.example a:n2.void.example a:n3.void.example -all"
    )
    authenticator = SenderAuthenticator(zone)
    assert (
        authenticator.check_spf(client_ip="192.0.2.30", mail_from="a@inc.example", helo="x")
        == "pass"
    )
    assert (
        authenticator.check_spf(client_ip="192.0.2.31", mail_from="a@inc.example", helo="x")
        == "fail"
    )
    assert (
        authenticator.check_spf(client_ip="192.0.2.31", mail_from="a@void.example", helo="x")
        == "permerror"
    )
    assert (
        authenticator.check_spf(client_ip="192.0.2.31", mail_from="a@none.example", helo="x")
        == "none"
    )


def test_dns_failure_is_a_temporary_error(zone: StaticResolver) -> None:
    zone.failing.add("_dmarc.seller.example")
    result = SenderAuthenticator(zone).authenticate(
        _raw(),
        from_address="jane@seller.example",
        client_ip="192.0.2.10",
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )
    assert result.dmarc == "temperror"
    assert not result.authenticated


def test_dmarc_record_of_the_organisational_domain_applies_to_subdomains(
    zone: StaticResolver,
) -> None:
    zone.add("eu.seller.example", "TXT", "v=spf1 ip4:192.0.2.40 -all")
    result = SenderAuthenticator(zone).authenticate(
        _raw("jo@eu.seller.example"),
        from_address="jo@eu.seller.example",
        client_ip="192.0.2.10",
        mail_from="jo@seller.example",
        helo="mx.seller.example",
    )
    assert result.dmarc_policy == "reject"
    assert result.authenticated  # relaxed alignment: seller.example and eu.seller.example


@pytest.mark.parametrize(
    ("domain", "organisational"),
    [
        ("mail.example.co.uk", "example.co.uk"),
        ("example.com", "example.com"),
        ("a.b.shop.example.de", "example.de"),
    ],
)
def test_organizational_domain_uses_the_bundled_suffix_list(
    domain: str, organisational: str
) -> None:
    assert organizational_domain(domain) == organisational


def test_alignment_modes() -> None:
    assert aligned("mail.example.com", "example.com", strict=False)
    assert not aligned("mail.example.com", "example.com", strict=True)
    assert not aligned("example.co.uk", "other.co.uk", strict=False)


def test_spf_lookup_failure_is_temporary_not_a_failure(zone: StaticResolver) -> None:
    zone.failing.add("seller.example")
    result = SenderAuthenticator(zone).authenticate(
        _raw(),
        from_address="jane@seller.example",
        client_ip="192.0.2.10",
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )
    assert result.spf == "temperror"
    assert result.dmarc == "temperror"
    assert "DNS did not answer" in result.reason


def test_a_verified_signature_outweighs_an_spf_lookup_failure(
    zone: StaticResolver, seller_key: DkimKey
) -> None:
    zone.failing.add("seller.example")
    result = SenderAuthenticator(zone).authenticate(
        sign(_raw(), seller_key),
        from_address="jane@seller.example",
        client_ip="192.0.2.10",
        mail_from="jane@seller.example",
        helo="mx.seller.example",
    )
    assert result.authenticated
