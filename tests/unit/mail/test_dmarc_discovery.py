"""DMARC policy discovery (RFC 7489 §6.6.3) and organisational domains, and SPF's limits
(RFC 7208 §4.6.4, §5.2, §6.1) through our resolver."""

from __future__ import annotations

import pytest

from gobetween.adapters.mail.sender_auth import (
    SenderAuthenticator,
    StaticResolver,
    aligned,
    organizational_domain,
)

SUB = "eu.seller.example"


def _authenticate(
    zone: StaticResolver, *, from_domain: str, mail_from: str
) -> tuple[str, str | None]:
    result = SenderAuthenticator(zone).authenticate(
        f"From: <jo@{from_domain}>\r\nSubject: hi\r\n\r\nHello\r\n".encode(),
        from_address=f"jo@{from_domain}",
        client_ip="192.0.2.10",  # permitted by seller.example's SPF record
        mail_from=mail_from,
        helo="mx.seller.example",
    )
    return result.dmarc, result.dmarc_policy


@pytest.mark.parametrize(
    ("records", "policy"),
    [
        (["v=DMARC1; p=quarantine"], {"p": "quarantine"}),
        (["v = DMARC1 ; p = reject"], {"p": "reject"}),
        (["v=dmarc1; p=reject"], {"p": "reject"}),
        (["google-site-verification=abc", "v=DMARC1; p=reject"], {"p": "reject"}),
        # Not DMARC records: v= must come first and be exactly DMARC1.
        (["v=DMARC10; p=reject"], None),
        (["p=reject; v=DMARC1"], None),
        (["v=DMARC1x; p=reject"], None),
        # Two records: no policy, and the organisational domain is not asked instead.
        (["v=DMARC1; p=reject", "v=DMARC1; p=none"], None),
        # No valid p=: p=none where reports are asked for, else no policy.
        (["v=DMARC1"], None),
        (["v=DMARC1; p=block"], None),
        (["v=DMARC1; p=block; rua=mailto:d@seller.example"], {"p": "none"}),
        (["v=DMARC1; p=reject; sp=bogus; rua=mailto:d@seller.example"], {"p": "none"}),
        (["v=DMARC1; p=reject; sp=bogus"], None),
    ],
)
def test_the_from_domains_own_record(records: list[str], policy: dict[str, str] | None) -> None:
    zone = StaticResolver({("_dmarc.seller.example", "TXT"): records})
    found = SenderAuthenticator(zone).dmarc_record("seller.example")
    if policy is None:
        assert found is None
    else:
        assert found is not None
        assert {tag: found.get(tag) for tag in policy} == policy


def test_several_records_at_a_subdomain_end_discovery() -> None:
    zone = StaticResolver(
        {
            (f"_dmarc.{SUB}", "TXT"): ["v=DMARC1; p=none", "v=DMARC1; p=reject"],
            ("_dmarc.seller.example", "TXT"): ["v=DMARC1; p=reject"],
            ("seller.example", "TXT"): ["v=spf1 ip4:192.0.2.10 -all"],
        }
    )
    # No policy: the pass must be for exactly the From domain, and seller.example's is not.
    assert _authenticate(zone, from_domain=SUB, mail_from="jo@seller.example") == ("fail", None)
    del zone.records[(f"_dmarc.{SUB}", "TXT")]
    # With none at the subdomain, the organisational domain's record applies (relaxed).
    assert _authenticate(zone, from_domain=SUB, mail_from="jo@seller.example") == (
        "pass",
        "reject",
    )


def test_the_subdomain_policy_applies_below_the_organisational_domain_only() -> None:
    zone = StaticResolver(
        {
            ("_dmarc.seller.example", "TXT"): ["v=DMARC1; p=reject; sp=quarantine"],
            ("seller.example", "TXT"): ["v=spf1 ip4:192.0.2.10 -all"],
        }
    )
    assert _authenticate(zone, from_domain=SUB, mail_from="jo@seller.example") == (
        "pass",
        "quarantine",
    )
    assert _authenticate(zone, from_domain="seller.example", mail_from="jo@seller.example") == (
        "pass",
        "reject",
    )
    # The subdomain's own record is its policy, whatever the parent's sp= says.
    zone.add(f"_dmarc.{SUB}", "TXT", "v=DMARC1; p=none")
    assert _authenticate(zone, from_domain=SUB, mail_from="jo@seller.example") == ("pass", "none")


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("alice.github.io", "mallory.github.io", False),
        ("mail.alice.github.io", "alice.github.io", True),
        ("shop.blogspot.com", "other.blogspot.com", False),
        ("mail.example.co.uk", "example.co.uk", True),
        ("example.co.uk", "other.co.uk", False),
    ],
)
def test_private_suffixes_separate_organisations(first: str, second: str, same: bool) -> None:
    assert (organizational_domain(first) == organizational_domain(second)) is same
    assert aligned(first, second, strict=False) is same


