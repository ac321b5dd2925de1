"""`language_mismatch` (policy.md §4 warnings): text not in the buyer's language; never blocks."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.detectors.language import SUPPORTED, detect_language
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("language_mismatch")
def language_mismatch(message: AnalyzedMessage) -> Iterable[Finding]:
    """Warn when the text is surely in another language than the buyer's."""
    buyer = (message.context.language or "")[:2]
    if buyer not in SUPPORTED:
        return []
    # The engine falls back to the buyer's language when detection is unsure; only a confident
    # detection is evidence of a mismatch.
    written = message.language if message.language in SUPPORTED else None
    if written is None or written == buyer:
        return []
    detected = message.language_detected
    if detected is None:
        detected = detect_language(message.text) == written
    if not detected:
        return []
    return [
        Finding(
            "language_mismatch",
            "language_mismatch",
            "warn",
            None,
            f"The buyer reads {buyer}; this message looks written in {written}.",
        )
    ]
