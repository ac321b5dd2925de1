"""`marketing` (policy.md §4): coupons, promotions, upselling, new products, "follow us"."""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.rules import AnalyzedMessage, phrase_findings, rule
from gobetween.policy.verdict import Finding


@rule("marketing", groups=("marketing",))
def marketing(message: AnalyzedMessage) -> Iterable[Finding]:
    """Promotion phrases and discount offers, in any of the six languages."""
    return phrase_findings(
        message,
        "marketing",
        "marketing",
        "Promotions, discount codes, other products and invitations to shop again are not allowed "
        "in buyer messages.",
    )
