"""Normalisation of policy.md §6 with an offset map, so every span found slices the original text.

`normalize(text)` returns two views of one message, each mapping every character back to the
exact original characters it came from (`to_original(start, end)`):

- `.text`, for phrase matching: Unicode NFKC, case folded, zero-width characters removed,
  Cyrillic/Greek look-alikes folded to Latin (`rеviеw` with Cyrillic е), spaced-out letters joined
  (`r e v i e w`, `w.h.a.t.s.a.p.p`) and leetspeak folded inside words that have letters
  (`r3v1ew`, `5tars`), and a euro sign between two letters read as an "e" (`St€rne`). Numbers,
  codes and units (`10am`, `e27`, `kx300`) are left alone.
- `.contacts.text`, for the e-mail, phone and link detectors: the same folding without leetspeak
  (numbers matter there) and with obfuscations undone: `(at)`, `[dot]`, `[.]`, spelled
  `at`/`dot` in address-shaped runs (`anna dot keller at gmail dot com`, `shop punkt de`,
  `www . x . com`, `アット`/`ドット`, arroba, arobase, chiocciola, point, punto), `h t t p s : / /`,
  and runs of four or more digit words in the six languages ("three one two", "fünf", "cinq",
  "cinco", "cinque", 〇一二) rewritten as digits.

`normalize(normalize(x).text).text == normalize(x).text`: the phrase view is idempotent, so
phrases can be folded with the same function as messages.

`normalize_contacts(text)` builds the detector view alone (the same text and maps as
`normalize(text).contacts`), for callers that look for contact information only.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick_rs


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` is the normalised form; `text[i]` came from `original[origin[i]:ends[i]]`."""

    original: str
    text: str
    # Per normalised character, its start in the original: a tuple, or a `range` when the view
    # maps one for one (building a tuple of a long text's offsets costs more than the folding).
    origin: Sequence[int]
    # End (exclusive) in the original of each normalised character; empty in hand-built values,
    # which then fall back to the start of the next character.
    ends: Sequence[int] = ()
    # The detector view (see the module docstring); None on the detector view itself.
    contacts: NormalizedText | None = field(default=None, compare=False, repr=False)
    # `typographic_latin1(text)`, when `normalize()` made it on the way (the phrase view of text
    # in Latin-1 but for typographic marks), for the byte searches to read without encoding the
    # text again; None when not made.
    data: bytes | None = field(default=None, compare=False, repr=False)
    # The same for `original` (the original text's bytes: its case, its "…"), for the searches
    # that read the original text.
    original_data: bytes | None = field(default=None, compare=False, repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        count = len(self.origin)
        if 0 <= start < end <= count and self.ends:
            # A span inside the view (every detector's and pattern's): no clamping needed.
            first = self.origin[start]
            last = self.ends[end - 1]
            return (first, last if last > first else first)
        start = max(0, min(start, count))
        end = max(start, min(end, count))
        if start == end:
            position = self.origin[start] if start < count else len(self.original)
            return (position, position)
        first = self.origin[start]
        if self.ends:
            return (first, max(first, self.ends[end - 1]))
        last = self.origin[end - 1]
        next_origin = self.origin[end] if end < count else len(self.original)
        return (first, max(last + 1, next_origin))


_new_object = object.__new__


class _NormalizedTextDraft:
    """`NormalizedText`'s slots without its frozen `__setattr__`: a view (built on every call,
    each field given) is built as a draft, its fields set by plain attribute stores on a bare
    `object.__new__` (no `__init__` frame to run), then given the class `NormalizedText`. CPython
    lays slots out in the sorted order of their names, so the same names make the same layout and
    the object is a `NormalizedText` in every respect. A frozen dataclass's `__init__` sets each
    field with `object.__setattr__`, and the slots' descriptors take a call per field."""

    __slots__ = ("contacts", "data", "ends", "origin", "original", "original_data", "text")


def _normalized_text(
    original: str,
    text: str,
    origin: Sequence[int],
    ends: Sequence[int],
    contacts: NormalizedText | None,
    data: bytes | None = None,
    original_data: bytes | None = None,
) -> NormalizedText:
    """`NormalizedText(original, text, origin, ends, contacts, data, original_data)`, the same
    value."""
    view: Any = _new_object(_NormalizedTextDraft)
    view.original = original
    view.text = text
    view.origin = origin
    view.ends = ends
    view.contacts = contacts
    view.data = data
    view.original_data = original_data
    view.__class__ = NormalizedText
    # Typed by an annotated name, not by `typing.cast`, a function call on every one built.
    built: NormalizedText = view
    return built


# Lone surrogates (from JSON escapes such as "\ud800") cannot be encoded for the matching
# libraries; each folds to U+FFFD, one character for one, so every offset stays exact.
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize(text: str) -> NormalizedText:
    """Fold `text` for matching (both views), keeping the map back to the original characters."""
    source, latin1, typographic = _source(text, typographic=True)
    folded_data = _typographic_folded(typographic)
    if folded_data is not None:
        # The folded bytes serve the shape and the automaton
        # (test_typographic_text_folds_as_before).
        length = len(source)
        folded = _Draft(typographic_text(folded_data), range(length), range(1, length + 1))
        shape: bytes | None = folded_data.translate(_LATIN1_SHAPE.typographic)
    else:
        folded = _fold(source, latin1)
        shape = _latin1_shape(folded.text)
    loose = shape if shape is not None else _loose_shape(folded.text)
    spaced = _spaced_hint(folded.text, shape, loose)
    # Leetspeak needs a letter next to a digit it reads as a letter ("ab" or "ba" in the shape,
    # or in the loose shape of other text, where they are only a hint).
    # (`find` rather than `in`: `in` on bytes raises and clears a TypeError inside each test;
    # "ba" by a regex led by the rare "b", where `find` would stop at every letter's "a".)
    leet = spaced or loose.find(b"ab") >= 0 or _DIGIT_THEN_LETTER.search(loose) is not None
    phrase_view = _join_spaced(folded, _SPACED_ANY, shape) if spaced else folded
    if leet:
        # Unless spaced letters were joined, the phrase view is the folded text, whose shapes
        # give the leetspeak hints (`_join_spaced` returns the draft itself when it joins none).
        phrase_view = (
            _leet(phrase_view, shape, loose) if phrase_view is folded else _leet(phrase_view)
        )
    if "€" in phrase_view.text:
        phrase_view = _euro_signs_as_letters(phrase_view)
    contact_view = _contact_view(folded, spaced, shape, folded_data)
    origin, ends = _frozen(phrase_view.starts), _frozen(phrase_view.ends)
    if contact_view is not phrase_view:
        contact_origin, contact_ends = _frozen(contact_view.starts), _frozen(contact_view.ends)
    else:
        # Usually both views are the folded text unchanged, and share their maps.
        contact_origin, contact_ends = origin, ends
    contacts = _normalized_text(text, contact_view.text, contact_origin, contact_ends, None)
    return _normalized_text(
        text,
        phrase_view.text,
        origin,
        ends,
        contacts,
        # (Its bytes are the folded text's while no step rewrote it, as in most messages.)
        folded_data if phrase_view is folded else None,
        typographic,
    )


def normalize_contacts(text: str) -> NormalizedText:
    """The detector view alone: the same text and maps as `normalize(text).contacts`, without
    the phrase view (leetspeak, separators other than blanks) that only phrase matching reads.

    For callers that look for contact information only (the e-mail, phone and link detectors,
    `detectors/contact_information.py`); its `contacts` is None, and the detectors read the
    view itself."""
    classes = _LATIN1_SHAPE.latin1
    if text.isascii():
        # ASCII text folds by `lower()`, one for one (`_fold_plain`), without the other tests.
        folded_text = text.lower()
        # The Latin-1 bytes of ASCII text are its ASCII bytes: one encoding serves the shape
        # and the automaton.
        data = folded_text.encode("ascii")
    else:
        source, latin1, typographic = _source(text, typographic=True)
        if latin1 is not None and not latin1.translate(None, _LATIN1_PLAIN):
            # Latin-1 text of plain characters only (most European messages): folded by the
            # byte table, one for one, as `_fold` folds it; its Latin-1 bytes serve the shape
            # and the automaton, as ASCII text's do.
            data = latin1.translate(_LATIN1_CASEFOLD)
            folded_text = data.decode("latin-1")
        elif (typographic_data := _typographic_folded(typographic)) is not None:
            # As `normalize()` folds it; no key of the separators' automaton holds a mark's
            # byte, and the shape reads each mark's byte as the mark
            # (test_normalize_contacts_typographic).
            data = typographic_data
            folded_text = typographic_text(data)
            classes = _LATIN1_SHAPE.typographic
        else:
            folded = _fold(source, latin1)
            shape = _latin1_shape(folded.text)
            return _detector_view(
                text, _contact_view(folded, _spaced_hint(folded.text, shape), shape)
            )
    shape = data.translate(classes)
    length = len(text)
    folded_draft: _Draft | None = None
    if _SPACED_SHAPE.search(shape) is not None:
        # Where the hint is found, blank-spaced letters are joined first (`_contact_draft`);
        # when none are (the hint also reads dots, dashes and lone words such as "a"), the
        # rest is what it is for text without the hint.
        folded_draft = _Draft(folded_text, range(length), range(1, length + 1))
        joined = _join_spaced(folded_draft, _SPACED_BLANK, shape)
        if joined is not folded_draft:
            return _detector_view(text, _contact_draft(joined, False, shape))
    found = _SEPARATORS_AND_DIGITS_LATIN1.find_matches_as_indexes(data, overlapping=True)
    live = _rewrites(folded_text, found)
    if live is None:
        # Most short messages: the view is the folded text, one for one, as the draft and
        # the calls below would make it.
        return _normalized_text(text, folded_text, range(length), range(1, length + 1), None)
    if folded_draft is None:
        folded_draft = _Draft(folded_text, range(length), range(1, length + 1))
    return _detector_view(text, _contact_draft(folded_draft, False, shape, found, live))


def _detector_view(text: str, contact_view: _Draft) -> NormalizedText:
    """`normalize_contacts`' answer for a detector view that the rewriting steps made."""
    return _normalized_text(
        text, contact_view.text, _frozen(contact_view.starts), _frozen(contact_view.ends), None
    )


def _contact_view(
    folded: _Draft, spaced: bool, shape: bytes | None, data: bytes | None = None
) -> _Draft:
    """The detector view of the folded text: `folded` itself when the rewriting steps would
    change nothing (`_rewrites` is None), else `_contact_draft`'s. `data`: the folded text's
    one-byte-a-character bytes, when the caller has them."""
    if spaced:
        joined = _join_spaced(folded, _SPACED_BLANK, shape)
        if joined is not folded:
            return _contact_draft(joined, False, shape)
        # No blank-spaced letters joined (the hint also reads dots, dashes and lone words such
        # as "a"): the rest is what it is for text without the hint.
    found = _separators_and_digits(folded.text, shape is not None, data)
    live = _rewrites(folded.text, found)
    if live is None:
        return folded
    return _contact_draft(folded, False, shape, found, live)


# The separators' hints from the first one `_deobfuscate` takes past its first two tests on, how
# many hints there are in all, whether enough digit words stand alone for a run (known True, or
# not counted: False), and the bracketed separators' matches when they were looked for.
_LiveHints = tuple[list[int], int, bool, list[re.Match[str]] | None]


def _rewrites(text: str, found: list[tuple[int, int, int]]) -> _LiveHints | None:
    """None when `_contact_draft` leaves the folded, not spaced `text` as it is, `found` being
    `_separators_and_digits(text)`: no spelled or spaced separator that an address's rest
    follows (after a word that is no function word), no bracketed one, no scheme to respace (so
    `_deobfuscate` edits nothing), and no run of digit words (tested as `_contact_draft` tests
    it). Else the live hints, for `_contact_draft`."""
    # (A loop, not a comprehension, and no list while there is no hint: most texts have no
    # key or a few digit words, and a comprehension is a function call of its own.)
    hints: list[int] | None = None
    for key, start, _ in found:
        if _IS_HINT_KEY[key]:
            if hints is None:
                hints = [start]
            else:
                hints.append(start)
    if hints is not None:
        for index, start in enumerate(hints):
            # `_deobfuscate`'s first two tests of a hint, which skip it before any edit and
            # whatever came before: the rest of an address after it (not " at the door",
            # " at 9"), and no function word before it ("du point de vue", "at some point in").
            if _TAIL.match(text, start) is not None and (
                text[text.rfind(" ", 0, start) + 1 : start] not in _STOPWORDS
            ):
                return hints[index:], len(hints), False, None
    bracketed = None
    if "(" in text or "[" in text or "{" in text or "<" in text:
        bracketed = _matches_at(_BRACKETED, text, _BRACKETS)
        if bracketed:
            return [], len(hints) if hints is not None else 0, False, bracketed
    if ("http" in text or "ftp" in text) and any(
        match.group() != match.group(1) + "://"
        for match in _matches_at(_SCHEME, text, _SCHEME_NAMES)
    ):
        return [], len(hints) if hints is not None else 0, False, bracketed
    hint_count = len(hints) if hints is not None else 0
    if len(found) - hint_count < _RUN_MIN or _standing_digit_words(text, found) < _RUN_MIN:
        return None
    return [], hint_count, True, bracketed


def _source(text: str, *, typographic: bool = False) -> tuple[str, bytes | None, bytes | None]:
    """The text to fold, its Latin-1 bytes when it is Latin-1 but not ASCII, and, asked for with
    `typographic`, its `typographic_latin1` bytes when it is Latin-1 but for typographic marks."""
    if text.isascii():
        return text, None, None
    try:
        # Latin-1 text (most European messages) has no surrogates: known without the scan.
        return text, text.encode("latin-1"), None
    except UnicodeEncodeError as refused:
        # Text whose first character beyond Latin-1 is no mark (Japanese, a name in another
        # script) is known here, without the call (`typographic_latin1`'s own first test).
        if not typographic or text[refused.start] not in TYPOGRAPHIC_MARKS:
            return _without_surrogates(text), None, None
        marked = typographic_latin1(text)
        # Nor has text in Latin-1 but for typographic marks.
        return (text if marked is not None else _without_surrogates(text)), None, marked


def _without_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD."""
    try:
        # The UTF-8 encoder refuses lone surrogates only, and runs through the text several
        # times faster than `_SURROGATE`'s class scan (Japanese text has none).
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _spaced_hint(folded: str, shape: bytes | None, loose: bytes | None = None) -> bool:
    """Whether the folded text may hold spaced-out letters (`_SPACED_ANY_HINT`). `loose`: the
    text's `_loose_shape`, when the caller has it."""
    if shape is not None:
        # Text in Latin-1 (English, and most German, French, Spanish and Italian): one
        # translation to character classes answers the hint with a literal-led search, which
        # the regex engine runs far faster than the class-led hint (exactly the same answer).
        return _SPACED_SHAPE.search(shape) is not None
    # Other text (Japanese, typographic quotes): where the loose shape has no match the hint
    # has none (it reads no more letters than the loose shape has), known without the class
    # scan; a match there is confirmed on the text.
    if _SPACED_SHAPE.search(loose if loose is not None else _loose_shape(folded)) is None:
        return False
    return _SPACED_ANY_HINT.search(folded) is not None


def _contact_draft(
    folded: _Draft,
    spaced: bool,
    shape: bytes | None = None,
    found: list[tuple[int, int, int]] | None = None,
    live: _LiveHints | None = None,
) -> _Draft:
    """The detector view from the folded text: blank-spaced letters joined, obfuscated address
    separators and digit words rewritten. A blank-separated run is also a run of the broader
    hint, so the phrase view's test serves here too. `shape`: the folded text's Latin-1 shape,
    when it has one; `found`: `_separators_and_digits(folded.text)`, when the caller has it
    (not spaced: joining letters would move them); `live`: `_rewrites(folded.text, found)`,
    when the caller has it."""
    draft = _join_spaced(folded, _SPACED_BLANK, shape) if spaced else folded
    # A text with a Latin-1 shape is in Latin-1 (or so but for typographic marks), and so is
    # every draft made from it (letters joined, separators rewritten as ASCII).
    in_latin1 = shape is not None
    if found is None or draft is not folded:
        # One automaton pass finds both the spelled and spaced separators and every digit word.
        found = _separators_and_digits(draft.text, in_latin1)
        live = None
    standing_run = False
    if live is None:
        hints = [start for key, start, _ in found if _IS_HINT_KEY[key]]
        hint_count = len(hints)
        deobfuscated = _deobfuscate(draft, hints)
    else:
        # The hints before the first live one are skipped by `_deobfuscate` whatever happens.
        hints, hint_count, standing_run, bracketed = live
        deobfuscated = _deobfuscate(draft, hints, first_live=bool(hints), bracketed=bracketed)
    if len(found) - hint_count < _RUN_MIN:
        # Fewer digit words in the text, overlapping or not, than a run needs (most messages):
        # `_digit_words` would find no run. Rewritten separators make no new digit word: each
        # is replaced by ".", "@", "/" or its own scheme letters and "://", between words.
        return deobfuscated
    if (
        deobfuscated is draft
        and not standing_run
        and _standing_digit_words(draft.text, found) < _RUN_MIN
    ):
        # Nothing was rewritten, and fewer digit words stand alone (as `_digit_words` requires
        # of the Latin ones) than a run needs: "un", "tre" and "one" inside other words make
        # most of the count above. `_digit_words` finds its words among these (leftmost-longest
        # matches are some of the overlapping ones), so it would find no run.
        return deobfuscated
    return _digit_words(deobfuscated, in_latin1)


def _standing_digit_words(text: str, found: list[tuple[int, int, int]]) -> int:
    """How many of the digit words `_SEPARATORS_AND_DIGITS` found in `text` (`found`, with
    the separators' hints) `_digit_words` would keep: the Japanese ones, and the others that
    no letter or digit touches."""
    count = 0
    length = len(text)
    for key, start, end in found:
        if _IS_HINT_KEY[key]:
            continue
        # The keys beyond Latin-1 that are no hint are the Japanese digit words.
        if key >= _BEYOND_LATIN1_KEYS or (
            (start == 0 or not text[start - 1].isalnum())
            and (end == length or not text[end].isalnum())
        ):
            count += 1
    return count


def _frozen(offsets: Sequence[int]) -> Sequence[int]:
    # A tuple of the two classes: `range | tuple` would build a union object on every call, and
    # `isinstance` reads a union more slowly.
    return offsets if isinstance(offsets, (range, tuple)) else tuple(offsets)


@dataclass(slots=True)
class _Draft:
    """A view under construction: its text and, per character, the original [start, end)."""

    text: str
    # `range` objects while the view is the original one for one (no copying for ASCII text).
    starts: Sequence[int]
    ends: Sequence[int]


Edit = tuple[int, int, str]


def _apply(draft: _Draft, edits: list[Edit]) -> _Draft:
    """Replace `draft.text[a:b]` by each edit's string; new characters map to [a, b)'s origin."""
    if not edits:
        return draft
    source, starts, ends = draft.text, draft.starts, draft.ends
    count = len(starts)
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    # Bound once: a rewritten address or number makes a few edits per word.
    add_part, add_starts, add_ends = parts.append, new_starts.extend, new_ends.extend
    position = 0
    for a, b, new in edits:
        if a < position:
            continue
        if position < a:
            add_part(source[position:a])
            add_starts(starts[position:a])
            add_ends(ends[position:a])
        if new:
            size = len(new)
            if size == b - a:
                # One-for-one replacements (leetspeak) keep each character's own origin.
                add_starts(starts[a:b])
                add_ends(ends[a:b])
            else:
                first = starts[a] if a < count else (ends[-1] if ends else 0)
                last = ends[b - 1] if b > a else first
                add_starts([first] * size)
                add_ends([last] * size)
            add_part(new)
        position = b
    add_part(source[position:])
    add_starts(starts[position:])
    add_ends(ends[position:])
    return _Draft("".join(parts), new_starts, new_ends)


# A stretch of a draft's text replaced by a new text whose characters' origins are given
# (`starts[i]`, `ends[i]` for its character i): [a, b), the text, its starts, its ends.
_Block = tuple[int, int, str, Sequence[int], Sequence[int]]


def _splice(draft: _Draft, blocks: list[_Block]) -> _Draft:
    """Replace `draft.text[a:b]` by each block's text (blocks in order, none overlapping). One
    block for a run of changes costs what one of `_apply`'s edits does: a rewritten number or
    joined word is one block, not an edit per word or letter (a few thousand instructions
    each)."""
    if not blocks:
        return draft
    source, starts, ends = draft.text, draft.starts, draft.ends
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    position = 0
    for a, b, new, block_starts, block_ends in blocks:
        parts.append(source[position:a])
        parts.append(new)
        new_starts += starts[position:a]
        new_starts += block_starts
        new_ends += ends[position:a]
        new_ends += block_ends
        position = b
    parts.append(source[position:])
    new_starts += starts[position:]
    new_ends += ends[position:]
    return _Draft("".join(parts), new_starts, new_ends)


# Zero-width and invisible formatting characters that split words without showing.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
    "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)

# Cyrillic and Greek letters that look like Latin ones (upper and lower case); none of the six
# supported languages writes them, so folding them only undoes disguises such as `sаles@` or
# `rеviеw`.
_HOMOGLYPHS = {
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h", "і": "i",
    "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s",
    "т": "t", "у": "y", "ү": "y", "х": "x", "ԝ": "w", "ɡ": "g", "ı": "i",
    "А": "a", "В": "b", "С": "c", "Е": "e", "Н": "h", "І": "i", "Ј": "j", "К": "k", "М": "m",
    "О": "o", "Р": "p", "Ѕ": "s", "Т": "t", "Х": "x", "У": "y", "Ү": "y", "Ԁ": "d", "Ԛ": "q",
    "Ԝ": "w", "Ӏ": "l", "Ё": "e", "Һ": "h", "Ї": "i", "Ɡ": "g",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "τ": "t", "υ": "u", "χ": "x",
    "ε": "e", "ϲ": "c", "ϳ": "j", "Ϳ": "j",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c",
}  # fmt: skip
_TRANSLATE: dict[int, str | None] = {ord(k): v for k, v in _HOMOGLYPHS.items()}
_TRANSLATE.update({ord(c): None for c in _INVISIBLE})
_SPECIAL = re.compile("[" + re.escape("".join(_HOMOGLYPHS) + _INVISIBLE) + "]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# "?" in the text encoded to ASCII with "replace" (one "?" per character beyond ASCII, the text's
# own question marks among them), written to start with the literal: the regex engine then scans
# for it in a tight loop, where `_NON_ASCII_RUN` calls its class test at every character.
_REPLACED_RUN = re.compile(rb"\?\?*")


def _non_ascii_runs(text: str) -> list[tuple[int, int]]:
    """The spans of `_NON_ASCII_RUN`'s matches in `text`, in order: the runs of "?" in its ASCII
    encoding (each character beyond ASCII, a lone surrogate too, is one "?"), less the text's
    own question marks (about half the instructions on 500 characters of European text with a
    few characters beyond Latin-1)."""
    marked = text.encode("ascii", "replace")
    if "?" not in text:
        # Every "?" stands for a character beyond ASCII (Japanese text asks with "？").
        return [replaced.span() for replaced in _REPLACED_RUN.finditer(marked)]
    spans: list[tuple[int, int]] = []
    for replaced in _REPLACED_RUN.finditer(marked):
        a, b = replaced.span()
        if "?" not in text[a:b]:
            spans.append((a, b))
            continue
        # Question marks of the text split the run (most such runs are one question mark).
        start = -1
        for index in range(a, b):
            if text[index] == "?":
                if start >= 0:
                    spans.append((start, index))
                    start = -1
            elif start < 0:
                start = index
        if start >= 0:
            spans.append((start, b))
    return spans


@lru_cache(maxsize=16384)
def _fold_cluster(cluster: str) -> str:
    """NFKC + look-alikes + case folding + NFKC again, repeated until nothing changes."""
    current = cluster
    for _ in range(4):
        step = unicodedata.normalize("NFKC", current).translate(_TRANSLATE)
        step = unicodedata.normalize("NFKC", step.casefold()).translate(_TRANSLATE)
        if step == current:
            break
        current = step
    return current


@lru_cache(maxsize=4096)
def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _stable(run: str) -> bool:
    """Whether a non-ASCII run is already in folded form (most Japanese text is)."""
    return (
        not _is_mark(run[0])
        and unicodedata.is_normalized("NFKC", run)
        and run == run.casefold()
        and _SPECIAL.search(run) is None
    )


def _fold(text: str, latin1: bytes | None = None) -> _Draft:
    """NFKC, case folding, look-alikes and zero-width removal, cluster by cluster. `latin1`:
    the text's Latin-1 bytes, when the caller has them."""
    if latin1 is not None:
        others = latin1.translate(None, _LATIN1_PLAIN)
        if not others:
            # Latin-1 text of plain characters only (most European messages): their case
            # folding is a byte table, and nothing else changes
            # (test_latin1_plain_text_folds_as_before).
            return _Draft(
                latin1.translate(_LATIN1_CASEFOLD).decode("latin-1"),
                range(len(text)),
                range(1, len(text) + 1),
            )
        if not others.replace(b"\xdf", b""):
            # Plain characters and ß (German): the byte table, then "ss" for each ß.
            return _fold_plain_and_eszett(latin1)
    draft = _fold_plain(text)
    if draft is not None:
        # Already normalised (ASCII, or checked): nothing to fold again.
        return draft
    draft = _fold_clusters(text)
    for _ in range(3):
        # Folding one cluster can make a combining character that composes with the cluster
        # before it (halfwidth ﾊﾞ → ハ + U+3099 → バ): fold again until the whole is normalised.
        if unicodedata.is_normalized("NFKC", draft.text):
            break
        again = _fold_plain(draft.text) or _fold_clusters(draft.text)
        draft = _Draft(
            again.text,
            [draft.starts[i] for i in again.starts],
            [draft.ends[i - 1] for i in again.ends],
        )
    return draft


def _fold_plain_and_eszett(latin1: bytes) -> _Draft:
    """The fold of Latin-1 text whose characters are plain but for ß: the cluster walk would
    fold every other character as the byte table does, one for one, and ß to "ss", both letters
    coming from it (test_contact_speedpath_normalize compares the two)."""
    pieces = latin1.translate(_LATIN1_CASEFOLD).decode("latin-1").split("ß")
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for piece in pieces[:-1]:
        eszett = position + len(piece)
        starts.extend(range(position, eszett))
        ends.extend(range(position + 1, eszett + 1))
        starts.extend((eszett, eszett))
        ends.extend((eszett + 1, eszett + 1))
        position = eszett + 1
    starts.extend(range(position, len(latin1)))
    ends.extend(range(position + 1, len(latin1) + 1))
    return _Draft("ss".join(pieces), starts, ends)


def _plain_latin1(char: str) -> bool:
    """A Latin-1 character that NFKC keeps, whose case folding is one Latin-1 character that NFKC
    keeps, and that is no invisible character: text of these folds character by character."""
    folded = char.casefold()
    return (
        char not in _INVISIBLE
        and unicodedata.is_normalized("NFKC", char)
        and len(folded) == 1
        and folded <= "\xff"
        and unicodedata.is_normalized("NFKC", folded)
        and folded not in _INVISIBLE
    )


# The plain Latin-1 characters (as bytes, deleted to test that nothing else is left) and their
# case folding as a byte table. Not plain: ß (folds to "ss"), µ (to the Greek mu), the soft
# hyphen, and the compatibility characters NFKC rewrites (ª, ², ½, the no-break space, …).
_LATIN1_PLAIN = bytes(code for code in range(256) if _plain_latin1(chr(code)))
_LATIN1_CASEFOLD = bytes.maketrans(
    bytes(range(256)),
    bytes(ord(chr(c).casefold()) if _plain_latin1(chr(c)) else c for c in range(256)),
)


# Typographic punctuation that phones and mail clients write for ' " - and "..." is beyond
# Latin-1, which puts a European message off the Latin-1 byte searches. cp1252 writes each mark
# as one byte in 0x80-0x9f, where Latin-1 has the C1 controls, which cp1252 refuses to encode: in
# text so encoded such a byte stands for its mark alone, one byte a character as in Latin-1, so
# every offset is a character offset. The byte searches read these bytes as the marks they stand
# for (class tables give them the marks' classes; automata hold the keys so encoded).
TYPOGRAPHIC_MARKS = "\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2022\u2026\u2039\u203a"
_TYPOGRAPHIC_BYTES = TYPOGRAPHIC_MARKS.encode("cp1252")
# Latin-1 with the marks at their cp1252 bytes, and nothing (U+FFFE, refused) at the other bytes
# of 0x80-0x9f: one charmap pass in C encodes text to it, or refuses it (cp1252's own codec is a
# Python-level call, and would take €, Š, ™, … too).
_TYPOGRAPHIC_CHARS = "".join(
    chr(code)
    if not 0x80 <= code < 0xA0
    else bytes([code]).decode("cp1252")
    if code in _TYPOGRAPHIC_BYTES
    else "\ufffe"
    for code in range(256)
)
_TYPOGRAPHIC_ENCODING = codecs.charmap_build(_TYPOGRAPHIC_CHARS)
# Text that starts or ends past the last mark is neither in Latin-1 nor so but for the marks.
LAST_TYPOGRAPHIC_MARK = max(TYPOGRAPHIC_MARKS)


def typographic_latin1(text: str, refused: UnicodeEncodeError | None = None) -> bytes | None:
    """`text` one byte a character when its characters beyond Latin-1 are all typographic marks
    (`TYPOGRAPHIC_MARKS`) and it has no C1 control: Latin-1, with each mark at its cp1252 byte.
    None for other text. `refused`: the Latin-1 encoder's error on `text`, when the caller has
    it: text whose first character beyond Latin-1 is no mark is known without the encode (text
    with a name in another script, Japanese), which otherwise costs a pass and an exception."""
    if refused is not None and text[refused.start] not in TYPOGRAPHIC_MARKS:
        return None
    if text and (text[0] > LAST_TYPOGRAPHIC_MARK or text[-1] > LAST_TYPOGRAPHIC_MARK):
        return None
    try:
        return codecs.charmap_encode(text, "strict", _TYPOGRAPHIC_ENCODING)[0]
    except UnicodeEncodeError:
        return None


def _typographic_folded(typographic: bytes | None) -> bytes | None:
    """The folded `typographic_latin1` bytes `typographic` of text of plain Latin-1 characters and
    typographic marks that fold to themselves (all but "…", which NFKC writes as "..."): folded as
    `_fold` folds plain Latin-1 text, by the byte table, one for one, the marks' bytes left as
    they are. None for other text."""
    if typographic is None or typographic.translate(None, _TYPOGRAPHIC_PLAIN):
        return None
    return typographic.translate(_LATIN1_CASEFOLD)


def typographic_text(data: bytes) -> str:
    """The text whose `typographic_latin1` bytes are `data`."""
    return codecs.charmap_decode(data, "strict", _TYPOGRAPHIC_CHARS)[0]


def latin1_bytes(text: str) -> bytes | None:
    """`text` in Latin-1, or None when it has a character beyond it."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _one_byte_a_character(text: str) -> bytes:
    """The bytes of text known to be in Latin-1 or `typographic_latin1`'s."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return codecs.charmap_encode(text, "strict", _TYPOGRAPHIC_ENCODING)[0]


def _plain_mark(mark: str) -> bool:
    return (
        mark not in _INVISIBLE
        and unicodedata.is_normalized("NFKC", mark)
        and mark.casefold() == mark
        and _SPECIAL.search(mark) is None
    )


# What `_fold` folds by the byte table in `typographic_latin1` bytes: the plain Latin-1
# characters but the C1 controls (whose bytes stand for marks there), and the marks that fold to
# themselves.
_TYPOGRAPHIC_PLAIN = bytes(code for code in _LATIN1_PLAIN if not 0x80 <= code < 0xA0) + bytes(
    _TYPOGRAPHIC_CHARS.index(mark) for mark in TYPOGRAPHIC_MARKS if _plain_mark(mark)
)


def _in_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _has_special(text: str) -> bool:
    """Whether `text` has a look-alike or invisible character; in Latin-1 the soft hyphen is the
    only one, found without the scan."""
    if _in_latin1(text):
        return "\xad" in text
    return _SPECIAL.search(text) is not None


def _fold_plain(text: str) -> _Draft | None:
    """The folded text when it maps one for one and is NFKC-normalised, else None."""
    if text.isascii():
        return _Draft(text.lower(), range(len(text)), range(1, len(text) + 1))
    if unicodedata.is_normalized("NFKC", text):
        # Most text (accented letters, Japanese) only needs case folding, and when that keeps
        # every character one character the map stays one for one: no cluster walk.
        folded = text.casefold()
        # Text that case folding leaves as it is (Japanese) is the text just found normalised.
        if (
            len(folded) == len(text)
            and not _has_special(folded)
            and (folded == text or unicodedata.is_normalized("NFKC", folded))
        ):
            return _Draft(folded, range(len(text)), range(1, len(text) + 1))
    return None


def _fold_clusters(text: str) -> _Draft:
    """Fold the non-ASCII runs that need it cluster by cluster, the rest as it is."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    # text[:position] is folded into `parts`; the maps are written up to `mapped` (the stretch
    # after it maps one for one and is written when the next folded cluster needs it).
    position = mapped = 0
    for a, b in _non_ascii_runs(text):
        run = text[a:b]
        if _stable(run):
            # Between two runs the text is ASCII, where `lower()` is case folding; a stable run
            # is kept as it is (`lower()` differs from `casefold()` on scripts like Cherokee).
            parts.append(text[position:a].lower())
            parts.append(run)
            position = b
            continue
        folded_run = _fold_one_for_one(run)
        if folded_run is not None:
            # Every character is a cluster of its own that folds to one character (fullwidth
            # letters, look-alikes): the cluster walk would give the same text and a map one
            # for one, the ASCII character it takes in before the run included.
            parts.append(text[position:a].lower())
            parts.append(folded_run)
            position = b
            continue
        # A combining mark belongs to the character before it, so take that one in too.
        if a > position and a > 0:
            a -= 1
        parts.append(text[position:a].lower())
        starts.extend(range(mapped, a))
        ends.extend(range(mapped + 1, a + 1))
        _fold_slow(text, a, b, parts, starts, ends)
        position = mapped = b
    parts.append(text[position:].lower())
    if mapped == 0:
        # Every run was stable: the text maps one for one.
        return _Draft("".join(parts), range(len(text)), range(1, len(text) + 1))
    starts.extend(range(mapped, len(text)))
    ends.extend(range(mapped + 1, len(text) + 1))
    return _Draft("".join(parts), starts, ends)


# Per character met in a run that is not stable: its fold as a cluster of its own, when that is
# one character (`_ONE_FOR_ONE`, a `str.translate` table), or its membership of `_NOT_ALONE`:
# combining marks and invisible characters (which join or leave clusters) and characters that
# fold to no or several characters. Filled on first sight, up to `_CHARACTERS_KEPT` characters.
_ONE_FOR_ONE: dict[int, str] = {}
_NOT_ALONE: set[str] = set()
_CHARACTERS_KEPT = 65536


def _fold_one_for_one(run: str) -> str | None:
    """The fold of a run of non-ASCII characters when each character is a cluster of its own
    folding to one character (so the walk of `_fold_slow` maps it one for one), else None."""
    characters = set(run)
    if not characters.isdisjoint(_NOT_ALONE):
        return None
    for char in characters:
        if ord(char) in _ONE_FOR_ONE:
            continue
        if len(_ONE_FOR_ONE) + len(_NOT_ALONE) >= _CHARACTERS_KEPT:
            return None
        folded = _fold_cluster(char)
        if char in _INVISIBLE or _is_mark(char) or len(folded) != 1:
            _NOT_ALONE.add(char)
            return None
        _ONE_FOR_ONE[ord(char)] = folded
    return run.translate(_ONE_FOR_ONE)


def _fold_slow(
    text: str, a: int, b: int, parts: list[str], starts: list[int], ends: list[int]
) -> None:
    """Fold text[a:b] one cluster (a character and the marks after it) at a time."""
    cluster_start = -1
    index = a
    while index < b:
        char = text[index]
        if char in _INVISIBLE:
            index += 1
            continue
        if cluster_start >= 0 and _is_mark(char):
            index += 1
            continue
        if cluster_start >= 0:
            _emit(text, cluster_start, index, parts, starts, ends)
        cluster_start = index
        index += 1
    if cluster_start >= 0:
        _emit(text, cluster_start, b, parts, starts, ends)


def _emit(text: str, a: int, b: int, parts: list[str], starts: list[int], ends: list[int]) -> None:
    cluster = text[a:b]
    folded = _fold_cluster(cluster.translate(_TRANSLATE) if len(cluster) > 1 else cluster)
    if not folded:
        return
    # The trailing original characters may be invisible ones that were skipped: they belong to
    # the cluster's span only if they sit between its characters, so trim them from the end.
    end = b
    while end > a + 1 and text[end - 1] in _INVISIBLE:
        end -= 1
    parts.append(folded)
    if folded == cluster:
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
    else:
        starts.extend([a] * len(folded))
        ends.extend([end] * len(folded))


# Spaced-out letters: three or more single letters with the same separator between them. In the
# phrase view any of these separators; in the detector view only blanks (a dot there is a dot).
_LETTER = r"(?:[^\W\d_]|[013457])"
_SPACED_ANY = re.compile(
    rf"(?<![\w.\-*·]){_LETTER}(?P<sep>[ \t]{{1,3}}|[.\-_*·]){_LETTER}"
    rf"(?:(?P=sep){_LETTER})+(?![\w\-*·]|\.\w)"
)
_SPACED_BLANK = re.compile(r"(?<!\w)[^\W\d_](?P<sep>[ \t]{1,3})[^\W\d_](?:(?P=sep)[^\W\d_])+(?!\w)")
# A cheap first test (a pattern that starts with a separator is scanned fast): the full patterns
# above only run on text with a single letter between separators followed by two more.
_SPACED_ANY_HINT = re.compile(
    r"[ \t.\-_*·][^\W\d_][ \t.\-_*·]+(?:[^\W\d_]|[013457])[ \t.\-_*·]+(?:[^\W\d_]|[013457])"
)


# Latin-1 text as character classes for the two hints: a separator of `_SPACED_ANY_HINT` is " ",
# a letter (`[^\W\d_]`, as the hints read it) "a", a digit that leetspeak reads as a letter "b",
# anything else "x". In that shape `_SPACED_ANY_HINT` is " a  *[ab] +[ab]" (led by the literal
# " a ", a single-letter word) and `_LEET_HINT` is "ab" or "ba".
_SEPARATOR_CHAR = re.compile(r"[ \t.\-_*·]")
_LETTER_CHAR = re.compile(r"[^\W\d_]")


def _latin1_class(char: str) -> str:
    if _SEPARATOR_CHAR.fullmatch(char):
        return " "
    if _LETTER_CHAR.fullmatch(char):
        return "a"
    return "b" if char in "013457" else "x"


class ClassTables(NamedTuple):
    """`bytes.translate` tables giving each character its one-letter class: of Latin-1 bytes,
    and of `typographic_latin1` bytes (where 0x80-0x9f stand for typographic marks)."""

    latin1: bytes
    typographic: bytes


def latin1_classes(classify: Callable[[str], str]) -> ClassTables:
    """The class tables of each Latin-1 character and typographic mark."""
    latin1 = "".join(classify(chr(code)) for code in range(256))
    typographic = "".join(
        classify(_TYPOGRAPHIC_CHARS[code]) if code in _TYPOGRAPHIC_BYTES else latin1[code]
        for code in range(256)
    )
    return ClassTables(
        bytes.maketrans(bytes(range(256)), latin1.encode("ascii")),
        bytes.maketrans(bytes(range(256)), typographic.encode("ascii")),
    )


def latin1_shape(text: str, classes: ClassTables) -> bytes | None:
    """`text` as one class letter per character, or None when it has a character beyond
    Latin-1 other than the typographic marks. Both steps copy bytes, with no Python-level work
    per character: a search for a literal in the shape replaces a regex led by a character
    class, which the regex engine tries at every candidate character."""
    try:
        return text.encode("latin-1").translate(classes.latin1)
    except UnicodeEncodeError as refused:
        typographic = typographic_latin1(text, refused)
        return None if typographic is None else typographic.translate(classes.typographic)


_LATIN1_SHAPE = latin1_classes(_latin1_class)
_SPACED_SHAPE = re.compile(rb" a  *[ab] +[ab]")
# "ba" in a shape: a digit read as a letter, then a letter.
_DIGIT_THEN_LETTER = re.compile(rb"ba")


def _latin1_shape(text: str) -> bytes | None:
    return latin1_shape(text, _LATIN1_SHAPE)


# The shape of any text, every character beyond Latin-1 read as a letter: the "replace" encoder
# writes "?" for each (one byte per character, in C), which this table reads as "a", as it
# reads a "?" of the text. The hints' separators and digits are all in Latin-1, so they are
# where `_latin1_shape` would put them and only letters can be too many: a literal search that
# finds nothing here finds nothing in the exact classes, and what it finds is confirmed on the
# text (about 1 us against 4-8 us for a class scan of 500 Japanese characters).
_LOOSE_SHAPE = _LATIN1_SHAPE.latin1[: ord("?")] + b"a" + _LATIN1_SHAPE.latin1[ord("?") + 1 :]


def _loose_shape(text: str) -> bytes:
    return text.encode("latin-1", "replace").translate(_LOOSE_SHAPE)


# Single-letter words of the six languages ("a", "y", "e", "o", "à"): one at the start of a
# spaced run is more likely a word than part of the spelled-out one ("leave a r e v i e w").
_SINGLE_LETTER_WORDS = frozenset("aiyeouàè")


def _spaced_matches(
    pattern: re.Pattern[str], text: str, shape: bytes | None
) -> Iterable[re.Match[str]]:
    """`pattern.finditer(text)` for `_SPACED_ANY` or `_SPACED_BLANK`. `shape`: the text's Latin-1
    shape, when it has one. Both patterns start with a letter (or leet digit) whose lookbehind
    makes the regex engine try every position (15 us at 500 characters); but each match's second
    letter stands alone between separators, " a " or " b " in the shape, with the first letter
    the nearest letter before it, 1-3 separators back. Only there can a match start: those places
    are found with literal searches and the pattern tried there, in text order."""
    if shape is None:
        return pattern.finditer(text)
    starts: set[int] = set()
    for single in (b" a ", b" b "):
        found = shape.find(single)
        while found >= 0:
            first = found
            while first > 0 and shape[first] == _SHAPE_SEPARATOR and found - first < 3:
                first -= 1
            if shape[first] != _SHAPE_SEPARATOR:
                starts.add(first)
            found = shape.find(single, found + 2)
    return _matches_from(pattern, text, sorted(starts))


def _matches_from(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """`pattern.finditer(text)` when every match starts at one of `starts` (ascending): the
    pattern is tried only there, and a match hides the starts it covers, as finditer's would."""
    matches: list[re.Match[str]] = []
    done = 0
    for start in starts:
        if start < done:
            continue
        match = pattern.match(text, start)
        if match is not None:
            matches.append(match)
            done = match.end()
    return matches


_SHAPE_SEPARATOR = ord(" ")


def _join_spaced(draft: _Draft, pattern: re.Pattern[str], shape: bytes | None = None) -> _Draft:
    """Join the runs of spaced-out letters `pattern` finds. `shape`: `draft.text`'s Latin-1
    shape, when the caller has it."""
    text, starts, ends = draft.text, draft.starts, draft.ends
    blocks: list[_Block] = []
    for match in _spaced_matches(pattern, text, shape):
        sep = match.group("sep")
        step = len(sep) + 1
        letters = match.group()[::step]
        if not letters[0].isalpha() or not letters[-1].isalpha():
            continue
        if sum(c.isalpha() for c in letters) < 2:
            continue
        start = match.start()
        if sep.isspace() and letters[0] in _SINGLE_LETTER_WORDS and len(letters) > 3:
            letters = letters[1:]
            start += step
        if len(letters) < 3:
            continue
        # The separators deleted, each letter keeps its own origin: one block per run rather
        # than an edit per separator.
        end = match.end()
        blocks.append((start, end, letters, starts[start:end:step], ends[start:end:step]))
    if blocks and pattern is _SPACED_BLANK and ("." in text or "-" in text):
        blocks = _with_spaced_joints(draft, blocks)
    return _splice(draft, blocks)


# In an address spaced out whole ("h o l z w e r k - b a u e r . d e"), two pieces that
# `_SPACED_BLANK` (runs of three letters or more) leaves apart though the runs around them are
# joined: a country's two-letter domain after a dot, and a hyphen between two joined runs. Read
# only where some run was joined.
_SPACED_DOMAIN_END = re.compile(r"\.(?P<sep>[ \t]{1,3})([^\W\d_])(?P=sep)([^\W\d_])(?!\w)")
_SPACED_HYPHEN = re.compile(r"[ \t]{1,3}(-)[ \t]{1,3}")


def _with_spaced_joints(draft: _Draft, blocks: list[_Block]) -> list[_Block]:
    """`blocks` with a block for each spaced two-letter domain ending that none overlaps and
    for each spaced hyphen between two of them, in text order."""
    text, starts, ends = draft.text, draft.starts, draft.ends
    added: list[_Block] = []
    for match in _SPACED_DOMAIN_END.finditer(text, blocks[0][0]):
        start, end = match.start(2), match.end(3)
        if any(a < end and start < b for a, b, _, _, _ in blocks):
            continue
        step = end - start
        letters = match.group(2) + match.group(3)
        added.append((start, end, letters, starts[start:end:step], ends[start:end:step]))
    run_ends = {end for _, end, _, _, _ in blocks}
    run_starts = {start for start, _, _, _, _ in blocks}
    for match in _SPACED_HYPHEN.finditer(text, blocks[0][1]):
        if match.start() in run_ends and match.end() in run_starts:
            hyphen = match.start(1)
            origin = starts[hyphen : hyphen + 1], ends[hyphen : hyphen + 1]
            added.append((match.start(), match.end(), "-", *origin))
    if not added:
        return blocks
    return sorted(blocks + added, key=itemgetter(0))


_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_LEET_TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_]+\d|\d+[^\W\d_])[^\W_]*")
# One branch that starts with the digit class: the regex engine then skips ahead to the next
# 0/1/3/4/5/7 with its fast character-set scan instead of trying every position.
_LEET_HINT = re.compile(r"[013457](?:(?<=[^\W\d_][013457])|(?=[^\W\d_]))")
_UNIT_LIKE = re.compile(r"\d+[^\W\d_]{1,3}|[^\W\d_]{1,2}\d+")


