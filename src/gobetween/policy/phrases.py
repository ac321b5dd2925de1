"""Phrase and intent-pattern matching: one Aho-Corasick pass over the normalised text (§6).

Lexicons (`lexicons/<lang>/phrases.toml`) hold *word classes* (lists of phrases) and *patterns*
that combine classes: "a request verb and a review noun in the same sentence within 8 words".
Every phrase of every language goes into one automaton, built once; a scan finds all phrase hits
in one pass, checks Unicode word boundaries in Python (none for Japanese, which has no spaces)
and evaluates patterns lazily, only for the groups a rule asks about.

Phrase syntax: lower case; a leading `*` drops the left word-boundary check (German compounds:
`*bewertung`), a trailing `*` drops the right one (inflections: `review*`).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick_rs

from gobetween.domain.errors import InvalidInput
from gobetween.policy.normalize import LAST_TYPOGRAPHIC_MARK, latin1_bytes, typographic_latin1

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "ja")

# Languages written without spaces: no word-boundary checks, windows counted in characters.
_UNSPACED = frozenset({"ja"})

# A sentence ends at . ! ? followed by space, at CJK full stops, or at a line break. A decimal
# point or a domain's dot is not followed by a space, so it does not split a sentence.
# It starts with one character class so that the regex engine skips to candidates (see
# sentences.py); same matches as `[.!?…]+(?=[\s"'»)\]]|$)|[。！？!?]+|\n`.
_SENTENCE_END = re.compile(
    r"[.!?…。！？\n](?:(?<=[.!?…])[.!?…]*(?=[\s\"'»)\]]|$)|(?<=[。！？!?])[。！？!?]*|(?<=\n))"
)
# The characters a sentence's end is made of: a phrase holding none cannot cross one.
_SENTENCE_END_CHARS = re.compile(r"[.!?…。！？\n]")


@dataclass(frozen=True, slots=True)
class Entry:
    """What one phrase string means: its language, its word class and its boundary checks."""

    lang: str
    cls: str
    check_left: bool
    check_right: bool


@dataclass(frozen=True, slots=True)
class Pattern:
    """Classes that must all occur close together; a match fires the pattern's `group`."""

    lang: str
    group: str
    name: str
    classes: tuple[str, ...]
    window: int
    ordered: bool
    scope: str
    unless_before: tuple[str, ...]
    unless_window: int
    unless_sentence: tuple[str, ...]


class Hit(NamedTuple):
    """One phrase occurrence in the normalised text (a tuple: cheap to make by the dozen)."""

    lang: str
    cls: str
    start: int
    end: int


# Where a phrase occurs, as the automaton reports it: (phrase index, start, end), the index in
# the order of the automaton that found it (text beyond ASCII in Latin-1 has its own); -1 for the
# index of a single letter found by the letters' regex. A scan keeps its hits in this form, per
# (language, class): most are never read (only the classes of the patterns that can match are),
# and keeping the automaton's own tuple costs nothing where making a `Hit` costs about 2,000
# instructions. `Hit`s are made from them when read (`Scan.hits`, `Scan.of_class`).
_Spot = tuple[int, int, int]
_Spots = dict[tuple[str, str], list[_Spot]]


class Match(NamedTuple):
    """One pattern match; `start`/`end` index the normalised text."""

    group: str
    name: str
    lang: str
    start: int
    end: int


@dataclass(slots=True)
class LexiconData:
    """Classes and patterns as read from TOML, before the automaton is built."""

    classes: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)

    def merge(self, other: LexiconData) -> LexiconData:
        """Return the union of two lexicons (an operator profile adds to the defaults)."""
        merged = LexiconData(
            classes={key: list(values) for key, values in self.classes.items()},
            patterns=list(self.patterns),
        )
        for key, values in other.classes.items():
            merged.classes.setdefault(key, []).extend(values)
        merged.patterns.extend(other.patterns)
        return merged


_LEXICON_KEYS = ("classes", "patterns")
_PATTERN_KEYS = (
    "group",
    "name",
    "all",
    "window",
    "ordered",
    "scope",
    "unless_before",
    "unless_window",
    "unless_sentence",
)


def reject_unknown_keys(data: Mapping[str, Any], known: Iterable[str], *, where: str) -> None:
    """Refuse a key the format does not have: a misspelt one would otherwise do nothing.

    InvalidInput names the key's full path (`profile.limts`) and lists the known keys, with the
    closest one first when the key looks like a typo of it.
    """
    allowed = tuple(known)
    for key in data:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InvalidInput(
            f"{where}.{key}", f"unknown key ({hint}known: {', '.join(sorted(allowed))})"
        )


