"""Emoji detector: Unicode-property tables, sequences, and text-style symbols that do not count."""

from __future__ import annotations

import pytest

from gobetween.policy.detectors.emoji import find_emoji
from gobetween.policy.detectors.emoji_table import PICTOGRAPHIC, PRESENTATION


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("Amazon will send a new kettle 👍", ["👍"]),
        ("⭐⭐⭐⭐⭐ on the product page", ["⭐"] * 5),
        ("Merci pour votre commande 🎉 Pouvez-vous", ["🎉"]),
        ("ok 👍🏽", ["👍🏽"]),  # skin tone: one emoji
        ("family 👨\u200d👩\u200d👧 photo", ["👨\u200d👩\u200d👧"]),  # ZWJ sequence
        ("made in 🇩🇪", ["🇩🇪"]),  # flag
        ("press 1️⃣ now", ["1️⃣"]),  # keycap
        ("with love ❤️", ["❤️"]),  # text-default pictograph + VS16
        ("pink heart 🩷 and 🫨", ["🩷", "🫨"]),  # Unicode 15
        ("phoenix 🐦\u200d🔥", ["🐦\u200d🔥"]),  # Unicode 15.1 sequence
        ("ありがとうございます😊", ["😊"]),
    ],
)
def test_finds_emoji(text: str, emoji: list[str]) -> None:
    hits = find_emoji(text)
    assert [h.emoji for h in hits] == emoji
    assert [text[h.start : h.end] for h in hits] == emoji


@pytest.mark.parametrize(
    "text",
    [
        "© 2025 Brand™ and Name®",  # text-style: typography, not emoji (documented decision)
        "I ♥ it ☺ ✔ ★ ✓ ♪ → • ※",
        "❤ without the selector",
        "⭐\ufe0e text presentation requested",
        "ご注文ありがとうございます。「確認」〜【重要】",
        "plain ASCII :-) <3",
        "regional letter 🇩 alone",
    ],
)
def test_skips_text_symbols(text: str) -> None:
    assert find_emoji(text) == []


def test_tables_are_generated_and_current() -> None:
    presentation = {cp for a, b in PRESENTATION for cp in range(a, b + 1)}
    pictographic = {cp for a, b in PICTOGRAPHIC for cp in range(a, b + 1)}
    assert 0x1FA77 in presentation  # 🩷, Unicode 15: newer than Python 3.11's unicodedata
    assert 0x2764 in pictographic  # ❤ is a pictograph, text-default
    assert 0x2764 not in presentation
    assert 0x00A9 in pictographic  # ©
    assert 0x00A9 not in presentation
