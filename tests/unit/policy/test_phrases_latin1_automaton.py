"""Text in Latin-1 (ASCII text too) is searched for phrases by a bytes automaton of the phrases
written in Latin-1: it must report the text automaton's matches, in the same order, each with the
same phrase (so the same targets), and the scan must find the same hits."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy import engine
from gobetween.policy import rules as registry
from gobetween.policy.phrases import _Matcher
from gobetween.policy.profiles import get_profile

_LEXICON = get_profile("amazon").lexicon
_LANGUAGE_SETS = [None, *(frozenset({code, "en"}) for code in ("en", "de", "fr", "es", "it"))]
_MATCHERS = [
    _LEXICON._matchers_for(
        languages,
        engine._groups(_LEXICON, "seller_to_buyer", initiation, len(registry.REGISTRY)),
    ).own
    for languages in _LANGUAGE_SETS
    for initiation in ("proactive", "reply")
]
_LATIN1_KEYS = sorted({key for matcher in _MATCHERS for key in matcher.keys if max(key) <= "\xff"})
_PIECES = (
    st.sampled_from(_LATIN1_KEYS)
    | st.sampled_from([key for key in _LATIN1_KEYS if not key.isascii()])
    | st.sampled_from([" ", ".", ",", "é", "ß", "x", "1", "'", "-", "\xa0"])
    | st.text(alphabet=st.characters(max_codepoint=255), max_size=5)
)


def _reports(matcher: _Matcher, text: str) -> tuple[list[object], list[object]]:
    automaton, targets, _ = matcher.latin1[0] if matcher.latin1 else matcher._latin1_matcher()
    latin1 = [
        (targets[index], start, end)
        for index, start, end in automaton.find_matches_as_indexes(
            text.encode("latin-1"), overlapping=True
        )
    ]
    unicode = [
        (matcher.targets[index], start, end)
        for index, start, end in matcher.automaton.find_matches_as_indexes(text, overlapping=True)
    ]
    return latin1, unicode


def test_the_latin1_phrases_are_those_written_in_latin1_in_their_order() -> None:
    for matcher in _MATCHERS:
        _, targets, singles = matcher.latin1[0] if matcher.latin1 else matcher._latin1_matcher()
        kept = [index for index, key in enumerate(matcher.keys) if max(key) <= "\xff"]
        assert targets == [matcher.targets[index] for index in kept]
        assert singles == [matcher.singles[index] for index in kept]


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join), st.sampled_from(_MATCHERS))
@example("Vielen Dank für Ihre Bestellung, bitte bewerten Sie uns!", _MATCHERS[2])
@example("Merci pour votre commande ! Laissez-nous un avis, s'il vous plaît.", _MATCHERS[4])
@example("¡Gracias por tu pedido! ¿Nos dejas una reseña?", _MATCHERS[6])
@example("Thank you for your order! Please leave us a review, i hope you like it.", _MATCHERS[2])
def test_the_bytes_automaton_reports_the_text_automatons_matches(
    text: str, matcher: _Matcher
) -> None:
    latin1, unicode = _reports(matcher, text)
    assert latin1 == unicode


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join), st.sampled_from(_MATCHERS))
def test_the_scan_of_latin1_text_finds_what_the_text_automaton_finds(
    text: str, matcher: _Matcher
) -> None:
    spots = matcher.spots(text)
    # The same scan with the text automaton only: a text that starts with a character beyond
    # Latin-1 is not tried in Latin-1, and the hits it adds at its start are left out.
    shifted = matcher.spots("\u3042 " + text)
    expected = {
        key: [(start - 2, end - 2) for _, start, end in found if start >= 2]
        for key, found in shifted.items()
    }
    got = {key: [(start, end) for _, start, end in found] for key, found in spots.items()}
    assert got == {key: found for key, found in expected.items() if found}
