"""Fixtures for the mail tests: one DKIM key per test run, a DNS zone that publishes it, and a
capturing smarthost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from capturing_smarthost import Smarthost, free_port

from gobetween.adapters.mail.dkim_keys import DkimKey, generate_key
from gobetween.adapters.mail.sender_auth import StaticResolver

RELAY_DOMAIN = "relay.test"


@pytest.fixture(scope="session")
def relay_key() -> DkimKey:
    """The relay's signing key, generated fresh for each run (relay-notes.md, Testing)."""
    return generate_key(selector="s2026", domain=RELAY_DOMAIN)


@pytest.fixture(scope="session")
def seller_key() -> DkimKey:
    """The signing key of the seller's own mail provider."""
    return generate_key(selector="mail", domain="seller.example")


@pytest.fixture
def zone(relay_key: DkimKey, seller_key: DkimKey) -> StaticResolver:
    """A small fake DNS: the relay's and the seller's DKIM keys, SPF and DMARC records."""
    resolver = StaticResolver()
    resolver.add(relay_key.dns_name, "TXT", relay_key.public_record)
    resolver.add(seller_key.dns_name, "TXT", seller_key.public_record)
    resolver.add("seller.example", "TXT", "v=spf1 ip4:192.0.2.10 -all")
    resolver.add("_dmarc.seller.example", "TXT", "v=DMARC1; p=reject; adkim=r; aspf=r")
    resolver.add("esp.example", "TXT", "v=spf1 ip4:198.51.100.0/24 -all")
    return resolver


@pytest.fixture
def smarthost() -> Iterator[tuple[Smarthost, Controller]]:
    """A capturing smarthost on a free loopback port, stopped after the test."""
    handler = Smarthost()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller
    finally:
        controller.stop()
