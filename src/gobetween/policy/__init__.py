"""The communication-policy checker: pure Python, no I/O. `check()` is its one entry point."""

from __future__ import annotations

from gobetween.policy.context import Attachment, MessageContext, SystemFacts
from gobetween.policy.engine import check
from gobetween.policy.verdict import Finding, Suggestion, Verdict

__all__ = [
    "Attachment",
    "Finding",
    "MessageContext",
    "Suggestion",
    "SystemFacts",
    "Verdict",
    "check",
]
