"""A seller's send answers its thread (moves the live case's activity, stops running clocks) only
when the thread has a live case or a running clock; the glance read before the policy check says
which, so a send on a thread with neither runs no answer statement at all. Both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from api_world import ANNA_ORDER, World
from sqlalchemy import Engine, select, update

from gobetween.adapters.db import case_tables as ct

ADDRESS = "Your shipping address is missing the apartment number. Could you add it?"
QUESTION = "Hello, is my ring engraved yet?"


def _anna_sends(world: World) -> None:
    sent = world.send("anna", ANNA_ORDER, text=ADDRESS, contact_reason="address_issue")
    assert sent.status_code == 201, sent.text
    assert sent.json()["disposition"] == "delivered"


def _answers(seen: list[str]) -> list[str]:
    """The statements that write the answer: the live case's activity, the clocks' stop."""
    return [
        sql.split()[0] + " " + sql.split()[1]
        for sql in seen
        if "UPDATE cases" in sql or "UPDATE response_clocks" in sql
    ]


def _case(world: World) -> tuple[str, object]:
    with world.platform.engine.connect() as connection:
        state, activity = connection.execute(
            select(ct.cases.c.state, ct.cases.c.last_activity_at)
        ).one()
    return state, activity


def _running_clocks(world: World) -> int:
    with world.platform.engine.connect() as connection:
        return len(
            connection.execute(
                select(ct.response_clocks.c.message_id).where(
                    ct.response_clocks.c.stopped_at.is_(None)
                )
            ).all()
        )


def test_a_send_on_a_thread_without_case_or_clock_writes_no_answer(
    world: World, record_statements: Callable[[Engine], list[str]]
) -> None:
    _anna_sends(world)  # the order's first message: the thread is made
    seen = record_statements(world.platform.engine)
    _anna_sends(world)
    assert seen  # the send's statements were recorded
    assert _answers(seen) == []
    # The last statement is the append's (its delivery row), not an answer after it.
    assert "outbox" in seen[-1]
    with world.platform.engine.connect() as connection:
        assert connection.execute(select(ct.cases.c.id)).all() == []


def test_a_send_answers_a_running_clock_and_then_still_moves_the_live_case(
    world: World, record_statements: Callable[[Engine], list[str]]
) -> None:
    asked = world.send("mira", ANNA_ORDER, text=QUESTION)
    assert asked.status_code == 201, asked.text
    assert _running_clocks(world) == 1
    seen = record_statements(world.platform.engine)
    world.clock.now += timedelta(minutes=5)
    _anna_sends(world)
    assert _running_clocks(world) == 0
    assert _answers(seen)  # the clock stopped by the answer's statement(s)
    state, first_activity = _case(world)
    assert state == "opened"
    # No clock runs, but the case is live: the next answer still moves its activity.
    seen.clear()
    world.clock.now += timedelta(minutes=5)
    _anna_sends(world)
    assert _answers(seen)
    state, activity = _case(world)
    assert state == "opened"
    assert activity > first_activity  # type: ignore[operator]


def test_a_resolved_case_without_clocks_still_takes_the_answer(
    world: World, record_statements: Callable[[Engine], list[str]]
) -> None:
    asked = world.send("mira", ANNA_ORDER, text=QUESTION)
    assert asked.status_code == 201, asked.text
    _anna_sends(world)  # stops the clock
    with world.platform.engine.begin() as connection:
        connection.execute(update(ct.cases).values(state="resolved"))
    _, resolved_activity = _case(world)
    seen = record_statements(world.platform.engine)
    world.clock.now += timedelta(minutes=5)
    _anna_sends(world)
    assert _answers(seen)  # a resolved case is live: its activity moves
    state, activity = _case(world)
    assert state == "resolved"
    assert activity > resolved_activity  # type: ignore[operator]


def test_a_clock_started_after_the_answer_is_stopped_by_the_next_one(world: World) -> None:
    _anna_sends(world)
    _anna_sends(world)  # nothing to answer yet
    asked = world.send("mira", ANNA_ORDER, text=QUESTION)
    assert asked.status_code == 201, asked.text
    assert _running_clocks(world) == 1
    world.clock.now += timedelta(minutes=5)
    _anna_sends(world)
    assert _running_clocks(world) == 0
    with world.platform.engine.connect() as connection:
        reason, response_us = connection.execute(
            select(ct.response_clocks.c.stop_reason, ct.response_clocks.c.response_us)
        ).one()
    assert reason == "answered"
    assert response_us == 5 * 60 * 1_000_000
