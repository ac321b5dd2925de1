"""Emoji in a message, judged by the Unicode emoji properties (tables generated at build time).

An emoji is a code point shown as emoji by default (Emoji_Presentation: 👍 ⭐ 🎉), a pictograph
followed by the emoji variation selector U+FE0F (❤️ ☺️), a flag (two regional indicators) or a
keycap (1️⃣). Text-style symbols WITHOUT U+FE0F (© ® ™ ♥ ☺ ✔ ★ ✓) are typography, not emoji,
and are not reported: sellers write "Brand™" and "© 2025" in ordinary, allowed messages.
Sequences (ZWJ families, skin tones, tag flags) are reported once, with their whole span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gobetween.policy.detectors.emoji_table import (
    MODIFIERS,
    PICTOGRAPHIC,
    PRESENTATION,
    REGIONAL_INDICATORS,
)
from gobetween.policy.normalize import typographic_latin1

_VS16 = "\ufe0f"
_VS15 = "\ufe0e"
_ZWJ = "\u200d"
_KEYCAP = "\u20e3"


def _set(ranges: tuple[tuple[int, int], ...]) -> frozenset[str]:
    return frozenset(chr(cp) for a, b in ranges for cp in range(a, b + 1))


_PRESENTATION = _set(PRESENTATION)
_PICTOGRAPHIC = _set(PICTOGRAPHIC)
_MODIFIERS = _set(MODIFIERS)
_REGIONAL = _set(REGIONAL_INDICATORS)
_ALL = _PRESENTATION | _PICTOGRAPHIC | _REGIONAL | {_KEYCAP}
# A coarse class first (fast to scan, and it skips Japanese text entirely); the exact sets decide.
_CANDIDATE = re.compile("[\u00a9\u00ae\u203c-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001fffd]")
# The bytes of UTF-8 that no character from U+2000 on starts with (`translate` deletes them).
_BELOW_U2000 = bytes(range(0xE2))


@dataclass(frozen=True, slots=True)
class EmojiHit:
    """One emoji (or emoji sequence): `start`/`end` slice the original text."""

    start: int
    end: int
    emoji: str


def find_emoji(text: str, typographic_data: bytes | None = None) -> list[EmojiHit]:
    """Every emoji in `text` (the original: variation selectors matter, so no normalisation).
    `typographic_data`: its `typographic_latin1` bytes, when the caller has them
    (`NormalizedText.original_data`)."""
    if text.isascii():
        return []
    if "\xa9" not in text and "\xae" not in text:
        if typographic_data is not None:
            # In Latin-1 but for typographic marks, none of which is a candidate.
            return []
        # Of the candidates only © and ® are in Latin-1: text in Latin-1 (most European
        # messages) without them has none, and the encoding test is cheaper than the scan.
        try:
            text.encode("latin-1")
        except UnicodeEncodeError as refused:
            if typographic_latin1(text, refused) is not None:
                # In Latin-1 but for typographic marks (’ “ ” – — …), none of which is a
                # candidate: one charmap pass in C, where the UTF-8 test below would send the
                # text to the class scan (each mark is written with a 0xE2).
                return []
            # The other candidates are U+203C or above, and every character from U+2000 on
            # (alone of all) is written in UTF-8 with a byte from 0xE2 on: text without one
            # (European text with a name, a typographic quote or dash beyond Latin-1) has none,
            # known in two passes in C where the class scan costs about 80 instructions a
            # character. (Text that starts or ends with such a character, as Japanese does, is
            # not tested.)
            if (
                text[0] < "\u2000"
                and text[-1] < "\u2000"
                and not text.encode("utf-8", "surrogatepass").translate(None, _BELOW_U2000)
            ):
                return []
        else:
            return []
    hits: list[EmojiHit] = []
    covered = 0
    length = len(text)
    for match in _CANDIDATE.finditer(text):
        index = match.start()
        char = text[index]
        if index < covered or char not in _ALL:
            continue
        following = text[index + 1] if index + 1 < length else ""
        start = index
        if char == _KEYCAP:
            # A keycap is [0-9#*] (+ U+FE0F) + U+20E3.
            base = index - 2 if index >= 2 and text[index - 1] == _VS16 else index - 1
            if base < 0 or text[base] not in "0123456789#*" or base < covered:
                continue
            start = base
        elif char in _REGIONAL:
            if following not in _REGIONAL:
                continue
        elif char in _PRESENTATION:
            if following == _VS15:
                continue
        elif following != _VS16:
            continue
        end = _sequence_end(text, index + (2 if char in _REGIONAL else 1))
        hits.append(EmojiHit(start=start, end=end, emoji=text[start:end]))
        covered = end
    return hits


def _sequence_end(text: str, index: int) -> int:
    """Extend over variation selectors, skin tones, tags and ZWJ-joined pictographs."""
    length = len(text)
    while index < length:
        char = text[index]
        if char == _VS16 or char in _MODIFIERS or "\U000e0020" <= char <= "\U000e007f":
            index += 1
        elif char == _ZWJ and index + 1 < length and text[index + 1] in _PICTOGRAPHIC:
            index += 2
        else:
            break
    return index
