"""Benchmark: the messaging API under load, server and load generator as separate processes.

    python bench/api_load.py                                  # SQLite and PostgreSQL, 100k stored
    python bench/api_load.py --db postgresql --stored 1000000 --sends 5000

For each database it pre-fills `--stored` messages (valid hash chains, one running 24-hour clock
per thread), starts `gobetween serve` on a loopback port as its own process, and drives it from
this process with `--concurrency` concurrent HTTP/1.1 connections (httpx, asyncio). It prints:

- sends: POST /api/v1/orders/{id}/messages (auth, policy check, one durable transaction);
- inbox: GET /api/v1/inbox as a seller, the `requires_response` view (least time left first) and
  the `all` view (newest first), 50 entries a page;
- baseline: GET /api/v1/me (auth and one indexed read), measured in the same run.

Figures are throughput (requests/s over the whole run) and p50/p99 latency as the client saw it,
plus each figure's ratio to the baseline, and the machine they ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.services.access import Principal, create_token
from gobetween.services.inbox import list_inbox
from message_core_fixture import (
    DEFAULT_PG_URL,
    MESSAGES_PER_THREAD,
    SELLERS,
    fresh_database,
    machine,
    prefill,
    server_version,
)

TEXT = "Your shipping address is missing the apartment number. Could you add it?"
GOBETWEEN = Path(sys.executable).with_name("gobetween")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def start_clocks(engine: Engine) -> int:
    """One running clock per thread, on its last buyer message: the requires-response inbox."""
    buyer_seq = MESSAGES_PER_THREAD - 1  # odd seqs are the buyer's in the pre-fill
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO response_clocks (message_id, thread_id, seller_id, started_at) "
                "SELECT m.id, m.thread_id, th.seller_id, m.created_at FROM messages m "
                "JOIN threads th ON th.id = m.thread_id WHERE m.seq = :seq"
            ),
            {"seq": buyer_seq},
        )
        count = connection.execute(text("SELECT count(*) FROM response_clocks")).scalar_one()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return int(count)


def seller_tokens(engine: Engine, now: datetime) -> list[str]:
    with SqlAccessUnitOfWork(engine) as uow:
        tokens = [create_token(uow, "seller", seller_id=f"s{n}", now=now) for n in range(SELLERS)]
        uow.commit()
    return tokens


def start_server(url: str, port: int, folder: Path) -> subprocess.Popen[bytes]:
    environ = os.environ | {
        "GOBETWEEN_DATABASE_URL": url,
        "GOBETWEEN_LOG_LEVEL": "WARNING",
        "GOBETWEEN_SMTP_ENABLED": "false",
        "GOBETWEEN_API_REQUESTS_PER_MINUTE": "0",
        "GOBETWEEN_ATTACHMENT_FOLDER": str(folder / "attachments"),
        "GOBETWEEN_DELIVERY_FOLDER": str(folder / "delivered"),
        # The benchmark measures throughput, not the daily limit: no seller should reach it.
        "GOBETWEEN_DAILY_LIMIT_BASE": str(10**9),
    }
    server = subprocess.Popen(
        [str(GOBETWEEN), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
        env=environ,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gobetween serve exited with {server.returncode}")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gobetween serve did not become healthy within 60 s")


async def drive(
    base: str,
    count: int,
    concurrency: int,
    request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
) -> tuple[float, list[float]]:
    """Run `count` requests over `concurrency` connections; (requests/s, latencies in ms)."""
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(range(count))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for number in queue:
                started = time.perf_counter()
                response = await request(client, number)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 300:
                    failures.append(f"{response.status_code} {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, first: {failures[0]}")
    return count / elapsed, latencies


def report(name: str, rate: float, latencies: list[float], baseline: float | None) -> None:
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    ratio = f"  p50 x{p50 / baseline:.1f} of baseline" if baseline else ""
    print(f"  {name:<28} {rate:8.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms{ratio}")


def measure_queries(engine: Engine, rounds: int) -> None:
    """The inbox service in this process, without HTTP: what the query itself costs."""
    rng = random.Random(11)
    baseline: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        with SqlAccessUnitOfWork(engine) as uow:
            uow.sellers.find(f"s{rng.randrange(SELLERS)}")
        baseline.append((time.perf_counter() - started) * 1000)
    report("in-process: one-row read", rounds / (sum(baseline) / 1000), baseline, None)
    for view in ("requires_response", "all"):
        latencies: list[float] = []
        for _ in range(rounds):
            viewer = Principal("seller", seller_id=f"s{rng.randrange(SELLERS)}")
            started = time.perf_counter()
            page = list_inbox(
                viewer=viewer,
                uow=SqlAccessUnitOfWork(engine),
                alias_domain="relay.example",
                view=view,
                limit=50,
            )
            latencies.append((time.perf_counter() - started) * 1000)
            assert page.entries, "the pre-fill gives every seller running clocks and messages"
        rate = rounds / (sum(latencies) / 1000)
        report(f"in-process: inbox {view}", rate, latencies, statistics.median(baseline))


def run(kind: str, stored: int, sends: int, reads: int, concurrency: int, pg_url: str) -> None:
    now = datetime.now(UTC)
    with fresh_database(kind, pg_url) as (engine, url):
        started = time.perf_counter()
        orders = prefill(engine, stored, now=now)
        clocks = start_clocks(engine)
        tokens = seller_tokens(engine, now)
        print(
            f"\n{kind} {server_version(engine)}: {stored:,} messages, {clocks:,} running clocks"
            f" pre-filled in {time.perf_counter() - started:.0f} s;"
            f" {concurrency} connections"
        )
        measure_queries(engine, reads)
        port = free_port()
        folder = Path(tempfile.mkdtemp(prefix="gobetween-api-bench-"))
        server = start_server(url, port, folder)
        base = f"http://127.0.0.1:{port}/api/v1"
        rng = random.Random(7)
        # Order n belongs to seller s{n % SELLERS}.
        picks = [rng.randrange(len(orders)) for _ in range(max(sends, reads))]

        def auth(n: int) -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens[picks[n] % SELLERS]}"}

        try:
            asyncio.run(drive(base, 200, concurrency, lambda c, n: c.get("/me", headers=auth(n))))
            rate, lat = asyncio.run(
                drive(base, reads, concurrency, lambda c, n: c.get("/me", headers=auth(n)))
            )
            baseline = statistics.median(lat)
            report("baseline GET /me", rate, lat, None)
            rate, lat = asyncio.run(
                drive(
                    base,
                    sends,
                    concurrency,
                    lambda c, n: c.post(
                        f"/orders/{orders[picks[n]]}/messages",
                        json={"text": TEXT, "contact_reason": "address_issue"},
                        headers=auth(n),
                    ),
                )
            )
            report("send (POST messages)", rate, lat, baseline)
            for view in ("requires_response", "all"):
                rate, lat = asyncio.run(
                    drive(
                        base,
                        reads,
                        concurrency,
                        lambda c, n, view=view: c.get(  # type: ignore[misc]
                            "/inbox", params={"view": view, "limit": 50}, headers=auth(n)
                        ),
                    )
                )
                report(f"inbox {view}", rate, lat, baseline)
        finally:
            server.terminate()
            server.wait(30)
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=3000)
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        run(kind, args.stored, args.sends, args.reads, args.concurrency, args.pg_url)


if __name__ == "__main__":
    main()
