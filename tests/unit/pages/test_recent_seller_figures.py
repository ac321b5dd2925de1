"""The operator's sellers overview: figures recomputed at most once per max age, never older."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from gobetween.domain.response_times import ResponseFigures
from gobetween.entrypoints.http.pages.operator import RecentSellerFigures, SellerFigures

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Counting:
    """A figures computation that counts its calls; each result carries its call number."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> SellerFigures:
        self.calls += 1
        figures = {"s1": {7: ResponseFigures(window_days=7, on_time=self.calls)}}
        return SellerFigures(START + timedelta(minutes=self.calls), figures)


def test_figures_are_reused_within_the_max_age_and_recomputed_after_it() -> None:
    now = [100.0]
    compute = Counting()
    recent = RecentSellerFigures(compute, max_age_seconds=60, monotonic=lambda: now[0])
    first = recent.get()
    now[0] += 59.9
    assert recent.get() is first
    assert compute.calls == 1
    now[0] += 0.1
    second = recent.get()
    assert compute.calls == 2
    assert second.figures["s1"][7].on_time == 2
    assert second.as_of > first.as_of


def test_concurrent_requests_share_one_computation() -> None:
    release = threading.Event()
    compute = Counting()

    def slow() -> SellerFigures:
        release.wait(5)
        return compute()

    recent = RecentSellerFigures(slow, max_age_seconds=60)
    results: list[SellerFigures] = []
    threads = [threading.Thread(target=lambda: results.append(recent.get())) for _ in range(4)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert compute.calls == 1
    assert len(results) == 4
    assert all(result is results[0] for result in results)
