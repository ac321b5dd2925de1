"""Account-health metrics: one seller with 100k messages, and every seller of 10k with 1M messages.

Targets (issue: Cases and the 24-hour clock): one seller's metrics < 50 ms; all sellers' metrics
recomputed < 10 s, on SQLite and on PostgreSQL.

The database is filled with plain bulk INSERTs (no policy, no hash chains: the metrics never read
them): 10,000 sellers; seller s0 has 100,000 messages (1,000 threads of 100), every other seller
90 (9 threads of 10); about 1,000,000 messages in all, half of them buyer messages with a response
clock. Messages spread over the last 100 days; most answers come within 24 hours, a quarter late,
some clocks stopped by "No response needed" or a report, some still running; the unanswered
seller messages are blocked (with a finding) or bounced.

Measured, each as the median of several runs after one warm-up:
- `seller_metrics("s0")`: the full account health (figures, blocked per category, bounces,
  reported-unresolved, daily limit) as the API and CLI compute it: one statement (counted here);
  on PostgreSQL also its server-side execution time (EXPLAIN ANALYZE, median of 5) and plan.
- `all_account_health()`: every seller's account health in four grouped queries.
Baselines in the same run: a plain `SELECT count(*)` over the seller's response clocks (the
cheapest question one can ask about the seller's rows: an index-only count of 50,000 entries),
and the same response figures computed by loading the clocks into Python and running the domain's
pure functions (what the SQL replaces).

Run: .venv/bin/python bench/metrics.py [--backend sqlite|postgresql|both] [--pg-url URL] [--plan]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, func, select, text

from gobetween.adapters.db import case_tables as ct
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.case_repositories import SqlMetricsReader, utc
from gobetween.domain.response_times import ResponseClock, figures_by_window, outcome
from gobetween.services import metrics
from gobetween.services.messaging import MessagingLimits
from message_core_fixture import (
    DEFAULT_PG_URL,
    fresh_database,
    index_and_count,
    machine,
    order_id,
    server_version,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=100)
SELLERS = 10_000
BUYERS = 20_000
BIG_SELLER_THREADS, BIG_THREAD_MESSAGES = 1_000, 100
SMALL_SELLER_THREADS, SMALL_THREAD_MESSAGES = 9, 10
CHUNK = 10_000
CATEGORIES = ("review_request", "external_link", "contact_info", "marketing", "off_platform")


def _insert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        with engine.begin() as connection:
            connection.execute(table.insert(), rows[start : start + CHUNK])


def _threads() -> Iterator[tuple[int, str, int]]:
    """(thread number, seller id, messages in the thread) for every thread."""
    number = 0
    for seller in range(SELLERS):
        count, length = (
            (BIG_SELLER_THREADS, BIG_THREAD_MESSAGES)
            if seller == 0
            else (SMALL_SELLER_THREADS, SMALL_THREAD_MESSAGES)
        )
        for _ in range(count):
            yield number, f"s{seller}", length
            number += 1


def prefill(engine: Engine) -> dict[str, int]:
    """Fill the database; returns what was stored."""
    rng = random.Random(7)
    _insert(
        engine,
        t.buyers,
        [
            {"id": f"b{n}", "name": f"Buyer {n}", "email": f"b{n}@buyers.example",
             "language": "en", "opted_out": False, "created_at": START, "updated_at": START}
            for n in range(BUYERS)
        ],
    )  # fmt: skip
    _insert(
        engine,
        t.sellers,
        [
            {"id": f"s{n}", "display_name": f"Shop {n}", "business_name": f"Shop {n} Ltd",
             "customer_service_address": f"cs@shop{n}.example", "opt_out_bounce_notices": True,
             "buyer_id": None, "created_at": START, "updated_at": START}
            for n in range(SELLERS)
        ],
    )  # fmt: skip
    stored: defaultdict[str, int] = defaultdict(int)
    orders: list[dict[str, Any]] = []
    threads: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    clocks: list[dict[str, Any]] = []
    message_id = 0

    def flush() -> None:
        for table, rows in (
            (t.orders, orders),
            (t.threads, threads),
            (t.messages, messages),
            (t.findings, findings),
            (ct.response_clocks, clocks),
        ):
            _insert(engine, table, rows)
            stored[table.name] += len(rows)
            rows.clear()

    for number, seller, length in _threads():
        thread_id = number + 1
        buyer = f"b{number % BUYERS}"
        oid = order_id(number)
        orders.append(
            {"id": oid, "marketplace": "US", "seller_id": seller, "buyer_id": buyer,
             "fulfillment": "seller", "status": "delivered", "product_category": "home",
             "shipping_address": {}, "purchased_at": START, "created_at": START,
             "updated_at": START}
        )  # fmt: skip
        threads.append(
            {"id": thread_id, "order_id": oid, "seller_id": seller, "buyer_id": buyer,
             "message_count": length, "head_hash": "0" * 64, "created_at": START,
             "last_message_at": NOW}
        )  # fmt: skip
        # Pairs of (buyer message, seller message), spread over the 100 days.
        pairs = length // 2
        step = timedelta(days=100) / pairs
        for pair in range(pairs):
            asked = START + step * pair + timedelta(seconds=rng.randrange(0, 3600))
            roll = rng.random()
            if roll < 0.64:
                delay = timedelta(seconds=rng.randrange(60, 86_400))
            elif roll < 0.85:
                delay = timedelta(seconds=rng.randrange(86_401, 3 * 86_400))
            else:
                delay = timedelta(seconds=rng.randrange(60, 6 * 3600))
            answered = min(asked + delay, NOW)
            seq = pair * 2 + 1
            for side, at in (("buyer", asked), ("seller", answered)):
                message_id += 1
                disposition = "delivered"
                if side == "seller" and roll >= 0.92:
                    disposition = "blocked" if roll < 0.96 else "bounced"
                messages.append(
                    {"id": message_id, "thread_id": thread_id, "seq": seq if side == "buyer"
                     else seq + 1, "direction": "buyer_to_seller" if side == "buyer"
                     else "seller_to_buyer", "sender_id": buyer if side == "buyer" else seller,
                     "channel": "web", "initiation": "reply", "contact_reason": "other",
                     "subject": "About your order", "body": "Where is my parcel?",
                     "language": "en", "verdict": "block" if disposition == "blocked"
                     else "allow", "critical": False, "disposition": disposition,
                     "triage": None, "report": None, "created_at": at,
                     "prev_hash": "0" * 64, "hash": "0" * 64}
                )  # fmt: skip
                if disposition == "blocked":
                    findings.append(
                        {"message_id": message_id, "position": 0, "severity": "block",
                         "category": rng.choice(CATEGORIES), "rule": "bench", "span_start": 0,
                         "span_end": 5, "message": "blocked"}
                    )  # fmt: skip
            buyer_message = message_id - 1
            clock: dict[str, Any] = {
                "message_id": buyer_message, "thread_id": thread_id, "seller_id": seller,
                "case_id": None, "started_at": asked, "stopped_at": None, "stop_reason": None,
                "response_us": None, "stopped_by_message_id": None, "due_soon_at": None,
            }  # fmt: skip
            if roll < 0.85:
                clock |= {"stop_reason": "answered", "stopped_by_message_id": message_id}
            elif roll < 0.90:
                clock |= {"stop_reason": "no_response_needed"}
            elif roll < 0.92:
                clock |= {"stop_reason": "reported"}
            if clock["stop_reason"] is not None:
                clock["stopped_at"] = answered
                clock["response_us"] = (answered - asked) // timedelta(microseconds=1)
            clocks.append(clock)
        if len(messages) >= 50_000:
            flush()
    flush()
    # On PostgreSQL the message repository writes each message's inbox entry and day counter
    # (migration 0014); rows inserted with SQL get theirs here.
    index_and_count(engine, 1, len(list(_threads())))
    _roll_up(engine)
    stored["response_daily"] = _count(engine, ct.response_daily)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table, count in (("threads", len(list(_threads()))), ("messages", message_id)):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                    {"n": count},
                )
        with engine.connect() as connection:
            # VACUUM sets the visibility map, as autovacuum does in service, so index-only scans
            # are possible; ANALYZE refreshes the statistics.
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return dict(stored)


def _roll_up(engine: Engine) -> None:
    """Fill the daily roll-up the way each stop does, for every finished clock at once."""
    daily: dict[tuple[str, object, str], list[int]] = defaultdict(lambda: [0, 0])
    rc = ct.response_clocks
    query = select(rc).where(rc.c.stop_reason.is_not(None))
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=50_000).execute(query):
            clock = ResponseClock(
                row.message_id, row.seller_id, row.thread_id, utc(row.started_at),
                utc(row.stopped_at), row.stop_reason,
            )  # fmt: skip
            ended = outcome(clock)
            entry = daily[(clock.seller_id, clock.started_at.date(), ended)]
            entry[0] += 1
            entry[1] += 0 if ended == "excluded" else row.response_us
    _insert(
        engine,
        ct.response_daily,
        [
            {"seller_id": seller, "day": day, "outcome": ended, "clocks": n, "total_us": us}
            for (seller, day, ended), (n, us) in daily.items()
        ],
    )


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms, after one warm-up run.

    The CPU time leaves out the waits for a core on a loaded machine (and, on PostgreSQL, the
    server's own work): the code's cost, where the wall time is what a caller sees.
    """
    action()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _clocks(engine: Engine, seller: str | None) -> list[ResponseClock]:
    rc = ct.response_clocks
    query = select(rc)
    if seller is not None:
        query = query.where(rc.c.seller_id == seller)
    with engine.connect() as connection:
        return [
            ResponseClock(
                message_id=row.message_id,
                seller_id=row.seller_id,
                thread_id=row.thread_id,
                started_at=utc(row.started_at),
                stopped_at=None if row.stopped_at is None else utc(row.stopped_at),
                stop_reason=row.stop_reason,
            )
            for row in connection.execute(query)
        ]


