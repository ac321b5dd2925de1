"""Sentence and message-layout splitting for all six languages (greeting, body, sign-off).

Works on any text (original or normalised); offsets index the text it was given.
A sentence ends at `.`, `!`, `?` or `…` followed by a space or quote, at the CJK stops `。！？`,
or at a line break; an abbreviation such as "Mr." may split a sentence, which only makes the
units of a rewrite smaller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Written to start with one character class, so that the regex engine jumps from one candidate
# character to the next (a pattern starting with a repeat or an alternation is tried at every
# position: three times slower). Same matches as `[.!?…]+(?=…)|[。！？]+|\n`.
_END = re.compile(
    r"[.!?…。！？\n](?:(?<=[.!?…])[.!?…]*(?=[\s\"'»)\]]|$)|(?<=[。！？])[。！？]*|(?<=\n))"
)
_WORD = re.compile(r"\w+")
_TERMINAL = ("。", "！", "？", ".", "!", "?")

# A greeting or sign-off line is short; anything longer is part of the body.
_SHORT_LINE_WORDS = 6
_SHORT_LINE_CHARS = 40
_SIGNATURE_WORDS = 4
# A greeting standing alone ("¡Hola Andrés!", "Hi Anna and Tom,"): a few words.
GREETING_WORDS = 4
# An address or company line of a signature block: several parts, no sentence.
_ADDRESS_LINE_WORDS = 12


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: [start, end) in the text it was split from, without surrounding space."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the body of a message is: [body_start, body_end) excludes greeting and signature."""

    body_start: int
    body_end: int


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Split text[start:end] into sentences (offsets into `text`)."""
    return [Sentence(low, high, text[low:high]) for low, high in sentence_spans(text, start, end)]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Where the sentences of text[start:end] are, as `split_sentences` finds them: [start, end)
    offsets into `text`, for callers that need no `Sentence` (about 0.8 µs each to make)."""
    return list(iter_sentence_spans(text, start, end))


