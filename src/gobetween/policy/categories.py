"""The category ids of policy.md: a public contract of the checker, API, database and tests."""

from __future__ import annotations

from typing import Final

# policy.md §4: apply to every seller message, proactive or reply.
SELLER_CATEGORIES: Final = (
    "review_request",
    "review_incentive",
    "review_change_request",
    "marketing",
    "external_link",
    "contact_info",
    "off_platform",
    "prohibited_media",
    "attachment_not_permitted",
    "fba_customer_service",
    "length",
)

# policy.md §4: apply only to proactive seller messages.
PROACTIVE_CATEGORIES: Final = (
    "non_critical_proactive",
    "redundant_notification",
    "proactive_customer_service",
    "stock_or_delay_notice",
    "thank_you_only",
    "buyer_opted_out",
)

# policy.md §4: system rules, decided from facts the system knows rather than from the text.
SYSTEM_CATEGORIES: Final = ("seller_to_seller", "daily_limit", "outside_window", "case_closed")

# policy.md §4: warnings never block.
WARNING_CATEGORIES: Final = ("unprofessional", "language_mismatch")

ALL_CATEGORIES: Final = (
    SELLER_CATEGORIES + PROACTIVE_CATEGORIES + SYSTEM_CATEGORIES + WARNING_CATEGORIES
)

# policy.md §2.
CONTACT_REASONS: Final = (
    "customization",
    "delivery_scheduling",
    "address_issue",
    "unexpected_problem",
    "invoice",
    "legal_disclosure",
    "warranty",
    "digital_access_key",
    "other",
)
CRITICAL_REASONS: Final = frozenset(
    {
        "customization",
        "delivery_scheduling",
        "address_issue",
        "unexpected_problem",
        "legal_disclosure",
    }
)

# policy.md §5.
TRIAGE_VALUES: Final = ("needs_response", "no_response_needed")
REPORT_REASONS: Final = ("abuse", "off_platform_payment", "spam")
