"""Account health as a page: the metrics service's figures and a server-side SVG trend chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.domain.errors import NotFound
from gobetween.domain.response_times import ResponseFigures
from gobetween.entrypoints.http.pages.web import PageError, platform
from gobetween.services.metrics import SellerMetrics, seller_metrics

TREND_WEEKS = 12
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
    reader = SqlMetricsReader(wired.engine)
    try:
        metrics = seller_metrics(
            seller_id, reader=reader, clock=wired.clock, limits=wired.messaging_limits
        )
    except NotFound:
        raise PageError(404, "This account's seller is not known to the marketplace.") from None
    trend = weekly_trend(reader, seller_id, now=metrics.as_of)
    return {"metrics": metrics, "chart": draw(trend), "trend": trend, "blocked": blocked(metrics)}


def weekly_trend(reader: SqlMetricsReader, seller_id: str, *, now: datetime) -> list[TrendPoint]:
    """On-time share of each of the last TREND_WEEKS weeks, oldest first."""
    points = []
    for weeks_ago in range(TREND_WEEKS - 1, -1, -1):
        end = now - timedelta(weeks=weeks_ago)
        # Asked with a second window: the reader's SQL needs two (a lone window builds an empty
        # CASE; reported to the metrics' owners).
        figures: ResponseFigures = reader.response_figures(seller_id, now=end, windows=(7, 8))[7]
        counted = figures.on_time + figures.late + figures.overdue
        points.append(TrendPoint(end, figures.on_time_percent, counted))
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