def _leet_hints(text: str, shape: bytes | None, loose: bytes | None = None) -> Iterable[int]:
    """Where `_LEET_HINT` matches in `text`, in order. `shape`: the text's Latin-1 shape, if it
    has one, where a leet digit next to a letter is "ab" or "ba": two searches for a literal
    find those in C, while the class-led regex steps through the text (5 us at 500 characters).
    Other text: the same searches in its `_loose_shape` (`loose`, when the caller has it) find
    every hint and maybe more, and `_LEET_HINT` is tried at each (its lookbehind sees the
    character before)."""
    if shape is None:
        found = _shape_leet_hints(loose if loose is not None else _loose_shape(text))
        return [start for start in found if _LEET_HINT.match(text, start) is not None]
    return _shape_leet_hints(shape)


def _shape_leet_hints(shape: bytes) -> list[int]:
    """Where a shape has a leet digit ("b") next to a letter ("a"), in order."""
    positions: set[int] = set()
    found = shape.find(b"ab")
    while found >= 0:
        positions.add(found + 1)
        found = shape.find(b"ab", found + 2)
    found = shape.find(b"ba")
    while found >= 0:
        positions.add(found)
        found = shape.find(b"ba", found + 1)
    return sorted(positions)


def _leet(draft: _Draft, shape: bytes | None = None, loose: bytes | None = None) -> _Draft:
    """Fold leetspeak digits inside words with letters (`r3v1ew`), never in numbers or codes.
    `shape`: `draft.text`'s Latin-1 shape (`_latin1_shape`), when the caller has it; `loose`
    its `_loose_shape`, when it has no Latin-1 shape and the caller has that."""
    text = draft.text
    edits: list[Edit] = []
    done = -1
    # Start from a leet digit next to a letter (a fast scan), then take the whole token.
    for start in _leet_hints(text, shape, loose):
        if start < done:
            continue
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        match = _LEET_TOKEN.match(text, start)
        if match is None:
            continue
        done = match.end()
        edits.extend(_leet_edits(text, match))
    return _apply(draft, edits)


