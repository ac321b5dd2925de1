"""`seller_to_seller` (policy.md §4 system rules): a seller may not message another seller through
the buyer channel."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("seller_to_seller", facts_only=True)
def seller_to_seller(message: AnalyzedMessage) -> Iterable[Finding]:
    """Decided from the system's facts, not from the text."""
    if not message.facts.sender_and_recipient_are_sellers:
        return []
    return [
        Finding(
            "seller_to_seller",
            "seller_to_seller",
            "block",
            None,
            "Sellers may not contact other sellers through buyer messaging; use the marketplace's "
            "infringement report or seller support instead.",
        )
    ]
