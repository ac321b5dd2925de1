"""The production resolver asks a real (loopback) DNS server once per record and TTL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loopback_dns import LoopbackDnsServer

from gobetween.adapters.mail.sender_auth import DnsPythonResolver


@pytest.fixture
def server() -> Iterator[LoopbackDnsServer]:
    running = LoopbackDnsServer(default="v=DMARC1; p=reject", ttl=300)
    try:
        yield running
    finally:
        running.close()


def test_a_record_is_asked_once_within_its_ttl(server: LoopbackDnsServer) -> None:
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=2.0)
    first = resolver.query("_dmarc.buyer.example", "TXT")
    second = resolver.query("_dmarc.buyer.example", "TXT")
    other = resolver.query("_dmarc.seller.example", "TXT")
    assert first == second == other == ["v=DMARC1; p=reject"]
    assert server.questions == ["_dmarc.buyer.example", "_dmarc.seller.example"]


def test_a_zero_ttl_is_asked_again(server: LoopbackDnsServer) -> None:
    server.ttl = 0
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=2.0)
    resolver.query("_dmarc.buyer.example", "TXT")
    resolver.query("_dmarc.buyer.example", "TXT")
    assert server.questions == ["_dmarc.buyer.example"] * 2