# A euro sign between two letters stands for an "e" ("5 St€rne", "r€view"): the phrase view
# reads the letter. Next to a digit or a blank it is an amount, and stays.
_EURO_IN_WORD = re.compile(r"(?<=[^\W\d_])€(?=[^\W\d_])")


def _euro_signs_as_letters(draft: _Draft) -> _Draft:
    """`draft` with each euro sign between two letters read as an "e", and leetspeak folded
    again: the "e" joins two words into one, which leetspeak may read otherwise ("5t€rn3" is
    "sterne"), and a digit leetspeak reads as a letter may stand before another sign ("a0€a"
    becomes "ao€a", then "aoea"). Repeated until no sign stands between two letters, so that
    folding the view again changes nothing; each round turns at least one sign into a letter, so
    it ends."""
    while True:
        edits: list[Edit] = [(m.start(), m.end(), "e") for m in _EURO_IN_WORD.finditer(draft.text)]
        if not edits:
            return draft
        draft = _leet(_apply(draft, edits))


def _leet_edits(text: str, match: re.Match[str]) -> list[Edit]:
    token = match.group()
    if match.end() < len(text) and _is_mark(text[match.end()]):
        # A letter made from the last digit would compose with the mark after it.
        return []
    if any(c.isdigit() and c not in _LEET for c in token):
        return []
    letters = sum(c.isalpha() for c in token)
    if letters < 2 or _UNIT_LIKE.fullmatch(token):
        return []
    between = any(
        token[i].isdigit()
        and token[i - 1].isalpha()
        and token[i + 1 :].lstrip("013457")[:1].isalpha()
        for i in range(1, len(token) - 1)
    )
    leading = token[0].isdigit() and letters >= 4
    if not (between or leading):
        return []
    base = match.start()
    return [
        (base + offset, base + offset + 1, _LEET[char])
        for offset, char in enumerate(token)
        if char in _LEET
    ]


