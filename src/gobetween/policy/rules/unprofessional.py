"""`unprofessional` (policy.md §4 warnings, never blocks): shouting in capitals, strings of
exclamation marks, aggressive or insulting wording."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding

# A run of capitals this long (letters and the spaces between them) reads as shouting; shorter
# runs are acronyms, SKUs or a single emphasised word.
_SHOUTING = re.compile(r"(?:\b[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}[\s,]+){3,}[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}\b")
_EXCLAMATIONS = re.compile(r"[!！]{3,}")


@rule("unprofessional")
def unprofessional(message: AnalyzedMessage) -> Iterable[Finding]:
    """Capitals, exclamation runs and insults, each a warning with its span."""
    text = message.text
    found: list[Finding] = []
    for match in _SHOUTING.finditer(text):
        found.append(
            Finding(
                "unprofessional",
                "all_caps",
                "warn",
                (match.start(), match.end()),
                "Writing in capitals reads as shouting; a calm tone works better.",
            )
        )
    for match in _EXCLAMATIONS.finditer(text):
        found.append(
            Finding(
                "unprofessional",
                "exclamation_marks",
                "warn",
                (match.start(), match.end()),
                "Several exclamation marks in a row look unprofessional.",
            )
        )
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