def test_a_pass_for_another_customer_of_a_private_suffix_does_not_align() -> None:
    zone = StaticResolver(
        {
            ("_dmarc.alice.github.io", "TXT"): ["v=DMARC1; p=reject"],
            ("mallory.github.io", "TXT"): ["v=spf1 ip4:192.0.2.10 -all"],
        }
    )
    assert _authenticate(zone, from_domain="alice.github.io", mail_from="m@mallory.github.io") == (
        "fail",
        "reject",
    )


def _spf(zone: StaticResolver, domain: str, ip: str = "192.0.2.10") -> str:
    return SenderAuthenticator(zone).check_spf(client_ip=ip, mail_from=f"a@{domain}", helo="x")


def test_spf_include_and_redirect_loops_are_permerror() -> None:
    zone = StaticResolver(
        {
            ("loop.example", "TXT"): ["v=spf1 include:loop2.example -all"],
            ("loop2.example", "TXT"): ["v=spf1 include:loop.example -all"],
            ("self.example", "TXT"): ["v=spf1 redirect=self.example"],
            ("r1.example", "TXT"): ["v=spf1 redirect=r2.example"],
            ("r2.example", "TXT"): ["v=spf1 redirect=r1.example"],
        }
    )
    for domain in ("loop.example", "self.example", "r1.example"):
        assert _spf(zone, domain) == "permerror", domain


def test_spf_stops_after_ten_lookups() -> None:
    def chain(count: int) -> StaticResolver:
        """a@n0.example's record includes n1, which includes n2 ... up to n<count>."""
        zone = StaticResolver()
        for level in range(count):
            zone.add(f"n{level}.example", "TXT", f"v=spf1 include:n{level + 1}.example -all")
        zone.add(f"n{count}.example", "TXT", "v=spf1 ip4:192.0.2.10 -all")
        return zone

    assert _spf(chain(10), "n0.example") == "pass"
    assert _spf(chain(11), "n0.example") == "permerror"
    # Mechanisms that ask DNS count too: ten a: lookups that match nothing, then the 11th.
    zone = StaticResolver()
    names = " ".join(f"a:h{n}.example" for n in range(11))
    zone.add("many.example", "TXT", f"v=spf1 {names} ip4:192.0.2.10 -all")
    for n in range(11):
        zone.add(f"h{n}.example", "A", "198.51.100.1")
    assert _spf(zone, "many.example") == "permerror"


def test_spf_allows_two_void_lookups_and_no_third() -> None:
    zone = StaticResolver(
        {("v.example", "TXT"): ["v=spf1 a:x1.v.example a:x2.v.example ip4:192.0.2.10 -all"]}
    )
    assert _spf(zone, "v.example") == "pass"
    zone.records[("v.example", "TXT")] = [
        "v=spf1 a:x1.v.example a:x2.v.example a:x3.v.example ip4:192.0.2.10 -all"
    ]
    assert _spf(zone, "v.example") == "permerror"


def test_spf_mx_with_more_than_ten_names_is_permerror() -> None:
    zone = StaticResolver({("mx.example", "TXT"): ["v=spf1 mx -all"]})
    for n in range(11):
        zone.add("mx.example", "MX", f"10 m{n}.mx.example")
        zone.add(f"m{n}.mx.example", "A", f"198.51.100.{n + 1}")
    assert _spf(zone, "mx.example", "198.51.100.1") == "permerror"
    del zone.records[("mx.example", "MX")]
    for n in range(10):
        zone.add("mx.example", "MX", f"10 m{n}.mx.example")
    assert _spf(zone, "mx.example", "198.51.100.10") == "pass"


def test_spf_macros_expand_to_the_senders_names() -> None:
    zone = StaticResolver(
        {
            ("macro.example", "TXT"): ["v=spf1 exists:%{ir}.%{l}._spf.%{d} -all"],
            ("10.2.0.192.a._spf.macro.example", "A"): ["127.0.0.2"],
        }
    )
    assert _spf(zone, "macro.example") == "pass"
    assert _spf(zone, "macro.example", "192.0.2.11") == "fail"


def test_two_spf_records_are_permerror() -> None:
    zone = StaticResolver({("two.example", "TXT"): ["v=spf1 ip4:192.0.2.10 -all", "v=spf1 -all"]})
    assert _spf(zone, "two.example") == "permerror"
