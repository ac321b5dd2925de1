"""Benchmark: every page of the message center, rendered server-side, as a browser would ask.

    python bench/pages.py                         # demo data and 1M messages, on SQLite
    python bench/pages.py --db postgresql         # the same on PostgreSQL
    python bench/pages.py --stored 100000         # a smaller pre-fill
    python bench/pages.py --url sqlite:////tmp/copy.db   # an existing (migrated) database as is

For each data set it starts `gobetween serve` as its own process on a loopback port, signs in
once per role, then requests each page `--rounds` times in turn (one connection, keep-alive) and
prints p50 and p95 of the full request (routing, session lookup, service calls, SQL, Jinja2
rendering, HTTP on loopback), next to GET /health in the same run as the baseline (ratio).

On a shared machine the wall-clock tails are the machine's as much as the page's, so it also
prints the CPU time each request cost the server: the web process's user and system time and, on
PostgreSQL, that of its database backends (found by the application_name the benchmark gives
the web process's connections), read from /proc before and after each page's rounds.

Data sets:
- demo: `gobetween demo` (7 sellers, 330 orders, about 370 messages, real policy verdicts);
- stored: `--stored` messages pre-filled with valid hash chains (bench/message_core_fixture.py),
  100 sellers, one running 24-hour clock per thread, so the seller's inbox has real work to sort;
  the clocks' starts are spread over the last 120 days, so that three in four fall in the 90-day
  window and the health and sellers pages count them (the pre-fill's own dates are in January).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))

from api_load import free_port, start_clocks
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.web_accounts import SqlWebAccountStore
from gobetween.services.web_accounts import DEMO_PASSWORD, create_account
from message_core_fixture import DEFAULT_PG_URL, fresh_database, machine, prefill

GOBETWEEN = Path(sys.executable).with_name("gobetween")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TARGET_P95_MS = 100.0
CLOCK_SPREAD_DAYS = 120


def environment(url: str, port: int, folder: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOBETWEEN_")}
    return environ | {
        "GOBETWEEN_DATABASE_URL": url,
        "GOBETWEEN_HTTP_HOST": "127.0.0.1",
        "GOBETWEEN_HTTP_PORT": str(port),
        "GOBETWEEN_SMTP_PORT": str(free_port()),
        "GOBETWEEN_LOG_LEVEL": "WARNING",
        "GOBETWEEN_DELIVERY_FOLDER": str(folder / "delivered"),
        "GOBETWEEN_ATTACHMENT_FOLDER": str(folder / "attachments"),
    }


def serve(environ: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(GOBETWEEN), "serve", "--no-worker"],
        env=environ,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{environ['GOBETWEEN_HTTP_PORT']}"
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=base, timeout=10) as probe:
        while time.monotonic() < deadline:
            try:
                if probe.get("/health").status_code == 200:
                    return process
            except httpx.TransportError:
                time.sleep(0.2)
    process.kill()
    raise RuntimeError("gobetween serve did not start")


def signed_in(base: str, email: str) -> httpx.Client:
    with httpx.Client(base_url=base, timeout=30) as login:
        form = login.get("/login")
        login.cookies.set("gb_login_csrf", form.cookies["gb_login_csrf"])
        token = CSRF.search(form.text)
        assert token is not None
        response = login.post(
            "/login",
            data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
        )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in of {email} failed: {response.status_code}")
    client = httpx.Client(base_url=base, timeout=30)
    client.cookies.set("gb_session", response.cookies["gb_session"])
    return client


class ServerCpu:
    """CPU seconds used so far by the web process and, on PostgreSQL, its database backends."""

    def __init__(self, pid: int, engine: Engine, application_name: str | None) -> None:
        self._pid = pid
        self._engine = engine
        self._application_name = application_name

    def _backends(self) -> list[int]:
        if self._application_name is None:
            return []
        with self._engine.connect() as connection:
            rows = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": self._application_name},
            )
            return [int(pid) for (pid,) in rows]

    def seconds(self) -> dict[int, float]:
        """CPU seconds per process (the web process and each of its backends)."""
        used = {}
        for pid in [self._pid, *self._backends()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a backend that ended between the query and the read
            # utime and stime: fields 14 and 15 of proc(5), counted after the ")".
            used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return used


def measure(
    client: httpx.Client, path: str, rounds: int, cpu: ServerCpu
) -> tuple[list[float], float]:
    """Wall milliseconds of each request, and the server's CPU milliseconds per request."""
    client.get(path)  # warm: templates compiled, connections pooled
    before = cpu.seconds()
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        took.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    after = cpu.seconds()
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return took, spent * 1000 / rounds


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def one(engine: Engine, sql: str) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text(sql)).scalar_one())


def pages_for(engine: Engine) -> dict[str, list[str]]:
    """The pages of each role, on the busiest seller's data."""
    seller = one(
        engine,
        "SELECT seller_id FROM response_clocks WHERE stopped_at IS NULL GROUP BY seller_id"
        " ORDER BY count(*) DESC, seller_id LIMIT 1",
    )
    thread, order = (
        one(engine, f"SELECT max(id) FROM threads WHERE seller_id = '{seller}'"),
        one(
            engine,
            "SELECT order_id FROM threads WHERE id = (SELECT max(id) FROM threads"
            f" WHERE seller_id = '{seller}')",
        ),
    )
    buyer = one(engine, f"SELECT buyer_id FROM threads WHERE id = {thread}")
    return {
        f"seller:{seller}": [
            "/seller/inbox",
            "/seller/inbox?view=sent",
            "/seller/inbox?view=blocked",
            "/seller/inbox?view=all",
            f"/seller/threads/{thread}",
            f"/seller/orders/{order}/contact",
            "/seller/health",
            "/seller/settings",
        ],
        f"buyer:{buyer}": ["/buyer/orders", f"/buyer/orders/{order}", "/buyer/settings"],
        "operator:": ["/operator/reports", "/operator/sellers", "/operator/policy"],
        "auditor:": [
            "/auditor/threads",
            f"/auditor/threads/{thread}",
            f"/auditor/threads/{thread}?verify=1",
            f"/auditor/threads/{thread}/evidence.json",
        ],
    }


