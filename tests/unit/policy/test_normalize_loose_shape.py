"""Text beyond Latin-1 answers the spaced-letters and leetspeak hints from its loose shape first,
and a lone surrogate is found by the UTF-8 encoder: each step must answer exactly as the regex
it stands in front of."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization

# Pieces that make the hints fire or nearly fire: single letters between separators, leet digits
# next to letters of any script, Japanese, look-alikes, typographic marks, "?" (which the loose
# shape reads as a letter) and characters beyond the Basic Multilingual Plane.
_PIECES = [
    "a", "b", "r", "e", "v", "i", "w", "0", "1", "3", "4", "5", "7", "2", "8", " ", "  ", "\t",
    ".", "-", "_", "*", "·", "?", "!", "é", "ß", "ｒ", "е", "ω", "日", "配送", "ア", "。", "、",
    "’", "€", "🙂", "\u200b", "\u0301", "r e v i e w", "r3v1ew", "5tars", "w.h.a.t.s", "3日",
    "日3", "a 日 b", "日 a 4", "? a ?",
]  # fmt: skip
_BEYOND_LATIN1 = st.lists(st.sampled_from(_PIECES), max_size=24).map("".join)
_ANY = st.text(max_size=60).map(lambda text: text.encode("utf-8", "replace").decode("utf-8"))


def _hints_by_regex(text: str) -> list[int]:
    return [hint.start() for hint in normalization._LEET_HINT.finditer(text)]


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_BEYOND_LATIN1, _ANY))
def test_the_loose_shape_answers_as_the_hint_regexes(text: str) -> None:
    assert len(normalization._loose_shape(text)) == len(text)
    spaced = normalization._SPACED_ANY_HINT.search(text) is not None
    assert normalization._spaced_hint(text, None) is spaced
    assert list(normalization._leet_hints(text, None)) == _hints_by_regex(text)
    shape = normalization._latin1_shape(text)
    if shape is not None:
        assert normalization._spaced_hint(text, shape) is spaced
        assert list(normalization._leet_hints(text, shape)) == _hints_by_regex(text)


def test_the_loose_shape_reads_every_character_beyond_latin1_as_a_letter() -> None:
    assert normalization._loose_shape("a 日 ｒ. 3?") == b"a a a  ba"
    assert normalization._spaced_hint("a 日 b 4", None)
    assert not normalization._spaced_hint("配送 業者 が", None)
    assert normalization._spaced_hint("x 。 b c", None) is False
    assert list(normalization._leet_hints("日3 。3 3日", None)) == [1, 6]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_the_source_replaces_lone_surrogates_as_the_scan_did(text: str) -> None:
    source, latin1, _ = normalization._source(text)
    assert source == normalization._SURROGATE.sub("\ufffd", text)
    in_latin1 = not text.isascii() and max(text) <= "\xff"
    assert latin1 == (text.encode("latin-1") if in_latin1 else None)


def test_a_lone_surrogate_is_replaced() -> None:
    assert normalization._source("日\ud800x")[0] == "日\ufffdx"
    assert normalization.normalize("日\udfffx").text == normalization.normalize("日\ufffdx").text


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=40).map(lambda raw: bytes(b"abx ?"[byte % 5] for byte in raw)))
def test_the_digit_then_letter_search_is_the_substring_test(shape: bytes) -> None:
    found = normalization._DIGIT_THEN_LETTER.search(shape) is not None
    assert found == (b"ba" in shape)
