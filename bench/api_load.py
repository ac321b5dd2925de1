"""Benchmark: the messaging API under load, server and load generator as separate processes.

    python bench/api_load.py                                  # SQLite and PostgreSQL, 100k stored
    python bench/api_load.py --db postgresql --stored 1000000 --workers 2
    git worktree add /tmp/base <commit>                       # then, against that commit:
    python bench/api_load.py --db postgresql --stored 10000 --scenarios send --baseline /tmp/base

For each database it pre-fills `--stored` messages (valid hash chains, one running 24-hour clock
per thread), starts `gobetween serve` on a loopback port as its own process (`--workers` web
processes), and drives it with wrk (`apt-get install wrk`; bench/wrk/api.lua), `--connections`
concurrent HTTP/1.1 connections from `--threads` wrk threads, each scenario for `--seconds`:

- baseline: GET /api/v1/me (token check, no other work), measured in the same run;
- sends: POST /api/v1/orders/{id}/messages (auth, policy check, one durable transaction);
- inbox: GET /api/v1/inbox as a seller, the `requires_response` view (least time left first) and
  the `all` view (newest first), 50 entries a page.

With `--rate R` the scenarios after GET /me offer R requests/s (wrk paces its requests,
bench/wrk/api.lua) instead of keeping every connection busy: a closed loop of 16 connections
holds 16 requests in the server at any time, so by Little's law its mean latency is 16 / rate
(32 ms at 500/s) whatever the server does, while a fleet of clients each sending when it has
something to send offers a rate and waits only for its own request. `late` counts requests the
client sent more than 10 ms behind their due time (every connection was busy): a paced run with
many of them did not hold the rate.

wrk is C and event-driven: it costs the machine far less per request than a Python client, so on
2 cores more of them is left to the server. Figures are throughput (requests/s), p50/p90/p99
latency as wrk saw it, the server's CPU time per request (all its processes, from /proc: the one
figure a noisy machine disturbs least), each latency's ratio to the baseline, and the machine.
The inbox query is also timed in this process, without HTTP, beside a one-row read.

With `--baseline DIR` (a checkout of another commit, e.g. a `git worktree`) the same database is
served `--rounds` times by each version in turn, the baseline's server importing DIR/src: each
round runs GET /me and the `--scenarios` against one server, then against the other, so both see
the same load of a shared machine. Each version serves it at its own schema revision (migrated
down to the baseline's newest migration before the baseline's turn, up again before this
checkout's), so work a later migration moved between the database and the code is measured on
the right side. It prints every round, then the medians and their ratios.
`--baseline-workers N` serves the baseline with N web processes (`--workers` is this checkout's):
with a checkout of this very commit as the baseline, it compares web process counts in one run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy.event
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))

from gobetween.adapters.db import migrate
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
CHECKOUT = Path(__file__).resolve().parent.parent


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


WRK_SCRIPT = Path(__file__).parent / "wrk" / "api.lua"
WRK_LINE = re.compile(r"^WRK (.*)$", re.MULTILINE)
APPLICATION_NAME = "gobetween-api-bench"


def start_server(
    url: str,
    port: int,
    folder: Path,
    workers: int,
    log_level: str = "WARNING",
    source: Path | None = None,
) -> subprocess.Popen[bytes]:
    """`gobetween serve` on `port`, importing the package from `source`/src (default: the
    checkout this script is in, whatever version is installed)."""
    if url.startswith("postgresql"):
        # Names the server's PostgreSQL sessions, so their backends' CPU can be found.
        url += ("&" if "?" in url else "?") + f"application_name={APPLICATION_NAME}"
    environ = os.environ | {
        "GOBETWEEN_DATABASE_URL": url,
        # INFO writes one log line per request (to /dev/null here; the formatting is the cost).
        "GOBETWEEN_LOG_LEVEL": log_level,
        "GOBETWEEN_LOG_FORMAT": "json",
        "GOBETWEEN_SMTP_ENABLED": "false",
        "GOBETWEEN_API_REQUESTS_PER_MINUTE": "0",
        "GOBETWEEN_ATTACHMENT_FOLDER": str(folder / "attachments"),
        "GOBETWEEN_DELIVERY_FOLDER": str(folder / "delivered"),
        # The benchmark measures throughput, not the daily limit: no seller should reach it.
        "GOBETWEEN_DAILY_LIMIT_BASE": str(10**9),
    }
    # Ahead of the installed package: the server runs the code of the checkout measured.
    environ["PYTHONPATH"] = str((source or CHECKOUT) / "src")
    command = [str(GOBETWEEN), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"]
    if workers > 1:
        command += ["--workers", str(workers)]
    quiet = subprocess.DEVNULL if log_level == "INFO" else None
    server = subprocess.Popen(command, env=environ, stderr=quiet)
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


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its children: the server's work."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by one process; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving the benchmarked server (by application_name).

    PostgreSQL runs on this machine too: its CPU per request belongs in the budget of 2 cores.
    SQLite runs inside the server process and is counted there already.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def backends(self) -> dict[int, float]:
        if self.engine.dialect.name != "postgresql":
            return {}
        with self.engine.connect() as connection:
            pids = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APPLICATION_NAME},
            ).scalars()
            return {int(pid): process_cpu(int(pid)) for pid in pids}


@dataclass(frozen=True)
class Run:
    """What wrk measured for one scenario, and what it cost the server."""

    rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    server_cpu_ms: float  # per request
    database_cpu_ms: float  # per request, PostgreSQL's backends (0 on SQLite)
    client_cpu_ms: float  # per request, wrk
    late: float = 0.0  # paced runs: requests sent more than 10 ms behind their due time

    @property
    def cpu_bound_rate(self) -> float:
        """Requests/s this machine's cores could serve if nothing else ran: the CPU budget."""
        spent = self.server_cpu_ms + self.database_cpu_ms + self.client_cpu_ms
        return (os.cpu_count() or 1) * 1000 / spent if spent else float("inf")


