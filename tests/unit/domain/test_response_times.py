"""The 24-hour clock and the response figures, checked against a brute-force reference.

The reference works on the raw history (buyer messages, seller answers, "No response needed",
reports) in whole seconds, scanning every event for every message; the implementation replays the
same history through `start_clock`/`stop_clock` and sums with `response_figures`. They must agree
on every random history, including answers at exactly 24 hours and messages on the window's edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.domain.errors import InvalidInput
from gobetween.domain.response_times import (
    ResponseClock,
    ResponseFigures,
    StopReason,
    by_time_left,
    classify,
    figures_by_window,
    in_window,
    response_figures,
    start_clock,
    stop_clock,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class Happening:
    """One event of a history, `at` in seconds before NOW (positive = past, negative = future)."""

    kind: str  # buyer | answer | no_response_needed | reported
    thread: int
    ago: int
    target: int = 0  # for no_response_needed / reported: index among the buyer messages


# Offsets that sit on the interesting edges: window bounds, exactly 24 h, due-soon bounds.
_EDGES = [0, 1, 24 * HOUR, 24 * HOUR + 1, 4 * HOUR, 7 * DAY, 7 * DAY - 1, 30 * DAY, 90 * DAY]
_ago = st.one_of(
    st.integers(min_value=-2 * DAY, max_value=95 * DAY),
    st.sampled_from(_EDGES),
    st.sampled_from(_EDGES).map(lambda e: e + 24 * HOUR),
    st.sampled_from(_EDGES).map(lambda e: e - 24 * HOUR),
)
_happening = st.builds(
    Happening,
    kind=st.sampled_from(["buyer", "buyer", "answer", "no_response_needed", "reported"]),
    thread=st.integers(0, 3),
    ago=_ago,
    target=st.integers(0, 30),
)


def _ordered(history: list[Happening]) -> list[tuple[int, int, Happening]]:
    """Events in time order; ties keep list order (the order the system would have seen them)."""
    return sorted(((-h.ago, i, h) for i, h in enumerate(history)), key=lambda t: (t[0], t[1]))


def _buyer_indexes(ordered: list[tuple[int, int, Happening]]) -> list[int]:
    return [pos for pos, (_, _, h) in enumerate(ordered) if h.kind == "buyer"]


def reference(history: list[Happening], days: int) -> dict[str, int]:
    """Brute force: for each buyer message, scan the whole history for what stopped it first."""
    ordered = _ordered(history)
    buyers = _buyer_indexes(ordered)
    counts = {"on_time": 0, "late": 0, "overdue": 0, "pending": 0, "excluded": 0, "total": 0}
    for number, pos in enumerate(buyers):
        start, _, message = ordered[pos]
        # Window (now - days, now]: ago in [0, days*DAY).
        if not (0 <= -start < days * DAY):
            continue
        stop: tuple[int, str] | None = None
        for later_pos in range(pos + 1, len(ordered)):
            at, _, event = ordered[later_pos]
            if at > 0:  # after NOW: has not happened yet
                break
            hits = (event.kind == "answer" and event.thread == message.thread) or (
                event.kind in ("no_response_needed", "reported")
                and buyers
                and event.target % len(buyers) == number
            )
            if hits:
                stop = (at, event.kind)
                break
        if stop is None:
            counts["overdue" if 0 - start > DAY else "pending"] += 1
        elif stop[1] != "answer":
            counts["excluded"] += 1
        else:
            counts["on_time" if stop[0] - start <= DAY else "late"] += 1
            counts["total"] += stop[0] - start
    return counts


def replay(history: list[Happening]) -> list[ResponseClock]:
    """What the services do: start a clock per buyer message, stop clocks as events arrive."""
    ordered = _ordered(history)
    buyers = _buyer_indexes(ordered)
    clocks: dict[int, ResponseClock] = {}
    for pos, (at_s, _, event) in enumerate(ordered):
        at = NOW + timedelta(seconds=at_s)
        if event.kind == "buyer":
            clocks[pos] = start_clock(message_id=pos, seller_id="S1", thread_id=event.thread, at=at)
        elif event.kind == "answer":
            for key, clock in clocks.items():
                if clock.thread_id == event.thread:
                    clocks[key] = stop_clock(clock, reason="answered", at=at)
        elif buyers:
            target = buyers[event.target % len(buyers)]
            if target in clocks:
                reason: StopReason = event.kind  # type: ignore[assignment]
                clocks[target] = stop_clock(clocks[target], reason=reason, at=at)
    return list(clocks.values())


@settings(max_examples=400, deadline=None)
@given(history=st.lists(_happening, max_size=40), days=st.sampled_from([7, 30, 90]))
@example(history=[Happening("buyer", 0, DAY), Happening("answer", 0, 0)], days=7)
@example(history=[Happening("buyer", 0, DAY + 1), Happening("answer", 0, 0)], days=7)
@example(history=[Happening("buyer", 0, 7 * DAY)], days=7)
@example(history=[Happening("buyer", 0, 7 * DAY - 1)], days=7)
@example(history=[Happening("buyer", 0, DAY)], days=7)
@example(history=[Happening("buyer", 0, DAY + 1)], days=7)
@example(history=[Happening("buyer", 0, 0), Happening("answer", 0, -5)], days=7)
def test_figures_match_the_brute_force_reference(history: list[Happening], days: int) -> None:
    figures = response_figures(replay(history), now=NOW, days=days)
    expected = reference(history, days)
    assert (figures.on_time, figures.late, figures.overdue, figures.pending, figures.excluded) == (
        expected["on_time"],
        expected["late"],
        expected["overdue"],
        expected["pending"],
        expected["excluded"],
    )
    assert figures.total_response_seconds == expected["total"]
    due = expected["on_time"] + expected["late"] + expected["overdue"]
    if due:
        assert figures.on_time_percent == pytest.approx(100 * expected["on_time"] / due)
    else:
        assert figures.on_time_percent is None


@given(history=st.lists(_happening, max_size=30))
def test_narrower_windows_never_count_more(history: list[Happening]) -> None:
    by_window = figures_by_window(replay(history), now=NOW)
    for small, large in ((7, 30), (30, 90)):
        a, b = by_window[small], by_window[large]
        assert a.on_time <= b.on_time
        assert a.late <= b.late
        assert a.overdue <= b.overdue


def _clock(start: datetime, stop: datetime | None = None) -> ResponseClock:
    clock = start_clock(message_id=1, seller_id="S1", thread_id=1, at=start)
    return clock if stop is None else stop_clock(clock, reason="answered", at=stop)


def test_an_answer_at_exactly_24_hours_is_on_time_and_one_microsecond_later_is_late() -> None:
    start = NOW - timedelta(days=2)
    assert classify(_clock(start, start + timedelta(hours=24)), NOW) == "on_time"
    late = start + timedelta(hours=24, microseconds=1)
    assert classify(_clock(start, late), NOW) == "late"


def test_weekends_count() -> None:
    friday_evening = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    monday_morning = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert classify(_clock(friday_evening, monday_morning), NOW) == "late"


def test_window_is_open_below_and_closed_above() -> None:
    assert not in_window(NOW - timedelta(days=7), now=NOW, days=7)
    assert in_window(NOW - timedelta(days=7) + timedelta(microseconds=1), now=NOW, days=7)
    assert in_window(NOW, now=NOW, days=7)
    assert not in_window(NOW + timedelta(microseconds=1), now=NOW, days=7)


def test_urgency_due_soon_below_four_hours_left() -> None:
    start = NOW - timedelta(hours=20)
    # Exactly four hours left is not yet "due soon"; any less is.
    assert _clock(start).urgency(NOW) == "ok"
    assert _clock(start).urgency(NOW + timedelta(microseconds=1)) == "due_soon"
    assert _clock(start).urgency(NOW + timedelta(hours=4)) == "due_soon"
    assert _clock(start).urgency(NOW + timedelta(hours=4, microseconds=1)) == "overdue"
    assert _clock(start, NOW).urgency(NOW) == "stopped"


def test_inbox_order_puts_least_time_left_first() -> None:
    older = start_clock(message_id=1, seller_id="S1", thread_id=1, at=NOW - timedelta(hours=22))
    newer = start_clock(message_id=2, seller_id="S1", thread_id=2, at=NOW - timedelta(hours=1))
    done = stop_clock(
        start_clock(message_id=3, seller_id="S1", thread_id=3, at=NOW - timedelta(hours=23)),
        reason="answered",
        at=NOW - timedelta(hours=2),
    )
    assert [c.message_id for c in by_time_left([newer, done, older], now=NOW)] == [1, 2]


def test_the_first_stop_wins() -> None:
    clock = _clock(NOW - timedelta(hours=5), NOW - timedelta(hours=4))
    again = stop_clock(clock, reason="reported", at=NOW)
    assert (again.stop_reason, again.stopped_at) == ("answered", NOW - timedelta(hours=4))


def test_bad_stops_are_refused() -> None:
    clock = _clock(NOW)
    with pytest.raises(InvalidInput, match="before the clock started"):
        stop_clock(clock, reason="answered", at=NOW - timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="stop_reason"):
        stop_clock(clock, reason="ignored", at=NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="window_days"):
        response_figures([clock], now=NOW, days=0)


def test_empty_history_has_no_percentage_and_no_average() -> None:
    figures = response_figures([], now=NOW, days=30)
    assert figures == ResponseFigures(window_days=30)
    assert figures.on_time_percent is None
    assert figures.average_response_seconds is None
