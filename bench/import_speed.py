"""Benchmark: `gobetween import` reading and writing, and loading the demo marketplace.

    python bench/import_speed.py                       # 20k orders, SQLite and PostgreSQL
    python bench/import_speed.py --orders 100000 --rounds 5 --databases sqlite

Prints medians over the rounds, with the machine. Baseline, measured in the same run: decoding
every line with `json.loads` and nothing else, the least any JSON Lines importer does. Reading is
shown as a ratio to it; writing (one transaction: every row, every pair's two aliases) as rows/s,
for a first import and a re-import that updates every row.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from gobetween import policy
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.demo_marketplace import build_demo_marketplace, load_demo_marketplace
from gobetween.services.import_files import read_records
from gobetween.services.importing import import_records
from gobetween.services.messaging import MessagingLimits
from message_core_fixture import DEFAULT_PG_URL, fresh_database, machine

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def import_file(orders: int, *, seed: int = 1) -> bytes:
    """A JSON Lines import: 50 sellers, orders // 4 buyers, `orders` orders."""
    rng = random.Random(seed)
    sellers = [f"seller-{n:03d}" for n in range(50)]
    buyers = [f"buyer-{n:06d}" for n in range(max(1, orders // 4))]
    lines: list[dict[str, Any]] = [
        {
            "type": "seller",
            "id": s,
            "display_name": f"Shop {s}",
            "business_name": f"Shop {s} Ltd",
            "customer_service_address": f"cs@{s}.example",
            "registered_addresses": [f"orders@{s}.example"],
        }
        for s in sellers
    ]
    lines += [
        {
            "type": "buyer",
            "id": b,
            "name": f"Buyer {b}",
            "email": f"{b}@mail.example",
            "language": rng.choice(["en", "de", "fr", "es", "it", "ja"]),
        }
        for b in buyers
    ]
    for n in range(orders):
        purchased = NOW - timedelta(minutes=rng.randint(60, 60 * 24 * 60))
        lines.append(
            {
                "type": "order",
                "id": f"111-{n:07d}-{rng.randint(0, 9_999_999):07d}",
                "marketplace": "US",
                "seller_id": rng.choice(sellers),
                "buyer_id": rng.choice(buyers),
                "fulfillment": rng.choice(["MFN", "AFN"]),
                "status": "shipped",
                "product_category": "electronics",
                "purchased_at": purchased.isoformat(),
                "shipped_at": (purchased + timedelta(hours=20)).isoformat(),
                "items": [
                    {
                        "sku": f"SKU-{rng.randint(1, 500)}",
                        "title": "USB-C cable, 2 m",
                        "quantity": 1,
                        "price": "9.99",
                        "currency": "USD",
                    }
                ],
                "shipping_address": {
                    "name": "A Buyer",
                    "line1": f"{rng.randint(1, 999)} Elm Drive",
                    "city": "Columbus",
                    "region": "OH",
                    "postal_code": "43215",
                    "country": "US",
                },
            }
        )
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def median_seconds(rounds: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()

    print(machine())
    data = import_file(args.orders)
    lines = data.count(b"\n")
    print(f"import file: {lines:,} records ({args.orders:,} orders), {len(data) / 1e6:.1f} MB")

    baseline = median_seconds(args.rounds, lambda: [json.loads(line) for line in io.BytesIO(data)])
    reading = median_seconds(
        args.rounds,
        lambda: read_records(io.BytesIO(data), source="bench.jsonl", file_format="jsonl"),
    )
    print(f"baseline json.loads only : {lines / baseline:>10,.0f} records/s")
    print(
        f"read_records (validated) : {lines / reading:>10,.0f} records/s"
        f"  ({reading / baseline:.1f}x the baseline's time)"
    )

    batch = read_records(io.BytesIO(data), source="bench.jsonl", file_format="jsonl")
    assert not batch.problems, batch.problems[:3]
    for kind in args.databases:
        first_runs: list[float] = []
        again_runs: list[float] = []
        for _ in range(args.rounds):
            with fresh_database(kind, args.pg_url) as (engine, _url):

                def run() -> None:
                    import_records([batch], uow=SqlUnitOfWork(engine), clock=lambda: NOW)

                first_runs.append(median_seconds(1, run))
                again_runs.append(median_seconds(1, run))
        first, again = statistics.median(first_runs), statistics.median(again_runs)
        print(
            f"{kind:10} first import : {lines / first:>10,.0f} records/s ({first:.2f} s),"
            f" re-import (all updates): {lines / again:,.0f} records/s ({again:.2f} s)"
        )

    for kind in args.databases:
        timings: list[float] = []
        counts = (0, 0)
        for _ in range(args.rounds):
            with fresh_database(kind, args.pg_url) as (engine, _url):
                started = time.perf_counter()
                demo = build_demo_marketplace(now=NOW)
                summary = load_demo_marketplace(
                    demo,
                    uow_factory=partial(SqlUnitOfWork, engine),
                    check_policy=policy.check,
                    limits=MessagingLimits(),
                    now=NOW,
                )
                timings.append(time.perf_counter() - started)
                counts = (summary.orders, summary.messages)
        print(
            f"{kind:10} demo load    : {statistics.median(timings):.2f} s"
            f" ({counts[0]} orders, {counts[1]} messages through the message service)"
        )


if __name__ == "__main__":
    main()
