"""The case services on SQLite and PostgreSQL: a case's life, its events, clocks and sweeps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cases_world import T0, add_message, seed_thread
from sqlalchemy import Engine, event, select, text

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.cases import Actor, Case
from gobetween.domain.errors import NotFound, Refused
from gobetween.domain.messages import FindingRecord
from gobetween.services import cases, metrics
from gobetween.services.messaging import MessagingLimits

ORDER = "114-0000007-0000001"
SELLER = Actor("seller", "S1")
BUYER = Actor("buyer", "B1")
OPERATOR = Actor("operator")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def thread_id(engine: Engine) -> int:
    return seed_thread(engine, order_id=ORDER)


def buyer_writes(engine: Engine, thread_id: int, at: datetime) -> tuple[int, Case]:
    message_id = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=at)
    with SqlUnitOfWork(engine) as uow:
        case = cases.note_buyer_message(
            uow,
            message_id=message_id,
            order_id=ORDER,
            thread_id=thread_id,
            seller_id="S1",
            buyer_id="B1",
            at=at,
        )
        uow.commit()
    return message_id, case


def seller_writes(
    engine: Engine, thread_id: int, at: datetime, disposition: str = "delivered"
) -> int:
    message_id = add_message(
        engine,
        thread_id=thread_id,
        buyer=False,
        sender_id="S1",
        at=at,
        disposition=disposition,  # type: ignore[arg-type]
    )
    with SqlUnitOfWork(engine) as uow:
        stopped = cases.note_seller_message(
            uow,
            message_id=message_id,
            order_id=ORDER,
            thread_id=thread_id,
            seller_id="S1",
            disposition=disposition,
            categories=["review_request"] if disposition == "blocked" else [],
            at=at,
        )
        uow.commit()
    return stopped


def factory(engine: Engine) -> cases.CaseUnitOfWorkFactory:
    return lambda: SqlUnitOfWork(engine)


def test_a_case_from_first_message_to_confirmation(engine: Engine, thread_id: int) -> None:
    _, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    assert case.state == "opened"
    # A second buyer message joins the same case.
    _, same = buyer_writes(engine, thread_id, T0 + timedelta(hours=1))
    assert same.id == case.id
    assert seller_writes(engine, thread_id, T0 + timedelta(hours=2)) == 2
    resolved = cases.resolve_case(
        case_id=case.id,
        actor=SELLER,
        uow=SqlUnitOfWork(engine),
        clock=Clock(T0 + timedelta(hours=3)),
    )
    assert resolved.survey_pending
    closed = cases.answer_survey(
        case_id=case.id,
        solved=True,
        actor=BUYER,
        uow=SqlUnitOfWork(engine),
        clock=Clock(T0 + timedelta(hours=4)),
    )
    assert (closed.state, closed.closed_at) == ("closed", T0 + timedelta(hours=4))
    detail = cases.get_case(case_id=case.id, viewer=OPERATOR, uow=SqlUnitOfWork(engine))
    assert [(e.data["action"], e.actor) for e in detail.history] == [
        ("open", "buyer:B1"),
        ("resolve", "seller:S1"),
        ("confirm", "buyer:B1"),
    ]


def test_case_events_are_append_only_evidence(engine: Engine, thread_id: int) -> None:
    buyer_writes(engine, thread_id, T0)
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE events SET actor = 'nobody' WHERE kind = 'case.changed'"))


def test_a_follow_up_on_a_closed_case_opens_a_new_linked_case(
    engine: Engine, thread_id: int
) -> None:
    _, first = buyer_writes(engine, thread_id, T0)
    assert first.id is not None
    cases.close_case(
        case_id=first.id,
        reason="Spam.",
        actor=OPERATOR,
        uow=SqlUnitOfWork(engine),
        clock=Clock(T0),
    )
    with SqlUnitOfWork(engine) as uow:
        assert cases.case_state_for_thread(uow, thread_id) == "closed"
    _, second = buyer_writes(engine, thread_id, T0 + timedelta(days=1))
    assert second.id != first.id
    assert second.previous_case_id == first.id
    with SqlUnitOfWork(engine) as uow:
        assert cases.case_state_for_thread(uow, thread_id) == "opened"


def test_a_buyer_writing_on_a_resolved_case_reopens_it(engine: Engine, thread_id: int) -> None:
    _, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    cases.resolve_case(case_id=case.id, actor=SELLER, uow=SqlUnitOfWork(engine), clock=Clock(T0))
    _, again = buyer_writes(engine, thread_id, T0 + timedelta(hours=5))
    assert (again.id, again.state, again.resolved_at) == (case.id, "opened", None)


def test_survey_no_flags_the_case_but_not_the_account_health(
    engine: Engine, thread_id: int
) -> None:
    _message_id, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    seller_writes(engine, thread_id, T0 + timedelta(hours=1))
    cases.resolve_case(case_id=case.id, actor=SELLER, uow=SqlUnitOfWork(engine), clock=Clock(T0))
    flagged = cases.answer_survey(
        case_id=case.id,
        solved=False,
        actor=BUYER,
        uow=SqlUnitOfWork(engine),
        clock=Clock(T0 + timedelta(hours=2)),
    )
    assert flagged.buyer_reported_unresolved
    assert flagged.state == "resolved"
    health = metrics.seller_metrics(
        "S1",
        reader=SqlMetricsReader(engine),
        clock=Clock(T0 + timedelta(days=1)),
        limits=MessagingLimits(),
    )
    week = health.windows[7]
    assert week.reported_unresolved == 1
    # The figures only know the answered message: the flag changes nothing in them.
    assert (week.response.on_time, week.response.late, week.response.on_time_percent) == (
        1,
        0,
        100.0,
    )


def test_only_the_parties_may_act_and_others_see_nothing(engine: Engine, thread_id: int) -> None:
    _, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    with pytest.raises(NotFound):
        cases.resolve_case(
            case_id=case.id,
            actor=Actor("seller", "S2"),
            uow=SqlUnitOfWork(engine),
            clock=Clock(T0),
        )
    with pytest.raises(Refused, match="only the operator or seller may resolve"):
        cases.resolve_case(case_id=case.id, actor=BUYER, uow=SqlUnitOfWork(engine), clock=Clock(T0))
    with pytest.raises(NotFound):
        cases.get_case(case_id=case.id, viewer=Actor("buyer", "B9"), uow=SqlUnitOfWork(engine))
    assert cases.list_cases(viewer=Actor("seller", "S2"), uow=SqlUnitOfWork(engine)) == []
    assert [c.id for c in cases.list_cases(viewer=SELLER, uow=SqlUnitOfWork(engine))] == [case.id]
    assert [c.id for c in cases.list_cases(viewer=BUYER, uow=SqlUnitOfWork(engine))] == [case.id]


def test_a_refused_change_writes_nothing(engine: Engine, thread_id: int) -> None:
    _, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    with pytest.raises(Refused):
        cases.answer_survey(
            case_id=case.id, solved=True, actor=BUYER, uow=SqlUnitOfWork(engine), clock=Clock(T0)
        )
    with engine.connect() as connection:
        kinds = connection.execute(select(t.events.c.kind)).scalars().all()
    assert kinds == ["case.changed"]


def test_blocked_and_bounced_seller_messages_do_not_stop_the_clock(
    engine: Engine, thread_id: int
) -> None:
    message_id, _ = buyer_writes(engine, thread_id, T0)
    assert seller_writes(engine, thread_id, T0 + timedelta(hours=1), "blocked") == 0
    assert seller_writes(engine, thread_id, T0 + timedelta(hours=1), "bounced") == 0
    with SqlUnitOfWork(engine) as uow:
        clock = uow.response_clocks.find(message_id)
    assert clock is not None
    assert clock.stopped_at is None


def test_no_response_needed_by_the_seller_only(engine: Engine, thread_id: int) -> None:
    message_id, _ = buyer_writes(engine, thread_id, T0)
    with pytest.raises(NotFound):
        cases.mark_no_response_needed(
            message_id=message_id,
            actor=Actor("seller", "S2"),
            uow=SqlUnitOfWork(engine),
            clock=Clock(T0),
        )
    stopped = cases.mark_no_response_needed(
        message_id=message_id, actor=SELLER, uow=SqlUnitOfWork(engine), clock=Clock(T0)
    )
    assert stopped.stop_reason == "no_response_needed"
    # Idempotent, and the first stop stays.
    again = cases.mark_no_response_needed(
        message_id=message_id,
        actor=SELLER,
        uow=SqlUnitOfWork(engine),
        clock=Clock(T0 + timedelta(hours=1)),
    )
    assert again.stopped_at == T0


def test_idle_resolved_cases_close_after_exactly_n_days(engine: Engine, thread_id: int) -> None:
    _, case = buyer_writes(engine, thread_id, T0)
    assert case.id is not None
    resolved_at = T0 + timedelta(hours=1)
    cases.resolve_case(
        case_id=case.id, actor=SELLER, uow=SqlUnitOfWork(engine), clock=Clock(resolved_at)
    )
    just_before = Clock(resolved_at + timedelta(days=7, seconds=-1))
    assert cases.close_idle_cases(uow_factory=factory(engine), clock=just_before, idle_days=7) == 0
    on_the_day = Clock(resolved_at + timedelta(days=7))
    report = cases.run_sweeps(uow_factory=factory(engine), clock=on_the_day, idle_days=7)
    assert report.closed == 1
    with SqlUnitOfWork(engine) as uow:
        closed = uow.cases.find(case.id)
    assert closed is not None
    assert (closed.state, closed.closed_at) == ("closed", on_the_day.now)


def test_due_soon_is_announced_once(engine: Engine, thread_id: int) -> None:
    buyer_writes(engine, thread_id, T0)
    with SqlUnitOfWork(engine) as uow:
        from gobetween.services import webhooks

        webhooks.subscribe(
            uow=uow, url="https://hooks.example/x", events=["response.due_soon"], now=T0
        )
        uow.commit()
    at = Clock(T0 + timedelta(hours=21))
    assert cases.announce_due_soon(uow_factory=factory(engine), clock=at) == 1
    assert cases.announce_due_soon(uow_factory=factory(engine), clock=at) == 0
    with engine.connect() as connection:
        payloads = (
            connection.execute(select(t.outbox.c.payload).where(t.outbox.c.kind == "webhook"))
            .scalars()
            .all()
        )
    (payload,) = payloads
    assert payload["event"]["type"] == "response.due_soon"
    assert payload["event"]["data"]["seconds_left"] == 3 * 3600


def test_seller_metrics_figures_and_unknown_seller(engine: Engine, thread_id: int) -> None:
    buyer_writes(engine, thread_id, T0)
    seller_writes(engine, thread_id, T0 + timedelta(hours=30))
    buyer_writes(engine, thread_id, T0 + timedelta(days=2))
    now = Clock(T0 + timedelta(days=4))
    health = metrics.seller_metrics(
        "S1", reader=SqlMetricsReader(engine), clock=now, limits=MessagingLimits()
    )
    week = health.windows[7].response
    assert (week.on_time, week.late, week.overdue) == (0, 1, 1)
    assert week.average_response_seconds == 30 * 3600
    as_dict = health.as_dict()
    assert as_dict["windows"]["7"]["answered_within_24h_percent"] == 0.0
    assert as_dict["daily_limit"]["limit"] == 600 + 5 * 1 // 7
    with pytest.raises(NotFound):
        metrics.seller_metrics(
            "S404", reader=SqlMetricsReader(engine), clock=now, limits=MessagingLimits()
        )


def test_all_sellers_health_equals_each_sellers_own(engine: Engine, thread_id: int) -> None:
    other = seed_thread(engine, order_id="114-0000007-0000002", seller_id="S2", buyer_id="B2")
    buyer_writes(engine, thread_id, T0)
    seller_writes(engine, thread_id, T0 + timedelta(hours=3))
    seller_writes(engine, thread_id, T0 + timedelta(hours=4), "bounced")
    add_message(
        engine,
        thread_id=thread_id,
        buyer=False,
        sender_id="S1",
        at=T0 + timedelta(days=10),
        disposition="blocked",
        findings=(FindingRecord("marketing", "marketing", "block", 0, 3, "promotes"),),
    )
    add_message(engine, thread_id=other, buyer=False, sender_id="S2", at=T0, disposition="bounced")
    now = Clock(T0 + timedelta(days=12))
    reader = SqlMetricsReader(engine)
    everyone = metrics.all_account_health(reader=reader, clock=now)
    assert set(everyone) == {"S1", "S2"}
    for seller in ("S1", "S2"):
        own = metrics.seller_metrics(seller, reader=reader, clock=now, limits=MessagingLimits())
        assert everyone[seller] == dict(own.windows)
    assert everyone["S1"][7].blocked_by_category == {"marketing": 1}
    assert everyone["S1"][7].bounces == 0
    assert everyone["S1"][30].bounces == 1


def test_one_sellers_account_health_is_one_statement(engine: Engine, thread_id: int) -> None:
    buyer_writes(engine, thread_id, T0)
    seller_writes(engine, thread_id, T0 + timedelta(hours=1))
    seller_writes(engine, thread_id, T0 + timedelta(hours=2), "bounced")
    reader, now = SqlMetricsReader(engine), Clock(T0 + timedelta(hours=3))
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        first = metrics.seller_metrics("S1", reader=reader, clock=now, limits=MessagingLimits())
        second = metrics.seller_metrics("S1", reader=reader, clock=now, limits=MessagingLimits())
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # One round trip per request, the same statement each time (built once, parameters only).
    assert len(statements) == 2
    assert statements[0] == statements[1]
    assert first == second
    assert (first.sent_today, first.windows[7].bounces) == (1, 1)
    assert (first.windows[7].response.on_time, first.windows[90].response.on_time) == (1, 1)
