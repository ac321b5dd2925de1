"""Requests for the buyer's phone number or e-mail address, from `lexicons/<lang>/contact.toml`.

The phrases of all six languages are folded like messages and matched in one automaton pass over
the phrase view of `normalize()`, with word boundaries for the languages that have spaces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Literal, NamedTuple

import ahocorasick_rs

from gobetween.policy.normalize import (
    NormalizedText,
    latin1_bytes,
    normalize,
    typographic_latin1,
)

RequestKind = Literal["phone_request", "email_request"]
LANGUAGES = ("en", "de", "fr", "es", "it", "ja")
_KINDS: tuple[RequestKind, ...] = ("phone_request", "email_request")
_UNSPACED = frozenset({"ja"})


@dataclass(frozen=True, slots=True)
class RequestHit:
    """A request phrase: `start`/`end` slice the original text."""

    start: int
    end: int
    kind: RequestKind
    language: str


# How many words before a request phrase a possessive may stand ("our customer service email
# address"): close enough to own the phrase, not so far that it belongs to another clause.
_OWN_WINDOW = 3
# How many words may stand between a refusal and the request it refuses, inside one clause
# ("not allowed to share a phone number or an email address": six before the address).
_REFUSAL_WINDOW = 8
# Where a clause ends: a refusal before one of these does not reach a request after it ("we
# can't reach you, what's your phone number?").
_CLAUSE_ENDS = (".", "!", "?", ";", ":", ",", "\n", "\u2013", "\u2014", "\u3002", "\u3001")
_SENTENCE_ENDS = (".", "!", "?", "\n", "\u3002")


class _Words(NamedTuple):
    """A language's words around request phrases, folded as messages are."""

    # Possessives of the seller just before a phrase.
    own: tuple[str, ...]
    # Refusals earlier in the phrase's clause.
    refusal: tuple[str, ...]
    # Refusals later in the phrase's sentence (languages that negate at the end, Japanese).
    refusal_after: tuple[str, ...]


def _load() -> tuple[list[str], list[tuple[RequestKind, str]], dict[str, _Words]]:
    keys: list[str] = []
    meanings: list[tuple[RequestKind, str]] = []
    words: dict[str, _Words] = {}
    root = resources.files("gobetween.policy") / "lexicons"
    for lang in LANGUAGES:
        source = root / lang / "contact.toml"
        if not source.is_file():
            continue
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        for kind in _KINDS:
            for phrase in data.get(kind, []):
                folded = normalize(str(phrase)).text
                if folded:
                    keys.append(folded)
                    meanings.append((kind, lang))
        words[lang] = _Words(
            *(
                tuple(normalize(str(word)).text for word in data.get(name, []))
                for name in ("own", "refusal", "refusal_after")
            )
        )
    return keys, meanings, words


_KEYS, _MEANINGS, _WORDS = _load()
_AUTOMATON = ahocorasick_rs.AhoCorasick(_KEYS, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)


# The keys written in Latin-1, as its bytes, for text in Latin-1 (ASCII text too): there a byte
# offset is a character offset, and the search skips the conversion of the text and of every
# offset (about 7k instructions on 500 characters of European text beyond ASCII). A key beyond
# Latin-1 matches no such text, so leaving it out leaves the automaton the same matches to
# choose from; the others keep their order, so of two equal keys (one phrase in two languages)
# the same one is reported. `_LATIN1_MEANINGS` is `_MEANINGS` for these keys.
def _written_keys(
    write: Callable[[str], bytes | None],
) -> tuple[list[bytes], list[tuple[RequestKind, str]]]:
    """The keys `write` can write (None: it cannot), as it writes them, in their order, with
    their meanings."""
    keys: list[bytes] = []
    meanings: list[tuple[RequestKind, str]] = []
    for key, meaning in zip(_KEYS, _MEANINGS, strict=True):
        written = write(key)
        if written is not None:
            keys.append(written)
            meanings.append(meaning)
    return keys, meanings


_LATIN1_KEYS, _LATIN1_MEANINGS = _written_keys(latin1_bytes)
_LATIN1_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    _LATIN1_KEYS, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST
)