def _string_list(value: object, where: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(where, f"must be a list of {what}")
    return tuple(value)


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(where, "must be a positive integer")
    return value


def parse_lexicon(lang: str, data: Mapping[str, Any], *, where: str) -> LexiconData:
    """Validate one language's TOML document: `[classes]` lists and `[[patterns]]` tables.

    Unknown keys and values of the wrong type raise InvalidInput naming their full path.
    """
    reject_unknown_keys(data, _LEXICON_KEYS, where=where)
    lexicon = LexiconData()
    classes = data.get("classes", {})
    if not isinstance(classes, Mapping):
        raise InvalidInput(f"{where}.classes", "must be a table of phrase lists")
    for name, phrases in classes.items():
        if not isinstance(phrases, list) or not all(
            isinstance(p, str) and p.strip("*") for p in phrases
        ):
            raise InvalidInput(f"{where}.classes.{name}", "must be a list of non-empty strings")
        lexicon.classes[(lang, name)] = list(phrases)
    patterns = data.get("patterns", [])
    if not isinstance(patterns, list):
        raise InvalidInput(f"{where}.patterns", "must be a list of tables")
    for index, raw in enumerate(patterns):
        spot = f"{where}.patterns[{index}]"
        if not isinstance(raw, Mapping):
            raise InvalidInput(spot, "must be a table")
        reject_unknown_keys(raw, _PATTERN_KEYS, where=spot)
        group = raw.get("group")
        wanted = raw.get("all")
        if not isinstance(group, str) or not group:
            raise InvalidInput(f"{spot}.group", "must name the rule group the pattern feeds")
        if (
            not isinstance(wanted, list)
            or not wanted
            or not all(isinstance(c, str) for c in wanted)
        ):
            raise InvalidInput(f"{spot}.all", "must list the word classes that must all occur")
        scope = raw.get("scope", "sentence")
        if scope not in ("sentence", "message"):
            raise InvalidInput(f"{spot}.scope", "must be 'sentence' or 'message'")
        name = raw.get("name", group)
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"{spot}.name", "must be a non-empty string")
        ordered = raw.get("ordered", False)
        if not isinstance(ordered, bool):
            raise InvalidInput(f"{spot}.ordered", "must be true or false")
        lexicon.patterns.append(
            Pattern(
                lang=lang,
                group=group,
                name=name,
                classes=tuple(wanted),
                window=_count(raw.get("window", 8), f"{spot}.window"),
                ordered=ordered,
                scope=scope,
                unless_before=_string_list(
                    raw.get("unless_before", []), f"{spot}.unless_before", "word class names"
                ),
                unless_window=_count(raw.get("unless_window", 3), f"{spot}.unless_window"),
                unless_sentence=_string_list(
                    raw.get("unless_sentence", []), f"{spot}.unless_sentence", "word class names"
                ),
            )
        )
    for pattern in lexicon.patterns:
        for cls in (*pattern.classes, *pattern.unless_before, *pattern.unless_sentence):
            if (lang, cls) not in lexicon.classes:
                raise InvalidInput(where, f"pattern {pattern.name!r} uses unknown class {cls!r}")
    return lexicon


def load_builtin_lexicons() -> LexiconData:
    """Read the packaged `lexicons/<lang>/phrases.toml` of every language."""
    merged = LexiconData()
    root = resources.files("gobetween.policy") / "lexicons"
    for lang in LANGUAGES:
        source = root / lang / "phrases.toml"
        if not source.is_file():
            continue
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        merged = merged.merge(parse_lexicon(lang, data, where=f"lexicons/{lang}/phrases.toml"))
    return merged


def _variants(phrases: Iterable[str]) -> list[str]:
    # Typographic apostrophes are as common as straight ones ("we’ll"); accept both spellings.
    out: list[str] = []
    for phrase in phrases:
        out.append(phrase)
        if "'" in phrase:
            out.append(phrase.replace("'", "\u2019"))
    return out


# Word classes that rules read in every language whatever the message's language
# (`Scan.of_class`), declared with `read_in_every_language`: a scan limited to the message's
# languages still collects them in its one pass. The classes of `unless_sentence` vetoes are read
# in every language too, but only when a pattern matched: their other-language hits are found by
# a second pass, on demand. Any other class asked for is found by a complete scan, on demand.
_EVERY_LANGUAGE: set[str] = set()


def read_in_every_language(*classes: str) -> None:
    """Declare word classes that a rule reads with `Scan.of_class` (hits of every language), so
    that a scan limited to the message's languages still collects them in its one pass."""
    _EVERY_LANGUAGE.update(classes)


# (check_left, check_right, ((hits key, lang, class), ...)) for each meaning group of one phrase.
_Targets = tuple[tuple[bool, bool, tuple[tuple[tuple[str, str], str, str], ...]], ...]
_END_THEN_START = itemgetter(2, 1)
_MATCH_START = itemgetter(3)
_HIT_START = itemgetter(2)
# `tuple.__new__(Hit, (...))` makes the same named tuple as `Hit(...)` without the Python-level
# constructor: a third of the cost, and a scan makes dozens.
_new_tuple = tuple.__new__


