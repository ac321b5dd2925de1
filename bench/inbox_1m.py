"""Benchmark: every inbox filter at 1M stored messages, over HTTP (wrk) and in-process.

    python bench/inbox_1m.py --db both --stored 1000000             # build once, then measure
    python bench/inbox_1m.py --db postgresql --migrate-to 0007      # the same fixture, "before"
    python bench/inbox_1m.py --db postgresql --explain --no-http    # plans of every filter
    python bench/inbox_1m.py --drop                                 # remove both fixtures
    python bench/inbox_1m.py --db postgresql --baseline /tmp/base --rounds 3   # A/B, alternating

The fixture is bench/api_load.py's (bench/message_core_fixture.py's pre-fill: 100 sellers,
20,000 buyers, threads of 10 messages, one running 24-hour clock per thread), kept between runs
(a PostgreSQL database `b_inbox_1m`, a SQLite file in the temp folder) because it takes minutes
to build. On top of it, as a policy checker and opt-outs would have left them: the seller's
messages whose id is a multiple of 97 are blocked (about 0.5 % of all), of 997 bounced (about
0.05 %: a page of the `bounced` view never fills, so that view must read all the seller's few
bounced messages and stop, whatever the seller's history). Those messages' hashes are not
recomputed: the inbox never reads them (`audit verify` on this fixture reports them).

Each scenario is one filter of GET /api/v1/inbox, its requests rotating over sellers, buyers,
orders and aliases; wrk (bench/wrk/inbox.lua) runs it at `--connections` (2 and 4), one
`gobetween serve` process. In-process, the same filters go through `list_inbox` without HTTP
(wall and CPU time per call). `--explain` prints each filter's statement plan (PostgreSQL:
EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN).

Before measuring, each server answers every scenario for `--warm-up` seconds (default 1; 0 for a
cold server): a server that has run a while has the database's buffers, its compiled and prepared
statements and its heap at their working size, and a run should not charge the first scenario
alone for them. `--baseline DIR` serves the same fixture from another checkout and this one in
turn (`--rounds`, which goes first alternating) and prints medians and ratios; `--source DIR`
serves another checkout as "now". In-process figures are this checkout's, read through the
engine the API reads through. Run it with `PYTHONPATH=<other checkout>/src` to measure another
version in process (without `--migrate-to`: that checkout may not know the newest migration).
"""

from __future__ import annotations

import argparse
import inspect
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy.event
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).parent))

import gobetween
from api_load import (
    WRK_LINE,
    DatabaseCpu,
    Run,
    free_port,
    percentile,
    process_tree_cpu,
    report_run,
    seller_tokens,
    start_clocks,
    start_server,
)
from gobetween.adapters.db import migrate
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine, normalize_url
from gobetween.adapters.db.read_engine import build_read_engine
from gobetween.services.access import Principal, create_token
from gobetween.services.inbox import list_inbox
from message_core_fixture import BUYERS, DEFAULT_PG_URL, SELLERS, machine, prefill, server_version

PG_DATABASE = "b_inbox_1m"
SQLITE_FILE = Path(tempfile.gettempdir()) / "b_inbox_1m.db"
ALIAS_DOMAIN = "relay.gobetween.localhost"  # the server's default (settings.alias_domain)
WRK_SCRIPT = Path(__file__).parent / "wrk" / "inbox.lua"
BLOCKED_EVERY = 97
BOUNCED_EVERY = 997
SAMPLE_BUYERS = 200
SAMPLE_ORDERS = 2000


@dataclass(frozen=True)
class Fixture:
    """What the scenarios pick their parameters from."""

    orders: list[tuple[str, str, str]]  # (order id, seller id, buyer id)
    aliases: list[tuple[str, str, str]]  # (seller-side alias address, seller id, buyer id)


@dataclass(frozen=True)
class Scenario:
    """One inbox filter: who asks (role) and the query parameters of one request."""

    name: str
    role: str  # seller | buyer | operator
    params: Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]


