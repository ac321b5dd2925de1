"""Faster forms of the rules' scans answer exactly as the forms they replaced."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gobetween.policy.rules import unprofessional

# The capitalised-word regex as first written: a run of two or more capitals with no letter on
# either side, led by the lookbehind.
_CAPS_WORD_LOOKBEHIND_FIRST = re.compile(r"(?<![^\W\d_])[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}(?![^\W\d_])")

_CAPS_PIECES = st.sampled_from(
    [
        *(" ", ", ", "\t", "\n", "\xa0", "-", "!", "_", "1", "²"),
        *("A", "AB", "C", "ÄÖ", "É", "×", "Þ", "ß", "Ž", "ŽĀ", "ā", "ab", "é", "日本", "OK", "NOW"),
    ]
)


@given(st.lists(_CAPS_PIECES, max_size=24).map("".join))
def test_capitalised_words_are_the_lookbehind_first_regex_s(text: str) -> None:
    expected = [m.span() for m in _CAPS_WORD_LOOKBEHIND_FIRST.finditer(text)]
    assert [m.span() for m in unprofessional._CAPS_WORD.finditer(text)] == expected


def test_shouting_needs_four_capitalised_words_in_a_row() -> None:
    text = "Dear buyer, PLEASE DO NOT RETURN IT, ok? AB CD EF is fine."
    assert [text[start:end] for start, end in unprofessional._shouting(text)] == [
        "PLEASE DO NOT RETURN IT"
    ]
