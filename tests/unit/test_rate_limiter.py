"""The per-token rate limit of the API: a token bucket refilled continuously."""

from __future__ import annotations

import pytest

from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.http.api.callers import RateLimiter
from gobetween.entrypoints.http.api.errors import RateLimitedError
from gobetween.services.inbox import decode_cursor, encode_cursor


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_limit_then_a_wait_that_refills_one_request() -> None:
    ticks = Ticks()
    limiter = RateLimiter(60, now=ticks)
    for _ in range(60):
        limiter.take(1)
    with pytest.raises(RateLimitedError) as raised:
        limiter.take(1)
    assert raised.value.retry_after == 1
    limiter.take(2)  # another token has its own bucket
    ticks.now += 1.0
    limiter.take(1)
    with pytest.raises(RateLimitedError):
        limiter.take(1)


def test_zero_switches_the_limit_off() -> None:
    limiter = RateLimiter(0)
    for _ in range(1000):
        limiter.take(1)


def test_cursors_round_trip_and_garbage_is_named() -> None:
    assert decode_cursor(encode_cursor("2026-11-20T10:00:00+00:00", 42)) == (
        "2026-11-20T10:00:00+00:00",
        42,
    )
    assert decode_cursor(encode_cursor("", 7)) == ("", 7)
    for bad in ("%%%", "bm90LWpzb24", encode_cursor("yesterday", 1)):
        with pytest.raises(InvalidInput) as raised:
            decode_cursor(bad)
        assert raised.value.field == "cursor"
