"""The case hooks as the message service calls them, on SQLite and PostgreSQL: what they write,
when they announce webhooks (the listener check folded into their reads), exact response times,
and how many statements a send's hooks run (docs/cases.md, Cost in the send path)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from cases_world import T0, add_message, seed_thread
from sqlalchemy import Engine, select

from gobetween.adapters.db import case_tables as ct
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.response_times import RESPONSE_LIMIT
from gobetween.services import webhooks
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.ports import StoredMessage

ORDER = "114-0000011-0000001"


def _stored(
    message_id: int, thread_id: int, at: datetime, *, buyer: bool, disposition: str = "delivered"
) -> StoredMessage:
    return StoredMessage(
        message_id=message_id,
        thread_id=thread_id,
        order_id=ORDER,
        seller_id="S1",
        buyer_id="B1",
        direction="buyer_to_seller" if buyer else "seller_to_buyer",
        disposition=disposition,
        categories=("review_request",) if disposition == "blocked" else (),
        subject="Where is my parcel?",
        text="Hello",
        created_at=at,
    )


def buyer_writes(engine: Engine, thread_id: int, at: datetime) -> int:
    """A buyer message stored and its hook run, as record_buyer_message does."""
    message_id = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=at)
    with SqlUnitOfWork(engine) as uow:
        CaseHooks().message_stored(uow, _stored(message_id, thread_id, at, buyer=True))
        uow.commit()
    return message_id


def seller_writes(
    engine: Engine, thread_id: int, at: datetime, disposition: str = "delivered"
) -> tuple[str | None, int]:
    """A seller message as send_seller_message runs the hooks: case_state, then message_stored.
    Returns the case state the policy saw and the new message's id."""
    message_id = add_message(
        engine,
        thread_id=thread_id,
        buyer=False,
        sender_id="S1",
        at=at,
        disposition=disposition,  # type: ignore[arg-type]
    )
    hooks = CaseHooks()
    with SqlUnitOfWork(engine) as uow:
        state = hooks.case_state(uow, thread_id)
        hooks.message_stored(
            uow, _stored(message_id, thread_id, at, buyer=False, disposition=disposition)
        )
        uow.commit()
    return state, message_id


def queued_events(engine: Engine) -> list[tuple[str, str]]:
    """(event type, subscription URL) of every queued webhook, in queue order."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(t.outbox.c.payload, t.outbox.c.recipient)
            .where(t.outbox.c.kind == webhooks.OUTBOX_KIND)
            .order_by(t.outbox.c.id)
        ).all()
    return [(row.payload["event"]["type"], row.recipient) for row in rows]


def subscribe(engine: Engine, url: str, *, seller_id: str | None = None) -> int:
    with SqlUnitOfWork(engine) as uow:
        subscription = webhooks.subscribe(
            uow=uow, url=url, events=list(webhooks.EVENT_TYPES), now=T0, seller_id=seller_id
        )
        uow.commit()
    assert subscription.id is not None
    return subscription.id


@pytest.fixture
def thread_id(engine: Engine) -> int:
    seed_thread(engine, order_id="114-0000011-0000099", seller_id="S2", buyer_id="B2")
    return seed_thread(engine, order_id=ORDER)


def test_webhooks_follow_the_subscriptions_as_they_change(engine: Engine, thread_id: int) -> None:
    buyer_writes(engine, thread_id, T0)
    assert queued_events(engine) == []  # nobody listens: nothing queued
    # Another seller's subscription does not cover S1.
    subscribe(engine, "https://s2.example/h", seller_id="S2")
    buyer_writes(engine, thread_id, T0 + timedelta(minutes=1))
    seller_writes(engine, thread_id, T0 + timedelta(minutes=2), "blocked")
    assert queued_events(engine) == []
    # One for every seller receives the very next send's events (the check is in the send's read).
    every = subscribe(engine, "https://all.example/h")
    buyer_writes(engine, thread_id, T0 + timedelta(minutes=3))
    seller_writes(engine, thread_id, T0 + timedelta(minutes=4), "blocked")
    assert queued_events(engine) == [
        ("message.received", "https://all.example/h"),
        ("message.blocked", "https://all.example/h"),
    ]
    # Paused: nothing more.
    with SqlUnitOfWork(engine) as uow:
        webhooks.set_subscription_active(
            uow=uow, subscription_id=every, active=False, now=T0 + timedelta(minutes=5)
        )
        uow.commit()
    buyer_writes(engine, thread_id, T0 + timedelta(minutes=6))
    assert len(queued_events(engine)) == 2


def test_opening_a_case_announces_the_change_before_the_message(
    engine: Engine, thread_id: int
) -> None:
    subscribe(engine, "https://all.example/h")
    buyer_writes(engine, thread_id, T0)
    assert [kind for kind, _ in queued_events(engine)] == ["case.changed", "message.received"]


def test_a_hooks_object_keeps_the_listener_check_to_its_own_unit_of_work(
    engine: Engine, thread_id: int
) -> None:
    hooks = CaseHooks()
    with SqlUnitOfWork(engine) as uow:
        assert hooks.case_state(uow, thread_id) is None  # read: nobody listens
    subscribe(engine, "https://all.example/h")
    at = T0 + timedelta(minutes=1)
    message_id = add_message(
        engine, thread_id=thread_id, buyer=False, sender_id="S1", at=at, disposition="blocked"
    )
    with SqlUnitOfWork(engine) as other:
        hooks.message_stored(
            other, _stored(message_id, thread_id, at, buyer=False, disposition="blocked")
        )
        other.commit()
    assert queued_events(engine) == [("message.blocked", "https://all.example/h")]


def test_activity_moves_forward_only_and_an_answer_stops_the_clocks(
    engine: Engine, thread_id: int
) -> None:
    buyer_writes(engine, thread_id, T0 + timedelta(hours=2))
    # A message stamped earlier (another process's clock) joins the case without moving it back.
    buyer_writes(engine, thread_id, T0 + timedelta(hours=1))
    state, answer_id = seller_writes(engine, thread_id, T0 + timedelta(hours=1, minutes=30))
    assert state == "opened"
    with engine.connect() as connection:
        case = connection.execute(select(ct.cases)).one()
        clocks = connection.execute(
            select(ct.response_clocks).order_by(ct.response_clocks.c.message_id)
        ).all()
    assert case.state == "opened"
    assert case.last_activity_at.replace(tzinfo=None) == (T0 + timedelta(hours=2)).replace(
        tzinfo=None
    )
    assert [(c.case_id, c.stop_reason, c.stopped_by_message_id) for c in clocks] == [
        (case.id, "answered", answer_id),
        (case.id, "answered", answer_id),
    ]
    # Stopped before it started (clock skew): zero, as the figures count it.
    assert [c.response_us for c in clocks] == [0, 30 * 60 * 1_000_000]


def test_a_blocked_answer_stops_nothing_and_a_closed_case_is_not_touched(
    engine: Engine, thread_id: int
) -> None:
    buyer_writes(engine, thread_id, T0)
    seller_writes(engine, thread_id, T0 + timedelta(hours=1), "blocked")
    with engine.connect() as connection:
        assert connection.execute(select(ct.response_clocks.c.stopped_at)).scalar_one() is None
        connection.execute(ct.cases.update().values(state="closed", closed_at=T0))
        connection.commit()
    state, _ = seller_writes(engine, thread_id, T0 + timedelta(hours=3))
    assert state == "closed"
    with engine.connect() as connection:
        case = connection.execute(select(ct.cases)).one()
    assert case.last_activity_at.replace(tzinfo=None) == T0.replace(tzinfo=None)


@pytest.mark.parametrize(
    ("started", "took", "outcome"),
    [
        (T0, RESPONSE_LIMIT, "on_time"),
        (T0, RESPONSE_LIMIT + timedelta(microseconds=1), "late"),
        (T0 + timedelta(microseconds=999_999), timedelta(microseconds=2), "on_time"),
        (T0 + timedelta(microseconds=1), timedelta(days=40, microseconds=999_998), "late"),
        (T0 + timedelta(microseconds=500_000), timedelta(seconds=1), "on_time"),
    ],
)
def test_response_times_are_exact_to_the_microsecond(
    engine: Engine, thread_id: int, started: datetime, took: timedelta, outcome: str
) -> None:
    buyer_writes(engine, thread_id, started)
    seller_writes(engine, thread_id, started + took)
    with engine.connect() as connection:
        stored = connection.execute(select(ct.response_clocks.c.response_us)).scalar_one()
        daily = connection.execute(select(ct.response_daily)).one()
    assert stored == took // timedelta(microseconds=1)
    assert (daily.day, daily.outcome, daily.clocks) == (started.date(), outcome, 1)
    assert daily.total_us == stored


@pytest.fixture
def statements(engine: Engine, record_statements: Callable[[Engine], list[str]]) -> list[str]:
    """The SQL of every statement run, through `execute` or on the driver's cursor."""
    return record_statements(engine)


