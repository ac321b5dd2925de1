"""The language of a message among the six with rules (en, de, fr, es, it, ja), or None.

pycld2 (compact language detector 2) decides; kana always means Japanese, since only Japanese
writes hiragana and katakana, and mostly-kanji text that pycld2 takes for Chinese is Japanese too
(Chinese is not one of the six). Texts with fewer than 20 letters, or that pycld2 is not sure about,
are None: a language warning on "Danke, passt!" would be noise.
"""

from __future__ import annotations

import re

import pycld2

SUPPORTED = ("en", "de", "fr", "es", "it", "ja")
_MIN_LETTERS = 20
# pycld2's time grows with the length and a message's language shows in its first sentences:
# 400 characters decide as well as 1,000 on the dev and held-out sets, in half the time.
_SAMPLE = 400
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_LETTERS = re.compile(r"[^\W\d_]")
# A match when the text holds `_MIN_LETTERS` letters: found at the 20th letter, without the list
# of every letter that counting them with `findall` builds (letters and the other characters
# are complementary classes, so the pattern never backtracks within an attempt).
_ENOUGH_LETTERS = re.compile(rf"[^\W\d_](?:[\W\d_]*[^\W\d_]){{{_MIN_LETTERS - 1}}}")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Markup, links and addresses say nothing about the language the text is written in.
_NOISE = re.compile(r"<[^<>]*>|(?:https?://|www\.)\S+|[^\s@]+@\S+")
# `_NOISE` without its address branch, for text without an "@", where that branch cannot match:
# led by a repeat, it is tried at every position and reads each word to its end from there
# (27 against 6 us on 400 characters). `<[^<>]*>|(?:https?://|www\.)\S+`, written to start with
# the class of the branches' first characters so that the regex engine jumps from one candidate
# to the next instead of trying the three branches at every position (27 against 5.5 us on the
# 400 characters of dev and synthetic texts with a tag or link); each lookbehind then sees the
# character its branch starts with.
_MARKUP_AND_LINKS = re.compile(r"[<hw](?:(?<=<)[^<>]*>|(?<=h)ttps?://\S+|(?<=w)ww\.\S+)")
# `_NOISE`'s address branch alone, tried only where an address can start (`_blank_noise`).
_ADDRESS = re.compile(r"[^\s@]+@\S+")


def detect_language(text: str) -> str | None:
    """The message's language code, or None when it is too short or unclear."""
    # No cache keyed on the text: a check costs the same for a text seen before as for a new one
    # (the engine asks once per check, and hands the answer to the rules).
    return _detect(text[:_SAMPLE])


def _in_latin1(text: str) -> bool:
    """Whether every character of `text` is in Latin-1, where no kana is: known in C, by the
    ASCII flag or by encoding, faster than `_KANA` scans the text (about 15 against 0.1 us on
    400 characters of European text)."""
    if text.isascii():
        return True
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _without_noise(text: str) -> str:
    """The text with its markup, links and addresses blanked out (`_NOISE`) when it holds a
    "<", "@" or "/"; the substitution runs only when one of its branches can match."""
    if "@" in text:
        return _blank_noise(text)
    if ("<" in text and ">" in text) or (
        ("<" in text or "/" in text) and ("://" in text or "www." in text)
    ):
        # A tag needs both brackets, a link its scheme or "www.", and an address an "@".
        return _MARKUP_AND_LINKS.sub(" ", text)
    return text


def _blank_noise(text: str) -> str:
    """`_NOISE.sub(" ", text)`, with the address branch tried only at the start of a run of
    characters that ends at an "@" (11 against 42 us on the 400 characters of the dev and
    synthetic texts with an "@").

    `_NOISE`'s address branch is led by a repeat: the regex engine tries it at every position and
    reads each word to its end from there. An address match at a position needs the run of
    characters other than spaces and "@" from there to end at an "@" followed by a non-space;
    when the run's first position fails so do the others, so the leftmost address lies at the
    start of such a run, and a tag or link found by `_MARKUP_AND_LINKS` at or before it wins,
    as the first branches of `_NOISE` do."""
    pieces: list[str] = []
    position = 0
    length = len(text)
    markup_or_link = _MARKUP_AND_LINKS.search(text)
    while True:
        if markup_or_link is not None and markup_or_link.start() < position:
            # Inside the address just blanked out: the next one is found from its end.
            markup_or_link = _MARKUP_AND_LINKS.search(text, position)
        limit = markup_or_link.start() if markup_or_link is not None else length
        found = _first_address(text, position, limit) or markup_or_link
        if found is None:
            break
        pieces.append(text[position : found.start()])
        pieces.append(" ")
        position = found.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _first_address(text: str, position: int, limit: int) -> re.Match[str] | None:
    """The leftmost match of `_ADDRESS` starting in [position, limit), scanning from
    `position` (what `_NOISE` finds there when its other branches find nothing before)."""
    at = text.find("@", position)
    while at != -1:
        # The run of characters other than spaces and "@" that ends at this "@".
        start = at
        while start > position and not text[start - 1].isspace() and text[start - 1] != "@":
            start -= 1
        if start >= limit:
            return None
        if start < at:
            address = _ADDRESS.match(text, start)
            if address is not None:
                return address
        at = text.find("@", at + 1)
    return None


# The bytes of UTF-8 other than 0xE3 and 0xEF, the first bytes of U+3000-U+3FFF and U+F000-U+FFFF
# (`translate` deletes them): every kana of `_KANA` is written with one of those two first.
_NOT_KANA_LEAD = bytes(code for code in range(256) if code not in (0xE3, 0xEF))


def _has_kana(text: str) -> bool:
    """Whether `_KANA` matches text beyond Latin-1. Text that starts below U+3000 (European text
    with a name or a typographic dash beyond Latin-1) is first tested by its UTF-8 bytes: without
    a 0xE3 or 0xEF it has no kana, known in two passes in C where the class scan costs about 50
    instructions a character; Japanese text is scanned at once (a kana is found near its start)."""
    if text[0] < "\u3000" and not text.encode("utf-8", "surrogatepass").translate(
        None, _NOT_KANA_LEAD
    ):
        return False
    return _KANA.search(text) is not None


def _detect(text: str) -> str | None:
    if not _in_latin1(text) and _has_kana(text):
        return "ja"
    cleaned = _without_noise(text)
    # Counting letters only matters for short texts; 200 characters always have 20 letters
    # unless they are mostly digits, which pycld2 then reports as unreliable.
    if len(cleaned) < 200 and _ENOUGH_LETTERS.search(cleaned) is None:
        return None
    try:
        reliable, _, details = pycld2.detect(cleaned, isPlainText=True)
    except UnicodeEncodeError:
        # Lone surrogates cannot be encoded as the UTF-8 pycld2 reads: replace them.
        data = cleaned.encode("utf-8", "replace")
        try:
            reliable, _, details = pycld2.detect(data, isPlainText=True)
        except pycld2.error:
            return None
    except pycld2.error:
        # pycld2 rejects a few byte sequences it considers invalid; that text has no language.
        return None
    code = str(details[0][1]).split("-")[0] if reliable and details else ""
    if code in SUPPORTED:
        return code
    # Kanji without kana reads as Chinese to pycld2; of the six languages only Japanese writes
    # it, so mostly-kanji text is Japanese here.
    kanji = len(_KANJI.findall(cleaned))
    return "ja" if kanji and kanji * 2 >= len(_LETTERS.findall(cleaned)) else None