# A matcher's phrases written in Latin-1: their bytes automaton, and their targets and singles in
# its order (see `_Matcher`).
_Latin1Phrases = tuple[
    ahocorasick_rs.BytesAhoCorasick,
    list[_Targets],
    list[tuple[bool, bool, tuple[str, str]] | None],
]


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Some of the lexicon's phrases, ready for the scan loop.

    `automaton` finds every phrase but the single-letter words, which `letters` (a regex with the
    word boundaries built in) finds instead: an automaton reports "i" at every letter i of a text,
    and checking the boundaries of each in Python costs more than the rest of the scan.
    """

    automaton: ahocorasick_rs.AhoCorasick
    targets: list[_Targets]
    letters: re.Pattern[str] | None
    letter_targets: dict[str, _Targets]
    # Per phrase, when it has one meaning (most do): (check_left, check_right, hits key), read
    # without the loops over meaning groups; None for the others.
    singles: list[tuple[bool, bool, tuple[str, str]] | None]
    # The automaton's phrases, in its order.
    keys: list[str]
    # The phrases written in Latin-1 as a bytes automaton, with their targets and singles in its
    # order (`_latin1_matcher`): built the first time a text beyond ASCII but in Latin-1 is
    # scanned, then kept here.
    latin1: list[_Latin1Phrases] = field(default_factory=list)
    # The same for `typographic_latin1` bytes (`_typographic_matcher`).
    typographic: list[_Latin1Phrases] = field(default_factory=list)
    # A `bytes.translate` table of Latin-1 text for the single letters (`_letter_starts`): "1"
    # for a letter of `letter_targets`, "w" for another letter or digit (`str.isalnum`), " "
    # for anything else.
    letter_marks: bytes | None = None

    def collect(self, text: str) -> dict[tuple[str, str], list[Hit]]:
        """The hits of these phrases in `text`, per (language, class), each list in text order
        (by end, the longer phrase first, as the automaton reports them)."""
        return _as_hits(self.spots(text))

    def spots(self, text: str, typographic_data: bytes | None = None) -> _Spots:
        """`collect(text)` as the automaton's (index, start, end) tuples: the same places, in
        the same order, without a `Hit` made for each. `typographic_data`: the text's
        `typographic_latin1` bytes, when the caller has them."""
        spots: _Spots = {}
        add = spots.setdefault
        found: list[_Spot]
        data: bytes | None = None
        typographic = False
        if typographic_data is not None:
            data = typographic_data
            typographic = True
        elif text.isascii():
            # (A copy of the text's bytes, which the single letters' search reads too.)
            data = text.encode("ascii")
        elif text[0] <= LAST_TYPOGRAPHIC_MARK and text[-1] <= LAST_TYPOGRAPHIC_MARK:
            # Text beyond ASCII that may be in Latin-1, or in Latin-1 but for typographic marks
            # (text that starts or ends beyond them, such as Japanese, is not tried: the failed
            # encode's exception costs about 4k instructions).
            try:
                data = text.encode("latin-1")
            except UnicodeEncodeError as refused:
                data = typographic_latin1(text, refused)
                typographic = True
        if data is None:
            found = self.automaton.find_matches_as_indexes(text, overlapping=True)
            targets = self.targets
            singles = self.singles
        elif typographic:
            # Each typographic mark one byte (`typographic_latin1`), searched by the automaton
            # of the phrases so written, as Latin-1 text is below: "we’ll" is found where
            # "we'll" is, at the same offsets, without the text automaton's conversions.
            automaton, targets, singles = (
                self.typographic[0] if self.typographic else self._typographic_matcher()
            )
            found = automaton.find_matches_as_indexes(data, overlapping=True)
        else:
            # Text in Latin-1 (ASCII too): its Latin-1 bytes, where a byte offset is a character
            # offset, searched by the automaton of the phrases written in Latin-1
            # (`_latin1_matcher`), without the text automaton's conversion of the text to UTF-8
            # and of every offset back (4-7k instructions on 500 characters beyond ASCII; on
            # ASCII text the bytes automaton's call costs about a tenth less than the text
            # automaton's, the encode included).
            automaton, targets, singles = self.latin1[0] if self.latin1 else self._latin1_matcher()
            found = automaton.find_matches_as_indexes(data, overlapping=True)
        # The text between two characters that are no letter or digit: the character before a
        # hit at `start` is padded[start], the one after a hit ending at `end` padded[end + 1],
        # with no test for the text's ends.
        padded = f"\x00{text}\x00"
        for spot in found:
            index, start, end = spot
            single = singles[index]
            if single is not None:
                check_left, check_right, key = single
                # A phrase that starts (ends) with a letter must not continue a word on that side.
                if (check_left and padded[start].isalnum()) or (
                    check_right and padded[end + 1].isalnum()
                ):
                    continue
                add(key, []).append(spot)
                continue
            for check_left, check_right, meanings in targets[index]:
                if (check_left and padded[start].isalnum()) or (
                    check_right and padded[end + 1].isalnum()
                ):
                    continue
                for key, _, _ in meanings:
                    add(key, []).append(spot)
        if self.letters is not None:
            # (Typographic bytes too: the marks are no letter or digit, as the C1 controls whose
            # bytes they take are not, so `letter_marks` reads them right.)
            self._add_letters(text, self.letters, spots, data)
        return spots

    def _latin1_matcher(self) -> _Latin1Phrases:
        """The automaton of the phrases written in Latin-1, as its bytes, with their targets and
        singles in its order. A phrase beyond Latin-1 occurs in no text in Latin-1, and the
        others keep their order: on such a text it reports the text automaton's matches, in the
        same order, each with its phrase's targets (a hypothesis test compares them)."""
        built = self._written_phrases(latin1_bytes)
        self.latin1.append(built)
        return built

    def _typographic_matcher(self) -> _Latin1Phrases:
        """`_latin1_matcher` for `typographic_latin1` bytes: the phrases so written (those in
        Latin-1 but for typographic marks, as "we’ll"), in the text automaton's order."""
        built = self._written_phrases(typographic_latin1)
        self.typographic.append(built)
        return built

    def _written_phrases(self, written: Callable[[str], bytes | None]) -> _Latin1Phrases:
        """The bytes automaton of the phrases that `written` can write (None: it cannot), in the
        text automaton's order, with their targets and singles."""
        kept: list[int] = []
        keys: list[bytes] = []
        for index, key in enumerate(self.keys):
            data = written(key)
            if data is not None:
                keys.append(data)
                kept.append(index)
        automaton = ahocorasick_rs.BytesAhoCorasick(
            keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD
        )
        return (
            automaton,
            [self.targets[index] for index in kept],
            [self.singles[index] for index in kept],
        )

    def finds_any(self, text: str) -> bool:
        """Whether `collect(text)` would find a hit (every phrase has a meaning): the automaton's
        reports are looked at until one passes its boundary checks, and no hit is made."""
        padded = f"\x00{text}\x00"
        targets = self.targets
        for index, start, end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            for check_left, check_right, _ in targets[index]:
                if not (
                    (check_left and padded[start].isalnum())
                    or (check_right and padded[end + 1].isalnum())
                ):
                    return True
        return self.letters is not None and self.letters.search(text) is not None

    def _letter_starts(self, data: bytes, marks: bytes) -> list[int]:
        """Where `letters` matches the Latin-1 text whose bytes are `data`, `marks` being this
        matcher's `letter_marks`: a single letter between two characters that are no letter or
        digit is " 1 " in the marked text, padded with a blank at each end (found by `find`,
        where the regex enters a match at every letter i of the text and looks behind it)."""
        marked = (b" " + data + b" ").translate(marks)
        starts: list[int] = []
        # The padded text's offset of the blank before the letter is the letter's offset in
        # the text. Two single letters share the blank between them ("a e"): the next search
        # starts at it.
        at = marked.find(b" 1 ")
        while at >= 0:
            starts.append(at)
            at = marked.find(b" 1 ", at + 2)
        return starts

    def _add_letters(
        self, text: str, letters: re.Pattern[str], spots: _Spots, data: bytes | None = None
    ) -> None:
        """The single letters' spots added to `spots`; `data`: the text's Latin-1 bytes, when
        it is in Latin-1."""
        touched: set[tuple[str, str]] = set()
        marks = self.letter_marks
        starts = (
            self._letter_starts(data, marks)
            if data is not None and marks is not None
            else [letter.start() for letter in letters.finditer(text)]
        )
        for start in starts:
            spot = (-1, start, start + 1)
            for _, _, meanings in self.letter_targets[text[start]]:
                for key, _, _ in meanings:
                    found = spots.get(key)
                    if found is None:
                        spots[key] = [spot]
                    else:
                        found.append(spot)
                        touched.add(key)
        for key in touched:
            spots[key].sort(key=_END_THEN_START)