# ---- the detector view: obfuscated separators and digit words --------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_BRACKETED = re.compile(
    r"[(\[{<]\s*(at|@|arroba|arobase|chiocciola|アット|dot|\.|punkt|point|punto|ドット)\s*[)\]}>]"
)
_SCHEME = re.compile(r"(?<![a-z])(https?|ftp)\s*:\s*/\s*/\s*")

# Top-level domains that a spelled-out or spaced address may end in. Short on purpose: these are
# the ones sellers use, and a longer list only adds sentence-break false positives.
SPELLED_TLDS = _word_set(
    "com net org info biz io co me shop store online site app de fr es it eu uk at ch be nl jp us "
    "ca au pl se dk pt ie ly gl gd to"
)
_LABEL = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
_DOT = r"(?:\.|\s+\.\s+|\s+(?:dot|punkt|point|punto)\s+|\s*ドット\s*)"
_AT = r"(?:@|\s+@\s+|\s+(?:at|arroba|arobase|chiocciola)\s+|\s*アット(?:マーク)?\s*)"
# Every label of an address is followed by a separator (`_DOT` or `_AT`), which starts with ".",
# "@", a blank, "ド" or "ア", never with a label character: only the longest label at a position
# can be followed by one. Labels are taken atomically, `(?>…)` as in `_WHOLE_LABEL` below, so the
# regex engine does not retry every shorter label before failing (the same matches).
_ADDRESS = re.compile(
    rf"(?<![a-z0-9_.@-])(?:(?>{_LABEL}){_DOT})*(?>{_LABEL})"
    rf"(?:{_AT}(?>{_LABEL})(?:{_DOT}(?>{_LABEL}))*)?{_DOT}(?P<tld>[a-z]{{2,6}})"
    rf"(?![a-z0-9_-])(?P<path>(?:\s*(?:/|\bslash\b)\s*[a-z0-9_-]+)*)"
)
_SEPARATOR = re.compile(
    r"\s*(?:\.|@|/|ドット|アット(?:マーク)?)\s*|\s+(?:dot|punkt|point|punto|at|arroba|arobase|chiocciola|slash)\s+|\s+(?:slash)\s*"
)
# The same, capturing: `split` then gives the labels and the separators between them. Every
# separator starts with a blank or one of ". @ / ド ア": led by that class, the regex engine
# skips to the next such character in C (it cannot from a lookahead or an alternation led by
# `\s*`), and a lookbehind then picks the branches of `_SEPARATOR` that character can start,
# in `_SEPARATOR`'s order (the same splits, test_normalize_blocks).
_SEPARATOR_PARTS = re.compile(
    r"([\s.@/ドア](?:(?<=\s)(?:\s*(?:\.|@|/|ドット|アット(?:マーク)?)\s*"
    r"|\s*(?:dot|punkt|point|punto|at|arroba|arobase|chiocciola|slash)\s+|\s*(?:slash)\s*)"
    r"|(?<=[.@/])\s*|(?<=ド)ット\s*|(?<=ア)ット(?:マーク)?\s*))"
)
_AT_WORDS = frozenset({"@", "at", "arroba", "arobase", "chiocciola", "アット", "アットマーク"})
_DOT_WORDS = frozenset({"dot", "punkt", "point", "punto", "ドット"})
# What a separator word is rewritten to; other separators ("." and "/" with blanks) lose them.
_REWRITTEN = {
    **dict.fromkeys(_DOT_WORDS, "."),
    **dict.fromkeys(_AT_WORDS, "@"),
    "slash": "/",
}
# Mail providers: "name at gmail dot com" is an address even without a dotted local part, while
# "have a look at shop dot com" is a domain after an English "at".
_MAIL_PROVIDERS = _word_set(
    """gmail googlemail yahoo ymail hotmail outlook live msn icloud me mac aol gmx web t-online
    freenet posteo mailbox proton protonmail orange free laposte sfr wanadoo libero virgilio alice
    tiscali tim telefonica movistar yandex mail docomo ezweb softbank i zoho"""
)
# A mailbox's usual names: "support at brightnest-home dot co dot uk" is an address when the
# word before it leads to one ("write to", "email me a photo at", "contact:"), while "more info at
# shop dot com" and "place orders at shop dot com" name a domain after an English "at".
_MAILBOX_NAMES = _word_set(
    """info support sales contact hello service orders order office mail admin booking bookings
    enquiries inquiries billing accounts returns kontakt contacto contatto ordini ventas"""
)
_MAILBOX_LEADS = frozenset({"at", "to", "me", "us", "email", "e-mail", "mail", "is", ":"})
# Before an "@" between blanks, these make it a handle ("find us @ shop . de"), not a mailbox.
_OBJECT_PRONOUNS = _word_set("us me uns mich nous moi nos ci")
# A spelled dot right after one of these words is the word "point", not a dot ("du point de vue",
# "el punto de entrega", "at some point in").
_STOPWORDS = _word_set(
    """a an the this that some any each every one no my your our its it is was at in on of to by
    for from with what which whose certain starting focal turning meeting pick-up pickup du de le la
    les un une ce cet cette au aux en sur mon ton son notre votre leur el los las del al su mi tu
    nuestro este ese esa esta aquel buen il lo gli dei degli nel nello nella dal sul questo quel
    quello ogni der die das dem den des ein eine einem einen einer am im zum zur vom beim kein
    jeder"""
)
# Where a spelled or spaced separator may be: one automaton pass finds them all.
_HINT_KEYS = [
    " dot ", " punkt ", " point ", " punto ", " at ", " arroba ", " arobase ", " chiocciola ",
    "ドット", "アット", " . ", " @ ",
]  # fmt: skip
# A label inside `_TAIL` and `_HEAD` is always followed by a separator (or, last in `_HEAD`, by
# blanks and the end): those start with ".", "@", a blank, "ド" or "ア", never with a label
# character, so only the whole run of label characters can be the label. Taken atomically, the
# regex engine does not retry every shorter label before failing (the same matches).
_WHOLE_LABEL = rf"(?>{_LABEL})"
# From a hint, the rest of an address must follow: labels and separators with at least one dot
# (" at the door" stops here, before the costlier search for the labels in front).
_TAIL = re.compile(rf"(?:(?:{_DOT}|{_AT}){_WHOLE_LABEL})*?{_DOT}{_WHOLE_LABEL}")
# Before a hint, the labels of the address: searched only in a short window ending at the hint,
# and there only from `_head_floor`.
_HEAD = re.compile(rf"(?<![a-z0-9_.@-])(?:{_WHOLE_LABEL}{_DOT})*{_WHOLE_LABEL}\s*\Z")
_HEAD_WINDOW = 160
# Words that are a whole separator between blanks (`_DOT`); `ドット` may also be glued to the
# label on either side.
_SPACED_SEPARATORS = frozenset({".", "dot", "punkt", "point", "punto"})