def python_one_seller(engine: Engine) -> object:
    return figures_by_window(_clocks(engine, "s0"), now=NOW)


def python_all_sellers(engine: Engine) -> object:
    by_seller: dict[str, list[ResponseClock]] = defaultdict(list)
    for clock in _clocks(engine, None):
        by_seller[clock.seller_id].append(clock)
    return {seller: figures_by_window(c, now=NOW) for seller, c in by_seller.items()}


class StatementLog:
    """The statements an engine runs, with their parameters (to count round trips and EXPLAIN)."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.startswith("EXPLAIN"):
            self.statements.append((statement, parameters))

    def during(self, action: Callable[[], object]) -> list[tuple[str, Any]]:
        self.statements.clear()
        action()
        return list(self.statements)


def explain(engine: Engine, statement: str, parameters: Any, *, runs: int = 5) -> tuple[float, str]:
    """PostgreSQL's own execution time of one statement (median ms of `runs`) and its plan."""
    times, plan = [], ""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [line for (line,) in cursor.fetchall()]
            times.append(float(lines[-1].split(":")[1].split()[0]))
            plan = "\n".join(lines)
        raw.rollback()
    finally:
        raw.close()
    return statistics.median(times), plan


def count_clocks(engine: Engine, seller: str) -> int:
    """The same-run baseline: a plain count of the seller's response clocks."""
    rc = ct.response_clocks
    with engine.connect() as connection:
        query = select(func.count()).select_from(rc).where(rc.c.seller_id == seller)
        return int(connection.execute(query).scalar_one())