def _seller(rng: random.Random, _f: Fixture) -> tuple[str, dict[str, str]]:
    return f"s{rng.randrange(SELLERS)}", {}


def _seller_view(view: str) -> Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]:
    def params(rng: random.Random, _f: Fixture) -> tuple[str, dict[str, str]]:
        return f"s{rng.randrange(SELLERS)}", {"view": view}

    return params


def _by_order(view: str) -> Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]:
    def params(rng: random.Random, f: Fixture) -> tuple[str, dict[str, str]]:
        order, seller, _buyer = rng.choice(f.orders)
        return seller, {"view": view, "order_id": order}

    return params


def _by_alias(view: str) -> Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]:
    def params(rng: random.Random, f: Fixture) -> tuple[str, dict[str, str]]:
        alias, seller, _buyer = rng.choice(f.aliases)
        return seller, {"view": view, "alias": alias}

    return params


def _buyer_view(view: str) -> Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]:
    def params(rng: random.Random, _f: Fixture) -> tuple[str, dict[str, str]]:
        return f"b{rng.randrange(SAMPLE_BUYERS)}", {"view": view}

    return params


def _operator(
    view: str, **fixed: str
) -> Callable[[random.Random, Fixture], tuple[str, dict[str, str]]]:
    def params(rng: random.Random, _f: Fixture) -> tuple[str, dict[str, str]]:
        extra = {
            key: value.format(seller=f"s{rng.randrange(SELLERS)}") for key, value in fixed.items()
        }
        return "operator", {"view": view, **extra}

    return params


SCENARIOS = (
    Scenario("seller default (requires_response)", "seller", _seller),
    Scenario("seller all", "seller", _seller_view("all")),
    Scenario("seller sent", "seller", _seller_view("sent")),
    Scenario("seller blocked", "seller", _seller_view("blocked")),
    Scenario("seller bounced", "seller", _seller_view("bounced")),
    Scenario("seller requires_response, order", "seller", _by_order("requires_response")),
    Scenario("seller all, order", "seller", _by_order("all")),
    Scenario("seller blocked, order", "seller", _by_order("blocked")),
    Scenario("seller requires_response, alias", "seller", _by_alias("requires_response")),
    Scenario("seller all, alias", "seller", _by_alias("all")),
    Scenario("seller sent, alias", "seller", _by_alias("sent")),
    Scenario("buyer all", "buyer", _buyer_view("all")),
    Scenario("buyer sent", "buyer", _buyer_view("sent")),
    Scenario("operator all", "operator", _operator("all")),
    Scenario("operator requires_response", "operator", _operator("requires_response")),
    Scenario("operator blocked", "operator", _operator("blocked")),
    Scenario("operator bounced", "operator", _operator("bounced")),
    Scenario("operator all, seller", "operator", _operator("all", seller_id="{seller}")),
    Scenario(
        "operator requires_response, seller",
        "operator",
        _operator("requires_response", seller_id="{seller}"),
    ),
)


def database_url(kind: str, pg_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    return pg_url.rsplit("/", 1)[0] + f"/{PG_DATABASE}"


def fixture_exists(kind: str, pg_url: str) -> bool:
    if kind == "sqlite":
        return SQLITE_FILE.exists()
    admin = create_engine(normalize_url(pg_url))
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
            ).first()
    finally:
        admin.dispose()
    return found is not None


