"""The detector view's separators and digit words are found by a bytes automaton in ASCII text;
it must report exactly what the text automaton reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization

_WORDS = [
    "dot", "at", "punkt", "point", "punto", "arroba", "arobase", "chiocciola", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "zero", "oh", "null", "eins",
    "un", "uno", "tre", "sei", "otto", "someone", "street", ".", "@", "x", "7",
]  # fmt: skip
_GAPS = ["", " ", "  ", "\t", "\n", ", ", "-"]
_ASCII_RUNS = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), max_size=20).map(
    lambda pairs: "".join(word + gap for word, gap in pairs)
)


def _text_automaton(text: str) -> list[tuple[int, int, int]]:
    found = normalization._SEPARATORS_AND_DIGITS.find_matches_as_indexes(text, overlapping=True)
    return list(found)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_ASCII_RUNS, st.text(alphabet=st.characters(max_codepoint=127), max_size=80)))
def test_ascii_text_matches_as_the_text_automaton(text: str) -> None:
    assert text.isascii()
    assert normalization._separators_and_digits(text) == _text_automaton(text)


def test_the_bytes_automaton_finds_separators_and_digit_words() -> None:
    text = "write to anna dot keller at gmail dot com or call four one five five"
    found = normalization._separators_and_digits(text)
    assert found == _text_automaton(text)
    keys = normalization._HINT_KEYS + normalization._DIGIT_KEYS
    assert [keys[key] for key, _, _ in found].count(" dot ") == 2
    assert [keys[key] for key, _, _ in found].count("five") == 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_other_text_takes_the_text_automaton(text: str) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    if text.isascii():
        text += "é"
    assert normalization._separators_and_digits(text) == _text_automaton(text)
