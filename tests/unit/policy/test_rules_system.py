"""System rules (policy.md §4): decided from the facts the system knows, not from the text."""

from __future__ import annotations

from gobetween.policy import SystemFacts, check

TEXT = "Hello,\n\nCould you confirm the engraving text?\n\nBest,\nShop"
CONTEXT = {"initiation": "proactive", "contact_reason": "customization"}


def test_seller_to_seller_blocks() -> None:
    verdict = check(TEXT, CONTEXT, facts=SystemFacts(sender_and_recipient_are_sellers=True))
    assert verdict.categories == ["seller_to_seller"]


def test_daily_limit_blocks_the_message_over_the_limit() -> None:
    assert (
        check(TEXT, CONTEXT, facts=SystemFacts(messages_sent_today=99, daily_limit=100)).verdict
        == "allow"
    )
    verdict = check(TEXT, CONTEXT, facts=SystemFacts(messages_sent_today=100, daily_limit=100))
    assert verdict.categories == ["daily_limit"]


def test_outside_window_applies_to_proactive_messages_only() -> None:
    late = SystemFacts(days_since_delivery=31)
    assert check(TEXT, CONTEXT, facts=late).categories == ["outside_window"]
    assert check(TEXT, {**CONTEXT, "initiation": "reply"}, facts=late).verdict == "allow"
    assert check(TEXT, CONTEXT, facts=SystemFacts(days_since_delivery=30)).verdict == "allow"


def test_case_closed_blocks_any_seller_message() -> None:
    verdict = check(
        TEXT, {**CONTEXT, "initiation": "reply"}, facts=SystemFacts(case_state="closed")
    )
    assert verdict.categories == ["case_closed"]
    assert check(TEXT, CONTEXT, facts=SystemFacts(case_state="resolved")).verdict == "allow"


def test_system_findings_have_no_span_and_explain_themselves() -> None:
    verdict = check(TEXT, CONTEXT, facts=SystemFacts(case_state="closed"))
    (finding,) = verdict.findings
    assert finding.span is None
    assert finding.message.endswith(".")
