"""Account health as a page: the metrics service's figures and a server-side SVG trend chart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.domain.errors import NotFound
from gobetween.domain.response_times import WINDOWS_DAYS, ResponseFigures
from gobetween.entrypoints.http.pages.web import PageError, platform, read_engine
from gobetween.services.metrics import SellerMetrics, seller_metrics

TREND_WEEKS = 12
TREND_WINDOWS = tuple(7 * weeks for weeks in range(1, TREND_WEEKS + 1))
# Chart geometry in SVG user units; the SVG scales to its container.
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of the trend: when it ended and its on-time share (None: no buyer messages)."""

    week_end: datetime
    on_time_percent: float | None
    clocks: int


@dataclass(frozen=True, slots=True)
class Chart:
    """A drawn chart: the SVG pieces the template lays out, and a sentence for screen readers."""

    width: int
    height: int
    polyline: str
    dots: tuple[tuple[float, float, str], ...]
    grid: tuple[tuple[float, str], ...]
    labels: tuple[tuple[float, str, str], ...]
    summary: str


def seller_health(request: Request, seller_id: str) -> dict[str, Any]:
    """What the health page shows for one seller."""
    wired = platform(request)
    reader = SqlMetricsReader(read_engine(request))
    try:
        # The trend's weekly windows and the 7/30/90-day figures in one pass of the metrics
        # service: a window costs one more tier in the same queries, not another set of them.
        metrics = seller_metrics(
            seller_id,
            reader=reader,
            clock=wired.clock,
            limits=wired.messaging_limits,
            windows=(*WINDOWS_DAYS, *TREND_WINDOWS),
        )
    except NotFound:
        raise PageError(404, "This account's seller is not known to the marketplace.") from None
    figures = {days: window.response for days, window in metrics.windows.items()}
    trend = weekly_trend(figures, now=metrics.as_of)
    return {"metrics": metrics, "chart": draw(trend), "trend": trend, "blocked": blocked(metrics)}


def weekly_trend(figures: Mapping[int, ResponseFigures], *, now: datetime) -> list[TrendPoint]:
    """On-time share of the buyer messages of each of the last TREND_WEEKS weeks, oldest first.

    `figures` holds every window ending now of TREND_WINDOWS (7, 14, ... days); a week's counts
    are the difference of two neighbouring windows (clocks started in that week, judged now).
    """
    points = []
    for weeks_ago in range(TREND_WEEKS - 1, -1, -1):
        wide = figures[7 * (weeks_ago + 1)]
        narrow = figures.get(7 * weeks_ago)
        on_time = wide.on_time - (narrow.on_time if narrow else 0)
        late = wide.late - (narrow.late if narrow else 0)
        overdue = wide.overdue - (narrow.overdue if narrow else 0)
        counted = on_time + late + overdue
        percent = 100.0 * on_time / counted if counted else None
        points.append(TrendPoint(now - timedelta(weeks=weeks_ago), percent, counted))
    return points


def blocked(metrics: SellerMetrics) -> list[tuple[str, int, int, int]]:
    """Blocked messages per category over 7, 30 and 90 days, most frequent first."""
    windows = metrics.windows
    categories = set()
    for window in windows.values():
        categories |= set(window.blocked_by_category)
    rows = [
        (
            category,
            windows[7].blocked_by_category.get(category, 0) if 7 in windows else 0,
            windows[30].blocked_by_category.get(category, 0) if 30 in windows else 0,
            windows[90].blocked_by_category.get(category, 0) if 90 in windows else 0,
        )
        for category in categories
    ]
    return sorted(rows, key=lambda row: (-row[3], row[0]))


def draw(points: list[TrendPoint]) -> Chart:
    """Lay out the weekly on-time share as a line from 0 to 100 %."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y_of(percent: float) -> float:
        return round(TOP + plot_h * (1 - percent / 100), 1)

    coordinates = []
    dots = []
    for index, point in enumerate(points):
        if point.on_time_percent is None:
            continue
        x = round(LEFT + index * step, 1)
        y = y_of(point.on_time_percent)
        coordinates.append(f"{x},{y}")
        label = f"Week to {point.week_end:%d %b}: {point.on_time_percent:.0f} % on time"
        dots.append((x, y, label))
    grid = tuple((y_of(p), f"{p} %") for p in (0, 50, 100))
    last = len(points) - 1
    # Every other week, counted back from the latest, which is right-aligned so it is not cut.
    labels = tuple(
        (
            round(LEFT + index * step, 1),
            f"{point.week_end:%d %b}",
            "end" if index == last else "middle",
        )
        for index, point in enumerate(points)
        if (last - index) % 2 == 0
    )
    measured = [p for p in points if p.on_time_percent is not None]
    if measured:
        latest = measured[-1]
        summary = (
            f"On-time answers per week over the last {len(points)} weeks; latest week "
            f"{latest.on_time_percent:.0f} %, lowest "
            f"{min(p.on_time_percent or 0 for p in measured):.0f} %."
        )
    else:
        summary = f"No buyer messages in the last {len(points)} weeks."
    return Chart(WIDTH, HEIGHT, " ".join(coordinates), tuple(dots), grid, labels, summary)
