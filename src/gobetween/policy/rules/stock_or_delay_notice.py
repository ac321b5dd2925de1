"""`stock_or_delay_notice` (policy.md §4, proactive only): out of stock, back-order or delay
notices; the seller should cancel the order instead."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


@rule("stock_or_delay_notice")
def stock_or_delay_notice(message: AnalyzedMessage) -> Iterable[Finding]:
    """Out-of-stock, back-order and delay wording."""
    return phrase_findings(
        message,
        "stock_or_delay_notice",
        "stock_or_delay_notice",
        "Don't message buyers about stock problems or delays: if you can't ship on time, cancel "
        "the "
        "order instead.",
    )