def iter_sentence_spans(
    text: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """`sentence_spans` one at a time: a caller that stops early does not look for the rest."""
    stop = len(text) if end is None else end
    position = start
    for match in _END.finditer(text, start, stop):
        high = match.end()
        # `str.strip` drops what `str.isspace` calls space, without a Python loop per character.
        piece = text[position:high]
        rest = piece.lstrip()
        if rest:
            low = position + len(piece) - len(rest)
            yield low, low + len(rest.rstrip())
        position = high
    piece = text[position:stop]
    rest = piece.lstrip()
    if rest:
        low = position + len(piece) - len(rest)
        yield low, low + len(rest.rstrip())


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _is_short(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    words = len(_WORD.findall(stripped))
    return words <= _SHORT_LINE_WORDS and len(stripped) <= _SHORT_LINE_CHARS


def layout(text: str) -> Layout:
    """Find the body: drop a short opening line ("Hello,") and the short closing lines
    (sign-off and signature) at the end."""
    if "\n" not in text:
        # One line (most short messages): the whole of it, or nothing when it is blank, without
        # the line walk.
        return Layout(0, len(text)) if text.strip() else Layout(0, 0)
    lines = [span for span in _lines(text) if text[span[0] : span[1]].strip()]
    if not lines:
        return Layout(0, 0)
    first = 0
    opening = text[lines[0][0] : lines[0][1]].strip()
    if (
        len(lines) > 1 and _is_short(opening) and opening.endswith((",", ":", "!", "、", "，"))
    ) or (len(lines) > 1 and _is_short(opening) and not opening.endswith(_TERMINAL)):
        first = 1
    last = len(lines) - 1
    while last > first and _is_closing(text[lines[last][0] : lines[last][1]].strip()):
        last -= 1
    return Layout(lines[first][0], lines[last][1])


def _is_closing(line: str) -> bool:
    """A sign-off or signature line (stripped): short, and either unpunctuated or a few words
    ("Acme Co.")."""
    return _is_short(line) and (
        not line.endswith(_TERMINAL) or len(_WORD.findall(line)) <= _SIGNATURE_WORDS
    )


def word_count(text: str, start: int, end: int) -> int:
    """How many words text[start:end] has, as the layout counts them."""
    return len(_WORD.findall(text, start, end))


def is_signature_fragment(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] reads as a name written after the last sentence on its line
    ("… this summer. Pete", "…お待ちしております。タオルの店 いまばり"): a few words and no
    full stop, as a signature line is (`layout`)."""
    if text[start:end].endswith(_TERMINAL):
        return False
    return word_count(text, start, end) <= _SIGNATURE_WORDS


def line_span(text: str, position: int) -> tuple[int, int]:
    """Where the line holding `position` starts and ends (its line break left out)."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end < 0 else end


def is_closing_line(line: str) -> bool:
    """Whether `line` is written as a sign-off line is ("Warm regards,", "Con i più cordiali
    saluti", "敬具"): short, and not ending a sentence."""
    stripped = line.strip()
    return _is_short(stripped) and not stripped.endswith(_TERMINAL)


def is_signature_line(line: str) -> bool:
    """Whether a line after a sign-off reads as part of a signature block: a line `layout` drops
    as a signature ("Hannah & James", "Willow & Wick Candle Co."), or a longer one that ends no
    sentence, as an address or a company line does ("Ceramiche Bartolucci – Via Tiberina 27 –
    06053 Deruta (PG)")."""
    stripped = line.strip()
    return _is_closing(stripped) or (
        not stripped.endswith(_TERMINAL) and len(_WORD.findall(stripped)) <= _ADDRESS_LINE_WORDS
    )


def body_sentences(text: str) -> list[Sentence]:
    """Sentences of the body only (no greeting, sign-off or signature)."""
    frame = layout(text)
    return split_sentences(text, frame.body_start, frame.body_end)


def iter_body_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the sentences of the body are (`body_sentences` without making each `Sentence`),
    one at a time."""
    frame = layout(text)
    return iter_sentence_spans(text, frame.body_start, frame.body_end)


# A line of quoted history in a pasted reply ("> Your parcel left on Monday").
_QUOTED_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)
# The attribution before the quote ("On Tue, 4 Jun … wrote:", "Le mar. 4 juin … a écrit :",
# "Am … schrieb …:", "El … escribió:", "Il … ha scritto:", "… のメッセージ："): it ends with a
# colon.
_ATTRIBUTION_ENDS = (":", "：")


# The separator Outlook and other clients set above the quoted message: a dashed title
# ("-----Original Message-----", "-----Ursprüngliche Nachricht-----", "-----Message d'origine-----",
# "-----Mensaje original-----", "-----Messaggio originale-----", "-----元のメッセージ-----") or a
# rule of underscores before the quoted headers.
_QUOTE_SEPARATOR = re.compile(r"^[ \t]*(?:-{4,}[^\n]{3,40}?-{4,}|_{10,})[ \t]*$", re.MULTILINE)


def new_text_end(text: str) -> int:
    """Where the new text of a pasted reply ends: before its quoted history (the first line
    starting with ">", with the attribution line ending in a colon right before it; or a
    client's separator line above the quoted message), trailing blanks left out; len(text) when
    nothing is quoted, or when nothing but blanks comes before the quote (a reply written under
    the quote)."""
    end = len(text)
    if ">" in text:
        match = _QUOTED_LINE.search(text)
        if match is not None:
            cut = len(text[: match.start()].rstrip())
            line_start = text.rfind("\n", 0, cut) + 1
            if text[line_start:cut].endswith(_ATTRIBUTION_ENDS):
                cut = len(text[:line_start].rstrip())
            if text[:cut].strip():
                end = cut
    if "----" in text or "____" in text:
        separator = _QUOTE_SEPARATOR.search(text, 0, end)
        if separator is not None:
            cut = len(text[: separator.start()].rstrip())
            if text[:cut].strip():
                end = cut
    return end


# Japanese often ends a question with か and a full stop instead of a question mark.
_QUESTION = re.compile(r"[?？¿]|か[。．\s]|でしょうか|ますか|ませんか")


def asks_question(text: str) -> bool:
    """Whether the text asks something (a question mark, or a Japanese question ending)."""
    if "?" in text or "？" in text or "¿" in text:
        return True
    # Every Japanese ending of `_QUESTION` has か: without one, no regex scan is needed.
    return "か" in text and _QUESTION.search(text) is not None