@dataclass(frozen=True, slots=True)
class _Matchers:
    """The matchers of a scan limited to some languages and/or pattern groups.

    `own` finds the phrases of the `classes` (all when None) in those languages and, in every
    language, those of the `complete` classes (None: every class in every language);
    `elsewhere` finds the other languages' phrases of the `elsewhere_classes`, on demand.
    """

    own: _Matcher
    classes: frozenset[str] | None
    complete: frozenset[str] | None
    elsewhere: _Matcher | None
    elsewhere_classes: frozenset[str]
    groups: frozenset[str] | None
    # The classes of `elsewhere` whose other-language hits in one sentence are found by
    # scanning that sentence alone: all of them when no phrase of `elsewhere` holds a sentence's
    # end (the boundary checks at the sentence's edges then see the same characters: a sentence
    # ends with punctuation, which no checked phrase edge is), else none.
    by_sentence: frozenset[str] = frozenset()


def _matcher_of(entries: Iterable[tuple[str, Sequence[Entry]]]) -> _Matcher:
    keys: list[str] = []
    targets: list[_Targets] = []
    letter_targets: dict[str, _Targets] = {}
    for key, meanings in entries:
        if (
            len(key) == 1
            and key.isalnum()
            and all(e.check_left and e.check_right for e in meanings)
        ):
            letter_targets[key] = _group_targets(key, meanings)
            continue
        keys.append(key)
        targets.append(_group_targets(key, meanings))
    letters = None
    letter_marks = None
    if letter_targets:
        # A letter that neither follows nor precedes a letter or digit (as `str.isalnum`),
        # written to start with the letters' class: the regex engine then jumps from one
        # candidate letter to the next (a leading lookbehind is tried at every position).
        letter = "[" + re.escape("".join(letter_targets)) + "]"
        letters = re.compile(f"{letter}(?<![^\\W_]{letter})(?![^\\W_])")
        # `[^\W_]` is `str.isalnum` (a word character but the underscore). A letter beyond
        # Latin-1 occurs in no Latin-1 text: leaving it out of the table changes no match there.
        letter_marks = bytes.maketrans(
            bytes(range(256)),
            bytes(
                ord("1") if chr(code) in letter_targets else ord("w") if chr(code).isalnum() else 32
                for code in range(256)
            ),
        )
    automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    singles = [
        (target[0][0], target[0][1], target[0][2][0][0])
        if len(target) == 1 and len(target[0][2]) == 1
        else None
        for target in targets
    ]
    return _Matcher(
        automaton, targets, letters, letter_targets, singles, keys, letter_marks=letter_marks
    )


def _as_hits(spots: _Spots) -> dict[tuple[str, str], list[Hit]]:
    """The `Hit`s of the spots of each (language, class)."""
    return {key: _hits_of(key, found) for key, found in spots.items()}


def _hits_of(key: tuple[str, str], spots: Iterable[_Spot]) -> list[Hit]:
    lang, cls = key
    return [_new_tuple(Hit, (lang, cls, start, end)) for _, start, end in spots]


def _spots_of(hits: Mapping[tuple[str, str], Iterable[Hit]]) -> _Spots:
    """Hits as the spots a scan keeps (the phrase index is not read)."""
    return {key: [(-1, hit.start, hit.end) for hit in found] for key, found in hits.items()}


# One tuple object per (language, class) key, shared by the matchers' targets, the pattern index
# and the class keys: a dict or set holding a key then finds the one looked up by identity,
# without comparing two equal tuples item by item (the scan's hits, the gates of
# `possible_groups` and the patterns' classes are looked up in each other on every message).
_KEYS: dict[tuple[str, str], tuple[str, str]] = {}


def _key(lang: str, cls: str) -> tuple[str, str]:
    key = (lang, cls)
    return _KEYS.setdefault(key, key)


def _group_targets(key: str, entries: Sequence[Entry]) -> _Targets:
    groups: dict[tuple[bool, bool], list[tuple[tuple[str, str], str, str]]] = {}
    for e in entries:
        # A boundary needs checking only on a side where the phrase itself starts (ends) with a
        # letter or digit: the scan then need not look at the phrase's own first (last) character.
        left = e.check_left and key[0].isalnum()
        right = e.check_right and key[-1].isalnum()
        groups.setdefault((left, right), []).append((_key(e.lang, e.cls), e.lang, e.cls))
    return tuple((left, right, tuple(items)) for (left, right), items in groups.items())


# Per first class's key of a group's patterns, the sets of other keys they need.
_Needs = tuple[tuple[tuple[str, str], tuple[frozenset[tuple[str, str]], ...]], ...]

# Per first class's key, the bit of each group it starts and the sets of other keys they need.
_Gates = dict[tuple[str, str], tuple[tuple[int, tuple[frozenset[tuple[str, str]], ...]], ...]]

# Combinations of possible groups kept as sets (a few dozen occur; the bound is a safeguard).
_POSSIBLE_SETS_KEPT = 4096

# A group's patterns by the (language, class) key of their first class, with the other keys
# they need: as pairs in lexicon order, and the set of those first keys.
_FirstClasses = tuple[
    tuple[tuple[tuple[str, str], list[tuple[Pattern, tuple[tuple[str, str], ...]]]], ...],
    frozenset[tuple[str, str]],
]