def ensure_accounts(engine: Engine, roles: list[str]) -> dict[str, str]:
    """A sign-in per role key (role:party); returns role key -> e-mail."""
    store = SqlWebAccountStore(engine)
    emails = {}
    for key in roles:
        role, party = key.split(":")
        email = f"bench-{role}-{party or 'all'}@bench.example".lower()
        if store.find_by_email(email) is None:
            create_account(
                email=email,
                password=DEMO_PASSWORD,
                role=role,
                seller_id=party if role == "seller" else None,
                buyer_id=party if role == "buyer" else None,
                store=store,
                clock=lambda: datetime.now(UTC),
            )
        emails[key] = email
    return emails


def run(label: str, engine: Engine, url: str, rounds: int, folder: Path) -> bool:
    pages = pages_for(engine)
    emails = ensure_accounts(engine, list(pages))
    port = free_port()
    application_name = None
    if engine.dialect.name == "postgresql":
        # Names the web process's connections, so that their backends' CPU can be found.
        application_name = f"gobetween-bench-pages-{uuid.uuid4().hex[:8]}"
        url += ("&" if "?" in url else "?") + f"application_name={application_name}"
    process = serve(environment(url, port, folder), folder)
    cpu = ServerCpu(process.pid, engine, application_name)
    base = f"http://127.0.0.1:{port}"
    within = True
    try:
        with httpx.Client(base_url=base, timeout=30) as anonymous:
            health, health_cpu = measure(anonymous, "/health", rounds, cpu)
        baseline = statistics.median(health)
        print(f"\n{label}: {rounds} requests per page, one connection; {machine()}")
        print(
            f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9} {'cpu ms':>7}"
            f" {'cpu/base':>9}"
        )
        print(
            f"{'GET /health (baseline)':<52} {baseline:8.1f} {p95(health):8.1f} {1.0:9.1f}"
            f" {health_cpu:7.1f} {1.0:9.1f}"
        )
        for key, paths in pages.items():
            client = signed_in(base, emails[key])
            with client:
                for path in paths:
                    took, page_cpu = measure(client, path, rounds, cpu)
                    median, high = statistics.median(took), p95(took)
                    within &= high < TARGET_P95_MS
                    name = f"{key.split(':')[0]} {path}"
                    print(
                        f"{name[:52]:<52} {median:8.1f} {high:8.1f} {median / baseline:9.1f}"
                        f" {page_cpu:7.1f} {page_cpu / max(health_cpu, 0.1):9.1f}"
                    )
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"{label}: every page p95 < {TARGET_P95_MS:.0f} ms: {'yes' if within else 'NO'}")
    return within


def demo(kind: str, pg_url: str, rounds: int) -> bool:
    with fresh_database(kind, pg_url) as (engine, url), tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        environ = environment(url, free_port(), folder)
        subprocess.run(
            [str(GOBETWEEN), "demo"], env=environ, cwd=folder, check=True, capture_output=True
        )
        return run(f"demo data on {kind}", engine, url, rounds, folder)


def spread_clocks(engine: Engine, now: datetime, *, days: int = CLOCK_SPREAD_DAYS) -> None:
    """Restart the running clocks at times spread evenly (by message id) over the last `days`."""
    span = days * 86_400
    with engine.begin() as connection:
        ids = connection.scalars(text("SELECT message_id FROM response_clocks")).all()
        connection.execute(
            text("UPDATE response_clocks SET started_at = :started WHERE message_id = :id"),
            [{"id": i, "started": now - timedelta(seconds=(i * 7919) % span)} for i in ids],
        )
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


def stored(kind: str, pg_url: str, count: int, rounds: int) -> bool:
    with fresh_database(kind, pg_url) as (engine, url), tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        now = datetime.now(UTC)
        prefill(engine, count, now=now)
        clocks = start_clocks(engine)
        spread_clocks(engine, now)
        messages = one(engine, "SELECT count(*) FROM messages")
        print(
            f"\npre-filled {messages} messages, {clocks} running clocks on {kind}"
            f" in {time.perf_counter() - started:.0f} s"
        )
        return run(f"{int(messages):,} messages on {kind}", engine, url, rounds, Path(scratch))


def existing(url: str, rounds: int) -> bool:
    """Measure a database that is already migrated and filled (a copy: sign-ins are added)."""
    engine = build_engine(url)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            messages = one(engine, "SELECT count(*) FROM messages")
            label = f"{int(messages):,} messages on {engine.dialect.name} ({engine.url.database})"
            return run(label, engine, url, rounds, Path(scratch))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure this existing database instead of filling one")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--skip-demo", action="store_true")
    arguments = parser.parse_args()
    print(f"machine: {machine()}")
    if arguments.url:
        sys.exit(0 if existing(arguments.url, arguments.rounds) else 1)
    results: list[Callable[[], bool]] = []
    if not arguments.skip_demo:
        results.append(lambda: demo(arguments.db, arguments.pg_url, arguments.rounds))
    if arguments.stored:
        results.append(
            lambda: stored(arguments.db, arguments.pg_url, arguments.stored, arguments.rounds)
        )
    outcomes = [result() for result in results]
    sys.exit(0 if all(outcomes) else 1)


if __name__ == "__main__":
    main()
