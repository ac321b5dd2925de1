"""The DKIM key record as DNS serves it: one record split into several character-strings is
their concatenation (RFC 6376 §3.6.2.2, as dkimpy reads it); of several TXT records at the
selector, each is tried and the signature verifies if it does with one (§6.1.2), where dkimpy
takes whichever comes first in the answer."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import dkim
import dkim.dnsplug
import dns.resolver
import pytest
from loopback_dns import Answer, LoopbackDnsServer

from gobetween.adapters.mail.dkim_keys import DkimKey, generate_key
from gobetween.adapters.mail.sender_auth import (
    DnsPythonResolver,
    SenderAuthenticator,
    StaticResolver,
)

FROM = b"From: Jane <jane@seller.example>\r\nTo: abcdefghijklmnop@relay.test\r\n"
MAIL = FROM + b"Subject: Your order\r\n\r\nYour parcel ships today.\r\n"


@pytest.fixture(scope="module")
def old_key() -> DkimKey:
    """The seller's previous key, still published at the same selector during a rotation."""
    return generate_key(selector="mail", domain="seller.example")


@pytest.fixture
def server() -> Iterator[LoopbackDnsServer]:
    running = LoopbackDnsServer()
    try:
        yield running
    finally:
        running.close()


def _signed(key: DkimKey) -> bytes:
    signature: bytes = dkim.sign(MAIL, key.selector.encode(), key.domain.encode(), key.private_pem)
    return signature + MAIL


def _ours(server: LoopbackDnsServer, raw: bytes) -> bool:
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=1.0)
    return SenderAuthenticator(resolver).check_dkim(raw) == ("seller.example",)


def _dkimpys(server: LoopbackDnsServer, raw: bytes, monkeypatch: pytest.MonkeyPatch) -> bool:
    """dkimpy's verdict with its own DNS lookup (dkim.dnsplug.get_txt) asking the server."""
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = server.port
    with monkeypatch.context() as patched:
        patched.setattr(dns.resolver, "default_resolver", resolver)
        return bool(dkim.DKIM(raw, timeout=1).verify(dnsfunc=dkim.dnsplug.get_txt))


def _split(record: str, *at: int) -> tuple[str, ...]:
    """The record as character-strings cut at these offsets."""
    cuts = [0, *at, len(record)]
    return tuple(record[start:end] for start, end in pairwise(cuts))


@pytest.mark.parametrize(
    "cuts",
    [
        (1, 250),  # inside "v=DKIM1"
        (8, 260),  # after "v=DKIM1;", before the blank
        (18, 19, 270),  # around "p=": a one-octet string
        (100, 200, 300),  # inside the base64 key, several times
        (255,),  # where a zone file's 255-octet strings end
    ],
)
def test_a_record_split_into_character_strings_is_their_concatenation(
    cuts: tuple[int, ...],
    seller_key: DkimKey,
    server: LoopbackDnsServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = seller_key.public_record
    server.names[seller_key.dns_name] = [_split(record, *cuts)]
    signed = _signed(seller_key)
    assert _ours(server, signed) is _dkimpys(server, signed, monkeypatch) is True
    # The server did send the record as those strings.
    asked = dns.resolver.Resolver(configure=False)
    asked.nameservers = ["127.0.0.1"]
    asked.port = server.port
    (answer,) = asked.resolve(seller_key.dns_name, "TXT")
    assert len(answer.strings) == len(cuts) + 1


@pytest.mark.parametrize(
    ("records", "dkimpys"),
    [
        # The key that signed comes first: dkimpy and we agree.
        (["current", "old"], True),
        (["current", "v=spf1 -all"], True),
        # It comes second: dkimpy reads only the first and fails; we try it too and pass.
        (["old", "current"], False),
        (["v=spf1 -all", "current"], False),
        (["not a tag list", "old", "current"], False),
        # No record is the key that signed: both fail, for good (not a temporary error).
        (["old", "v=spf1 -all"], False),
    ],
)
def test_each_of_several_records_at_the_selector_is_tried(
    records: list[str],
    dkimpys: bool,
    seller_key: DkimKey,
    old_key: DkimKey,
    server: LoopbackDnsServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = {"current": seller_key.public_record, "old": old_key.public_record}
    answer: Answer = [named.get(record, record) for record in records]
    server.names[seller_key.dns_name] = answer
    signed = _signed(seller_key)
    assert _dkimpys(server, signed, monkeypatch) is dkimpys
    assert _ours(server, signed) is ("current" in records)


def test_the_record_order_does_not_change_the_verdict(
    seller_key: DkimKey, old_key: DkimKey
) -> None:
    signed = _signed(seller_key)
    both = [seller_key.public_record, old_key.public_record]
    for records in (both, both[::-1]):
        zone = StaticResolver({(seller_key.dns_name, "TXT"): records})
        assert SenderAuthenticator(zone).check_dkim(signed) == ("seller.example",)
    # A revoked key (empty p=) is skipped like any other record that does not verify.
    zone = StaticResolver({(seller_key.dns_name, "TXT"): ["v=DKIM1; k=rsa; p=", both[0]]})
    assert SenderAuthenticator(zone).check_dkim(signed) == ("seller.example",)
    assert SenderAuthenticator(zone).check_dkim(_signed(old_key)) == ()
