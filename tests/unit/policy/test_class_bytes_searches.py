"""Searches moved from a class-led regex over the text to a literal search over class bytes (or
to a cheaper test that rules out the scan) must find exactly what the regex finds: the phone
runs, the phrase scan's single letters, the runs beyond ASCII that folding walks, emoji and
kana."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.detectors import emoji, language, phones
from gobetween.policy.phrases import LANGUAGES, _Matcher
from gobetween.policy.profiles import get_profile

# Characters each search reads differently: digits and run separators, single letters and their
# neighbours, question marks (the replacement character's own), Latin-1 and beyond (a look-alike,
# a CJK character, a lone surrogate, an emoji, a combining mark, typographic punctuation).
_PIECES = [
    "0", "7", "1", " ", "\t", "(", ")", ".", "-", "/", "+", ",", "_", "a", "i", "è", "x", "I",
    "?", "？", "é", "ß", "ı", "中", "\ud800", "😀", "\u0301", "\xa0", "²", "©", "\u2013",
    "\u201c", "€", "™", "👍", "\ufe0f", "❤", "\u200d", "\n",
]  # fmt: skip
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=2000, deadline=None)
@given(_TEXTS, st.integers(min_value=0, max_value=45))
def test_phone_runs_in_class_bytes_are_the_regex_runs(text: str, position: int) -> None:
    classes = phones._run_classes(text)
    assert len(classes) == len(text)
    assert [m.span() for m in phones._RUN_IN_CLASSES.finditer(classes)] == [
        m.span() for m in phones._RUN.finditer(text)
    ]
    found = phones._RUN_IN_CLASSES.search(classes, position)
    expected = phones._RUN.search(text, position)
    assert (found and found.span()) == (expected and expected.span())


def test_phone_candidates_are_found_from_the_class_bytes() -> None:
    text = "call 415-555-0132 or (030) 1234 5678, order 114-3941689-8772232 today"
    first = phones._RUN.search(text)
    assert first is not None
    spans = [m.span() for m in phones._candidates(text)]
    assert spans == [m.span() for m in phones._candidates(text, first)]
    assert [text[a:b] for a, b in spans] == ["415-555-0132", "(030) 1234 5678"]


def _matchers() -> list[_Matcher]:
    lexicon = get_profile("amazon").lexicon
    found = [lexicon._matchers_for(frozenset({code, "en"}), None).own for code in LANGUAGES]
    found.append(lexicon._matchers_for(None, None).own)
    return [matcher for matcher in found if matcher.letters is not None]


_MATCHERS = _matchers()


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_single_letters_in_latin1_text_are_the_regex_matches(text: str) -> None:
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return
    assert _MATCHERS
    for matcher in _MATCHERS:
        assert matcher.letters is not None
        assert matcher.letter_marks is not None
        expected = [letter.start() for letter in matcher.letters.finditer(text)]
        assert matcher._letter_starts(data, matcher.letter_marks) == expected


def test_a_scan_finds_the_single_letter_words() -> None:
    lexicon = get_profile("amazon").lexicon
    text = "i think i can, said i. ii and xi are no words, nor is i2"
    scan = lexicon.scan(text, frozenset({"en"}))
    # ("i" has more than one class: each start is in several lists.)
    letters = {start for spots in scan._spots.values() for index, start, _ in spots if index == -1}
    assert sorted(letters) == [0, 8, 20]


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_runs_beyond_ascii_are_the_regex_runs(text: str) -> None:
    expected = [m.span() for m in normalization._NON_ASCII_RUN.finditer(text)]
    assert normalization._non_ascii_runs(text) == expected


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_emoji_found_with_the_utf8_test_as_with_the_scan(text: str) -> None:
    found = emoji.find_emoji(text)
    # Deleting no byte leaves every text something to scan: the answer of the scan alone.
    kept = emoji._BELOW_U2000
    emoji._BELOW_U2000 = b""
    try:
        scanned = emoji.find_emoji(text)
    finally:
        emoji._BELOW_U2000 = kept
    assert found == scanned


def test_text_with_characters_below_u2000_only_has_no_emoji_candidate() -> None:
    text = "Sehr geehrter Herr Yılmaz, vielen Dank – „Nordkap“ kommt am Dienstag."
    assert emoji.find_emoji(text) == []
    assert emoji.find_emoji(text + " 👍") != []
    assert emoji.find_emoji(text + " ©️") != []


# Kana and the characters around them in UTF-8 (CJK, fullwidth forms, U+3000), and text that is
# beyond Latin-1 without them.
_KANA_PIECES = [
    "A", "B", "ab", " ", ",", "?", "\n", "É", "Ä", "ß", "ı", "İ", "Ā", "Ž", "ž", "中", "\ud800",
    "😀", "\u2003", "\u3000", "\xa0", "\u0085", "€", "Ω", "あ", "ア", "ｱ", "\uff00",
]  # fmt: skip
_KANA_TEXTS = st.one_of(
    st.lists(st.sampled_from(_KANA_PIECES), min_size=1, max_size=30).map("".join),
    st.text(min_size=1, max_size=60),
)


@settings(max_examples=2000, deadline=None)
@given(_KANA_TEXTS)
def test_kana_found_with_the_utf8_test_as_with_the_scan(text: str) -> None:
    assert language._has_kana(text) == (language._KANA.search(text) is not None)
