"""Normalisation of policy.md §6 with an offset map, so every span found slices the original text.

MINIMAL FIRST VERSION (NFKC + lower case); the detectors work extends it with zero-width removal,
homoglyphs, leetspeak, spaced-out letters, spelled at/dot and digits as words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` is the normalised form; `origin[i]` is the index in the original of `text[i]`."""

    original: str
    text: str
    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if start >= end or not self.origin:
            position = self.origin[start] if start < len(self.origin) else len(self.original)
            return (position, position)
        first = self.origin[start]
        last = self.origin[end - 1]
        # The last normalised character may come from a multi-character original run (NFKC of a
        # ligature, a spelled-out word): extend to the start of the next original index.
        next_origin = self.origin[end] if end < len(self.origin) else len(self.original)
        return (first, max(last + 1, next_origin if next_origin > last else last + 1))


def normalize(text: str) -> NormalizedText:
    """Fold `text` for matching, keeping the map back to the original characters."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower() if not char.isascii() else char.lower()
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return NormalizedText(original=text, text="".join(out), origin=tuple(origin))