def drop_fixture(kind: str, pg_url: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(normalize_url(pg_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"'))
    finally:
        admin.dispose()


def build_fixture(kind: str, pg_url: str, stored: int) -> None:
    """The 1M pre-fill, the running clocks, the blocked and bounced messages; minutes."""
    if kind == "postgresql":
        admin = create_engine(normalize_url(pg_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
    started = time.perf_counter()
    engine = build_engine(database_url(kind, pg_url))
    try:
        migrate.upgrade(engine)
        prefill(engine, stored, now=datetime.now(UTC))
        start_clocks(engine)
        with engine.begin() as connection:
            # messages is append-only evidence (its triggers refuse UPDATE): off for this one
            # bulk change of the fixture, on again when its transaction ends.
            restore = _evidence_triggers_off(connection)
            # Only a seller's message is ever judged or bounced.
            connection.execute(
                text(
                    "UPDATE messages SET disposition = 'blocked', verdict = 'block'"
                    " WHERE id % :n = 0 AND direction = 'seller_to_buyer'"
                ),
                {"n": BLOCKED_EVERY},
            )
            connection.execute(
                text(
                    "UPDATE messages SET disposition = 'bounced' WHERE id % :n = 0"
                    " AND direction = 'seller_to_buyer' AND disposition = 'delivered'"
                ),
                {"n": BOUNCED_EVERY},
            )
            for statement in restore:
                connection.execute(text(statement))
        vacuum(engine)
    except BaseException:
        engine.dispose()
        drop_fixture(kind, pg_url)
        raise
    engine.dispose()
    print(
        f"  {kind}: fixture of {stored:,} messages built in {time.perf_counter() - started:.0f} s"
    )


def _evidence_triggers_off(connection: Any) -> list[str]:
    """Let this transaction update `messages`; returns the statements that restore the guard."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        return []
    guards = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'messages' AND name LIKE '%no_update'"
        )
    ).all()
    for name, _sql in guards:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    return [sql for _name, sql in guards]


def vacuum(engine: Engine) -> None:
    """What autovacuum does on its own after a bulk change: statistics and the visibility map."""
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def load_fixture(engine: Engine) -> Fixture:
    rng = random.Random(5)
    with engine.connect() as connection:
        orders = [
            (row[0], row[1], row[2])
            for row in connection.execute(
                text("SELECT id, seller_id, buyer_id FROM orders ORDER BY id")
            )
        ]
        aliases = [
            (f"{row[0]}@{ALIAS_DOMAIN}", row[1], row[2])
            for row in connection.execute(
                text(
                    "SELECT local_part, seller_id, buyer_id FROM aliases"
                    " WHERE side = 'seller' ORDER BY local_part"
                )
            )
        ]
    return Fixture(
        orders=rng.sample(orders, min(SAMPLE_ORDERS, len(orders))),
        aliases=rng.sample(aliases, min(SAMPLE_ORDERS, len(aliases))),
    )


def principal(party: str) -> Principal:
    if party == "operator":
        return Principal("operator")
    if party.startswith("b"):
        return Principal("buyer", buyer_id=party)
    return Principal("seller", seller_id=party)


def measure_in_process(engine: Engine, fixture: Fixture, rounds: int) -> None:
    """Each filter through `list_inbox` without HTTP, on the engine the API reads through: wall
    time and this thread's CPU per call,
    and the listing statement's own time (PostgreSQL: until its rows are in, the one figure that
    includes the server's work; SQLite: until its first row, the rest is in the CPU figure)."""
    statement_ms: list[float] = []

    def started(*event: Any) -> None:
        event[0].info["inbox_bench_started"] = time.perf_counter()

    def finished(*event: Any) -> None:
        if "LIMIT" in event[2]:
            began = event[0].info.pop("inbox_bench_started")
            statement_ms.append((time.perf_counter() - began) * 1000)

    reads = served_reads(engine)
    # Events of an engine with other execution options fire on the engine's own listeners.
    timed = reads if engine.dialect.name == "sqlite" else engine
    sqlalchemy.event.listen(timed, "before_cursor_execute", started)
    sqlalchemy.event.listen(timed, "after_cursor_execute", finished)
    try:
        for scenario in SCENARIOS:
            rng = random.Random(scenario.name)
            latencies: list[float] = []
            statement_ms.clear()
            cpu_started = time.thread_time()
            for _ in range(rounds):
                party, params = scenario.params(rng, fixture)
                began = time.perf_counter()
                list_inbox(
                    viewer=principal(party),
                    uow=SqlAccessUnitOfWork(reads),
                    alias_domain=ALIAS_DOMAIN,
                    limit=50,
                    **params,
                )
                latencies.append((time.perf_counter() - began) * 1000)
            cpu = (time.thread_time() - cpu_started) * 1000 / rounds
            p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
            sql = (
                f"statement p50 {statistics.median(statement_ms):7.2f} ms"
                f" p99 {percentile(statement_ms, 0.99):7.2f} ms"
                if statement_ms
                else "no statement"
            )
            print(
                f"  in-process {scenario.name:<38} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
                f"  CPU {cpu:6.2f} ms  {sql}"
            )
    finally:
        sqlalchemy.event.remove(timed, "before_cursor_execute", started)
        sqlalchemy.event.remove(timed, "after_cursor_execute", finished)
        if reads is not engine:
            reads.dispose()


def served_reads(engine: Engine) -> Engine:
    """The engine the API's listings read through (entrypoints/http/api/callers.py `Reads`):
    SQLite's read engine without the write lock, PostgreSQL's pool in autocommit."""
    if engine.dialect.name == "sqlite":
        return build_read_engine(engine)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def explain(engine: Engine, fixture: Fixture) -> None:
    """Each filter's listing statement and the plan the database gives it."""
    for scenario in SCENARIOS:
        party, params = scenario.params(random.Random(scenario.name), fixture)
        captured: list[tuple[str, Any]] = []

        def capture(*event: Any, into: list[tuple[str, Any]] = captured) -> None:
            into.append((event[2], event[3]))

        sqlalchemy.event.listen(engine, "before_cursor_execute", capture)
        try:
            list_inbox(
                viewer=principal(party),
                uow=SqlAccessUnitOfWork(engine),
                alias_domain=ALIAS_DOMAIN,
                limit=50,
                **params,
            )
        finally:
            sqlalchemy.event.remove(engine, "before_cursor_execute", capture)
        listing = [(sql, p) for sql, p in captured if "LIMIT" in sql]
        print(f"  plan of {scenario.name} ({party}, {params}):")
        if not listing:
            print("    (no listing statement)")
            continue
        statement, parameters = listing[-1]
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS) "
            if engine.dialect.name == "postgresql"
            else "EXPLAIN QUERY PLAN "
        )
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            for row in cursor.fetchall():
                print("    " + " ".join(str(part) for part in row))
        finally:
            raw.close()


def tokens(engine: Engine) -> dict[str, str]:
    """A token per seller, per sampled buyer and one operator's (written to the fixture)."""
    now = datetime.now(UTC)
    by_party = dict(zip((f"s{n}" for n in range(SELLERS)), seller_tokens(engine, now), strict=True))
    with SqlAccessUnitOfWork(engine) as uow:
        for n in range(min(SAMPLE_BUYERS, BUYERS)):
            by_party[f"b{n}"] = create_token(uow, "buyer", buyer_id=f"b{n}", now=now)
        by_party["operator"] = create_token(uow, "operator", now=now)
        uow.commit()
    return by_party


def drive(
    base: str, data: Path, seconds: int, connections: int, pid: int, database: DatabaseCpu
) -> Run:
    """wrk on one data file of (token, path) lines; fails on any non-2xx answer."""
    cpu_before = process_tree_cpu(pid)
    backends_before = database.backends()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(
        [
            "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
            "-s", str(WRK_SCRIPT), base, "--", str(data),
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    cpu = process_tree_cpu(pid) - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    database_cpu = sum(
        used - backends_before.get(backend, 0.0) for backend, used in database.backends().items()
    )
    match = WRK_LINE.search(finished.stdout)
    if match is None:
        raise SystemExit(f"wrk printed no summary:\n{finished.stdout}\n{finished.stderr}")
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}
    if figures["non2xx"] or figures["socket_errors"]:
        raise SystemExit(
            f"{data.name}: {figures['non2xx']} non-2xx, {figures['socket_errors']} socket errors"
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
    )


def request_files(
    folder: Path, fixture: Fixture, by_party: dict[str, str], scenarios: list[Scenario]
) -> tuple[dict[str, Path], Path]:
    """wrk's data files: 5,000 requests per scenario (the same in every run), and GET /me."""
    files: dict[str, Path] = {}
    for number, scenario in enumerate(scenarios):
        rng = random.Random(scenario.name)
        files[scenario.name] = folder / f"scenario{number}.tsv"
        with files[scenario.name].open("w") as lines:
            for _ in range(5000):
                party, params = scenario.params(rng, fixture)
                query = urlencode(params)
                lines.write(f"{by_party[party]}\t/api/v1/inbox?{query}&limit=50\n")
    me = folder / "me.tsv"
    me.write_text("".join(f"{token}\t/api/v1/me\n" for token in by_party.values()))
    return files, me


def serve_and_measure(
    url: str,
    source: Path,
    folder: Path,
    files: dict[str, Path],
    me: Path,
    engine: Engine,
    args: argparse.Namespace,
) -> dict[tuple[str, int], Run]:
    """One `gobetween serve` of `source`'s code: warm-up, GET /me, then every scenario."""
    port = free_port()
    takes_source = "source" in inspect.signature(start_server).parameters
    extra: dict[str, Any] = {"source": source} if takes_source else {}
    server = start_server(url, port, folder, 1, **extra)
    database = DatabaseCpu(engine)
    base = f"http://127.0.0.1:{port}"
    runs: dict[tuple[str, int], Run] = {}
    try:
        drive(base, me, 2, 2, server.pid, database)  # every token verified once
        if args.warm_up:
            # A server that has run for a while: its caches (the database's buffers, compiled
            # statements, prepared statements, the heap grown to its working size) are warm.
            for scenario in files.values():
                drive(base, scenario, args.warm_up, 2, server.pid, database)
        print(f"  {source}: load average {os.getloadavg()[0]:.1f}")
        runs["GET /me", 2] = drive(base, me, args.seconds, 2, server.pid, database)
        report_run("baseline GET /me, 2 conn.", runs["GET /me", 2], None)
        for name, data in files.items():
            for connections in args.connections:
                run = drive(base, data, args.seconds, connections, server.pid, database)
                runs[name, connections] = run
                report_run(f"{name}, {connections}c", run, runs["GET /me", 2])
    finally:
        server.terminate()
        server.wait(30)
    return runs


def measure_http(
    kind: str, url: str, engine: Engine, fixture: Fixture, args: argparse.Namespace
) -> None:
    """Every scenario over HTTP; with --baseline, that checkout's server and this one's in turn."""
    by_party = tokens(engine)
    folder = Path(tempfile.mkdtemp(prefix="gobetween-inbox-bench-"))
    chosen = [s for s in SCENARIOS if not args.scenarios or s.name in args.scenarios]
    files, me = request_files(folder, fixture, by_party, chosen)
    # By default the server runs the code this process imports (bench/api_load.py's start_server,
    # given no checkout, would put its own ahead of PYTHONPATH).
    source = args.source or Path(gobetween.__file__).resolve().parents[2]
    sides = {"now": source} | ({"baseline": args.baseline} if args.baseline else {})
    results: dict[str, list[dict[tuple[str, int], Run]]] = {side: [] for side in sides}
    print(f"  load average before the HTTP runs: {os.getloadavg()[0]:.1f}")
    try:
        for number in range(args.rounds):
            # Which side goes first alternates, so that neither always meets the same moment.
            order = list(sides) if number % 2 == 0 else list(reversed(sides))
            for side in order:
                print(f"  round {number + 1}, {side}:")
                results[side].append(
                    serve_and_measure(url, sides[side], folder, files, me, engine, args)
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"  load average after: {os.getloadavg()[0]:.1f}")
    if args.baseline or args.rounds > 1:
        summarize(results)


def summarize(results: dict[str, list[dict[tuple[str, int], Run]]]) -> None:
    """Medians over the rounds per scenario and side; ratios now / baseline."""
    print("  medians over rounds: p50 / p90 / p99 ms, server + database CPU ms per request")
    keys = list(results["now"][0])

    def median(side: str, key: tuple[str, int], field: str) -> float:
        return float(statistics.median(getattr(run[key], field) for run in results[side]))

    for key in keys:
        line = f"  {key[0]:<38} {key[1]}c"
        for side in results:
            p50, p90, p99 = (median(side, key, f"p{n}_ms") for n in (50, 90, 99))
            server, database = (median(side, key, f"{n}_cpu_ms") for n in ("server", "database"))
            line += f"  {side} {p50:5.1f} / {p90:5.1f} / {p99:6.1f}"
            line += f"  CPU {server:.2f} + {database:.2f}"
        if "baseline" in results:
            p99 = median("now", key, "p99_ms") / median("baseline", key, "p99_ms")
            cpu = median("now", key, "server_cpu_ms") / median("baseline", key, "server_cpu_ms")
            line += f"  now/baseline: p99 x{p99:.2f}, server CPU x{cpu:.2f}"
        print(line)


def run(kind: str, args: argparse.Namespace) -> None:
    if args.rebuild and fixture_exists(kind, args.pg_url):
        drop_fixture(kind, args.pg_url)
    if not fixture_exists(kind, args.pg_url):
        build_fixture(kind, args.pg_url, args.stored)
    url = database_url(kind, args.pg_url)
    engine = build_engine(url)
    try:
        if args.migrate_to:
            current = migrate.current_revision(engine)
            if current is not None and current > args.migrate_to:
                migrate.downgrade(engine, args.migrate_to)
            else:
                migrate.upgrade(engine, args.migrate_to)
            vacuum(engine)
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM messages")).scalar_one()
        print(
            f"\n{kind} {server_version(engine)}: {stored:,} messages; schema at"
            f" {migrate.current_revision(engine)}; code from {Path(gobetween.__file__).parent}"
        )
        fixture = load_fixture(engine)
        if args.explain:
            explain(engine, fixture)
        if args.reads:
            measure_in_process(engine, fixture, args.reads)
        if not args.no_http:
            measure_http(kind, url, engine, fixture, args)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--stored", type=int, default=1_000_000, help="when building the fixture")
    parser.add_argument("--rebuild", action="store_true", help="build the fixture anew")
    parser.add_argument("--drop", action="store_true", help="remove the fixtures and stop")
    parser.add_argument("--migrate-to", help="move the fixture's schema to this revision first")
    parser.add_argument("--seconds", type=int, default=5, help="wrk's run per scenario")
    parser.add_argument("--connections", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--reads", type=int, default=200, help="in-process calls per filter")
    parser.add_argument("--no-http", action="store_true", help="in-process figures only")
    parser.add_argument("--explain", action="store_true", help="print every filter's plan")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument(
        "--baseline", type=Path, help="another checkout whose server runs in turn with this one"
    )
    parser.add_argument("--source", type=Path, help="the checkout to serve (default: this one)")
    parser.add_argument("--rounds", type=int, default=1, help="servers of each side, alternating")
    parser.add_argument(
        "--warm-up", type=int, default=1, help="seconds of each scenario before measuring (0: cold)"
    )
    parser.add_argument("--scenarios", nargs="+", help="scenarios to run, by name (default: all)")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    if args.drop:
        for kind in kinds:
            drop_fixture(kind, args.pg_url)
        return
    if not args.no_http and shutil.which("wrk") is None:
        raise SystemExit("bench/inbox_1m.py drives the server with wrk: apt-get install wrk")
    print(f"machine: {machine()}")
    for kind in kinds:
        run(kind, args)


if __name__ == "__main__":
    main()