# The same for text in Latin-1 but for typographic marks, as `typographic_latin1` writes it
# (each mark one byte), when `normalize()` made those bytes (`NormalizedText.data`): the keys so
# written ("what’s your number"), in their order.
_TYPOGRAPHIC_KEYS, _TYPOGRAPHIC_MEANINGS = _written_keys(typographic_latin1)
_TYPOGRAPHIC_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    _TYPOGRAPHIC_KEYS, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST
)


def find_contact_requests(
    message: NormalizedText | str, languages: frozenset[str] | None = None
) -> list[RequestHit]:
    """Every phrase asking for the buyer's phone number or e-mail address.

    `languages` limits the phrases to those languages (all when None): the Spanish "su whatsapp"
    is not a request inside the Italian "ci contatti su WhatsApp". A phrase owned by a
    possessive of the seller ("our email address") is the seller's own, not a request; one
    refused in its clause ("we're not allowed to share a phone number") is not one either.
    """
    normalized = normalize(message) if isinstance(message, str) else message
    text = normalized.text
    length = len(text)
    hits: list[RequestHit] = []
    data: bytes | None = None
    # Text that starts or ends beyond Latin-1 (Japanese) is not tried: the failed encode's
    # exception costs about 4k instructions.
    if normalized.data is None and (text.isascii() or (text[0] <= "\xff" and text[-1] <= "\xff")):
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            data = None
    if data is not None:
        found = _LATIN1_AUTOMATON.find_matches_as_indexes(data)
        meanings = _LATIN1_MEANINGS
    elif normalized.data is not None:
        found = _TYPOGRAPHIC_AUTOMATON.find_matches_as_indexes(normalized.data)
        meanings = _TYPOGRAPHIC_MEANINGS
    else:
        found = _AUTOMATON.find_matches_as_indexes(text)
        meanings = _MEANINGS
    for index, start, end in found:
        kind, lang = meanings[index]
        if languages is not None and lang not in languages:
            continue
        unspaced = lang in _UNSPACED
        if not unspaced:
            if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
                continue
            if end < length and text[end].isalnum() and text[end - 1].isalnum():
                continue
        # The words around a phrase are read only for a whole-word match (the cheap test first).
        words = _WORDS.get(lang)
        if words is not None and (
            _owned(text, start, unspaced, words.own) or _refused(text, start, end, unspaced, words)
        ):
            continue
        original_start, original_end = normalized.to_original(start, end)
        hits.append(RequestHit(original_start, original_end, kind, lang))
    return hits


def _owned(text: str, start: int, unspaced: bool, words: tuple[str, ...]) -> bool:
    """Whether a possessive of the seller (`words`) stands just before the phrase at `start`
    (`unspaced`: in a language written without blanks between words)."""
    if not words:
        return False
    if unspaced:
        before = text[max(0, start - 8) : start]
        return any(before.endswith(word) for word in words)
    window = text[max(0, start - 60) : start].replace("'", " ").replace("\u2019", " ")
    return any(word.strip(",;:") in words for word in window.split()[-_OWN_WINDOW:])


def _refused(text: str, start: int, end: int, unspaced: bool, words: _Words) -> bool:
    """Whether a refusal of `words` stands in the clause before the phrase at [start, end), at
    most `_REFUSAL_WINDOW` words before it, or (`refusal_after`) later in its sentence."""
    if words.refusal:
        low = max(0, start - 120)
        clause = max(text.rfind(mark, low, start) for mark in _CLAUSE_ENDS) + 1
        before = text[max(low, clause) : start]
        for refusal in words.refusal:
            found = before.rfind(refusal)
            while found >= 0:
                after = found + len(refusal)
                whole = unspaced or (
                    (found == 0 or not before[found - 1].isalnum())
                    and (after == len(before) or not before[after].isalnum())
                )
                if whole and len(before[after:].split()) <= _REFUSAL_WINDOW:
                    return True
                found = before.rfind(refusal, 0, found)
    if words.refusal_after:
        high = min(len(text), end + 120)
        stops = [found for mark in _SENTENCE_ENDS if (found := text.find(mark, end, high)) >= 0]
        sentence = text[end : min(stops) if stops else high]
        for refusal in words.refusal_after:
            found = sentence.find(refusal)
            while found >= 0:
                # "…できませんか": a request asked as a negative question.
                if not sentence.startswith("か", found + len(refusal)):
                    return True
                found = sentence.find(refusal, found + 1)
    return False
