"""The public contract: every category of policy.md has a rule, and at least one case it blocks
(or warns on) and one it allows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gobetween.policy import Attachment, SystemFacts, check
from gobetween.policy.categories import ALL_CATEGORIES, WARNING_CATEGORIES
from gobetween.policy.rules import REGISTRY

POLICY = Path(__file__).resolve().parents[3] / ".." / "shared" / "spec" / "policy.md"

R: dict[str, Any] = {"initiation": "reply"}
P: dict[str, Any] = {"initiation": "proactive"}
CUSTOM: dict[str, Any] = {"initiation": "proactive", "contact_reason": "customization"}
FBA: dict[str, Any] = {"initiation": "reply", "fulfillment": "marketplace"}
QUESTION = "Could you confirm the engraving text?"
PDF = Attachment("invoice.pdf", "application/pdf", 40_000, b"%PDF-1.7\n")
EXE = Attachment("setup.exe", "application/octet-stream", 40_000, b"MZ\x90\x00")

# category -> ((text, context, facts) it fires on, (text, context, facts) it leaves alone)
Case = tuple[str, dict[str, Any], SystemFacts | None]
CASES: dict[str, tuple[Case, Case]] = {
    "review_request": (
        ("Glad it arrived! Please leave us a review on Amazon.", R, None),
        ("Glad it arrived! I reviewed your photos and the color is right.", R, None),
    ),
    "review_incentive": (
        ("Leave a 5-star review and we'll send you a $10 gift card.", R, None),
        ("We'll send you a $10 gift card as an apology for the delay.", R, None),
    ),
    "review_change_request": (
        ("Now that it works, could you update your review?", R, None),
        ("We updated the listing after reading the reviews.", R, None),
    ),
    "marketing": (
        ("Use code SPRING15 for 15% off your next order.", R, None),
        ("The price already includes shipping.", R, None),
    ),
    "external_link": (
        ("The size chart is at www.example-shop.com/sizes.", R, None),
        ("The size chart is in the listing photos.", R, None),
    ),
    "contact_info": (
        ("Questions? Mail shop.owner@gmail.com", R, None),
        ("Questions? Just reply here.", R, None),
    ),
    "off_platform": (
        ("Message me on WhatsApp and I'll send a video.", R, None),
        ("Reply here and I'll send a video.", R, None),
    ),
    "prohibited_media": (
        ("Thanks for your order 😊 " + QUESTION, CUSTOM, None),
        ("Thanks for your order. " + QUESTION, CUSTOM, None),
    ),
    "attachment_not_permitted": (
        ("Here is the driver.", {**R, "attachments": [EXE]}, None),
        ("Here is the invoice.", {**R, "attachments": [PDF]}, None),
    ),
    "fba_customer_service": (
        ("Just send it back to us and I'll refund you myself.", FBA, None),
        ("Amazon handles returns for this order: please use Your Orders.", FBA, None),
    ),
    "length": (
        ("Please confirm the text. " + "x" * 900, CUSTOM, None),
        ("Please confirm the text. " + "x" * 700, CUSTOM, None),
    ),
    "non_critical_proactive": (
        ("Hi, just checking in: how is the new chair?", P, None),
        (QUESTION, CUSTOM, None),
    ),
    "redundant_notification": (
        ("Good news: your order has shipped today.", P, None),
        ("Good news: your order has shipped today.", R, None),
    ),
    "proactive_customer_service": (
        ("A few care tips: oil the board monthly.", P, None),
        ("A few care tips: oil the board monthly.", R, None),
    ),
    "stock_or_delay_notice": (
        ("The lamp you ordered is out of stock until May.", P, None),
        ("The lamp you ordered is out of stock until May.", R, None),
    ),
    "thank_you_only": (
        ("Thank you so much for your order!", P, None),
        ("Thank you for your order! " + QUESTION, CUSTOM, None),
    ),
    "buyer_opted_out": (
        (
            "Here is your invoice.",
            {**P, "contact_reason": "invoice", "buyer_opted_out": True},
            None,
        ),
        (QUESTION, {**CUSTOM, "buyer_opted_out": True}, None),
    ),
    "seller_to_seller": (
        (QUESTION, CUSTOM, SystemFacts(sender_and_recipient_are_sellers=True)),
        (QUESTION, CUSTOM, SystemFacts()),
    ),
    "daily_limit": (
        (QUESTION, CUSTOM, SystemFacts(messages_sent_today=605, daily_limit=605)),
        (QUESTION, CUSTOM, SystemFacts(messages_sent_today=3, daily_limit=605)),
    ),
    "outside_window": (
        (QUESTION, CUSTOM, SystemFacts(days_since_delivery=45)),
        (QUESTION, CUSTOM, SystemFacts(days_since_delivery=12)),
    ),
    "case_closed": (
        (QUESTION, R, SystemFacts(case_state="closed")),
        (QUESTION, R, SystemFacts(case_state="opened")),
    ),
    "unprofessional": (
        ("WE ALREADY TOLD YOU THIS TWICE!!!", R, None),
        ("We mentioned this earlier; here it is again.", R, None),
    ),
    "language_mismatch": (
        (
            "Vielen Dank für Ihre Bestellung. Könnten Sie uns bitte den gewünschten Gravurtext "
            "mitteilen?",
            {**CUSTOM, "language": "en"},
            None,
        ),
        (
            "Thank you for your order. Could you please tell us the engraving text you would like?",
            {**CUSTOM, "language": "en"},
            None,
        ),
    ),
}


def _policy_categories() -> set[str]:
    text = POLICY.read_text(encoding="utf-8")
    section = text[text.index("## 4.") : text.index("## 5.")]
    # Table rows name the categories; the system rules and warnings are named in the prose.
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    prose = set(re.findall(r"`([a-z_]+)` \(", section))
    return (rows | prose) - {"allowed_link_domains"}


def test_policy_md_categories_are_the_contract() -> None:
    assert POLICY.is_file(), f"policy.md is missing: {POLICY}"
    assert _policy_categories() == set(ALL_CATEGORIES)


def test_every_category_has_a_rule_and_cases() -> None:
    registered = {rule.category for rule in REGISTRY}
    assert set(ALL_CATEGORIES) <= registered
    assert set(CASES) == set(ALL_CATEGORIES)


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_category_fires_on_its_case(category: str) -> None:
    text, context, facts = CASES[category][0]
    verdict = check(text, context, facts=facts)
    fired = {f.category for f in verdict.findings}
    assert category in fired
    if category in WARNING_CATEGORIES:
        assert category not in verdict.categories
    else:
        assert verdict.verdict == "block"
        assert category in verdict.categories


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_category_allows_its_counter_case(category: str) -> None:
    text, context, facts = CASES[category][1]
    verdict = check(text, context, facts=facts)
    assert category not in {f.category for f in verdict.findings}
