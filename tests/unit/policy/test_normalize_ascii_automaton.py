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
    keys = normalization._SEPARATOR_AND_DIGIT_KEYS
    assert [keys[key] for key, _, _ in found].count(" dot ") == 2
    assert [keys[key] for key, _, _ in found].count("five") == 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_other_text_takes_the_text_automaton(text: str) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    if text.isascii():
        text += "é"
    assert normalization._separators_and_digits(text) == _text_automaton(text)


_LATIN1_WORDS = [
    *_WORDS, "zéro", "fünf", "fuenf", "cinq", "seis", "sechs", "neuf", "número", "über", "été",
    "ß", "ü", "ñ", "à", "è", "é", "\xa0", "\xad", "ÿ", "ÉTÉ", "Fünf",
]  # fmt: skip
_LATIN1_RUNS = st.lists(
    st.tuples(st.sampled_from(_LATIN1_WORDS), st.sampled_from(_GAPS)), max_size=20
).map(lambda pairs: "".join(word + gap for word, gap in pairs))


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_LATIN1_RUNS, st.text(alphabet=st.characters(max_codepoint=255), max_size=80)))
def test_latin1_text_matches_as_the_text_automaton(text: str) -> None:
    # Told or not that the text is in Latin-1, the bytes automaton reports the text automaton's
    # matches, key numbers included.
    assert normalization._separators_and_digits(text, True) == _text_automaton(text)
    assert normalization._separators_and_digits(text) == _text_automaton(text)


def test_the_key_numbers_keep_latin1_keys_first() -> None:
    keys = normalization._SEPARATOR_AND_DIGIT_KEYS
    beyond = normalization._BEYOND_LATIN1_KEYS
    assert sorted(keys) == sorted(normalization._HINT_KEYS + normalization._DIGIT_KEYS)
    assert all(normalization._in_latin1(key) for key in keys[:beyond])
    assert not any(normalization._in_latin1(key) for key in keys[beyond:])
    assert [key for key in keys if key in normalization._HINT_KEYS] == [
        *[key for key in normalization._HINT_KEYS if key.isascii()],
        *[key for key in normalization._HINT_KEYS if not key.isascii()],
    ]
    assert [bool(flag) for flag in normalization._IS_HINT_KEY] == [
        key in normalization._HINT_KEYS for key in keys
    ]
    # The keys beyond Latin-1 that are no hint are the Japanese digit words, which stand alone
    # without blanks around them.
    assert {key for key in keys[beyond:] if key not in normalization._HINT_KEYS} == set(
        normalization._UNSPACED_DIGITS
    )


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_LATIN1_RUNS, st.text(alphabet=st.characters(max_codepoint=255), max_size=80)))
def test_latin1_digit_words_match_as_the_text_automaton(text: str) -> None:
    # `_digit_words` reads Latin-1 text with the bytes automaton: the same words where the
    # text automaton over every digit word finds them.
    by_bytes = normalization._LATIN1_DIGIT_AUTOMATON.find_matches_as_indexes(text.encode("latin-1"))
    by_text = normalization._DIGIT_AUTOMATON.find_matches_as_indexes(text)
    assert [
        (normalization._LATIN1_DIGIT_KEYS[key], start, end) for key, start, end in by_bytes
    ] == [(normalization._DIGIT_KEYS[key], start, end) for key, start, end in by_text]


def test_latin1_digit_words_are_rewritten() -> None:
    text = "meine nummer: null eins sieben null fünf fünf fünf eins zwei"
    draft = normalization._Draft(text, range(len(text)), range(1, len(text) + 1))
    for in_latin1 in (True, False):
        assert normalization._digit_words(draft, in_latin1).text == "meine nummer: 017055512"
