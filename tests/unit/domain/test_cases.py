"""The case state table: every edge, every refusal, the survey and idle closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gobetween.domain.cases import (
    CASE_STATES,
    ROLES,
    SYSTEM,
    TRANSITIONS,
    Actor,
    Case,
    CaseAction,
    answer_survey,
    find_transition,
    is_idle,
    open_case,
    record_activity,
    transition,
)
from gobetween.domain.errors import InvalidInput, Refused

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
BUYER = Actor("buyer", "B1")
SELLER = Actor("seller", "S1")
OPERATOR = Actor("operator")
ALL_ACTIONS: tuple[CaseAction, ...] = ("resolve", "confirm", "expire", "reopen", "close")


def opened() -> Case:
    case, _ = open_case(
        order_id="114-3941689-8772232",
        thread_id=7,
        seller_id="S1",
        buyer_id="B1",
        at=T0,
        actor=BUYER,
    )
    return case


def resolved() -> Case:
    case, _ = transition(opened(), "resolve", actor=SELLER, at=T0 + timedelta(hours=3))
    return case


def test_open_case_starts_opened_and_reports_the_change() -> None:
    case, change = open_case(
        order_id="114-3941689-8772232",
        thread_id=7,
        seller_id="S1",
        buyer_id="B1",
        at=T0,
        actor=BUYER,
        previous_case_id=3,
    )
    assert (case.state, case.opened_at, case.previous_case_id) == ("opened", T0, 3)
    assert change.as_data() == {
        "action": "open",
        "from": None,
        "to": "opened",
        "actor": "buyer:B1",
        "at": T0.isoformat(),
    }


def test_a_seller_cannot_open_a_case() -> None:
    with pytest.raises(Refused, match="seller may not open"):
        open_case(
            order_id="114-3941689-8772232",
            thread_id=7,
            seller_id="S1",
            buyer_id="B1",
            at=T0,
            actor=SELLER,
        )


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        open_case(
            order_id="o",
            thread_id=1,
            seller_id="S1",
            buyer_id="B1",
            at=datetime(2026, 1, 1),
            actor=BUYER,
        )


def test_unknown_role_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"actor\.role"):
        Actor("admin")  # type: ignore[arg-type]


@pytest.mark.parametrize("edge", TRANSITIONS, ids=lambda e: f"{e.source}-{e.action}")
def test_each_edge_of_the_table_is_taken_by_its_roles_only(edge: object) -> None:
    from gobetween.domain.cases import Transition

    assert isinstance(edge, Transition)
    start = opened() if edge.source == "opened" else resolved()
    for role in ROLES:
        actor = Actor(role, "X1")
        if role in edge.roles:
            case, change = transition(start, edge.action, actor=actor, at=T0 + timedelta(days=1))
            assert case.state == edge.target
            assert (change.source, change.target, change.actor) == (edge.source, edge.target, actor)
        else:
            with pytest.raises(Refused, match=f"may {edge.action}"):
                transition(start, edge.action, actor=actor, at=T0 + timedelta(days=1))


@pytest.mark.parametrize("state", CASE_STATES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_moves_missing_from_the_table_are_refused(state: str, action: CaseAction) -> None:
    if find_transition(state, action) is not None:  # type: ignore[arg-type]
        return
    start = {"opened": opened(), "resolved": resolved()}.get(state)
    if start is None:
        start, _ = transition(resolved(), "confirm", actor=BUYER, at=T0 + timedelta(days=1))
    with pytest.raises(Refused) as refused:
        transition(start, action, actor=OPERATOR, at=T0 + timedelta(days=2))
    assert refused.value.code == ("case_closed" if state == "closed" else "case_transition")


def test_resolving_stamps_resolved_at_and_asks_the_survey() -> None:
    case = resolved()
    assert case.resolved_at == T0 + timedelta(hours=3)
    assert case.survey_pending


def test_survey_yes_closes_the_case() -> None:
    at = T0 + timedelta(days=1)
    case, change = answer_survey(resolved(), solved=True, actor=BUYER, at=at)
    assert (case.state, case.closed_at, change.action) == ("closed", at, "confirm")
    assert not case.buyer_reported_unresolved


def test_survey_no_flags_the_case_and_keeps_it_resolved() -> None:
    at = T0 + timedelta(days=1)
    case, change = answer_survey(resolved(), solved=False, actor=BUYER, at=at)
    assert case.state == "resolved"
    assert case.buyer_reported_unresolved
    assert not case.survey_pending
    assert change.action == "survey_no"
    with pytest.raises(Refused, match="already answered"):
        answer_survey(case, solved=True, actor=BUYER, at=at)


def test_survey_only_by_the_buyer_and_only_when_resolved() -> None:
    with pytest.raises(Refused, match="only the buyer"):
        answer_survey(resolved(), solved=True, actor=SELLER, at=T0 + timedelta(days=1))
    with pytest.raises(Refused, match="once a case is resolved"):
        answer_survey(opened(), solved=True, actor=BUYER, at=T0 + timedelta(days=1))


def test_resolving_again_after_a_no_asks_the_survey_again_and_keeps_the_flag() -> None:
    flagged, _ = answer_survey(resolved(), solved=False, actor=BUYER, at=T0 + timedelta(days=1))
    reopened, _ = transition(flagged, "reopen", actor=BUYER, at=T0 + timedelta(days=2))
    again, _ = transition(reopened, "resolve", actor=SELLER, at=T0 + timedelta(days=3))
    assert again.survey_pending
    assert again.buyer_reported_unresolved


def test_activity_on_a_closed_case_is_refused_case_closed() -> None:
    closed, _ = transition(resolved(), "expire", actor=SYSTEM, at=T0 + timedelta(days=8))
    with pytest.raises(Refused) as refused:
        record_activity(closed, at=T0 + timedelta(days=9))
    assert refused.value.code == "case_closed"


def test_activity_moves_the_idle_clock_forward_never_back() -> None:
    case = record_activity(opened(), at=T0 + timedelta(hours=5))
    assert case.last_activity_at == T0 + timedelta(hours=5)
    assert record_activity(case, at=T0).last_activity_at == T0 + timedelta(hours=5)


def test_idle_means_resolved_and_quiet_for_at_least_n_days() -> None:
    case = resolved()
    quiet_since = case.last_activity_at
    assert not is_idle(case, now=quiet_since + timedelta(days=7, seconds=-1), idle_days=7)
    assert is_idle(case, now=quiet_since + timedelta(days=7), idle_days=7)
    assert not is_idle(opened(), now=T0 + timedelta(days=70), idle_days=7)
    with pytest.raises(InvalidInput, match="idle_days"):
        is_idle(case, now=T0, idle_days=0)


def test_a_reason_is_recorded_with_the_change_and_checked() -> None:
    case, change = transition(
        resolved(), "close", actor=OPERATOR, at=T0 + timedelta(days=1), reason="  Settled.  "
    )
    assert (case.state, change.reason) == ("closed", "Settled.")
    assert change.as_data()["reason"] == "Settled."
    _, plain = transition(opened(), "resolve", actor=Actor("seller", "S1"), at=T0)
    assert "reason" not in plain.as_data()
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(InvalidInput, match="reason"):
            transition(opened(), "close", actor=OPERATOR, at=T0, reason=bad)
