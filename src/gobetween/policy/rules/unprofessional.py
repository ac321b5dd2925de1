"""`unprofessional` (policy.md §4 warnings, never blocks): shouting in capitals, strings of
exclamation marks, aggressive or insulting wording."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gobetween.policy.normalize import latin1_classes, latin1_shape
from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding

# Four or more capitalised words in a row read as shouting; shorter runs are acronyms, SKUs or
# one emphasised word. A capitalised word is a run of two or more capitals with no letter on
# either side: `(?<![^\W\d_])[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}(?![^\W\d_])`, written to start with the capitals'
# class so that the regex engine jumps from one capital to the next (a leading lookbehind is
# tried at every position: 14 µs against 6 for the words of a shouted 500-character message);
# the lookbehind then sees the letter before the first capital.
_CAPS_WORD = re.compile(r"[A-ZÄÖÜÀ-ÞĀ-Ž](?<![^\W\d_][A-ZÄÖÜÀ-ÞĀ-Ž])[A-ZÄÖÜÀ-ÞĀ-Ž]+(?![^\W\d_])")
_SHOUTING_WORDS = 4
_SEPARATORS = frozenset(" \t\n,")
_EXCLAMATIONS = re.compile(r"[!！]{3,}")
# A cheap first look: two capitalised words in a row; only then are the words collected.
# `[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}[\s,]+[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}`, written to start with one capital's class: a
# pattern led by a repeat is tried at every position (5 µs on a 500-character message beyond
# Latin-1, which has no class shape), one led by a class jumps from capital to capital.
_CAPS_PAIR = re.compile(r"[A-ZÄÖÜÀ-ÞĀ-Ž][A-ZÄÖÜÀ-ÞĀ-Ž]+[\s,]+[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}")
# The same look on Latin-1 text as classes ("U" a capital of `_CAPS_PAIR`, "s" a space or comma):
# a search led by the literal "UU" instead of one tried at every capital.
_CAPITAL = re.compile(r"[A-ZÄÖÜÀ-ÞĀ-Ž]")
_GAP = re.compile(r"[\s,]")
_CAPS_CLASSES = latin1_classes(
    lambda char: "U" if _CAPITAL.fullmatch(char) else "s" if _GAP.fullmatch(char) else "x"
)
# `UU+s+UU`, spelled with the literal "UU" first: the regex engine then looks for that prefix
# instead of testing a class at every byte.
_CAPS_PAIR_SHAPE = re.compile(rb"UUU*s+UU")


def _has_caps_pair(text: str, typographic_data: bytes | None = None) -> bool:
    """Whether `_CAPS_PAIR` matches `text`; `typographic_data`: its `typographic_latin1` bytes,
    when the caller has them (`NormalizedText.original_data`)."""
    shape = (
        typographic_data.translate(_CAPS_CLASSES.typographic)
        if typographic_data is not None
        else latin1_shape(text, _CAPS_CLASSES)
    )
    if shape is None:
        return _CAPS_PAIR.search(text) is not None
    # Every match starts at a "UU": none is known by a byte search (most messages have no two
    # capitals in a row), and a search from the first one finds what a search from the start does.
    first = shape.find(b"UU")
    return first >= 0 and _CAPS_PAIR_SHAPE.search(shape, first) is not None


def _shouting(text: str) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    first = last = -1
    count = 0
    for match in _CAPS_WORD.finditer(text):
        if count and set(text[last : match.start()]) <= _SEPARATORS:
            count += 1
        else:
            if count >= _SHOUTING_WORDS:
                runs.append((first, last))
            first, count = match.start(), 1
        last = match.end()
    if count >= _SHOUTING_WORDS:
        runs.append((first, last))
    return runs


@rule("unprofessional")
def unprofessional(message: AnalyzedMessage) -> Iterable[Finding]:
    """Capitals, exclamation runs and insults, each a warning with its span."""
    text = message.text
    found: list[Finding] = []
    for start, end in _shouting(text) if _has_caps_pair(text, message.typographic_original) else ():
        found.append(
            Finding(
                "unprofessional",
                "all_caps",
                "warn",
                (start, end),
                "Writing in capitals reads as shouting; a calm tone works better.",
            )
        )
    exclaiming = "!!!" in text or "！！！" in text or "!！" in text or "！!" in text
    for match in _EXCLAMATIONS.finditer(text) if exclaiming else ():
        found.append(
            Finding(
                "unprofessional",
                "exclamation_marks",
                "warn",
                (match.start(), match.end()),
                "Several exclamation marks in a row look unprofessional.",
            )
        )
    # A group that is not possible has no match (`Scan.possible_groups`, computed once per
    # message): most messages hold no insult, known without asking `matches`.
    if "unprofessional" in message.phrases.possible_groups():
        found.extend(
            phrase_findings(
                message,
                "unprofessional",
                "unprofessional",
                "This wording may come across as aggressive or insulting; keep the tone polite.",
                severity="warn",
            )
        )
    return found