class Lexicon:
    """The compiled form of a lexicon: one automaton plus the patterns grouped by rule group."""

    def __init__(self, data: LexiconData, fold: Callable[[str], str]) -> None:
        entries: dict[str, list[Entry]] = {}
        for (lang, cls), phrases in data.classes.items():
            for raw in _variants(phrases):
                unspaced = lang in _UNSPACED
                check_left = not unspaced and not raw.startswith("*")
                check_right = not unspaced and not raw.endswith("*")
                # Phrases go through the same folding as messages, so both sides compare equal.
                key = fold(raw.strip("*"))
                if not key:
                    continue
                entry = Entry(lang, cls, check_left, check_right)
                meanings = entries.setdefault(key, [])
                if entry not in meanings:
                    meanings.append(entry)
        self._keys = list(entries)
        self._entries = [tuple(entries[key]) for key in self._keys]
        # Per set of pattern languages, built on first use (a handful of sets occur: each
        # language with English, and all six): the matcher of those languages' phrases, and the
        # one of the other languages' phrases of the classes read in every language.
        self._matchers: dict[tuple[frozenset[str] | None, frozenset[str] | None], _Matchers] = {}
        self._first_classes: dict[tuple[str, frozenset[str] | None], _FirstClasses] = {}
        self._group_needs: dict[frozenset[str] | None, dict[str, _Needs]] = {}
        self.patterns: dict[str, tuple[Pattern, ...]] = {}
        for pattern in data.patterns:
            self.patterns[pattern.group] = (*self.patterns.get(pattern.group, ()), pattern)
        # Patterns indexed by group and by the (language, class) key of their first class: a scan
        # only looks at the patterns whose first class occurred, then checks the other classes.
        self.index: dict[
            str, dict[tuple[str, str], list[tuple[Pattern, tuple[tuple[str, str], ...]]]]
        ] = {}
        for pattern in data.patterns:
            keys = tuple(_key(pattern.lang, cls) for cls in pattern.classes)
            by_key = self.index.setdefault(pattern.group, {})
            by_key.setdefault(keys[0], []).append((pattern, keys[1:]))
        self._groups = frozenset(self.index)
        self._groups_outside: dict[frozenset[str], frozenset[str]] = {}
        # Each group's bit, for `Scan.possible_groups`: the groups a message may match are
        # gathered as the bits of one int, and a set is made (or found) once per combination.
        self._group_bits = {group: 1 << index for index, group in enumerate(self.index)}
        self._gates: dict[frozenset[str] | None, _Gates] = {}
        self._possible_sets: dict[tuple[int, frozenset[str] | None], frozenset[str]] = {}

    def first_classes(self, group: str, languages: frozenset[str] | None) -> _FirstClasses:
        """`index[group]` limited to the patterns of `languages`, as pairs in lexicon order and
        as a set of the first classes' keys (cached per group and language set)."""
        found = self._first_classes.get((group, languages))
        if found is None:
            pairs = tuple(
                (key, candidates)
                for key, candidates in self.index.get(group, {}).items()
                if languages is None or key[0] in languages
            )
            found = (pairs, frozenset(key for key, _ in pairs))
            self._first_classes[(group, languages)] = found
        return found

    def group_needs(self, languages: frozenset[str] | None) -> dict[str, _Needs]:
        """For the patterns of `languages`, per group: each first class's key with the sets of
        the other keys its patterns need, none a superset of another (a pattern needing more
        than another with the same first class adds no way to match). A group can match only
        where, for one first class that occurred, all the keys of one of its sets occurred too
        (cached)."""
        needs = self._group_needs.get(languages)
        if needs is None:
            needs = {}
            for group in self.index:
                firsts: list[tuple[tuple[str, str], tuple[frozenset[tuple[str, str]], ...]]] = []
                for key, candidates in self.first_classes(group, languages)[0]:
                    sets = {frozenset(others) for _, others in candidates}
                    minimal = tuple(
                        sorted(
                            (keys for keys in sets if not any(other < keys for other in sets)),
                            key=len,
                        )
                    )
                    firsts.append((key, minimal))
                needs[group] = tuple(firsts)
            self._group_needs[languages] = needs
        return needs

    def gates(self, languages: frozenset[str] | None) -> _Gates:
        """`group_needs` turned around, for the patterns of `languages`: per first class's key,
        the bit of each group one of whose patterns it starts, with the sets of other keys one
        of which must have occurred too (cached). A scan looks up each key it found, instead
        of going through every first class of every group its keys start."""
        gates = self._gates.get(languages)
        if gates is None:
            by_key: dict[tuple[str, str], list[tuple[int, tuple[frozenset[tuple[str, str]], ...]]]]
            by_key = {}
            for group, firsts in self.group_needs(languages).items():
                for key, sets in firsts:
                    by_key.setdefault(key, []).append((self._group_bits[group], sets))
            gates = {key: tuple(items) for key, items in by_key.items()}
            self._gates[languages] = gates
        return gates

    def groups_of(self, bits: int, outside: frozenset[str] | None) -> frozenset[str]:
        """The groups whose bits are set, and those not in `outside` (every group a scan
        limited to `outside` was not made for); one set per combination, made once."""
        found = self._possible_sets.get((bits, outside))
        if found is None:
            groups = frozenset(group for group, bit in self._group_bits.items() if bits & bit)
            if outside is not None:
                groups |= self.groups_outside(outside)
            if len(self._possible_sets) >= _POSSIBLE_SETS_KEPT:
                self._possible_sets.clear()
            found = self._possible_sets[(bits, outside)] = groups
        return found

    @property
    def groups(self) -> frozenset[str]:
        """Every rule group some pattern feeds."""
        return self._groups

    def groups_outside(self, groups: frozenset[str]) -> frozenset[str]:
        """The rule groups not in `groups` (cached: a scan for some groups asks per message)."""
        outside = self._groups_outside.get(groups)
        if outside is None:
            outside = self._groups_outside[groups] = self._groups - groups
        return outside

    def _classes_read_by(self, groups: frozenset[str]) -> frozenset[str]:
        """The classes the patterns of `groups` read (their own, their vetoes), and the classes
        read in every language."""
        classes = set(_EVERY_LANGUAGE)
        for group in groups:
            for pattern in self.patterns.get(group, ()):
                classes.update(pattern.classes, pattern.unless_before, pattern.unless_sentence)
                if pattern.unless_before:
                    classes.add("not_negation")
        return frozenset(classes)

    def _matchers_for(
        self, languages: frozenset[str] | None, groups: frozenset[str] | None
    ) -> _Matchers:
        matchers = self._matchers.get((languages, groups))
        if matchers is None:
            matchers = self._build_matchers(languages, groups)
            self._matchers[(languages, groups)] = matchers
        return matchers

    def _build_matchers(
        self, languages: frozenset[str] | None, groups: frozenset[str] | None
    ) -> _Matchers:
        needed = None if groups is None else self._classes_read_by(groups)
        pairs = [
            (key, [e for e in meanings if needed is None or e.cls in needed])
            for key, meanings in zip(self._keys, self._entries, strict=True)
        ]
        if languages is None:
            own_all = [(key, meanings) for key, meanings in pairs if meanings]
            return _Matchers(_matcher_of(own_all), needed, None, None, frozenset(), groups)
        # The patterns of a language combine that language's classes alone: other languages'
        # hits only matter for the classes read in every language.
        declared = frozenset(_EVERY_LANGUAGE)
        vetoes = frozenset(
            cls
            for pattern in self._patterns_of(groups)
            for cls in pattern.unless_sentence
            if cls not in declared
        )
        own: list[tuple[str, list[Entry]]] = []
        elsewhere: list[tuple[str, list[Entry]]] = []
        for key, meanings in pairs:
            mine = [e for e in meanings if e.lang in languages or e.cls in declared]
            theirs = [e for e in meanings if e.lang not in languages and e.cls in vetoes]
            if mine:
                own.append((key, mine))
            if theirs:
                elsewhere.append((key, theirs))
        crossing = any(_SENTENCE_END_CHARS.search(key) for key, _ in elsewhere)
        by_sentence = frozenset() if crossing else vetoes
        return _Matchers(
            _matcher_of(own), needed, declared, _matcher_of(elsewhere), vetoes, groups, by_sentence
        )

    def _patterns_of(self, groups: frozenset[str] | None) -> Iterable[Pattern]:
        for group, patterns in self.patterns.items():
            if groups is None or group in groups:
                yield from patterns

    def has_phrase(self, text: str) -> bool:
        """Whether `scan(text)` (every phrase of every language) would have a hit, without
        making the hits."""
        return self._matchers_for(None, None).own.finds_any(text)

    def scan(
        self,
        text: str,
        languages: frozenset[str] | None = None,
        *,
        groups: frozenset[str] | None = None,
        typographic_data: bytes | None = None,
    ) -> Scan:
        """Find every phrase hit in `text` (already normalised) in one automaton pass.

        `languages` limits the patterns evaluated to those languages (all when None): once the
        message's language is known, Spanish words must not complete an Italian pattern. The
        hits of other languages are then collected for the classes declared with
        `read_in_every_language` only; `Scan.of_class` finds the others when it asks.

        `groups` names the rule groups the caller will ask `matches` about (all when None): the
        phrases of classes that no pattern of those groups reads are left out (a seller
        message's scan skips the buyer-triage phrases). Asked about another group, the scan
        makes a complete one.

        `typographic_data`: the text's `typographic_latin1` bytes, when the caller has them
        (`NormalizedText.data`).
        """
        matchers = self._matchers_for(languages, groups)
        return Scan(
            text,
            None,
            self,
            languages,
            matchers=matchers,
            spots=matchers.own.spots(text, typographic_data),
        )


