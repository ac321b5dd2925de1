"""`outside_window` (policy.md §2, §4 system rules): proactive messages only up to 30 days after
delivery (the profile's window)."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("outside_window", facts_only=True)
def outside_window(message: AnalyzedMessage) -> Iterable[Finding]:
    """A proactive message more than the window's days after delivery."""
    days = message.facts.days_since_delivery
    window = message.policy.limits.proactive_window_days
    if message.context.initiation != "proactive" or days is None or days <= window:
        return []
    return [
        Finding(
            "outside_window",
            "outside_window",
            "block",
            None,
            f"The order was delivered more than {window} days ago, so you can no longer start a "
            "conversation about it; you can still answer the buyer.",
        )
    ]
