"""The communication-policy checker: pure Python, no I/O. `check()` is its one entry point."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gobetween.policy.context import Attachment, MessageContext, SystemFacts
from gobetween.policy.verdict import Finding, Suggestion, Verdict

__all__ = ["Attachment", "Finding", "MessageContext", "Suggestion", "SystemFacts", "Verdict", "check"]


def check(
    text: str,
    context: MessageContext | Mapping[str, Any],
    *,
    subject: str | None = None,
    facts: SystemFacts | None = None,
) -> Verdict:
    """PLACEHOLDER until the rule engine lands: validates the context and allows every message."""
    ctx = context if isinstance(context, MessageContext) else MessageContext.from_mapping(context)
    return Verdict(verdict="allow", critical=ctx.critical)
