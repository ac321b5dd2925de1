"""The per-process memory of verified API tokens: bounded in time and in size."""

from __future__ import annotations

from gobetween.services.access import Principal, VerifiedTokens

SELLER = Principal("seller", seller_id="s-1", token_id=1)


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_verified_token_is_trusted_for_its_time_to_live_only() -> None:
    ticks = Ticks()
    verified = VerifiedTokens(5.0, now=ticks)
    assert verified.get("h1") is None
    verified.remember("h1", SELLER)
    ticks.now += 4.99
    assert verified.get("h1") == SELLER
    ticks.now += 0.01
    assert verified.get("h1") is None


def test_a_zero_time_to_live_remembers_nothing() -> None:
    verified = VerifiedTokens(0.0, now=Ticks())
    verified.remember("h1", SELLER)
    assert verified.get("h1") is None


def test_a_full_memory_starts_over_instead_of_growing() -> None:
    verified = VerifiedTokens(60.0, max_entries=2, now=Ticks())
    verified.remember("h1", SELLER)
    verified.remember("h2", SELLER)
    verified.remember("h3", SELLER)
    assert [verified.get(h) for h in ("h1", "h2", "h3")] == [None, None, SELLER]
