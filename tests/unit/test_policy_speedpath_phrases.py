"""The phrase scan's shortcuts answer exactly as the longer ways they replace."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.engine import _groups
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Hit, Pattern, Scan, _Matcher
from gobetween.policy.profiles import get_profile

_LEXICON = get_profile("amazon").lexicon
_SELLER_GROUPS = _groups(_LEXICON, "seller_to_buyer")
_VETO_CLASSES = sorted(
    {cls for patterns in _LEXICON.patterns.values() for p in patterns for cls in p.unless_sentence}
)

# Words of veto classes in several languages, words that patterns combine, and every kind of
# sentence end, glued with and without spaces so that word boundaries fall at the edges.
_PIECES = st.sampled_from(
    [
        *(" ", ". ", "! ", "? ", "\n", "。", "！", "…", ".", ",", "-", "x", "1", "é"),
        *("leave a review", "review", "design", "logo", "maquette", "entwurf", "diseño"),
        *("coupon", "code promo", "gutschein", "cupón", "paypal", "pay", "bezahlen"),
        *("we will not", "no", "pas", "nicht", "sorry", "désolé", "lo siento", "ご迷惑"),
        *("amazon", "tracking", "numéro de suivi", "please", "bitte", "s'il vous plaît"),
    ]
)


def _scan(text: str, languages: frozenset[str] | None) -> Scan:
    return _LEXICON.scan(normalize(text).text, languages, groups=_SELLER_GROUPS)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PIECES, max_size=30).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"fr", "en"}), frozenset({"ja", "en"}), None]),
)
def test_a_veto_class_in_a_sentence_is_what_of_class_finds_there(
    text: str, languages: frozenset[str] | None
) -> None:
    scan = _scan(text, languages)
    reference = _scan(text, languages)
    for sentence in range(len(scan.sentence_ends()) + 1):
        low, high = scan.sentence_bounds(sentence)
        for cls in _VETO_CLASSES:
            expected = any(low <= hit.start < high for hit in reference.of_class(cls))
            assert scan._in_sentence(cls, sentence, low, high) == expected, (cls, sentence)


def test_another_language_s_veto_is_found_in_its_sentence_only() -> None:
    # "maquette" (French design_terms) vetoes nothing in an English scan's first sentence.
    scan = _scan("Please leave a review. La maquette est prête.", frozenset({"en"}))
    assert scan._matchers is not None
    assert "design_terms" in scan._matchers.by_sentence
    first, second = scan.sentence_bounds(0), scan.sentence_bounds(1)
    assert not scan._in_sentence("design_terms", 0, *first)
    assert scan._in_sentence("design_terms", 1, *second)


def _collect_as_first_written(matcher: _Matcher, text: str) -> dict[tuple[str, str], list[Hit]]:
    hits: dict[tuple[str, str], list[Hit]] = {}
    length = len(text)
    for index, start, end in matcher.automaton.find_matches_as_indexes(text, overlapping=True):
        for check_left, check_right, meanings in matcher.targets[index]:
            if check_left and start > 0 and text[start - 1].isalnum():
                continue
            if check_right and end < length and text[end].isalnum():
                continue
            for key, lang, cls in meanings:
                hits.setdefault(key, []).append(Hit(lang, cls, start, end))
    if matcher.letters is not None:
        for letter in matcher.letters.finditer(text):
            for _, _, meanings in matcher.letter_targets[letter.group()]:
                for key, lang, cls in meanings:
                    hits.setdefault(key, []).append(Hit(lang, cls, letter.start(), letter.end()))
        # The automaton reports by end, the longer phrase first: letters go in that order.
        for found in hits.values():
            found.sort(key=lambda hit: (hit.end, hit.start))
    return hits


_EDGE_PIECES = st.sampled_from(
    [
        *("", " ", "x", "9", "_", "-", "é", "日", "\U0001f600", "'", "\u2019"),
        *("review", "reviews", "our", "your order", "we'll", "we\u2019ll", "i", "è", "no"),
        *("thank you", "bewertung", "produktbewertung", "レビュー", "ありがとう", "ring"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_EDGE_PIECES, max_size=20).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"it", "en"}), frozenset({"ja", "en"}), None]),
)
def test_collect_finds_the_hits_of_the_first_written_loop(
    text: str, languages: frozenset[str] | None
) -> None:
    matcher = _LEXICON._matchers_for(languages, _SELLER_GROUPS).own
    assert matcher.collect(text) == _collect_as_first_written(matcher, text)


class _FirstWrittenVetoes(Scan):
    """The scan with the context vetoes as first written: every hit of a veto class in the
    whole text, every negation tested for containment before its place."""

    __slots__ = ()

    def _vetoed(
        self, pattern: Pattern, start: int, end: int, chosen: Sequence[tuple[int, int, int]]
    ) -> bool:
        parts = [(part_start, part_end) for _, part_start, part_end in chosen]
        if pattern.unless_sentence:
            sentence = self.sentence_of(start)
            low, high = self.sentence_bounds(sentence)
            for cls in pattern.unless_sentence:
                for hit in self.of_class(cls):
                    if low <= hit.start < high:
                        return True
        if pattern.unless_before:
            sentence = self.sentence_of(start)
            idioms = self.hits.get((pattern.lang, "not_negation"), ())
            for cls in pattern.unless_before:
                for hit in self.hits.get((pattern.lang, cls), ()):
                    if any(low <= hit.start and hit.end <= high for low, high in parts):
                        continue
                    if any(i.start <= hit.start and hit.end <= i.end for i in idioms):
                        continue
                    if hit.start < end and self.sentence_of(hit.start) == sentence:
                        gap = self._words_between(pattern.lang, hit.end, start)
                        if gap <= pattern.unless_window:
                            return True
        return False


_VETO_PIECES = st.sampled_from(
    [
        *(" ", ". ", "! ", "\n", ", ", "we ", "our ", "i ", "not ", "no ", "don't ", "no problem"),
        *("please leave a review", "review", "on amazon", "rate us", "refund", "coupon"),
        *("design", "logo", "maquette", "entwurf", "code promo", "already used", "paypal"),
        *("bitte bewerten sie uns", "keine", "kein problem", "nicht", "gutschein"),
        *("contact us", "sorry", "we are sorry", "tracking number", "in stock", "not yet"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_VETO_PIECES, max_size=24).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"de", "en"}), frozenset({"fr", "en"}), None]),
)
def test_pattern_matches_with_vetoes_are_the_first_written_ones(
    text: str, languages: frozenset[str] | None
) -> None:
    folded = normalize(text).text
    matchers = _LEXICON._matchers_for(languages, _SELLER_GROUPS)
    scan = _LEXICON.scan(folded, languages, groups=_SELLER_GROUPS)
    reference = _FirstWrittenVetoes(
        folded, matchers.own.collect(folded), _LEXICON, languages, matchers=matchers
    )
    for group in sorted(_SELLER_GROUPS):
        assert scan.matches(group) == reference.matches(group), group


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_EDGE_PIECES | _VETO_PIECES, max_size=24).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"de", "en"}), frozenset({"ja", "en"}), None]),
)
def test_a_scan_kept_as_spots_reads_as_the_hits_it_was_made_of(
    text: str, languages: frozenset[str] | None
) -> None:
    # The scan keeps the automaton's (index, start, end) tuples and makes `Hit`s when read: the
    # hits, each class's hits and every group's matches are those of a scan given the hits.
    folded = normalize(text).text
    matchers = _LEXICON._matchers_for(languages, _SELLER_GROUPS)
    scan = _LEXICON.scan(folded, languages, groups=_SELLER_GROUPS)
    expected = _collect_as_first_written(matchers.own, folded)
    reference = Scan(folded, expected, _LEXICON, languages, matchers=matchers)
    assert scan.has_hits() is bool(expected)
    assert scan.hits == expected
    assert all(type(hit) is Hit for found in scan.hits.values() for hit in found)
    assert scan.possible_groups() == reference.possible_groups()
    for cls in sorted({key[1] for key in expected} | set(_VETO_CLASSES) | {"thanks", "warm"}):
        found = scan.of_class(cls)
        assert found == reference.of_class(cls), cls
        assert all(type(hit) is Hit for hit in found)
    for group in sorted(_SELLER_GROUPS):
        assert scan.matches(group) == reference.matches(group), group


def test_spots_are_the_automaton_s_tuples_in_the_order_of_the_hits() -> None:
    matcher = _LEXICON._matchers_for(frozenset({"en"}), _SELLER_GROUPS).own
    text = "thank you, i will leave a review. i hope you like it"
    spots = matcher.spots(text)
    hits = matcher.collect(text)
    assert list(spots) == list(hits)
    for key, found in hits.items():
        assert [(hit.start, hit.end) for hit in found] == [(s, e) for _, s, e in spots[key]]


_THANKS_PIECES = st.sampled_from(
    [
        *(" ", ". ", "! ", "\n", "。", ",", "x", "é"),
        *("thank you", "thanks", "danke", "merci", "grazie", "gracias", "ありがとう"),
        *("best wishes", "have a great day", "enjoy", "viel spaß", "bonne journée"),
        *("please", "review", "your order", "thankful"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_THANKS_PIECES, max_size=30).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"de", "en"}), frozenset({"ja", "en"}), None]),
    st.sampled_from(["thanks", "warm", "design_terms", "contact_invite"]),
)
def test_class_starts_are_the_starts_of_of_class(
    text: str, languages: frozenset[str] | None, cls: str
) -> None:
    scan = _scan(text, languages)
    reference = _scan(text, languages)
    assert scan.class_starts(cls) == [hit.start for hit in reference.of_class(cls)]


def test_class_starts_of_a_thanks_message() -> None:
    text = "Thank you! Danke. Have a great day"
    scan = _scan(text, frozenset({"en"}))
    # "thank" and "thank you" both start at 0; the German "danke" counts in an English scan.
    assert scan.class_starts("thanks") == [0, 0, text.index("Danke")]
    assert scan.class_starts("warm") == [text.index("Have")]
    assert scan.class_starts("design_terms") == []
