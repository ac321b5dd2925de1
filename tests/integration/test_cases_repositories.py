"""Case, clock and metrics SQL on SQLite and PostgreSQL, checked against the pure domain code."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from cases_world import T0, add_message, seed_thread
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.cases import Actor, open_case, transition
from gobetween.domain.messages import FindingRecord
from gobetween.domain.response_times import (
    ResponseClock,
    StopReason,
    figures_by_window,
    start_clock,
)

NOW = T0 + timedelta(days=100)


def _open(engine: Engine, thread_id: int, order_id: str, at: datetime) -> int:
    case, _ = open_case(
        order_id=order_id,
        thread_id=thread_id,
        seller_id="S1",
        buyer_id="B1",
        at=at,
        actor=Actor("buyer", "B1"),
    )
    with SqlUnitOfWork(engine) as uow:
        case_id = uow.cases.add(case)
        uow.commit()
    return case_id


def test_case_round_trip_and_one_live_case_per_thread(engine: Engine) -> None:
    order_id = "114-0000001-0000001"
    thread_id = seed_thread(engine, order_id=order_id)
    case_id = _open(engine, thread_id, order_id, T0)
    with SqlUnitOfWork(engine) as uow:
        stored = uow.cases.find(case_id)
        assert stored is not None
        assert (stored.state, stored.opened_at, stored.seller_id) == ("opened", T0, "S1")
        resolved, _ = transition(
            stored, "resolve", actor=Actor("seller", "S1"), at=T0 + timedelta(hours=2)
        )
        uow.cases.save(resolved)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        again = uow.cases.latest_for_thread(thread_id)
        assert again is not None
        assert again.state == "resolved"
        assert again.resolved_at == T0 + timedelta(hours=2)
        assert again.survey_pending
    # A second live case on the same thread is refused by the partial unique index.
    with pytest.raises(IntegrityError):
        _open(engine, thread_id, order_id, T0 + timedelta(hours=3))


def test_idle_resolved_lists_only_quiet_resolved_cases(engine: Engine) -> None:
    ids = []
    for n in range(3):
        order_id = f"114-0000001-000000{n}"
        ids.append(_open(engine, seed_thread(engine, order_id=order_id), order_id, T0))
    with SqlUnitOfWork(engine) as uow:
        for case_id, resolved_at in zip(ids[:2], (T0, T0 + timedelta(days=3)), strict=True):
            case = uow.cases.find(case_id)
            assert case is not None
            changed, _ = transition(case, "resolve", actor=Actor("seller", "S1"), at=resolved_at)
            uow.cases.save(changed)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        quiet = uow.cases.idle_resolved(quiet_since=T0 + timedelta(days=1), limit=10)
    assert [c.id for c in quiet] == [ids[0]]


def _history(engine: Engine, rng: random.Random) -> list[ResponseClock]:
    """Random clocks on two threads, times on and around the edges, stops as the services do."""
    threads = [seed_thread(engine, order_id=f"114-0000002-000000{n}") for n in range(2)]
    edges = [0, 1, 86_400, 86_401, 14_400, 7 * 86_400, 30 * 86_400, 90 * 86_400]
    clocks: list[ResponseClock] = []
    for _ in range(40):
        ago = rng.choice([rng.randrange(-86_400, 95 * 86_400), rng.choice(edges)])
        start = NOW - timedelta(seconds=ago, microseconds=rng.choice([0, 0, 1, 999_999]))
        thread_id = rng.choice(threads)
        message_id = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=start)
        clock = start_clock(message_id=message_id, seller_id="S1", thread_id=thread_id, at=start)
        with SqlUnitOfWork(engine) as uow:
            uow.response_clocks.start(clock, case_id=None)
            roll = rng.random()
            if roll < 0.7:
                took = rng.choice([86_400, 86_400, 86_401, 0, rng.randrange(0, 3 * 86_400)])
                reason: StopReason = rng.choice(
                    ["answered", "answered", "answered", "no_response_needed", "reported"]
                )
                uow.response_clocks.stop(
                    message_id, reason=reason, at=start + timedelta(seconds=took)
                )
            uow.commit()
        with SqlUnitOfWork(engine) as uow:
            stored = uow.response_clocks.find(message_id)
        assert stored is not None
        clocks.append(stored)
    return clocks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_figures_equal_the_domain_figures(engine: Engine, seed: int) -> None:
    clocks = _history(engine, random.Random(seed))
    reader = SqlMetricsReader(engine)
    midnight = datetime.combine(NOW.date(), time(), tzinfo=UTC)
    # Now, in the past (stops recorded after it), in the future, and exactly at midnight, where
    # the roll-up's whole days meet the clocks classified one by one.
    for now in (NOW, NOW - timedelta(days=3), NOW + timedelta(hours=20), midnight):
        expected = figures_by_window(clocks, now=now)
        assert reader.response_figures("S1", now=now, windows=(7, 30, 90)) == expected
        # One window alone, and windows of a single day, fold the same way.
        assert reader.response_figures("S1", now=now, windows=(30,)) == {30: expected[30]}
        assert reader.response_figures("S1", now=now, windows=(1, 2)) == figures_by_window(
            clocks, now=now, windows=(1, 2)
        )
        assert reader.response_figures_for_all(now=now, windows=(7, 30, 90)) == (
            {"S1": expected}
            if any(f.due + f.pending + f.excluded for f in expected.values())
            else {}
        )


def test_an_answer_stops_every_running_clock_of_its_thread_once(engine: Engine) -> None:
    thread_id = seed_thread(engine, order_id="114-0000003-0000001")
    first = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=T0)
    second = add_message(
        engine, thread_id=thread_id, buyer=True, sender_id="B1", at=T0 + timedelta(hours=1)
    )
    with SqlUnitOfWork(engine) as uow:
        for message_id, at in ((first, T0), (second, T0 + timedelta(hours=1))):
            uow.response_clocks.start(
                start_clock(message_id=message_id, seller_id="S1", thread_id=thread_id, at=at),
                case_id=None,
            )
        assert [c.message_id for c in uow.response_clocks.running_for_seller("S1", limit=5)] == [
            first,
            second,
        ]
        answer_at = T0 + timedelta(hours=24)
        assert (
            uow.response_clocks.stop_running_on_thread(
                thread_id, reason="answered", at=answer_at, by_message_id=None
            )
            == 2
        )
        assert (
            uow.response_clocks.stop_running_on_thread(
                thread_id, reason="answered", at=answer_at + timedelta(hours=1), by_message_id=None
            )
            == 0
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        stopped = uow.response_clocks.find(first)
    assert stopped is not None
    assert (stopped.stopped_at, stopped.stop_reason) == (T0 + timedelta(hours=24), "answered")


def test_due_soon_is_claimed_once_and_only_inside_the_last_four_hours(engine: Engine) -> None:
    thread_id = seed_thread(engine, order_id="114-0000004-0000001")
    now = T0 + timedelta(days=2)
    ids = {}
    for label, hours_ago in (("due_soon", 21), ("fresh", 19), ("overdue", 25)):
        at = now - timedelta(hours=hours_ago)
        ids[label] = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=at)
        with SqlUnitOfWork(engine) as uow:
            uow.response_clocks.start(
                start_clock(message_id=ids[label], seller_id="S1", thread_id=thread_id, at=at),
                case_id=None,
            )
            uow.commit()
    with SqlUnitOfWork(engine) as uow:
        claimed = uow.response_clocks.claim_due_soon(now=now, limit=10)
        uow.commit()
    assert [c.message_id for c in claimed] == [ids["due_soon"]]
    with SqlUnitOfWork(engine) as uow:
        assert uow.response_clocks.claim_due_soon(now=now, limit=10) == []


def test_blocked_by_category_and_bounces_count_the_sellers_own_messages(engine: Engine) -> None:
    thread_id = seed_thread(engine, order_id="114-0000005-0000001")
    finding = FindingRecord("review_request", "review_request", "block", 0, 5, "asks for a review")
    warn = FindingRecord("unprofessional", "unprofessional", "warn", None, None, "all caps")
    at = T0 + timedelta(days=95)
    for findings in ((finding, warn), (finding,)):
        add_message(
            engine,
            thread_id=thread_id,
            buyer=False,
            sender_id="S1",
            at=at,
            disposition="blocked",
            findings=findings,
        )
    add_message(
        engine, thread_id=thread_id, buyer=False, sender_id="S1", at=at, disposition="bounced"
    )
    add_message(engine, thread_id=thread_id, buyer=False, sender_id="S1", at=at)
    reader = SqlMetricsReader(engine)
    # The messages are 5 days old: inside a 7-day window, outside a 1-day one.
    windows = (1, 7)
    assert reader.blocked_by_category("S1", now=NOW, windows=windows) == {
        "S1": {1: {}, 7: {"review_request": 2}}
    }
    assert reader.bounces("S1", now=NOW, windows=windows) == {"S1": {1: 0, 7: 1}}
    assert reader.bounces("S2", now=NOW, windows=windows) == {}
    assert reader.sent_since("S1", at - timedelta(seconds=1)) == 1
    # Exactly 5 days: a message received exactly `days` ago is outside the window.
    assert reader.blocked_by_category(None, now=at + timedelta(days=5), windows=(5,)) == {}
