"""Fixtures of the relay tests: a DKIM key generated for this run."""

from __future__ import annotations

import pytest

from gobetween.adapters.mail.dkim_keys import DkimKey, generate_key


@pytest.fixture(scope="session")
def relay_key() -> DkimKey:
    """The relay's signing key, fresh for each test run (relay-notes.md, Testing)."""
    return generate_key(selector="t2026", domain="relay.test")