def drive(
    base: str,
    scenario: str,
    data: Path,
    seconds: int,
    threads: int,
    connections: int,
    pid: int,
    database: DatabaseCpu,
    rate: float = 0.0,
) -> Run:
    """Run wrk for `seconds` on one scenario, offering `rate` requests/s (0: as fast as the
    connections go); fail on any non-2xx answer or socket error."""
    cpu_before = process_tree_cpu(pid)
    backends_before = database.backends()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(
        [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
            "-s", str(WRK_SCRIPT), base, "--", scenario, str(data), str(rate / threads),
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    cpu = process_tree_cpu(pid) - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    # A backend that appeared during the run (the pool grew) counts from its start.
    database_cpu = sum(
        used - backends_before.get(backend, 0.0) for backend, used in database.backends().items()
    )
    match = WRK_LINE.search(finished.stdout)
    if match is None:
        raise SystemExit(f"wrk printed no summary:\n{finished.stdout}\n{finished.stderr}")
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}
    if figures["non2xx"] or figures["socket_errors"]:
        raise SystemExit(
            f"{scenario}: {figures['non2xx']} non-2xx, {figures['socket_errors']} socket errors"
        )
    requests = figures["requests"]
    return Run(
        rate=requests / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        server_cpu_ms=cpu * 1000 / max(1, requests),
        database_cpu_ms=database_cpu * 1000 / max(1, requests),
        client_cpu_ms=client_cpu * 1000 / max(1, requests),
        late=figures.get("late", 0),
    )


def report_run(name: str, run: Run, baseline: Run | None) -> None:
    ratio = ""
    if baseline:
        latency = run.p50_ms / baseline.p50_ms
        cpu = run.server_cpu_ms / baseline.server_cpu_ms
        ratio = f"  (p50 x{latency:.1f}, CPU x{cpu:.1f} of baseline)"
    print(
        f"  {name:<26} {run.rate:7.0f} req/s  p50 {run.p50_ms:6.1f} ms  p90 {run.p90_ms:6.1f} ms"
        f"  p99 {run.p99_ms:6.1f} ms  CPU ms/req: server {run.server_cpu_ms:5.2f}"
        f" db {run.database_cpu_ms:4.2f} wrk {run.client_cpu_ms:4.2f}"
        f" -> at most {run.cpu_bound_rate:5.0f}/s on idle cores{ratio}"
        + (f"  late {run.late:.0f}" if run.late else "")
    )


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


def explain_inbox(engine: Engine) -> None:
    """The plan each inbox view's query gets, as the database itself reports it."""
    viewer = Principal("seller", seller_id="s1")
    for view in ("requires_response", "all"):
        captured: list[tuple[str, Any]] = []

        def capture(*event: Any, into: list[tuple[str, Any]] = captured) -> None:
            _connection, _cursor, statement, parameters = event[:4]
            into.append((statement, parameters))

        sqlalchemy.event.listen(engine, "before_cursor_execute", capture)
        try:
            list_inbox(
                viewer=viewer,
                uow=SqlAccessUnitOfWork(engine),
                alias_domain="relay.example",
                view=view,
                limit=50,
            )
        finally:
            sqlalchemy.event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = next(
            (sql, params) for sql, params in captured if "messages" in sql and "LIMIT" in sql
        )
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS) "
            if engine.dialect.name == "postgresql"
            else ("EXPLAIN QUERY PLAN ")
        )
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
        finally:
            raw.close()
        print(f"  plan of inbox {view}:")
        for line in plan:
            print(f"    {line}")


