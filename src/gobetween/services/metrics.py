"""Account health for a seller: response figures over 7, 30 and 90 days, blocks, bounces, limits.

The response figures follow domain/response_times.py exactly (the SQL reader is tested against
it). Blocked messages per category, bounces and daily-limit use come from the stored messages.
Cases the buyer reported unresolved are shown for information and never counted in health.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.response_times import WINDOWS_DAYS, ResponseFigures
from gobetween.services.ports import Clock


@dataclass(frozen=True, slots=True)
class SellerReading:
    """Everything one seller's account health needs, read at once; per-window maps by days."""

    figures: dict[int, ResponseFigures]
    blocked: dict[int, dict[str, int]]
    bounces: dict[int, int]
    reported_unresolved: dict[int, int]
    sent: int  # delivered seller messages since the start of the day (the daily limit)
    orders: int  # orders in the daily limit's averaging window


class MetricsReader(Protocol):
    """Read-only queries behind the metrics. Per-window answers are keyed by window days."""

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside the block see one consistent state of the database."""
        ...

    def seller_health(
        self,
        seller_id: str,
        *,
        now: datetime,
        windows: Sequence[int],
        sent_since: datetime,
        orders_since: datetime,
    ) -> SellerReading | None:
        """One seller's whole account health in one consistent read; None for an unknown seller."""
        ...

    def seller_exists(self, seller_id: str) -> bool: ...
    def response_figures(
        self, seller_id: str, *, now: datetime, windows: Sequence[int]
    ) -> dict[int, ResponseFigures]: ...
    def response_figures_for_all(
        self, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, ResponseFigures]]:
        """Every seller with a clock in the widest window, with its figures per window."""
        ...

    def blocked_by_category(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, dict[str, int]]]:
        """Per seller (one, or all for None): blocked messages per blocking category."""
        ...

    def bounces(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, int]]: ...
    def reported_unresolved(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, int]]: ...
    def sent_since(self, seller_id: str, since: datetime) -> int:
        """Seller messages that count against the daily limit (delivered) since `since`."""
        ...

    def orders_since(self, seller_id: str, since: datetime) -> int: ...


class DailyLimit(Protocol):
    """policy.md §4: the limit for a seller given its orders in the averaging window."""

    @property
    def daily_limit_days(self) -> int: ...

    def daily_limit(self, orders_in_window: int) -> int: ...


@dataclass(frozen=True, slots=True)
class WindowHealth:
    """One window's account health: response figures plus blocks, bounces and the survey flag."""

    response: ResponseFigures
    blocked_by_category: Mapping[str, int]
    bounces: int
    # Shown, never counted (system.md: the flag does not count in account health).
    reported_unresolved: int

    @property
    def blocked(self) -> int:
        return sum(self.blocked_by_category.values())


@dataclass(frozen=True, slots=True)
class SellerMetrics:
    """A seller's account health as of `as_of`."""

    seller_id: str
    as_of: datetime
    windows: Mapping[int, WindowHealth]
    sent_today: int
    daily_limit: int
    resets_at: datetime

    @property
    def daily_limit_use_percent(self) -> float:
        return 100.0 * self.sent_today / self.daily_limit if self.daily_limit else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types, for the API and `--json`."""
        return {
            "seller_id": self.seller_id,
            "as_of": self.as_of.isoformat(),
            "windows": {str(days): _window_dict(w) for days, w in self.windows.items()},
            "daily_limit": {
                "sent_today": self.sent_today,
                "limit": self.daily_limit,
                "use_percent": round(self.daily_limit_use_percent, 2),
                "resets_at": self.resets_at.isoformat(),
            },
        }


def _window_dict(window: WindowHealth) -> dict[str, Any]:
    figures = window.response
    percent = figures.on_time_percent
    average = figures.average_response_seconds
    return {
        "days": figures.window_days,
        "answered_within_24h_percent": None if percent is None else round(percent, 2),
        "answered_on_time": figures.on_time,
        "answered_late": figures.late,
        "unanswered": figures.unanswered,
        "unanswered_overdue": figures.overdue,
        "unanswered_with_time_left": figures.pending,
        "excluded": figures.excluded,
        "average_response_seconds": None if average is None else round(average, 1),
        "blocked": window.blocked,
        "blocked_by_category": dict(sorted(window.blocked_by_category.items())),
        "bounces": window.bounces,
        "buyer_reported_unresolved": window.reported_unresolved,
    }


def _now(clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise InvalidInput("clock", "must return timezone-aware UTC time")
    return now.astimezone(UTC)


def _check_windows(windows: Sequence[int]) -> tuple[int, ...]:
    if not windows or any(isinstance(d, bool) or not 1 <= d <= 366 for d in windows):
        raise InvalidInput("windows", f"must be 1 to 366 days each; got {list(windows)}")
    return tuple(sorted(set(windows)))


def seller_metrics(
    seller_id: str,
    *,
    reader: MetricsReader,
    clock: Clock,
    limits: DailyLimit,
    windows: Sequence[int] = WINDOWS_DAYS,
) -> SellerMetrics:
    """Compute one seller's account health now. NotFound for an unknown seller."""
    days = _check_windows(windows)
    now = _now(clock)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    reading = reader.seller_health(
        seller_id,
        now=now,
        windows=days,
        sent_since=day_start,
        orders_since=now - timedelta(days=limits.daily_limit_days),
    )
    if reading is None:
        raise NotFound("seller", seller_id)
    health = {
        d: WindowHealth(
            response=reading.figures[d],
            blocked_by_category=reading.blocked.get(d, {}),
            bounces=reading.bounces.get(d, 0),
            reported_unresolved=reading.reported_unresolved.get(d, 0),
        )
        for d in days
    }
    return SellerMetrics(
        seller_id=seller_id,
        as_of=now,
        windows=health,
        sent_today=reading.sent,
        daily_limit=limits.daily_limit(reading.orders),
        resets_at=day_start + timedelta(days=1),
    )


def all_response_figures(
    *, reader: MetricsReader, clock: Clock, windows: Sequence[int] = WINDOWS_DAYS
) -> dict[str, dict[int, ResponseFigures]]:
    """Recompute every seller's response figures in one pass (dashboards, nightly reports)."""
    return reader.response_figures_for_all(now=_now(clock), windows=_check_windows(windows))


def all_account_health(
    *, reader: MetricsReader, clock: Clock, windows: Sequence[int] = WINDOWS_DAYS
) -> dict[str, dict[int, WindowHealth]]:
    """Every seller's account health per window, recomputed in four grouped passes.

    Sellers with no activity in the widest window are left out.
    """
    days = _check_windows(windows)
    now = _now(clock)
    with reader.snapshot():
        figures = reader.response_figures_for_all(now=now, windows=days)
        blocked = reader.blocked_by_category(None, now=now, windows=days)
        bounces = reader.bounces(None, now=now, windows=days)
        unresolved = reader.reported_unresolved(None, now=now, windows=days)
    empty = {d: ResponseFigures(window_days=d) for d in days}
    sellers = set(figures) | set(blocked) | set(bounces) | set(unresolved)
    return {
        seller: {
            d: WindowHealth(
                response=figures.get(seller, empty)[d],
                blocked_by_category=blocked.get(seller, {}).get(d, {}),
                bounces=bounces.get(seller, {}).get(d, 0),
                reported_unresolved=unresolved.get(seller, {}).get(d, 0),
            )
            for d in days
        }
        for seller in sorted(sellers)
    }
