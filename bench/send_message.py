"""Benchmark: send_seller_message end to end (real policy check, one durable transaction each).

    python bench/send_message.py                      # quick: SQLite and PostgreSQL, 10k stored
    python bench/send_message.py --stored 10000 100000 1000000 --sends 5000

For each database and each pre-filled size it prints messages/s from one process and the p50/p99
latency of a send, next to two baselines measured in the same run: the policy check alone, and the
cheapest durable transaction (one small INSERT and its commit) on the same database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import Engine, event

from gobetween import policy
from gobetween.adapters.db.dialect import DriverStatement
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.messaging import (
    MessagingLimits,
    SendSellerMessage,
    send_seller_message,
)
from gobetween.services.ports import Event
from message_core_fixture import (
    DEFAULT_PG_URL,
    SELLERS,
    backend_cpu,
    fresh_database,
    machine,
    prefill,
    server_version,
)

TEXTS = (
    ("customization", "Could you confirm the engraving text? We want to get the spelling right."),
    ("delivery_scheduling", "The carrier needs a delivery window for your sofa. Which day suits?"),
    ("address_issue", "Your shipping address is missing the apartment number. Could you add it?"),
    ("customization", "Which colour would you like for the monogram: gold or silver?"),
)
# The benchmark measures throughput, not the daily limit: no seller should reach it.
LIMITS = MessagingLimits(daily_limit_base=10**9)


def utc_now() -> datetime:
    return datetime.now(UTC)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure_policy(rounds: int) -> list[float]:
    context = policy.MessageContext(
        direction="seller_to_buyer", initiation="proactive", contact_reason="customization"
    )
    latencies = []
    for number in range(rounds):
        started = time.perf_counter()
        policy.check(TEXTS[number % len(TEXTS)][1], context)
        latencies.append(time.perf_counter() - started)
    return latencies


def measure_minimal_transaction(unit_of_work: SqlUnitOfWork, rounds: int) -> list[float]:
    latencies = []
    for number in range(rounds):
        started = time.perf_counter()
        with unit_of_work as uow:
            uow.events.append(Event("bench", "bench", str(number), "bench"), now=utc_now())
            uow.commit()
        latencies.append(time.perf_counter() - started)
    return latencies


# auto_explain in the send's own session: every statement, nested ones (triggers, functions)
# too, with its actual rows, timing and buffers; reported to this client as notices.
AUTO_EXPLAIN = (
    "LOAD 'auto_explain'",
    "SET auto_explain.log_min_duration = 0",
    "SET auto_explain.log_analyze = on",
    "SET auto_explain.log_buffers = on",
    "SET auto_explain.log_wal = on",
    "SET auto_explain.log_triggers = on",
    "SET auto_explain.log_nested_statements = on",
    "SET auto_explain.log_level = notice",
)


WARM_SENDS = 20


def explain_send_path(engine: Engine, send: Callable[[], object]) -> None:
    """Print the database's plan for every statement one send runs (are they index lookups?).

    PostgreSQL: the plans as the send ran them (auto_explain, EXPLAIN ANALYZE with BUFFERS of
    each statement, triggers included). SQLite: EXPLAIN QUERY PLAN of each statement after.
    """
    if engine.dialect.name == "postgresql":
        explain_send_path_as_run(engine, send)
        return
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().split()[0].upper() in ("SELECT", "UPDATE", "WITH"):
            seen.append((statement, parameters))

    # The send path's own statements go to the driver's cursor (adapters/db/dialect.py), past
    # SQLAlchemy's events: record them where they are bound.
    run_on_driver = DriverStatement._run

    def run_and_record(connection: Any, compiled: Any, params: Any, **options: Any) -> Any:
        record(connection, None, compiled.sql, compiled.bind(params))
        return run_on_driver(connection, compiled, params, **options)

    event.listen(engine, "before_cursor_execute", record)
    DriverStatement._run = staticmethod(run_and_record)  # type: ignore[method-assign,assignment]
    try:
        send()
    finally:
        DriverStatement._run = staticmethod(run_on_driver)  # type: ignore[method-assign,assignment]
        event.remove(engine, "before_cursor_execute", record)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        for statement, parameters in seen:
            print(f"  plan of: {' '.join(statement.split())[:100]}...")
            for row in connection.exec_driver_sql(prefix + statement, parameters):
                print(f"    {row[-1]}")
        connection.rollback()


def explain_send_path_as_run(engine: Engine, send: Callable[[], object]) -> None:
    plans: list[str] = []

    def explain_everything(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("explaining"):
            return
        record.info["explaining"] = True
        with dbapi_connection.cursor() as cursor:
            for statement in AUTO_EXPLAIN:
                cursor.execute(statement)
        dbapi_connection.add_notice_handler(lambda notice: plans.append(notice.message_primary))

    event.listen(engine, "checkout", explain_everything)
    try:
        # The plans of a send on a warm session (caches filled, PL/pgSQL compiled, statements
        # prepared after psycopg's 5 executions): one connection, as the sends are sequential.
        for _ in range(WARM_SENDS):
            send()
            plans.clear()
        send()
    finally:
        event.remove(engine, "checkout", explain_everything)
        engine.dispose()  # the explaining session is not used again
    for plan in plans:
        print("  " + plan.replace("\n", "\n    "))


def trace_send_path(engine: Engine, send: Callable[[], object]) -> None:
    """Count what one warm send says to PostgreSQL: statements, round trips, protocol messages.

    libpq's own trace of the connection (every message both ways) during one send, after
    WARM_SENDS sends on the same connection (statements prepared, caches filled). A round trip
    is a point where the client waits for the server: a Sync (extended protocol) or a simple
    Query, each answered by ReadyForQuery.
    """
    import tempfile

    from psycopg import pq

    traced: list[Any] = []

    def trace_this(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        traced.append(dbapi_connection)

    event.listen(engine, "checkout", trace_this)
    try:
        for _ in range(WARM_SENDS):
            send()
        traced.clear()
        with tempfile.TemporaryFile("w+") as log:
            hooked: list[Any] = []

            def start(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
                if not hooked:
                    hooked.append(dbapi_connection)
                    dbapi_connection.pgconn.trace(log.fileno())
                    dbapi_connection.pgconn.set_trace_flags(
                        pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
                    )

            event.listen(engine, "checkout", start)
            try:
                send()
            finally:
                event.remove(engine, "checkout", start)
                for connection in hooked:
                    connection.pgconn.untrace()
            log.seek(0)
            lines = log.read().splitlines()
    finally:
        event.remove(engine, "checkout", trace_this)
    sent = [line.split("\t") for line in lines if line.startswith("F")]
    kinds: dict[str, int] = {}
    for fields in sent:
        kinds[fields[2]] = kinds.get(fields[2], 0) + 1
    print(f"  one warm send, frontend messages: {kinds}")
    statements = kinds.get("Execute", 0) + kinds.get("Query", 0)
    round_trips = kinds.get("Sync", 0) + kinds.get("Query", 0)
    print(f"  statements (Execute + Query): {statements}; round trips (Sync, Query): {round_trips}")
    for fields in sent:
        if fields[2] in ("Query", "Parse"):
            print(f"    {fields[2]}: {' '.join(fields[3:])[:150]}")
        elif fields[2] == "Bind":
            print(f"    Bind: {' '.join(fields[3:])[:60]}")


def run(
    kind: str,
    stored: int,
    sends: int,
    pg_url: str,
    thread_counts: list[int],
    group_commit: str,
    explain: bool = False,
    vacuum: bool = True,
    kept_schema: str | None = None,
    trace: bool = False,
) -> None:
    with fresh_database(
        kind,
        pg_url,
        pool_size=max(thread_counts),
        name_sessions=True,
        kept_schema=kept_schema if kind == "postgresql" else None,
    ) as (engine, _url):
        started = time.perf_counter()
        orders = prefill(engine, stored, now=utc_now(), vacuum=vacuum)
        filled = time.perf_counter() - started
        print(
            f"\n{kind} {server_version(engine)}: {stored:,} messages stored "
            f"(pre-fill {filled:.1f} s, {stored / filled:,.0f} msg/s)"
        )
        for threads in thread_counts:
            measure(engine, kind, stored, orders, sends, threads, group_commit, explain, trace)
            explain = trace = False


def measure(
    engine: Engine,
    kind: str,
    stored: int,
    orders: list[str],
    sends: int,
    threads: int,
    group_commit: str,
    explain: bool,
    trace: bool = False,
) -> None:
    """One measured run of `sends` sends from `threads` threads, with its baselines."""
    rng = random.Random(42)
    # Group commit: concurrent sends share one durable COMMIT (SQLite's one writer).
    grouped = group_commit == "on" or (group_commit == "auto" and kind == "sqlite" and threads > 1)
    committer = GroupCommitter(engine) if grouped else None
    mode = "group commit" if grouped else "one COMMIT per send"
    print(f"  {threads} sending thread(s) in this one process, {mode}")
    baseline_rounds = min(sends, 1000)
    policy_latency = measure_policy(baseline_rounds)
    tx_latency = measure_minimal_transaction(SqlUnitOfWork(engine), baseline_rounds)

    def send_one(rng: random.Random) -> float:
        number = rng.randrange(len(orders))
        reason, body = TEXTS[number % len(TEXTS)]
        command = SendSellerMessage(
            orders[number], f"s{number % SELLERS}", "About your order", body, reason, "web"
        )
        began = time.perf_counter()
        if committer is None:
            result = send_seller_message(
                command, uow=SqlUnitOfWork(engine), clock=utc_now, limits=LIMITS
            )
        else:
            result = committer.run(
                lambda shared: send_seller_message(
                    command, uow=SqlUnitOfWork(shared), clock=utc_now, limits=LIMITS
                )
            )
        elapsed = time.perf_counter() - began
        assert result.disposition == "delivered", result
        return elapsed

    if explain:
        explain_send_path(engine, lambda: send_one(rng))
    if trace and kind == "postgresql":
        trace_send_path(engine, lambda: send_one(rng))
    latencies: list[float] = []

    def work(seed: int, count: int, keep: bool) -> None:
        own = random.Random(seed)
        mine = [send_one(own) for _ in range(count)]
        if keep:
            with lock:
                latencies.extend(mine)

    def in_threads(count: int, keep: bool, first_seed: int) -> None:
        workers = [
            threading.Thread(target=work, args=(first_seed + seed, count, keep))
            for seed in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    lock = threading.Lock()
    # Warm-up on every sender, so each pooled connection (and its PostgreSQL backend, with its
    # caches) exists before the measurement: a backend's start-up is not a send's cost.
    in_threads(max(5, 100 // threads), False, 1000)
    backends_before = backend_cpu(engine)
    began, cpu = time.perf_counter(), time.process_time()
    in_threads(sends // threads, True, 0)
    total = time.perf_counter() - began
    cpu_used = time.process_time() - cpu
    backends_after = backend_cpu(engine)
    # A backend that appeared during the run counts from its start (none should: see warm-up).
    server_user = sum(
        used[0] - backends_before.get(pid, (0.0, 0.0))[0] for pid, used in backends_after.items()
    )
    server_system = sum(
        used[1] - backends_before.get(pid, (0.0, 0.0))[1] for pid, used in backends_after.items()
    )
    server_cpu = server_user + server_system
    new_backends = len(set(backends_after) - set(backends_before))
    if committer is not None:
        committer.close()
    done = len(latencies)
    # This process's CPU per send: the code's own cost, apart from waiting on the database
    # (fsync, the server) and on other processes sharing the machine.
    cpu_per_send = cpu_used / done
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    policy_p50 = statistics.median(policy_latency)
    tx_p50 = statistics.median(tx_latency)
    print(
        f"  send_seller_message: {done / total:,.0f} msg/s, "
        f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms ({done} sends)"
    )
    print(f"  client CPU per send: {cpu_per_send * 1000:.2f} ms")
    server_per_send = server_cpu / done
    if kind == "postgresql":
        print(
            f"  PostgreSQL backends' CPU per send: {server_per_send * 1000:.2f} ms "
            f"(user {server_user / done * 1000:.2f}, system {server_system / done * 1000:.2f}; "
            f"{len(backends_after)} backends, {new_backends} started during the run)"
        )
    print(
        f"  baselines (median): policy.check {policy_p50 * 1000:.3f} ms, "
        f"minimal durable transaction {tx_p50 * 1000:.2f} ms"
    )
    print(
        f"  ratios: send p50 / policy.check = {p50 / policy_p50:.1f}x, "
        f"send p50 / minimal transaction = {p50 / tx_p50:.1f}x"
    )
    print(f"  machine now: {machine()}")
    print(
        f"  | {kind} | {stored:,} | {threads} | {done / total:,.0f} | {p50 * 1000:.2f} | "
        f"{p99 * 1000:.2f} | {cpu_per_send * 1000:.2f} | {policy_p50 * 1000:.3f} | "
        f"{tx_p50 * 1000:.2f} | {server_per_send * 1000:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--stored", nargs="+", type=int, default=[10_000])
    parser.add_argument("--sends", type=int, default=2_000)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1],
        help="concurrent senders in this process (default 1); several: one run each, same data",
    )
    parser.add_argument(
        "--group-commit",
        choices=("auto", "on", "off"),
        default="auto",
        help="share one COMMIT among concurrent sends (auto: on SQLite, with several senders)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each statement of one send"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="PostgreSQL: count the statements and round trips of one warm send (libpq trace)",
    )
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="PostgreSQL: ANALYZE only after the pre-fill (no visibility map yet)",
    )
    parser.add_argument(
        "--kept-schema",
        metavar="NAME",
        help="PostgreSQL: pre-fill the schema NAME once and keep it for later runs (drop it "
        "yourself when done); the sends of each run stay in it",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for kind in args.db:
        for stored in args.stored:
            run(
                kind,
                stored,
                args.sends,
                args.pg_url,
                args.threads,
                args.group_commit,
                args.explain,
                vacuum=not args.no_vacuum,
                kept_schema=args.kept_schema,
                trace=args.trace,
            )


if __name__ == "__main__":
    main()
