"""Benchmark: `verify_chains` over every stored message (the `gobetween audit verify` path).

    python bench/audit_verify.py                        # SQLite and PostgreSQL, 100k messages
    python bench/audit_verify.py --stored 1000000 --db postgresql

Prints messages verified per second, next to two baselines from the same run: reading the same
rows without verifying (the storage floor) and verifying rows already in memory (the CPU floor).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.domain.evidence import verify_rows
from gobetween.services.audit import verify_chains
from message_core_fixture import (
    DEFAULT_PG_URL,
    fresh_database,
    machine,
    prefill,
    server_version,
)


def run(kind: str, stored: int, pg_url: str, repeats: int) -> None:
    with fresh_database(kind, pg_url) as (engine, _url):
        filled_at = time.perf_counter()
        prefill(engine, stored, now=datetime.now(UTC))
        filled = time.perf_counter() - filled_at
        print(f"\n{kind} {server_version(engine)}: {stored:,} messages (pre-fill {filled:.1f} s)")
        reader = SqlEvidenceReader(engine)
        verify_rates, read_rates, cpu_rates = [], [], []
        batches = []
        for _ in range(repeats):
            began, cpu = time.perf_counter(), time.process_time()
            report = verify_chains(reader=reader)
            verify_rates.append(report.messages_checked / (time.perf_counter() - began))
            # On a shared machine, this process's own CPU time says what one free core would do.
            cpu_rates.append(report.messages_checked / (time.process_time() - cpu))
            assert report.ok, report
            assert report.messages_checked == stored, report
            began = time.perf_counter()
            batches = list(reader.row_batches())
            read_rates.append(sum(len(b.rows) for b in batches) / (time.perf_counter() - began))
        began = time.perf_counter()
        hashed = sum(
            verify_rows(b.heads, b.rows, findings=b.findings, attachments=b.attachments)[0]
            for b in batches
        )
        hash_rate = hashed / (time.perf_counter() - began)
        best_verify, best_read = max(verify_rates), max(read_rates)
        print(
            f"  verify_chains: {best_verify:,.0f} msg/s (best of {repeats}; "
            f"runs {', '.join(f'{r:,.0f}' for r in verify_rates)})"
        )
        print(f"  per CPU-second of this process: {max(cpu_rates):,.0f} msg")
        print(
            f"  baselines: read only {best_read:,.0f} msg/s, hash only {hash_rate:,.0f} msg/s; "
            f"verify / read = {best_verify / best_read:.2f}"
        )
        print(
            f"  | {kind} | {stored:,} | {best_verify:,.0f} | {max(cpu_rates):,.0f} | "
            f"{best_read:,.0f} | {hash_rate:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--stored", nargs="+", type=int, default=[100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for kind in args.db:
        for stored in args.stored:
            run(kind, stored, args.pg_url, args.repeats)


if __name__ == "__main__":
    main()
