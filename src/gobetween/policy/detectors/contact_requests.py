"""Requests for the buyer's phone number or e-mail address, from `lexicons/<lang>/contact.toml`.

The phrases of all six languages are folded like messages and matched in one automaton pass over
the phrase view of `normalize()`, with word boundaries for the languages that have spaces.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import ahocorasick_rs

from gobetween.policy.normalize import NormalizedText, normalize

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


def _load() -> tuple[list[str], list[tuple[RequestKind, str]]]:
    keys: list[str] = []
    meanings: list[tuple[RequestKind, str]] = []
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
    return keys, meanings


_KEYS, _MEANINGS = _load()
_AUTOMATON = ahocorasick_rs.AhoCorasick(_KEYS, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)


def find_contact_requests(message: NormalizedText | str) -> list[RequestHit]:
    """Every phrase asking for a phone number or an e-mail address."""
    normalized = normalize(message) if isinstance(message, str) else message
    text = normalized.text
    length = len(text)
    hits: list[RequestHit] = []
    for index, start, end in _AUTOMATON.find_matches_as_indexes(text):
        kind, lang = _MEANINGS[index]
        if lang not in _UNSPACED:
            if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
                continue
            if end < length and text[end].isalnum() and text[end - 1].isalnum():
                continue
        original_start, original_end = normalized.to_original(start, end)
        hits.append(RequestHit(original_start, original_end, kind, lang))
    return hits
