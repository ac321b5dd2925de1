"""The 24-hour response clock and the per-seller response figures (system.md, Response time).

Every delivered buyer message starts a clock. The clock stops at the first of: the seller's first
delivered answer on the thread after it (`answered`), "No response needed" (`no_response_needed`),
or a report of the message (`reported`). Weekends and holidays count: the clock is plain elapsed
time, 24 hours of it.

Edge semantics, fixed here and relied on by the SQL that computes the same figures:

- An answer exactly 24h00m00s after the buyer message is on time (`<= 24 h`); one microsecond
  more is late.
- A still-open clock is overdue once `now - started_at > 24 h`; at exactly 24 h it is due now, not
  yet late.
- "Due soon" means open with `0 <= time left < 4 h`.
- A window of `days` at `now` holds the clocks started in `(now - days, now]`: a message received
  exactly `days` ago is outside, one received at `now` is inside.
- Figures are "as of now": a stop recorded after `now` has not happened yet.
- Clocks stopped by "No response needed" or a report leave the figures entirely, as the
  marketplace's policy says; so do clocks still running with time left (`pending`), which are
  neither on time nor late yet and are counted apart.
- Answered within 24 hours (%) = on time / (on time + late + overdue); None when nothing is due.
- Average response time = mean of (stop - start) over answered clocks; None when none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from gobetween.domain.errors import InvalidInput

StopReason = Literal["answered", "no_response_needed", "reported"]
Urgency = Literal["overdue", "due_soon", "ok", "stopped"]

STOP_REASONS: tuple[StopReason, ...] = ("answered", "no_response_needed", "reported")
RESPONSE_LIMIT = timedelta(hours=24)
DUE_SOON = timedelta(hours=4)
WINDOWS_DAYS: tuple[int, ...] = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class ResponseClock:
    """The clock of one buyer message: when it started and, once stopped, when and why."""

    message_id: int
    seller_id: str
    thread_id: int
    started_at: datetime
    stopped_at: datetime | None = None
    stop_reason: StopReason | None = None

    @property
    def due_at(self) -> datetime:
        return self.started_at + RESPONSE_LIMIT

    @property
    def response_time(self) -> timedelta | None:
        """How long the stop took, once stopped."""
        return None if self.stopped_at is None else self.stopped_at - self.started_at

    def stopped_by(self, now: datetime) -> StopReason | None:
        """The stop reason as of `now` (a stop recorded later has not happened yet)."""
        if self.stopped_at is not None and self.stopped_at <= now:
            return self.stop_reason
        return None

    def time_left(self, now: datetime) -> timedelta:
        """Time until the 24 hours are up (negative once overdue)."""
        return self.due_at - now

    def urgency(self, now: datetime) -> Urgency:
        """How urgent the answer is as of `now`, for the inbox."""
        if self.stopped_by(now) is not None:
            return "stopped"
        left = self.time_left(now)
        if left < timedelta(0):
            return "overdue"
        if left < DUE_SOON:
            return "due_soon"
        return "ok"


def start_clock(*, message_id: int, seller_id: str, thread_id: int, at: datetime) -> ResponseClock:
    """Start the clock of a buyer message."""
    _check_aware(at, "started_at")
    return ResponseClock(message_id, seller_id, thread_id, at)


def stop_clock(clock: ResponseClock, *, reason: StopReason, at: datetime) -> ResponseClock:
    """Stop a running clock; a stopped clock keeps its first stop (the first answer counts)."""
    _check_aware(at, "stopped_at")
    if reason not in STOP_REASONS:
        raise InvalidInput(
            "stop_reason", f"must be one of {', '.join(STOP_REASONS)}; got {reason!r}"
        )
    if clock.stopped_at is not None:
        return clock
    if at < clock.started_at:
        raise InvalidInput("stopped_at", f"{at.isoformat()} is before the clock started")
    return ResponseClock(
        clock.message_id, clock.seller_id, clock.thread_id, clock.started_at, at, reason
    )


@dataclass(frozen=True, slots=True)
class ResponseFigures:
    """One seller's response figures over one window."""

    window_days: int
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    excluded: int = 0
    total_response_seconds: float = 0.0

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    @property
    def unanswered(self) -> int:
        """Clocks still running: overdue ones plus those with time left."""
        return self.overdue + self.pending

    @property
    def due(self) -> int:
        """Clocks whose outcome is decided: the denominator of the percentage."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_percent(self) -> float | None:
        return None if self.due == 0 else 100.0 * self.on_time / self.due

    @property
    def average_response_seconds(self) -> float | None:
        return None if self.answered == 0 else self.total_response_seconds / self.answered


def window_start(now: datetime, days: int) -> datetime:
    """The exclusive lower bound of a `days` window ending (inclusively) at `now`."""
    if days <= 0:
        raise InvalidInput("window_days", f"must be greater than 0; got {days}")
    return now - timedelta(days=days)


def in_window(started_at: datetime, *, now: datetime, days: int) -> bool:
    return window_start(now, days) < started_at <= now


def classify(clock: ResponseClock, now: datetime) -> str:
    """Which bucket a clock falls in as of `now`: on_time, late, overdue, pending or excluded."""
    if clock.stopped_by(now) is None:
        return "overdue" if now - clock.started_at > RESPONSE_LIMIT else "pending"
    return outcome(clock)


def outcome(clock: ResponseClock) -> str:
    """How a stopped clock ended, whatever `now`: on_time, late or excluded."""
    if clock.stop_reason is None:
        raise InvalidInput("clock", f"message {clock.message_id}'s clock is still running")
    if clock.stop_reason != "answered":
        return "excluded"
    elapsed = clock.response_time
    return "on_time" if elapsed is not None and elapsed <= RESPONSE_LIMIT else "late"


def response_figures(
    clocks: Iterable[ResponseClock], *, now: datetime, days: int
) -> ResponseFigures:
    """Compute one window's figures over a history of clocks (of one seller)."""
    _check_aware(now, "now")
    low = window_start(now, days)
    counts = {"on_time": 0, "late": 0, "overdue": 0, "pending": 0, "excluded": 0}
    total = 0.0
    for clock in clocks:
        if not low < clock.started_at <= now:
            continue
        bucket = classify(clock, now)
        counts[bucket] += 1
        elapsed = clock.response_time
        if bucket in ("on_time", "late") and elapsed is not None:
            total += elapsed.total_seconds()
    return ResponseFigures(window_days=days, total_response_seconds=total, **counts)


def figures_by_window(
    clocks: Iterable[ResponseClock], *, now: datetime, windows: tuple[int, ...] = WINDOWS_DAYS
) -> dict[int, ResponseFigures]:
    """The figures for each window (7, 30 and 90 days by default)."""
    history = list(clocks)
    return {days: response_figures(history, now=now, days=days) for days in windows}


def by_time_left(clocks: Iterable[ResponseClock], *, now: datetime) -> list[ResponseClock]:
    """Running clocks, the least time left first: the order of the "requires response" inbox."""
    running = [clock for clock in clocks if clock.stopped_by(now) is None]
    return sorted(running, key=lambda clock: (clock.started_at, clock.message_id))


def _check_aware(at: datetime, name: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(name, f"must be a timezone-aware UTC time; got {at!r}")
