"""Normalisation's literal-led searches find exactly what the regex scans find.

Leetspeak hints in Latin-1 text come from the text's shape ("ab" and "ba", a letter next to a
leet digit) instead of `_LEET_HINT`; bracketed separators and URL schemes are matched where a
bracket or a scheme's name starts instead of by `finditer`. These tests compare each with the
regex scan on texts built from the characters those patterns care about, and on the dev-set
texts through `normalize()`.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization

# Letters (ASCII and Latin-1), leet and other digits, separators, brackets, scheme pieces.
_LATIN1_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "z",
        "é",
        "ß",
        "Ä",
        "0",
        "1",
        "3",
        "4",
        "5",
        "7",
        "2",
        "9",
        ".",
        "-",
        "_",
        "r3v1ew",
        "5tars",
        "10am",
        "e27",
        "kx300",
        "b07",
        "4u",
        "·",
        "µ",
        "ª",
        "!",
        " ",
        "\n",
        "\t",
    ]
)
_SEPARATOR_PIECES = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        "at",
        "dot",
        ".",
        "@",
        "punkt",
        "point",
        "arroba",
        "ドット",
        "アット",
        "http",
        "https",
        "ftp",
        ":",
        "/",
        "xhttp",
        "a",
        "ftp:",
        " ",
        "  ",
        "\t",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LATIN1_PIECES, max_size=40).map("".join))
def test_leet_hints_from_the_shape_are_the_regex_hints(text: str) -> None:
    shape = normalization._latin1_shape(text)
    assert shape is not None
    expected = [hint.start() for hint in normalization._LEET_HINT.finditer(text)]
    assert list(normalization._leet_hints(text, shape)) == expected
    assert list(normalization._leet_hints(text, None)) == expected


def test_leet_from_the_shape_folds_as_the_regex_scan() -> None:
    for text in ["r3v1ew 5tars", "order b07 at 10am", "4u and 1t5 0k", "caf3 à 5€", "ab3c 77"]:
        folded = normalization._fold(*normalization._source(text)[:2])
        shape = normalization._latin1_shape(folded.text)
        by_shape = normalization._leet(folded, shape)
        by_regex = normalization._leet(folded)
        assert (by_shape.text, list(by_shape.starts), list(by_shape.ends)) == (
            by_regex.text,
            list(by_regex.starts),
            list(by_regex.ends),
        )
    assert normalization._leet(normalization._fold("r3v1ew"), b"abbbaa").text == "review"


@settings(max_examples=400, deadline=None)
@given(st.lists(_SEPARATOR_PIECES, max_size=40).map("".join))
def test_matches_at_their_leads_are_finditer(text: str) -> None:
    for pattern, leads in (
        (normalization._BRACKETED, normalization._BRACKETS),
        (normalization._SCHEME, normalization._SCHEME_NAMES),
    ):
        expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        found = normalization._matches_at(pattern, text, leads)
        assert [(m.span(), m.groups()) for m in found] == expected


def test_bracketed_separators_and_schemes_are_still_rewritten() -> None:
    view = normalization.normalize_contacts("kontakt [at] holzwerk (dot) de, see h t t p s : / / x")
    assert "kontakt@holzwerk.de" in view.text
    spaced_scheme = normalization.normalize_contacts("go to https : // shop.example.com/a")
    assert "https://shop.example.com/a" in spaced_scheme.text


_SPACED_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "e",
        "é",
        "ß",
        "3",
        "0",
        "2",
        " ",
        "  ",
        "   ",
        "    ",
        "\t",
        ".",
        "-",
        "_",
        "*",
        "·",
        "\n",
        "r e v i e w",
        "w.h.a.t.s",
        "f-e-e-d",
        " a 5-star",
        "(",
        ",",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_SPACED_PIECES, max_size=40).map("".join))
def test_spaced_matches_from_the_shape_are_finditer(text: str) -> None:
    shape = normalization._latin1_shape(text)
    assert shape is not None
    for pattern in (normalization._SPACED_ANY, normalization._SPACED_BLANK):
        expected = [match.span() for match in pattern.finditer(text)]
        found = normalization._spaced_matches(pattern, text, shape)
        assert [match.span() for match in found] == expected


def test_spaced_letters_are_still_joined() -> None:
    normalized = normalization.normalize("Please leave a r e v i e w, or w.h.a.t.s.a.p.p me")
    assert "leave a review" in normalized.text
    assert "whatsapp" in normalized.text
    assert normalized.contacts is not None
    assert "a review" in normalized.contacts.text


def test_a_spaced_hint_without_a_join_keeps_the_folded_draft() -> None:
    # " a 5-star" passes the spaced hint but joins nothing: the leetspeak pass may then read the
    # folded text's shape, which holds only if the join returned the very same draft.
    folded = normalization._fold("Leave a 5-star r3view")
    shape = normalization._latin1_shape(folded.text)
    assert normalization._spaced_hint(folded.text, shape)
    assert normalization._join_spaced(folded, normalization._SPACED_ANY, shape) is folded
    assert normalization.normalize("Leave a 5-star r3view").text == "leave a 5-star review"
