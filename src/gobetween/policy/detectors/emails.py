"""E-mail addresses, also obfuscated: `＠`, `(at)`, `[dot]`, `anna dot keller at gmail dot com`.

The detector view of `normalize()` has already rewritten the spelled and bracketed separators of
the six languages (at/arroba/arobase/chiocciola/アット, dot/punkt/point/punto/ドット), so one
regex anchored on `@` finds plain and obfuscated addresses alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gobetween.policy.normalize import NormalizedText, normalize

# Local parts may carry Latin accents (müller@); CJK characters never belong to them, so text like
# "メールはinfo@shop.jp" yields "info@shop.jp".
_LOCAL = r"a-z0-9\u00c0-\u024f"
_EMAIL = re.compile(
    rf"(?<![{_LOCAL}._%+-])[{_LOCAL}](?:[{_LOCAL}._%+-]*[{_LOCAL}_%+-])?"
    # A line break right after the "@" ("buchhaltung.nordlicht@" then "posteo.de") does not end
    # the address: mail clients wrap there, and senders break an address there to hide it.
    r"@(?:[ \t]*\n[ \t]*)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![a-z0-9-])"
)
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class EmailHit:
    """An e-mail address: `start`/`end` slice the original text; `address` is the folded form."""

    start: int
    end: int
    address: str
    obfuscated: bool


_new_object = object.__new__


class _EmailHitDraft:
    """`EmailHit`'s slots without its frozen `__setattr__`: a hit is built as a draft, its
    fields set by plain attribute stores on a bare `object.__new__` (no `__init__` frame to run),
    then given the class `EmailHit`. CPython lays slots out in the sorted order of their names, so
    the same names make the same layout and the object is an `EmailHit` in every respect. A frozen
    dataclass's `__init__` sets each field with `object.__setattr__`, and the slots' descriptors
    take a call per field."""

    __slots__ = ("address", "end", "obfuscated", "start")


def _email_hit(start: int, end: int, address: str, obfuscated: bool) -> EmailHit:
    """`EmailHit(...)` with the fields in order, the same value."""
    hit: Any = _new_object(_EmailHitDraft)
    hit.start = start
    hit.end = end
    hit.address = address
    hit.obfuscated = obfuscated
    hit.__class__ = EmailHit
    # Typed by an annotated name, not by `typing.cast`, a function call on every one built.
    built: EmailHit = hit
    return built


def find_emails(message: NormalizedText | str) -> list[EmailHit]:
    """Every e-mail address in the message, plain or obfuscated."""
    normalized = normalize(message) if isinstance(message, str) else message
    view = normalized.contacts or normalized
    text = view.text
    at = text.find("@")
    if at < 0:
        return []
    # An address's local part holds no blank and no "@": the first address starts after the
    # last blank before the first "@", and the words before it need not be tried.
    first = text.rfind(" ", 0, at) + 1
    hits: list[EmailHit] = []
    # Every address holds an "@": none starts after the last one, and the rest of the text (where
    # the pattern, led by a lookbehind, is tried at every position) is not searched.
    last_at = text.rfind("@")
    # `search` from where the last match ended, as `finditer` would search, without building a
    # scanner for the one address most texts hold.
    match = _EMAIL.search(text, first)
    while match is not None:
        match_start, match_end = match.span()
        start, end = view.to_original(match_start, match_end)
        original = view.original[start:end]
        address = match.group()
        if "\n" in address:
            address = _BLANKS.sub("", address)
        hits.append(_email_hit(start, end, address, original.lower() != address))
        match = _EMAIL.search(text, match_end) if match_end <= last_at else None
    return hits
