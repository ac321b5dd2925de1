"""A held mail's release code is an argument of `gobetween relay release CODE`: never led by "-"."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from gobetween.adapters.mail import inbound


def test_a_code_led_by_a_dash_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: Iterator[str] = iter(["-Ab3", "-Cd4", "Ef5-"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert inbound._release_code() == "Ef5-"


def test_codes_are_long_url_safe_and_never_led_by_a_dash() -> None:
    codes = {inbound._release_code() for _ in range(2_000)}
    assert len(codes) == 2_000
    assert not any(code.startswith("-") for code in codes)
    assert all(len(code) == 32 for code in codes)
    assert all(
        set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for code in codes
    )
