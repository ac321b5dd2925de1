"""`daily_limit` (policy.md §4 system rules): more messages in one UTC day than the limit."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding


@rule("daily_limit", facts_only=True)
def daily_limit(message: AnalyzedMessage) -> Iterable[Finding]:
    """This message would be one more than the limit the system computed for today."""
    sent, limit = message.facts.messages_sent_today, message.facts.daily_limit
    if sent is None or limit is None or sent + 1 <= limit:
        return []
    return [
        Finding(
            "daily_limit",
            "daily_limit",
            "block",
            None,
            f"You have reached today's limit of {limit} messages; this one can be sent after "
            "midnight UTC.",
        )
    ]