# Per class, its (language, class) keys in the order of LANGUAGES, made once.
_CLASS_KEYS: dict[str, tuple[tuple[str, str], ...]] = {}


def _class_keys(cls: str) -> tuple[tuple[str, str], ...]:
    keys = _CLASS_KEYS.get(cls)
    if keys is None:
        keys = _CLASS_KEYS[cls] = tuple(_key(code, cls) for code in LANGUAGES)
    return keys


class Scan:
    """The phrase hits of one message, with pattern matches computed on demand and cached."""

    __slots__ = (
        "_broader",
        "_cache",
        "_elsewhere_in_sentence",
        "_elsewhere_spots",
        "_hits",
        "_lexicon",
        "_matchers",
        "_possible",
        "_sentence_ends",
        "_spots",
        "_whole",
        "languages",
        "memo",
        "text",
    )

    def __init__(
        self,
        text: str,
        hits: Mapping[tuple[str, str], list[Hit]] | None,
        lexicon: Lexicon,
        languages: frozenset[str] | None = None,
        *,
        matchers: _Matchers | None = None,
        spots: _Spots | None = None,
    ) -> None:
        """A scan of `text` with its `hits`, or the same hits given as `spots` (`Lexicon.scan`:
        the hits are then made only if `hits` is read)."""
        self.text = text
        self.languages = languages
        # Every language's hits, or for a scan limited to `languages` (see `_Matchers`) those of
        # the languages and of the classes read in every language; `of_class` finds the rest.
        self._spots: _Spots = spots if spots is not None else _spots_of(hits or {})
        self._hits = dict(hits) if hits is not None and spots is None else None
        self._matchers = matchers
        self._elsewhere_spots: _Spots | None = None
        self._elsewhere_in_sentence: dict[int, frozenset[str]] = {}
        self._whole: _Spots | None = None
        self._broader: Scan | None = None
        self._lexicon = lexicon
        self._cache: dict[str, list[Match]] = {}
        self._sentence_ends: list[int] | None = None
        self._possible: frozenset[str] | None = None
        # Per-message results that several rules need (e.g. "is this only a thank-you?").
        self.memo: dict[str, object] = {}

    @property
    def hits(self) -> dict[tuple[str, str], list[Hit]]:
        """The hits per (language, class), each list in text order (made on first read)."""
        if self._hits is None:
            self._hits = _as_hits(self._spots)
        return self._hits

    def has_hits(self) -> bool:
        """Whether the scan found any hit (`bool(hits)`, without making them)."""
        return bool(self._spots)

    def sentence_ends(self) -> list[int]:
        """Offsets where sentences end (sorted); computed once per message."""
        if self._sentence_ends is None:
            self._sentence_ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        return self._sentence_ends

    def sentence_of(self, position: int) -> int:
        """Index of the sentence containing `position`."""
        return bisect_right(self.sentence_ends(), position)

    def sentence_bounds(self, index: int) -> tuple[int, int]:
        """[start, end) of sentence `index` in the normalised text."""
        ends = self.sentence_ends()
        start = ends[index - 1] if index > 0 else 0
        end = ends[index] if index < len(ends) else len(self.text)
        return start, end

    def of_class(self, cls: str) -> list[Hit]:
        """Every hit of `cls` in every language, in text order."""
        found: list[Hit] = []
        for key, spots in self._class_spots(cls):
            found.extend(_hits_of(key, spots))
        if len(found) > 1:
            found.sort(key=_HIT_START)
        return found

    def class_starts(self, cls: str) -> list[int]:
        """Where the hits of `cls` in every language start, in text order: the starts of
        `of_class(cls)`, without a `Hit` made for each."""
        starts = [start for _, spots in self._class_spots(cls) for _, start, _ in spots]
        starts.sort()
        return starts

    def _class_spots(self, cls: str) -> list[tuple[tuple[str, str], list[_Spot]]]:
        """The spots of `cls` of each language that has some, in the order of LANGUAGES."""
        spots = self._spots
        found: list[tuple[tuple[str, str], list[_Spot]]] = []
        keys = _class_keys(cls)
        matchers = self._matchers
        if matchers is None or (
            (matchers.classes is None or cls in matchers.classes)
            and (matchers.complete is None or cls in matchers.complete)
        ):
            for key in keys:
                own = spots.get(key)
                if own:
                    found.append((key, own))
        elif matchers.elsewhere is not None and cls in matchers.elsewhere_classes:
            others = self._elsewhere_spots
            if others is None:
                others = self._elsewhere_spots = matchers.elsewhere.spots(self.text)
            # The message's languages from this scan, the others from the second pass.
            for key in keys:
                own = spots.get(key)
                if own is None:
                    own = others.get(key)
                if own:
                    found.append((key, own))
        else:
            # A class nobody declared (`read_in_every_language`): scan once more for all of it.
            if self._whole is None:
                self._whole = self._lexicon.scan(self.text)._spots
            for key in keys:
                own = self._whole.get(key)
                if own:
                    found.append((key, own))
        return found

    def possible_groups(self) -> frozenset[str]:
        """The groups that may have a match: those one of whose patterns' classes all occurred,
        and any group this scan was not made for (`matches` asks a broader scan about those).
        A group outside this set has no match, known without asking `matches` (computed once
        per message: the engine asks, then rules that look at several groups)."""
        if self._possible is not None:
            return self._possible
        lexicon = self._lexicon
        gates = lexicon.gates(self.languages)
        hits = self._spots
        keys = hits.keys()
        bits = 0
        # A first class occurs in most messages ("please", "order"), the other classes of its
        # patterns in few: a group is possible only when, for a first class that occurred, every
        # other class of one of its patterns occurred too (a match needs a hit of each,
        # `_match`); the rules of the other groups are not called.
        for key in hits:
            starts = gates.get(key)
            if starts is not None:
                for bit, sets in starts:
                    if not bits & bit:
                        for others in sets:
                            # `keys >= others` looks each key up in C, without making a set.
                            if keys >= others:
                                bits |= bit
                                break
        matchers = self._matchers
        outside = matchers.groups if matchers is not None else None
        self._possible = lexicon.groups_of(bits, outside)
        return self._possible

    def matches(self, group: str) -> list[Match]:
        """Every match of the patterns feeding `group`, in text order (cached per message)."""
        cached = self._cache.get(group)
        if cached is None and self._matchers is not None:
            groups = self._matchers.groups
            if groups is not None and group not in groups and group in self._lexicon.index:
                # A group this scan was not made for: ask a scan of every group.
                if self._broader is None:
                    self._broader = self._lexicon.scan(self.text, self.languages)
                cached = self._cache[group] = self._broader.matches(group)
        if cached is None:
            cached = []
            hits = self._spots
            pairs, firsts = self._lexicon.first_classes(group, self.languages)
            if firsts.isdisjoint(hits):
                # No pattern of the group can start: the common case, decided in C.
                pairs = ()
            # In the lexicon's order, not a set's: which of two matches starting at the same
            # place names the finding must not depend on the process's string hashing.
            for key, candidates in pairs:
                if key not in hits:
                    continue
                for pattern, others in candidates:
                    for other in others:
                        if other not in hits:
                            break
                    else:
                        cached.extend(self._match(pattern))
            if len(cached) > 1:
                cached.sort(key=_MATCH_START)
            self._cache[group] = cached
        return cached

    def _words_between(self, lang: str, start: int, end: int) -> int:
        if end <= start:
            return 0
        gap = self.text[start:end]
        return len(gap) if lang in _UNSPACED else len(gap.split())

    def _match(self, pattern: Pattern) -> Iterable[Match]:
        lang = pattern.lang
        lists: list[list[_Spot]] = []
        for cls in pattern.classes:
            found = self._spots.get((lang, cls))
            if not found:
                return
            lists.append(found)
        vetoes = bool(pattern.unless_sentence or pattern.unless_before)
        if len(lists) == 1:
            # One class (most patterns): each hit is a match, spanning the hit.
            for anchor in lists[0]:
                _, start, end = anchor
                if vetoes and self._vetoed(pattern, start, end, (anchor,)):
                    continue
                yield _new_tuple(Match, (pattern.group, pattern.name, lang, start, end))
            return
        others = lists[1:]
        for anchor in lists[0]:
            chosen = self._combine(pattern, anchor, others)
            if chosen is None:
                continue
            _, start, end = anchor
            for _, hit_start, hit_end in chosen:
                if hit_start < start:
                    start = hit_start
                if hit_end > end:
                    end = hit_end
            if vetoes and self._vetoed(pattern, start, end, chosen):
                continue
            yield _new_tuple(Match, (pattern.group, pattern.name, lang, start, end))

    def _combine(
        self, pattern: Pattern, anchor: _Spot, others: Sequence[list[_Spot]]
    ) -> list[_Spot] | None:
        """The anchor and, of each other class, the nearest hit that fits (same sentence, in
        order, within the window, not overlapping one chosen); None if a class has none.

        Runs for every anchor of every pattern whose classes all occur: written out with locals
        (no generator, no method call per candidate).
        """
        chosen = [anchor]
        ends = self.sentence_ends() if pattern.scope == "sentence" else None
        _, anchor_start, anchor_end = anchor
        anchor_sentence = bisect_right(ends, anchor_start) if ends is not None else 0
        ordered, window = pattern.ordered, pattern.window
        unspaced = pattern.lang in _UNSPACED
        text = self.text
        previous_end = anchor_end
        for candidates in others:
            best: _Spot | None = None
            best_distance = 0
            for hit in candidates:
                _, hit_start, hit_end = hit
                overlaps = False
                for _, other_start, other_end in chosen:
                    if hit_start < other_end and other_start < hit_end:
                        overlaps = True
                        break
                if overlaps or (ordered and hit_start < previous_end):
                    continue
                if ends is not None and bisect_right(ends, hit_start) != anchor_sentence:
                    continue
                # Words (characters in Japanese) between the anchor and this hit.
                if hit_start >= anchor_start:
                    gap_start, gap_end = anchor_end, hit_start
                else:
                    gap_start, gap_end = hit_end, anchor_start
                if gap_end <= gap_start:
                    distance = 0
                elif unspaced:
                    distance = gap_end - gap_start
                else:
                    distance = len(text[gap_start:gap_end].split())
                if window and distance > window:
                    continue
                if best is None or distance < best_distance:
                    best, best_distance = hit, distance
            if best is None:
                return None
            chosen.append(best)
            previous_end = best[2]
        return chosen

    def _contrasted(self, cls: str, low: int, high: int, start: int) -> bool:
        """Whether every hit of the veto class `cls` in the sentence [low, high) stands before a
        word of contrast (class `contrast`: "but", "pero") that stands before the match at
        `start`: what follows the "but" holds. "We're not allowed to say this, but call us"
        still invites; "you'd rather talk on the phone, but Amazon does not allow it" does not.
        Read only when a veto would cancel a match (the contrast words are not collected by
        every scan)."""
        last_end = -1
        for _, spots in self._class_spots(cls):
            for _, hit_start, hit_end in spots:
                if low <= hit_start < high:
                    if hit_start >= start:
                        return False
                    if hit_end > last_end:
                        last_end = hit_end
        if last_end < 0:
            return False
        return any(
            last_end <= word_start < start
            for _, spots in self._class_spots("contrast")
            for _, word_start, _ in spots
        )

    def _in_sentence(self, cls: str, sentence: int, low: int, high: int) -> bool:
        """Whether a hit of `cls` in any language starts in sentence `sentence` ([low, high)):
        what `of_class(cls)` would find there. The other languages' hits of a veto class are
        looked for in that sentence alone, once per sentence, instead of in the whole text."""
        matchers = self._matchers
        languages = self.languages
        if (
            matchers is None
            or matchers.elsewhere is None
            or languages is None
            or cls not in matchers.by_sentence
        ):
            return any(
                low <= start < high for _, spots in self._class_spots(cls) for _, start, _ in spots
            )
        # A class of `elsewhere` is neither read in every language nor complete: this scan has
        # its hits in the scan's languages only, the sentence's own scan those of the others.
        hits = self._spots
        for code in languages:
            for _, start, _ in hits.get((code, cls), ()):
                if low <= start < high:
                    return True
        others = self._elsewhere_in_sentence.get(sentence)
        if others is None:
            # Every hit of the sentence's own scan starts in it.
            found = matchers.elsewhere.spots(self.text[low:high])
            others = self._elsewhere_in_sentence[sentence] = frozenset(key[1] for key in found)
        return cls in others

    def _vetoed(self, pattern: Pattern, start: int, end: int, chosen: Sequence[_Spot]) -> bool:
        if pattern.unless_sentence:
            sentence = self.sentence_of(start)
            low, high = self.sentence_bounds(sentence)
            # Context vetoes count in any language: an English "coupon" in a French sentence about
            # a code "que vous avez utilisé" is still a code already used.
            for cls in pattern.unless_sentence:
                if self._in_sentence(cls, sentence, low, high) and not self._contrasted(
                    cls, low, high, start
                ):
                    return True
        if pattern.unless_before:
            ends = self.sentence_ends()
            sentence = bisect_right(ends, start)
            lang = pattern.lang
            # Set phrases that contain a negation word without negating anything ("no problem",
            # "kein Problem, wir erstatten …"): their negation words do not cancel a match.
            spots = self._spots
            idioms = spots.get((lang, "not_negation"), ())
            for cls in pattern.unless_before:
                for _, hit_start, hit_end in spots.get((lang, cls), ()):
                    # A negation before the match or inside it ("we can't refund") cancels it;
                    # one that is part of a matched phrase ("not in stock") does not. The cheap
                    # tests first: most words of the class stand in other sentences.
                    if hit_start >= end or bisect_right(ends, hit_start) != sentence:
                        continue
                    if any(a <= hit_start and hit_end <= b for _, a, b in chosen):
                        continue
                    if any(a <= hit_start and hit_end <= b for _, a, b in idioms):
                        continue
                    if self._words_between(lang, hit_end, start) <= pattern.unless_window:
                        return True
        return False
