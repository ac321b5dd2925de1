"""Text in Latin-1 but for typographic marks (’ “ ” – — …) is read by the Latin-1 byte searches
through `typographic_latin1` (each mark one byte, at its cp1252 place): every answer must be the
one the paths for other text give, offsets and spans into the original text included."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy import check, phrases
from gobetween.policy import normalize as normalization
from gobetween.policy.detectors import emoji
from gobetween.policy.normalize import (
    TYPOGRAPHIC_MARKS,
    latin1_classes,
    latin1_shape,
    normalize,
    typographic_latin1,
)
from gobetween.policy.profiles import get_profile

_LEXICON = get_profile("amazon").lexicon
_MATCHER = _LEXICON._matchers_for(None, None).own
_TYPOGRAPHIC_KEYS = sorted(
    {key for key in _MATCHER.keys if max(key) <= "\xff" or typographic_latin1(key) is not None}
)
_PIECES = (
    st.sampled_from(_TYPOGRAPHIC_KEYS)
    | st.sampled_from([key for key in _TYPOGRAPHIC_KEYS if "\u2019" in key])
    | st.sampled_from(list(TYPOGRAPHIC_MARKS))
    | st.sampled_from([" ", ".", ",", "é", "ß", "x", "1", "'", '"', "-", " - ", "...", "\xa0"])
    | st.sampled_from(["@", " at ", " dot ", "415", " five five five one two ", "www.", ".com"])
    | st.text(alphabet=st.characters(max_codepoint=255) | st.sampled_from(TYPOGRAPHIC_MARKS))
)
_TEXTS = st.lists(_PIECES, min_size=1, max_size=16).map("".join)
_CONTEXT: dict[str, Any] = {
    "direction": "seller_to_buyer",
    "initiation": "reply",
    "contact_reason": "other",
    "marketplace_region": "US",
}


def _answer(text: str, context: dict[str, Any]) -> list[object]:
    verdict = check(text, context)
    view = normalize(text)
    contacts = view.contacts
    assert contacts is not None
    return [
        verdict.verdict,
        verdict.triage,
        verdict.report,
        verdict.language,
        [(f.category, f.rule, f.severity, f.span, f.message) for f in verdict.findings],
        [(s.explanation, s.rewrite, s.action) for s in verdict.suggestions],
        [view.text, list(view.origin), list(view.ends)],
        [contacts.text, list(contacts.origin), list(contacts.ends)],
    ]


def _the_other_paths() -> mock._patch[Any]:
    # With no text taken as typographic, every search takes the path it takes for text beyond
    # Latin-1 (the text automata, the fold's cluster walk, the class regexes).
    return mock.patch.multiple(normalization, typographic_latin1=lambda text, refused=None: None)


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.sampled_from(["en", "de", "fr", None]))
@example("We don\u2019t ship \u2013 call me on 415-555-0132 \u201cnow\u201d\u2026", "en")
@example("Please leave us a 5\u2013star review, we\u2019d love it!", "en")
@example("Write to anna dot keller at gmail dot com \u2014 thanks", None)
@example("Merci \u00ab l\u2019adresse \u00bb s\u2019il vous pla\u00eet", "fr")
def test_check_answers_as_the_other_paths_do(text: str, language: str | None) -> None:
    context = dict(_CONTEXT, language=language) if language else _CONTEXT
    fast = _answer(text, context)
    with (
        _the_other_paths(),
        mock.patch.object(phrases, "typographic_latin1", return_value=None),
        mock.patch.object(emoji, "typographic_latin1", return_value=None),
    ):
        slow = _answer(text, context)
    assert fast == slow


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
@example("we\u2019ll send it \u2013 don\u2019t worry")
def test_the_typographic_automaton_reports_the_text_automatons_matches(text: str) -> None:
    data = typographic_latin1(text)
    if data is None:
        return
    automaton, targets, _ = (
        _MATCHER.typographic[0] if _MATCHER.typographic else _MATCHER._typographic_matcher()
    )
    typographic = [
        (targets[index], start, end)
        for index, start, end in automaton.find_matches_as_indexes(data, overlapping=True)
    ]
    unicode = [
        (_MATCHER.targets[index], start, end)
        for index, start, end in _MATCHER.automaton.find_matches_as_indexes(text, overlapping=True)
    ]
    assert typographic == unicode


def test_typographic_text_folds_as_before() -> None:
    # "…" is a mark that NFKC rewrites ("..."): text with one takes the cluster walk.
    for text in (
        "Don\u2019t \u201cShip\u201d \u2013 \u00c9T\u00c9",
        "Wait\u2026 OK",
        "Stra\u00dfe \u2014 A",
    ):
        with _the_other_paths():
            slow = normalize(text)
        assert normalize(text) == slow
    assert normalize("Wait\u2026").text == "wait..."


def test_the_marks_bytes_have_the_marks_classes() -> None:
    classes = latin1_classes(lambda char: "p" if char in TYPOGRAPHIC_MARKS else "o")
    assert latin1_shape("a\u2019b\u2014\u2026", classes) == b"opopp"
    # A C1 control is Latin-1, and keeps its own class where a mark would take its byte.
    assert latin1_shape("\x92", classes) == b"o"


def test_only_latin1_and_the_marks_are_typographic() -> None:
    assert typographic_latin1("caf\u00e9 \u2019") == b"caf\xe9 \x92"
    # cp1252's other characters, the C1 controls, other scripts: not taken.
    for text in ("\u20ac5 \u2019", "\u2122\u2019", "\x92\u2019", "\u2019\u3042", "\u0161\u2019"):
        assert typographic_latin1(text) is None


def test_no_mark_is_an_emoji_candidate() -> None:
    # `find_emoji` answers text in Latin-1 but for the marks (and without © or ®) with none.
    assert emoji._CANDIDATE.search(TYPOGRAPHIC_MARKS) is None
    assert emoji.find_emoji("Thanks \u2013 \u201cgreat\u201d \U0001f44d") != []