def _head_floor(text: str, low: int, end: int) -> int:
    """The first position in [low, end] where `_HEAD` can match text[:end]: no match starts before
    it, so searching from there finds the same match as searching from `low`.

    Inside a head every blank run is part of a separator (`_DOT`: " . ", " dot ", "ドット" with
    blanks around it); the trailing blanks are the only others. So going back from `end` word by
    word (words: runs of non-blanks), a head cannot reach across a blank run with no separator
    word on either side of it ("is on vintagevinylhub": the head starts at the last word)."""
    # The window's words by one split in C (`str.split` cuts at the blanks `\S` stops at),
    # walked back from the last in Python (a regex scan of the reversed window took a match
    # object per word, about twice the instructions).
    window = text[low:end]
    words = window.split()
    index = len(words) - 1
    while index > 0:
        after = words[index]
        before = words[index - 1]
        if not (
            after in _SPACED_SEPARATORS
            or after.startswith("ドット")
            or before in _SPACED_SEPARATORS
            or before.endswith("ドット")
        ):
            # The blanks between `before` and `after` cannot be inside a head: it starts at
            # `after` at the earliest. Split off the words after `after`: what is left ends
            # with it.
            kept = window.rsplit(None, len(words) - 1 - index)[0]
            return low + len(kept) - len(after)
        index -= 1
    return low


