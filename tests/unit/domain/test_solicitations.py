"""The review-request rules: once per order, 5 days after the earliest to 30 after the latest
delivery date, not with a proactive message, not to opted-out buyers; every failure named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from gobetween.domain.solicitations import (
    SolicitationFacts,
    solicitation_refusals,
    solicitation_window,
)

DELIVERED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LATEST = DELIVERED + timedelta(days=3)
FACTS = SolicitationFacts(
    status="delivered",
    delivered_at=DELIVERED,
    latest_delivery_at=LATEST,
    buyer_opted_out=False,
    already_requested_at=None,
    proactive_message_sent=False,
)


def rules(facts: SolicitationFacts, now: datetime) -> list[str]:
    return [refusal.rule for refusal in solicitation_refusals(facts, now=now)]


def test_the_window_runs_from_5_days_after_delivery_to_30_after_the_latest_date() -> None:
    assert solicitation_window(FACTS) == (
        DELIVERED + timedelta(days=5),
        LATEST + timedelta(days=30),
    )
    assert rules(FACTS, DELIVERED + timedelta(days=5)) == []
    assert rules(FACTS, LATEST + timedelta(days=30)) == []
    assert rules(FACTS, DELIVERED + timedelta(days=4, hours=23)) == ["too_early"]
    assert rules(FACTS, LATEST + timedelta(days=30, seconds=1)) == ["too_late"]


def test_a_missing_or_earlier_latest_date_falls_back_to_the_delivery() -> None:
    no_latest = replace(FACTS, latest_delivery_at=None)
    assert solicitation_window(no_latest) == (
        DELIVERED + timedelta(days=5),
        DELIVERED + timedelta(days=30),
    )
    earlier = replace(FACTS, latest_delivery_at=DELIVERED - timedelta(days=2))
    assert solicitation_window(earlier) == solicitation_window(no_latest)


@pytest.mark.parametrize("status", ["pending", "unshipped", "shipped", "cancelled", "returned"])
def test_only_delivered_orders_qualify(status: str) -> None:
    assert rules(replace(FACTS, status=status), DELIVERED + timedelta(days=6)) == ["not_delivered"]
    undelivered = replace(FACTS, delivered_at=None)
    assert solicitation_window(undelivered) is None
    assert rules(undelivered, DELIVERED) == ["not_delivered"]


def test_every_failed_condition_is_reported_with_its_rule_and_reason() -> None:
    facts = replace(
        FACTS,
        buyer_opted_out=True,
        already_requested_at=DELIVERED + timedelta(days=6),
        proactive_message_sent=True,
    )
    refusals = solicitation_refusals(facts, now=DELIVERED + timedelta(days=1))
    assert [r.rule for r in refusals] == [
        "already_requested",
        "proactive_message_sent",
        "buyer_opted_out",
        "too_early",
    ]
    assert "2026-11-07" in refusals[0].explanation
    assert "2026-11-06" in refusals[3].explanation
