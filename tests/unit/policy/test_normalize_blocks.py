"""Runs of digit words and of spaced-out letters are rewritten as one block each (`_splice`);
the text and both maps must be what the former edit per word, gap or separator (`_apply`)
gave. The former functions are kept here as the reference."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import _Draft

_DIGIT_GAP = re.compile(r"[\s,\-/.・ー]{0,3}")


def _gap_ok_by_regex(text: str, end: int, start: int) -> bool:
    if start < end:
        return False
    return _DIGIT_GAP.fullmatch(text, end, start) is not None


def _digit_words_by_edits(draft: _Draft) -> _Draft:
    """`_digit_words` as it was: an edit per digit word and per gap."""
    text = draft.text
    found = normalization._DIGIT_AUTOMATON.find_matches_as_indexes(text)
    if len(found) < normalization._RUN_MIN:
        return draft
    hits: list[tuple[int, int, str]] = []
    for index, start, end in found:
        word = normalization._DIGIT_KEYS[index]
        bounded = (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        )
        if not bounded and word not in normalization._UNSPACED_DIGITS:
            continue
        hits.append((start, end, normalization._DIGIT_WORDS[word]))
    if len(hits) < normalization._RUN_MIN:
        return draft
    edits: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    for hit in [*hits, (-1, -1, "")]:
        if run and hit[0] >= 0 and _gap_ok_by_regex(text, run[-1][1], hit[0]):
            run.append(hit)
            continue
        if len(run) >= normalization._RUN_MIN:
            for position, (start, end, digit) in enumerate(run):
                edits.append((start, end, digit))
                if position + 1 < len(run):
                    gap = text[end : run[position + 1][0]]
                    if gap:
                        edits.append(
                            (end, end + len(gap), "" if gap.isspace() and len(gap) == 1 else " ")
                        )
        run = [hit] if hit[0] >= 0 else []
    return normalization._apply(draft, sorted(edits))


def _join_spaced_by_edits(draft: _Draft, pattern: re.Pattern[str]) -> _Draft:
    """`_join_spaced` as it was: an edit deleting each separator."""
    text = draft.text
    edits: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        sep = match.group("sep")
        letters = match.group()[:: len(sep) + 1]
        if not letters[0].isalpha() or not letters[-1].isalpha():
            continue
        if sum(c.isalpha() for c in letters) < 2:
            continue
        start = match.start()
        if sep.isspace() and letters[0] in normalization._SINGLE_LETTER_WORDS and len(letters) > 3:
            letters = letters[1:]
            start += 1 + len(sep)
        if len(letters) < 3:
            continue
        for position in range(start + 1, match.end(), len(sep) + 1):
            edits.append((position, position + len(sep), ""))
    return normalization._apply(draft, edits)


_DIGIT_TOKENS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero", "oh",
    "null", "eins", "zwei", "drei", "fünf", "zwo", "un", "une", "deux", "trois", "cinq",
    "zéro", "uno", "una", "dos", "tres", "cinco", "due", "tre", "cinque", "sette", "otto",
    "〇", "零", "ゼロ", "一", "二", "三", "九", "7", "42", "someone", "tone", "x", "call",
    "a", "r", "e", "v", "i", "w", "h", "t", "p", "s", "3", "0", "é", "ß",
]  # fmt: skip
_DIGIT_GAPS = [
    "", " ", " ", " ", "  ", "   ", "    ", ", ", ",", "-", " - ", "/", ".", "・", "ー", "\t",
    "\n", "\u3000", ";", " , ", "*", "_", "·",
]  # fmt: skip
_TEXTS = st.lists(
    st.tuples(st.sampled_from(_DIGIT_TOKENS), st.sampled_from(_DIGIT_GAPS)), max_size=24
).map(lambda pairs: "".join(token + gap for token, gap in pairs))


@st.composite
def _drafts(draw: st.DrawFn) -> _Draft:
    """A draft of a generated text, its maps one for one (ranges) or any lists of offsets (a
    draft that earlier steps rewrote)."""
    text = draw(_TEXTS)
    if draw(st.booleans()):
        return _Draft(text, range(len(text)), range(1, len(text) + 1))
    offsets = st.integers(min_value=0, max_value=10_000)
    starts = draw(st.lists(offsets, min_size=len(text), max_size=len(text)))
    ends = draw(st.lists(offsets, min_size=len(text), max_size=len(text)))
    return _Draft(text, starts, ends)


def _as_lists(draft: _Draft) -> tuple[str, list[int], list[int]]:
    return draft.text, list(draft.starts), list(draft.ends)


@settings(max_examples=3000, deadline=None)
@given(_drafts())
def test_digit_words_as_by_edits(draft: _Draft) -> None:
    expected = _as_lists(_digit_words_by_edits(draft))
    assert _as_lists(normalization._digit_words(draft)) == expected
    if normalization._in_latin1(draft.text):
        assert _as_lists(normalization._digit_words(draft, True)) == expected


@settings(max_examples=3000, deadline=None)
@given(_drafts())
def test_spaced_letters_joined_as_by_edits(draft: _Draft) -> None:
    shape = normalization._latin1_shape(draft.text)
    for pattern in (normalization._SPACED_ANY, normalization._SPACED_BLANK):
        expected = _as_lists(_join_spaced_by_edits(draft, pattern))
        assert _as_lists(normalization._join_spaced(draft, pattern)) == expected
        assert _as_lists(normalization._join_spaced(draft, pattern, shape)) == expected


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" ,-/.・ー\t\n\u3000\xa0x5", max_size=6), st.data())
def test_gap_as_the_regex(text: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert normalization._gap_ok(text, end, start) == _gap_ok_by_regex(text, end, start)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on four one five, five five five, zero one three two", "415 555 0132"),
        ("meine nummer: null eins sieben null fünf fünf fünf eins zwei", "017055512"),
        ("電話は〇三一二三四五六七八です", "031234567"),
    ],
)
def test_digit_runs_are_rewritten(text: str, expected: str) -> None:
    draft = _Draft(text, range(len(text)), range(1, len(text) + 1))
    rewritten = normalization._digit_words(draft)
    assert expected in rewritten.text
    assert _as_lists(rewritten) == _as_lists(_digit_words_by_edits(draft))
    # Every digit maps back to the word it was written as.
    first = rewritten.text.index(expected)
    assert text[rewritten.starts[first] : rewritten.ends[first]] in normalization._DIGIT_WORDS


def test_spaced_letters_are_joined() -> None:
    text = "h t t p s : / / brightlamp . com"
    draft = _Draft(text, range(len(text)), range(1, len(text) + 1))
    joined = normalization._join_spaced(draft, normalization._SPACED_BLANK)
    assert joined.text.startswith("https :")
    assert _as_lists(joined) == _as_lists(_join_spaced_by_edits(draft, normalization._SPACED_BLANK))


_NON_BLANK = re.compile(r"\S+")
_SPACED_SEPARATORS_REVERSED = frozenset({".", "tod", "tknup", "tniop", "otnup"})


def _head_floor_by_reversed_scan(text: str, low: int, end: int) -> int:
    """`_head_floor` as it was: a regex scan of the reversed window, word by word."""
    reversed_window = text[low:end][::-1]
    after: str | None = None
    floor = len(reversed_window)
    for word in _NON_BLANK.finditer(reversed_window):
        before = word.group()
        if after is not None and not (
            after in _SPACED_SEPARATORS_REVERSED
            or after.endswith("トッド")
            or before in _SPACED_SEPARATORS_REVERSED
            or before.startswith("トッド")
        ):
            break
        floor = word.end()
        after = before
    else:
        return low
    return end - floor


_HEAD_TOKENS = [
    "a", "shop", "x-1", "dot", "punkt", "point", "punto", "at", ".", "ドット", "xドット",
    "ドットx", "ドットドット", "com", "du", "tod", "@", "é", "\u3000", "gmail",
]  # fmt: skip
_HEAD_GAPS = ["", " ", "  ", "\t", "\n", " \u3000 ", "\xa0", "\u2003", "\x1c"]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_HEAD_TOKENS), st.sampled_from(_HEAD_GAPS)), max_size=14
    ).map(lambda pairs: "".join(token + gap for token, gap in pairs)),
    st.data(),
)
def test_head_floor_as_the_reversed_scan(text: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    low = data.draw(st.integers(min_value=0, max_value=end))
    expected = _head_floor_by_reversed_scan(text, low, end)
    assert normalization._head_floor(text, low, end) == expected


# `_address_edits` split its span by this pattern, led by a lookahead.
_SEPARATOR_PARTS_BY_LOOKAHEAD = re.compile(f"(?=[\\s.@/ドア])({normalization._SEPARATOR.pattern})")
_SPLIT_TOKENS = [
    "anna", "x_1", "gmail", "de", "com", "dot", "punkt", "point", "punto", "at", "arroba",
    "arobase", "chiocciola", "slash", ".", "@", "/", "ドット", "アット", "アットマーク", "ド",
    "ア", "ット", "マーク", "é",
]  # fmt: skip
_SPLIT_GAPS = ["", " ", "  ", "\t", "\n", "\u3000", "\xa0", " \t "]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_SPLIT_TOKENS), st.sampled_from(_SPLIT_GAPS)), max_size=12
    ).map(lambda pairs: "".join(token + gap for token, gap in pairs))
)
def test_separator_split_as_by_lookahead(text: str) -> None:
    assert normalization._SEPARATOR_PARTS.split(text) == _SEPARATOR_PARTS_BY_LOOKAHEAD.split(text)