# What every match of `_BRACKETED` and of `_SCHEME` starts with.
_BRACKETS = ("(", "[", "{", "<")
_SCHEME_NAMES = ("http", "ftp")


def _matches_at(pattern: re.Pattern[str], text: str, leads: Sequence[str]) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match starts with one of `leads`: the
    pattern is tried only where one starts, found by `str.find` in C. The regex engine would try
    it at every position (`_SCHEME` starts with a lookbehind) or step through a character class
    (`_BRACKETED`), several microseconds at 500 characters."""
    starts: list[int] = []
    for lead in leads:
        found = text.find(lead)
        while found >= 0:
            starts.append(found)
            found = text.find(lead, found + 1)
    starts.sort()
    return _matches_from(pattern, text, starts)


def _deobfuscate(
    draft: _Draft,
    hints: list[int] | None = None,
    *,
    first_live: bool = False,
    bracketed: list[re.Match[str]] | None = None,
) -> _Draft:
    """Rewrite obfuscated address separators to `.`, `@` and `/`, in address-shaped runs only.
    `hints`: where the separators of `_HINT_KEYS` start in `draft.text`, when the caller has
    them (in the order the automaton reports them; those that the loop below would skip
    before the first one it takes further may be left out); `first_live`: the first of
    `hints` is known to pass the loop's first two tests (`_rewrites`); `bracketed`: the
    matches of `_BRACKETED` in `draft.text`, when the caller has looked for them."""
    edits: list[Edit] = []
    given = draft
    text = draft.text
    # A bracketed separator starts with one of four brackets: `in` finds none of them in most
    # messages faster than the regex's class scan does.
    if bracketed is None and ("(" in text or "[" in text or "{" in text or "<" in text):
        bracketed = _matches_at(_BRACKETED, text, _BRACKETS)
    if bracketed:
        for match in bracketed:
            start, end = match.span()
            # The blanks around a bracketed separator belong to it: `name [at] shop [dot] com`.
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            while end < len(text) and text[end] in " \t":
                end += 1
            edits.append((start, end, "@" if match.group(1) in _AT_WORDS else "."))
        if edits:
            draft = _apply(draft, edits)
            text = draft.text
    if "http" in text or "ftp" in text:
        edits = []
        for match in _matches_at(_SCHEME, text, _SCHEME_NAMES):
            if match.group() != match.group(1) + "://":
                edits.append((match.start(), match.end(), match.group(1) + "://"))
        draft = _apply(draft, edits)
        text = draft.text
    edits = []
    done = -1
    if hints is None or draft is not given:
        # The brackets or a scheme were rewritten: the separators move.
        hints = _hint_starts(text)
        first_live = False
    for start in hints:
        if first_live:
            first_live = False
        elif (
            start < done
            or _TAIL.match(text, start) is None
            # "du point de vue", "el punto de entrega": a function word before a spelled dot.
            or text[max(0, text.rfind(" ", 0, start) + 1) : start] in _STOPWORDS
        ):
            continue
        low = max(0, start - _HEAD_WINDOW)
        head = _HEAD.search(text, _head_floor(text, low, start), start)
        if head is None:
            continue
        address = _ADDRESS.match(text, head.start())
        if address is None or address.end() <= start:
            continue
        done = address.end()
        address_start = address.start()
        after_scheme = text.endswith("://", 0, address_start)
        if address_start > 0 and text[address_start - 1] == "/" and not after_scheme:
            continue
        if address.group("tld") in SPELLED_TLDS:
            # The word before the address, for a mailbox's name before an English "at".
            lead = text[max(0, address_start - 16) : address_start].split()
            edits.extend(
                _address_edits(
                    address.group(),
                    address_start,
                    after_scheme=after_scheme,
                    lead=lead[-1] if lead else "",
                )
            )
    return _apply(draft, sorted(edits)) if edits else draft


def _address_edits(span_text: str, base: int, *, after_scheme: bool, lead: str) -> list[Edit]:
    """The rewrites of one address-shaped run, or none when its spelled words are prose. `lead`:
    the word before the run."""
    # Labels and separators alternate: one split finds them all.
    parts = _SEPARATOR_PARTS.split(span_text)
    labels = parts[0::2]
    separators = parts[1::2]
    words = list(map(str.strip, separators))
    first = 0
    for i, word in enumerate(words):
        if word in _AT_WORDS:
            # The first "at": an e-mail address's, or an English "at" before a domain. An "@"
            # between blanks is no English word: an address spaced out whole ("k o n t a k t @
            # h o l z w e r k . d e", joined to "kontakt @ holzwerk . de") has its local part
            # before it, unless that is a function word ("find us @ shop . de").
            if word in ("at", "@") and separators[i] != "@":
                is_email = (
                    word == "@"
                    or i > 0
                    or any(c.isdigit() or c == "_" for c in labels[i])
                    or labels[i + 1] in _MAIL_PROVIDERS
                    or (
                        labels[i] in _MAILBOX_NAMES
                        and (lead in _MAILBOX_LEADS or lead.endswith(":"))
                    )
                ) and labels[i] not in _STOPWORDS
                if word == "@" and labels[i] in _OBJECT_PRONOUNS:
                    # "find us @ shop . de": a page's handle, not a mailbox.
                    is_email = False
                if not is_email:
                    first = i + 1
            break
    # One walk over the separators from `first` checks the spelled dots and writes the edits
    # (returned only when the run turns out to be an address).
    spelled = False
    edits: list[Edit] = []
    # Where separator `first` starts: after the labels and separators before it.
    position = base + len("".join(parts[: 2 * first + 1]))
    for j in range(first, len(separators)):
        word = words[j]
        if word in _DOT_WORDS:
            if word != "ドット" and (
                labels[j] in _STOPWORDS or (word == "point" and labels[j + 1] == "de")
            ):
                return []
            spelled = True
        elif word in _AT_WORDS:
            spelled = True
        new = _REWRITTEN.get(word, word)
        sep = separators[j]
        if sep != new:
            edits.append((position, position + len(sep), new))
        position += len(sep) + len(labels[j + 1])
    if not spelled and labels[first] != "www" and not after_scheme:
        # A domain with plain dots only is rewritten (spaces dropped) when it starts with www.
        return []
    return edits


# Digit words of the six languages. Runs of four or more (with digits mixed in) are a number
# written out to get past a digit filter; fewer are ordinary prose ("one or two").
_DIGIT_WORDS: dict[str, str] = {}
for _digit, _words in enumerate(
    (
        "zero oh null zéro cero 〇 零 ゼロ",
        "one eins un une uno una 一",
        "two zwei zwo deux dos due 二",
        "three drei trois tres tre 三",
        "four vier quatre cuatro quattro 四",
        "five fünf fuenf cinq cinco cinque 五",
        "six sechs seis sei 六",
        "seven sieben sept siete sette 七",
        "eight acht huit ocho otto 八",
        "nine neun neuf nueve nove 九",
    )
):
    for _word in _words.split():
        _DIGIT_WORDS[_word] = str(_digit)


def _french_pairs() -> dict[str, str]:
    """French numbers from 10 to 99 as words ("douze", "trente-quatre", "soixante-dix-huit",
    "quatre-vingt-onze"): French phone numbers are read in pairs ("zéro six, douze, trente-
    quatre, cinquante-six, soixante-dix-huit"), each pair one such word."""
    units = ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
    teens = [
        "dix",
        "onze",
        "douze",
        "treize",
        "quatorze",
        "quinze",
        "seize",
        "dix-sept",
        "dix-huit",
        "dix-neuf",
    ]
    words: dict[str, str] = {word: str(10 + value) for value, word in enumerate(teens)}
    for tens, name in ((2, "vingt"), (3, "trente"), (4, "quarante"), (5, "cinquante")):
        words[name] = f"{tens}0"
        words[f"{name} et un"] = words[f"{name}-et-un"] = f"{tens}1"
        for value, unit in enumerate(units[1:], start=2):
            words[f"{name}-{unit}"] = f"{tens}{value}"
    words["soixante"] = "60"
    words["soixante et un"] = words["soixante-et-un"] = "61"
    for value, unit in enumerate(units[1:], start=2):
        words[f"soixante-{unit}"] = f"6{value}"
    words["soixante et onze"] = words["soixante-et-onze"] = "71"
    for value, teen in enumerate(teens):
        if value != 1:
            words[f"soixante-{teen}"] = str(70 + value)
    words["quatre-vingts"] = words["quatre-vingt"] = "80"
    for value, unit in enumerate(units, start=1):
        words[f"quatre-vingt-{unit}"] = f"8{value}"
    for value, teen in enumerate(teens):
        words[f"quatre-vingt-{teen}"] = str(90 + value)
    return words


# Each pair word stands for its two digits.
_DIGIT_WORDS.update(_french_pairs())
_DIGIT_KEYS = list(_DIGIT_WORDS)
_UNSPACED_DIGITS = frozenset("〇零一二三四五六七八九") | {"ゼロ"}
_DIGIT_AUTOMATON = ahocorasick_rs.AhoCorasick(
    _DIGIT_KEYS, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST
)
# Text in Latin-1 (ASCII included) is searched as its Latin-1 bytes, where a byte offset is a
# character offset: the search skips the text automaton's conversion of the text to UTF-8 and of
# every offset back (about 40 % of the call on 500 characters of French, German, Spanish or
# Italian). Keys beyond Latin-1 (the Japanese ones) match no such text and are left out.
_LATIN1_DIGIT_KEYS = [key for key in _DIGIT_KEYS if key not in _UNSPACED_DIGITS]
_LATIN1_DIGIT_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    [key.encode("latin-1") for key in _LATIN1_DIGIT_KEYS],
    matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST,
)
_DIGIT_GAP = re.compile(r"[\s,\-/.・ー]{0,3}")
_RUN_MIN = 4
# The separators' hints and the digit words, in one automaton, the keys in Latin-1 first so
# that the bytes automaton for Latin-1 text numbers its keys as the text automaton does.
_LATIN1_HINT_KEYS = [key for key in _HINT_KEYS if key.isascii()]
_SEPARATOR_AND_DIGIT_KEYS = [
    *_LATIN1_HINT_KEYS,
    *_LATIN1_DIGIT_KEYS,
    *(key for key in _HINT_KEYS if not key.isascii()),
    *(key for key in _DIGIT_KEYS if key in _UNSPACED_DIGITS),
]
# Keys numbered from here on are beyond Latin-1: the Japanese separators and digit words.
_BEYOND_LATIN1_KEYS = len(_LATIN1_HINT_KEYS) + len(_LATIN1_DIGIT_KEYS)
# Per key number, 1 for a separator's hint and 0 for a digit word (a byte string: indexing it
# costs what comparing the number would).
_IS_HINT_KEY = bytes(key in _HINT_KEYS for key in _SEPARATOR_AND_DIGIT_KEYS)
_SEPARATORS_AND_DIGITS = ahocorasick_rs.AhoCorasick(_SEPARATOR_AND_DIGIT_KEYS)
_SEPARATORS_AND_DIGITS_LATIN1 = ahocorasick_rs.BytesAhoCorasick(
    [key.encode("latin-1") for key in _SEPARATOR_AND_DIGIT_KEYS[:_BEYOND_LATIN1_KEYS]]
)


