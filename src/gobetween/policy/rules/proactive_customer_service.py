"""`proactive_customer_service` (policy.md §4, proactive only): manuals, tips, FAQs, care
instructions and "in case you have problems" messages the buyer did not ask for."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding

# A warranty notice or a legal disclosure necessarily says what to do if the product fails, and a
# digital key comes with how to redeem it.
_EXEMPT_REASONS = frozenset({"warranty", "legal_disclosure", "digital_access_key"})


@rule("proactive_customer_service", groups=("proactive_customer_service",))
def proactive_customer_service(message: AnalyzedMessage) -> Iterable[Finding]:
    """Unrequested tips, guides, manuals or offers of help."""
    if message.context.contact_reason in _EXEMPT_REASONS:
        return []
    return phrase_findings(
        message,
        "proactive_customer_service",
        "proactive_customer_service",
        "Manuals, tips and offers of help may only be sent when the buyer asks for them.",
    )
