"""`stock_or_delay_notice` (policy.md §4, proactive only): out of stock, back-order or delay
notices; the seller should cancel the order instead."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.categories import CRITICAL_REASONS
from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.sentences import asks_question
from gobetween.policy.verdict import Finding


@rule("stock_or_delay_notice", groups=("stock_or_delay_notice",))
def stock_or_delay_notice(message: AnalyzedMessage) -> Iterable[Finding]:
    """Out-of-stock, back-order and delay wording.

    Under a critical reason that asks the buyer something ("the gold thread is out of stock:
    would silver do?") the stock remark serves the question; the notice is not the purpose.
    """
    if message.context.contact_reason in CRITICAL_REASONS and asks_question(message.text):
        return []
    return phrase_findings(
        message,
        "stock_or_delay_notice",
        "stock_or_delay_notice",
        "Don't message buyers about stock problems or delays: if you can't ship on time, "
        "cancel the order instead.",
    )