def run(kind: str, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    with fresh_database(kind, args.pg_url) as (engine, url):
        started = time.perf_counter()
        orders = prefill(engine, args.stored, now=now)
        clocks = start_clocks(engine)
        tokens = seller_tokens(engine, now)
        print(
            f"\n{kind} {server_version(engine)}: {args.stored:,} messages, {clocks:,} running"
            f" clocks pre-filled in {time.perf_counter() - started:.0f} s; wrk {args.threads}"
            f" threads, {args.connections} connections, {args.seconds} s a scenario;"
            + (f" {args.rate:g} requests/s offered;" if args.rate else "")
            + f" {args.workers} server process(es)"
            + (
                f" ({args.baseline_workers} for the baseline)"
                if args.baseline is not None and args.baseline_workers != args.workers
                else ""
            )
        )
        measure_queries(engine, args.reads)
        if args.explain:
            explain_inbox(engine)
        port = free_port()
        folder = Path(tempfile.mkdtemp(prefix="gobetween-api-bench-"))
        rng = random.Random(7)
        # Order n belongs to seller s{n % SELLERS}: each line sends as the order's own seller.
        data = folder / "requests.tsv"
        with data.open("w") as lines:
            for _ in range(20_000):
                number = rng.randrange(len(orders))
                lines.write(f"{tokens[number % SELLERS]}\t{orders[number]}\n")
        try:
            if args.baseline is None:
                measure_server(engine, url, port, folder, data, args, None, args.workers)
            else:
                compare(engine, url, port, folder, data, args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


SCENARIOS = ("send", "inbox_requires_response", "inbox_all", "inbox_light")


def measure_server(
    engine: Engine,
    url: str,
    port: int,
    folder: Path,
    data: Path,
    args: argparse.Namespace,
    source: Path | None,
    workers: int,
) -> dict[str, Run]:
    """Start one server (from `source`, or this checkout) of `workers` web processes, run the
    scenarios, stop it."""
    server = start_server(url, port, folder, workers, args.server_log_level, source)
    database = DatabaseCpu(engine)
    base = f"http://127.0.0.1:{port}"

    def scenario(
        name: str, seconds: int, connections: int = args.connections, rate: float = 0.0
    ) -> Run:
        return drive(
            base, name, data, seconds, args.threads, connections, server.pid, database, rate
        )

    runs: dict[str, Run] = {}
    try:
        scenario("me", 2)  # warm-up: connections, caches, the first imports of each route
        print(f"  load average before the HTTP runs: {os.getloadavg()[0]:.1f}")
        baseline = runs["me"] = scenario("me", args.seconds)
        report_run("baseline GET /me", baseline, None)
        if "send" in args.scenarios:
            runs["send"] = scenario("send", args.seconds, rate=args.rate)
            report_run("send (POST messages)", runs["send"], baseline)
        for view in ("requires_response", "all"):
            if f"inbox_{view}" in args.scenarios:
                runs[f"inbox_{view}"] = scenario(f"inbox_{view}", args.seconds, rate=args.rate)
                report_run(f"inbox {view}", runs[f"inbox_{view}"], baseline)
        # Latency of one listing, not of a queue: with 16 connections and a few hundred
        # requests/s a request waits for the ones ahead of it (Little's law), whatever the
        # query costs. A few connections show what a listing itself takes.
        light = args.light_connections
        if "inbox_light" in args.scenarios:
            for view in ("requires_response", "all"):
                run_light = scenario(f"inbox_{view}", args.seconds, light)
                runs[f"inbox_{view}_light"] = run_light
                report_run(f"inbox {view}, {light} conn.", run_light, baseline)
        print(f"  load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(30)
    return runs


def at_revision_of(engine: Engine, source: Path | None) -> None:
    """Bring the shared database to the schema revision of `source` (a checkout), or of this
    checkout: a version is measured on its own schema (a later revision may move work between
    the database's triggers and the code). The rows stay; only the schema moves."""
    if source is None:
        migrate.upgrade(engine)
        return
    scripts = ScriptDirectory(str(source / "src" / "gobetween" / "adapters" / "db" / "migrations"))
    head = scripts.get_current_head()
    if head is not None and head != migrate.current_revision(engine):
        migrate.downgrade(engine, head)


def compare(
    engine: Engine, url: str, port: int, folder: Path, data: Path, args: argparse.Namespace
) -> None:
    """Baseline and this checkout in turn, `--rounds` times each; medians and ratios."""
    versions: dict[str, Path | None] = {"baseline": args.baseline, "this checkout": None}
    workers = {"baseline": args.baseline_workers, "this checkout": args.workers}
    rounds: dict[str, list[dict[str, Run]]] = {name: [] for name in versions}
    for number in range(args.rounds):
        # Alternate which goes first, so neither always meets the same moment of the load.
        order = list(versions) if number % 2 == 0 else list(reversed(versions))
        for name in order:
            print(f"  round {number + 1}, {name}:")
            at_revision_of(engine, versions[name])
            rounds[name].append(
                measure_server(engine, url, port, folder, data, args, versions[name], workers[name])
            )
    print(f"  medians over {args.rounds} rounds (load average now {os.getloadavg()[0]:.1f}):")
    medians = {name: median_runs(runs) for name, runs in rounds.items()}
    for scenario in medians["baseline"]:
        old, new = medians["baseline"][scenario], medians["this checkout"][scenario]
        for name, run_ in (("baseline", old), ("this checkout", new)):
            report_run(f"{scenario}, {name}", run_, None)
        print(
            f"  {scenario}, this checkout / baseline: rate x{new.rate / old.rate:.2f},"
            f" p50 x{new.p50_ms / old.p50_ms:.2f}, p99 x{new.p99_ms / old.p99_ms:.2f},"
            f" server CPU x{new.server_cpu_ms / old.server_cpu_ms:.2f}"
            + (
                f", database CPU x{new.database_cpu_ms / old.database_cpu_ms:.2f}"
                if old.database_cpu_ms >= 0.05  # GET /me reads nothing: no ratio of noise
                else ""
            )
        )


def median_runs(runs: list[dict[str, Run]]) -> dict[str, Run]:
    """Each scenario's figures, each the median of its rounds."""
    return {
        scenario: Run(
            *(
                statistics.median(getattr(run_[scenario], name) for run_ in runs)
                for name in Run.__dataclass_fields__
            )
        )
        for scenario in runs[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk's run per scenario")
    parser.add_argument("--reads", type=int, default=1000, help="in-process inbox reads")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--light-connections", type=int, default=2, help="inbox, light load")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="requests/s offered in each scenario after GET /me (default 0: closed loop)",
    )
    parser.add_argument("--workers", type=int, default=1, help="gobetween serve --workers")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--server-log-level", choices=("INFO", "WARNING"), default="WARNING")
    parser.add_argument("--explain", action="store_true", help="print the inbox queries' plans")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, after GET /me: {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another commit (git worktree): serve it and this one in turn",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --baseline: rounds of each")
    parser.add_argument(
        "--baseline-workers",
        type=int,
        help="with --baseline: its server's --workers (default: --workers); a checkout can be its"
        " own baseline, to compare web process counts",
    )
    args = parser.parse_args()
    args.scenarios = tuple(name for name in args.scenarios.split(",") if name)
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    if args.baseline is not None and not (args.baseline / "src" / "gobetween").is_dir():
        parser.error(f"--baseline {args.baseline}: no src/gobetween there (a checkout is needed)")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.baseline_workers is None:
        args.baseline_workers = args.workers
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api_load.py drives the server with wrk: apt-get install wrk")
    print(f"machine: {machine()}")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        run(kind, args)


if __name__ == "__main__":
    main()