def run(kind: str, pg_url: str, *, show_plan: bool = False) -> None:
    with fresh_database(kind, pg_url) as (engine, _url):
        started = time.perf_counter()
        stored = prefill(engine)
        load_s = time.perf_counter() - started
        print(f"\n== {kind} {server_version(engine)}: loaded in {load_s:.0f} s: {stored}")
        reader = SqlMetricsReader(engine)

        def clock() -> datetime:
            return NOW

        limits = MessagingLimits()
        one, one_cpu = timed(
            lambda: metrics.seller_metrics("s0", reader=reader, clock=clock, limits=limits), 25
        )
        one_figures, one_figures_cpu = timed(
            lambda: reader.response_figures("s0", now=NOW, windows=(7, 30, 90)), 25
        )
        one_python, _ = timed(lambda: python_one_seller(engine), 3)
        counted, counted_cpu = timed(lambda: count_clocks(engine, "s0"), 25)
        log = StatementLog(engine)
        statements = log.during(
            lambda: metrics.seller_metrics("s0", reader=reader, clock=clock, limits=limits)
        )
        health = metrics.seller_metrics("s0", reader=reader, clock=clock, limits=limits)
        # The SQL answer must equal the domain's pure functions before its speed means anything.
        assert {d: w.response for d, w in health.windows.items()} == python_one_seller(engine)
        figures = health.windows[90].response
        print(
            f"one seller (s0, {figures.due + figures.pending + figures.excluded:,} clocks in 90 "
            f"days): full account health {one:.1f} ms wall, {one_cpu:.1f} ms CPU (target < 50 "
            f"ms); response figures alone {one_figures:.1f} ms wall, {one_figures_cpu:.1f} ms "
            f"CPU; Python baseline {one_python:.0f} ms ({one_python / one_figures:.0f}x slower "
            "than the SQL figures)"
        )
        print(
            f"  statements per account health: {len(statements)}; baseline SELECT count(*) of "
            f"s0's {count_clocks(engine, 's0'):,} clocks {counted:.1f} ms wall, {counted_cpu:.1f}"
            f" ms CPU: account health = {one / counted:.1f}x the plain count"
        )
        if engine.dialect.name == "postgresql":
            server, plan = explain(engine, *statements[-1])
            print(f"  server-side execution (EXPLAIN ANALYZE, median of 5): {server:.1f} ms")
            if show_plan:
                print(plan)
        everyone, everyone_cpu = timed(
            lambda: metrics.all_account_health(reader=reader, clock=clock), 3
        )
        all_figures, _ = timed(
            lambda: reader.response_figures_for_all(now=NOW, windows=(7, 30, 90)), 3
        )
        all_python, _ = timed(lambda: python_all_sellers(engine), 1)
        sellers = len(metrics.all_account_health(reader=reader, clock=clock))
        print(
            f"all sellers ({sellers:,} with activity): full account health "
            f"{everyone / 1000:.2f} s wall, {everyone_cpu / 1000:.2f} s CPU (target < 10 s); "
            "response figures alone "
            f"{all_figures / 1000:.2f} s; Python baseline {all_python / 1000:.2f} s "
            f"({all_python / all_figures:.1f}x the SQL figures)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--plan", action="store_true", help="Print the PostgreSQL plan.")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for kind in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(kind, args.pg_url, show_plan=args.plan)
        print(f"machine after the run: {machine()}")


if __name__ == "__main__":
    main()
