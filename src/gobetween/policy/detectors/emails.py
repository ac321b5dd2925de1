"""E-mail addresses, also obfuscated: `＠`, `(at)`, `[dot]`, `anna dot keller at gmail dot com`.

The detector view of `normalize()` has already rewritten the spelled and bracketed separators of
the six languages (at/arroba/arobase/chiocciola/アット, dot/punkt/point/punto/ドット), so one
regex anchored on `@` finds plain and obfuscated addresses alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gobetween.policy.normalize import NormalizedText, normalize

# Local parts may carry Latin accents (müller@); CJK characters never belong to them, so text like
# "メールはinfo@shop.jp" yields "info@shop.jp".
_LOCAL = r"a-z0-9\u00c0-\u024f"
_EMAIL = re.compile(
    rf"(?<![{_LOCAL}._%+-])[{_LOCAL}](?:[{_LOCAL}._%+-]*[{_LOCAL}_%+-])?"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![a-z0-9-])"
)


@dataclass(frozen=True, slots=True)
class EmailHit:
    """An e-mail address: `start`/`end` slice the original text; `address` is the folded form."""

    start: int
    end: int
    address: str
    obfuscated: bool


# A frozen dataclass's `__init__` sets each field with `object.__setattr__` (its own
# `__setattr__` refuses); the slots' descriptors set them directly, in half the time.
_SET_EMAIL_HIT_START = vars(EmailHit)["start"].__set__
_SET_EMAIL_HIT_END = vars(EmailHit)["end"].__set__
_SET_EMAIL_HIT_ADDRESS = vars(EmailHit)["address"].__set__
_SET_EMAIL_HIT_OBFUSCATED = vars(EmailHit)["obfuscated"].__set__


def _email_hit(start: int, end: int, address: str, obfuscated: bool) -> EmailHit:
    """`EmailHit(...)` with the fields in order, the same value."""
    hit: EmailHit = object.__new__(EmailHit)
    _SET_EMAIL_HIT_START(hit, start)
    _SET_EMAIL_HIT_END(hit, end)
    _SET_EMAIL_HIT_ADDRESS(hit, address)
    _SET_EMAIL_HIT_OBFUSCATED(hit, obfuscated)
    return hit


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
    for match in _EMAIL.finditer(text, first):
        start, end = view.to_original(match.start(), match.end())
        original = view.original[start:end]
        address = match.group()
        hits.append(_email_hit(start, end, address, original.lower() != address))
    return hits