def _separators_and_digits(
    text: str, in_latin1: bool = False, data: bytes | None = None
) -> list[tuple[int, int, int]]:
    """`_SEPARATORS_AND_DIGITS`' overlapping matches in `text`: (key, start, end). `in_latin1`:
    the caller knows that `text` is in Latin-1 (or so but for typographic marks, which no key
    holds); `data`: its bytes, one a character, when the caller has them."""
    if in_latin1 or text.isascii():
        return _SEPARATORS_AND_DIGITS_LATIN1.find_matches_as_indexes(
            data if data is not None else _one_byte_a_character(text), overlapping=True
        )
    return _SEPARATORS_AND_DIGITS.find_matches_as_indexes(text, overlapping=True)


def _hint_starts(text: str) -> list[int]:
    """Where a spelled or spaced separator of `_HINT_KEYS` starts in `text`, overlapping ones
    included."""
    return [start for key, start, _ in _separators_and_digits(text) if _IS_HINT_KEY[key]]


def _digit_words(draft: _Draft, in_latin1: bool = False) -> _Draft:
    """Rewrite runs of four or more digit words as digits ("five five five" → "555").
    `in_latin1`: the caller knows that `draft.text` is in Latin-1."""
    text = draft.text
    if in_latin1 or text.isascii():
        found = _LATIN1_DIGIT_AUTOMATON.find_matches_as_indexes(_one_byte_a_character(text))
        keys = _LATIN1_DIGIT_KEYS
    else:
        found = _DIGIT_AUTOMATON.find_matches_as_indexes(text)
        keys = _DIGIT_KEYS
    if len(found) < _RUN_MIN:
        # Fewer digit words than a run needs, bounded or not (most messages).
        return draft
    hits: list[tuple[int, int, str]] = []
    for index, start, end in found:
        word = keys[index]
        # Latin words need word boundaries; the Japanese ones do not.
        bounded = (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        )
        if not bounded and word not in _UNSPACED_DIGITS:
            continue
        hits.append((start, end, _DIGIT_WORDS[word]))
    if len(hits) < _RUN_MIN:
        return draft
    starts, ends = draft.starts, draft.ends
    # Each run becomes one block: its digits (and a blank where a group ends), each character
    # from its word's (or gap's) original span, as edits of the word and the gap would map it.
    blocks: list[_Block] = []
    run: list[tuple[int, int, str]] = []
    for hit in [*hits, (-1, -1, "")]:
        if run and hit[0] >= 0 and _gap_ok(text, run[-1][1], hit[0]):
            run.append(hit)
            continue
        if len(run) >= _RUN_MIN:
            digits: list[str] = []
            run_starts: list[int] = []
            run_ends: list[int] = []
            last = len(run) - 1
            for position, (start, end, digit) in enumerate(run):
                digits.append(digit)
                # A French pair word ("douze") writes two digits, each from the whole word.
                run_starts.extend([starts[start]] * len(digit))
                run_ends.extend([ends[end - 1]] * len(digit))
                if position < last:
                    following = run[position + 1][0]
                    # Plain blanks join the digits; a comma or dash starts a new group.
                    if following > end and not (following - end == 1 and text[end].isspace()):
                        digits.append(" ")
                        run_starts.append(starts[end])
                        run_ends.append(ends[following - 1])
            blocks.append((run[0][0], run[-1][1], "".join(digits), run_starts, run_ends))
        run = [hit] if hit[0] >= 0 else []
    return _splice(draft, blocks)


def _gap_ok(text: str, end: int, start: int) -> bool:
    if start < end:
        return False
    if start - end == 1 and text[end] == " ":
        # The usual gap, one blank: no regex call.
        return True
    match = _DIGIT_GAP.fullmatch(text, end, start)
    return match is not None
