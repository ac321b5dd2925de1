"""Benchmark: CPU time of the case hooks (cases, response clocks, webhooks) inside real sends.

    python bench/case_hooks.py                        # SQLite and PostgreSQL, 600 threads
    python bench/case_hooks.py --database sqlite --threads 1000

Every stored message runs the case hooks inside its transaction (services/case_hooks.py). This
bench sends through the real message service (record_buyer_message, send_seller_message, with the
real policy check) and times only the hook calls, in CPU time of the sending thread:

- buyer, opens a case: the thread's first buyer message (case INSERT, event, clock, webhooks);
- buyer, case open: a follow-up while the case is open (case UPDATE, clock, webhooks);
- seller answer: `case_state` (read for the policy's facts) plus `message_stored` (the answer
  stops the running clock and rolls it up).

Each row has a baseline measured in the same transactions: one trivial indexed SELECT (a seller by
primary key through `Connection.execute`), so runs on a loaded machine, or of another revision
(`PYTHONPATH=<other checkout>/src`), compare by their ratio. Medians, in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import Engine, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import StoredMessage, UnitOfWork
from message_core_fixture import (
    BUYERS,
    DEFAULT_PG_URL,
    MESSAGES_PER_THREAD,
    SELLERS,
    fresh_database,
    machine,
    prefill,
    server_version,
)

LIMITS = MessagingLimits(daily_limit_base=10**9)
BASELINE = select(t.sellers.c.id).where(t.sellers.c.id == "s0")


def utc_now() -> datetime:
    return datetime.now(UTC)


class TimedHooks:
    """CaseHooks with the CPU time of each call recorded, and the baseline SELECT beside it."""

    def __init__(self, samples: dict[str, list[int]], kind_of_buyer_message: str) -> None:
        self._hooks = CaseHooks()
        self._samples = samples
        self._buyer_kind = kind_of_buyer_message
        self._seller_state_ns = 0

    def _baseline(self, uow: UnitOfWork) -> None:
        connection: Any = uow._connection  # type: ignore[attr-defined]
        began = time.thread_time_ns()
        connection.execute(BASELINE).first()
        self._samples["baseline"].append(time.thread_time_ns() - began)

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        began = time.thread_time_ns()
        state = self._hooks.case_state(uow, thread_id)
        self._seller_state_ns = time.thread_time_ns() - began
        return state

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        self._baseline(uow)
        began = time.thread_time_ns()
        self._hooks.message_stored(uow, message)
        spent = time.thread_time_ns() - began
        if message.direction == "buyer_to_seller":
            self._samples[self._buyer_kind].append(spent)
        else:
            self._samples["seller answer"].append(spent + self._seller_state_ns)


def buyer_message(engine: Engine, order: str, buyer: str, hooks: TimedHooks) -> None:
    record_buyer_message(
        RecordBuyerMessage(order, buyer, "Where is my parcel?", "Has it shipped yet?", "web"),
        uow=SqlUnitOfWork(engine),
        hooks=hooks,
        clock=utc_now,
        limits=LIMITS,
    )


def seller_answer(engine: Engine, order: str, seller: str, hooks: TimedHooks) -> None:
    result = send_seller_message(
        SendSellerMessage(
            order, seller, "Your parcel", "It left our warehouse this morning.", "other", "web"
        ),
        uow=SqlUnitOfWork(engine),
        hooks=hooks,
        clock=utc_now,
        limits=LIMITS,
    )
    assert result.disposition == "delivered", result


def run(kind: str, pg_url: str, threads: int) -> None:
    with fresh_database(kind, pg_url) as (engine, _url):
        orders = prefill(engine, threads * MESSAGES_PER_THREAD, now=utc_now())
        print(f"\n{kind} {server_version(engine)}: {len(orders):,} threads, no case yet")
        samples: dict[str, list[int]] = defaultdict(list)
        # Warm-up on a few threads (statement caches, connection pool), not counted.
        warm = min(20, len(orders) // 10)
        scratch: dict[str, list[int]] = defaultdict(list)
        for number in range(warm):
            n = number
            buyer_message(engine, orders[n], f"b{n % BUYERS}", TimedHooks(scratch, "x"))
            seller_answer(engine, orders[n], f"s{n % SELLERS}", TimedHooks(scratch, "x"))
        wall = time.perf_counter()
        for n in range(warm, len(orders)):
            buyer, seller = f"b{n % BUYERS}", f"s{n % SELLERS}"
            buyer_message(engine, orders[n], buyer, TimedHooks(samples, "buyer, opens a case"))
            seller_answer(engine, orders[n], seller, TimedHooks(samples, "x"))
            buyer_message(engine, orders[n], buyer, TimedHooks(samples, "buyer, case open"))
            seller_answer(engine, orders[n], seller, TimedHooks(samples, "x"))
        wall = time.perf_counter() - wall
        baseline = statistics.median(samples["baseline"]) / 1000
        print(f"  {4 * (len(orders) - warm):,} sends in {wall:.1f} s; {machine()}")
        print(f"  {'hook call':<22} {'n':>6} {'CPU µs p50':>11} {'mean':>8} {'x baseline':>11}")
        for name in ("buyer, opens a case", "buyer, case open", "seller answer", "baseline"):
            values = [v / 1000 for v in samples[name]]
            p50 = statistics.median(values)
            print(
                f"  {name:<22} {len(values):>6} {p50:>11.0f} {statistics.fmean(values):>8.0f}"
                f" {p50 / baseline:>11.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), nargs="+")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--threads", type=int, default=600, help="threads (orders) to write to")
    args = parser.parse_args()
    for kind in args.database or ("sqlite", "postgresql"):
        run(kind, args.pg_url, args.threads)


if __name__ == "__main__":
    main()