def _hook_statements(engine: Engine, seen: list[str], send: Any) -> list[str]:
    """Statements the hooks ran in `send` (the raw message insert before them excluded)."""
    seen.clear()
    send()
    ours = ("cases", "response_", "webhook", "INTO events")
    return [s.split()[0] for s in seen if any(table in s for table in ours)]


def test_statements_a_send_s_hooks_run(
    engine: Engine, thread_id: int, statements: list[str]
) -> None:
    postgres = engine.dialect.name == "postgresql"
    # Opening a case: the open case's statement finds none; then the locked read (with the
    # listener check), the case, its event, the clock.
    opening = _hook_statements(engine, statements, lambda: buyer_writes(engine, thread_id, T0))
    assert opening == ["WITH" if postgres else "UPDATE", "WITH", "INSERT", "INSERT", "INSERT"]
    # A message on the open case: one statement on PostgreSQL (case and clock), two on SQLite.
    joining = _hook_statements(
        engine, statements, lambda: buyer_writes(engine, thread_id, T0 + timedelta(minutes=1))
    )
    assert joining == (["WITH"] if postgres else ["UPDATE", "INSERT"])
    # An answer: the case read for the policy, then case and clocks (one statement on
    # PostgreSQL), then the roll-up of the two clocks (one day, one outcome).
    answer = _hook_statements(
        engine,
        statements,
        lambda: seller_writes(engine, thread_id, T0 + timedelta(hours=1)),
    )
    assert answer == (
        ["SELECT", "WITH", "INSERT"] if postgres else ["SELECT", "UPDATE", "UPDATE", "INSERT"]
    )


def test_sqlite_finds_the_live_case_by_its_thread(sqlite_engine: Engine) -> None:
    """The live-case UPDATEs must use the partial unique index, not the index on state (which
    would visit every opened case of every thread)."""
    from gobetween.adapters.db import case_repositories as repositories

    with sqlite_engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        for statement in (repositories._TOUCH_OPEN_CASE, repositories._TOUCH_LIVE_CASE):
            compiled = statement._compiled(connection.dialect)
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + compiled.sql, tuple(None for _ in compiled.names)
            ).all()
            assert any("uq_cases_live_thread" in row[-1] for row in plan), plan
