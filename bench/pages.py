"""Benchmark: every page of the message center, rendered server-side, as a browser would ask.

    python bench/pages.py                         # demo data and 1M messages, on SQLite
    python bench/pages.py --db postgresql         # the same on PostgreSQL
    python bench/pages.py --stored 100000         # a smaller pre-fill

For each data set it starts `gobetween serve` as its own process on a loopback port, signs in
once per role, then requests each page `--rounds` times in turn (one connection, keep-alive) and
prints p50 and p95 of the full request (routing, session lookup, service calls, SQL, Jinja2
rendering, HTTP on loopback), next to GET /health in the same run as the baseline (ratio).

Data sets:
- demo: `gobetween demo` (7 sellers, 330 orders, about 370 messages, real policy verdicts);
- stored: `--stored` messages pre-filled with valid hash chains (bench/message_core_fixture.py),
  100 sellers, one running 24-hour clock per thread, so the seller's inbox has real work to sort.
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))

from api_load import free_port, start_clocks
from gobetween.adapters.db.web_accounts import SqlWebAccountStore
from gobetween.services.web_accounts import DEMO_PASSWORD, create_account
from message_core_fixture import DEFAULT_PG_URL, fresh_database, machine, prefill

GOBETWEEN = Path(sys.executable).with_name("gobetween")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TARGET_P95_MS = 100.0


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


def measure(client: httpx.Client, path: str, rounds: int) -> list[float]:
    client.get(path)  # warm: templates compiled, connections pooled
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        took.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return took


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
    process = serve(environment(url, port, folder), folder)
    base = f"http://127.0.0.1:{port}"
    within = True
    try:
        with httpx.Client(base_url=base, timeout=30) as anonymous:
            health = measure(anonymous, "/health", rounds)
        baseline = statistics.median(health)
        print(f"\n{label}: {rounds} requests per page, one connection")
        print(f"{'page':<58} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9}")
        print(f"{'GET /health (baseline)':<58} {baseline:8.1f} {p95(health):8.1f} {1.0:9.1f}")
        for key, paths in pages.items():
            client = signed_in(base, emails[key])
            with client:
                for path in paths:
                    took = measure(client, path, rounds)
                    median, high = statistics.median(took), p95(took)
                    within &= high < TARGET_P95_MS
                    name = f"{key.split(':')[0]} {path}"
                    print(f"{name[:58]:<58} {median:8.1f} {high:8.1f} {median / baseline:9.1f}")
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


def stored(kind: str, pg_url: str, count: int, rounds: int) -> bool:
    with fresh_database(kind, pg_url) as (engine, url), tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        prefill(engine, count, now=datetime.now(UTC))
        clocks = start_clocks(engine)
        if kind == "sqlite":
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
        messages = one(engine, "SELECT count(*) FROM messages")
        print(
            f"\npre-filled {messages} messages, {clocks} running clocks on {kind}"
            f" in {time.perf_counter() - started:.0f} s"
        )
        return run(f"{int(messages):,} messages on {kind}", engine, url, rounds, Path(scratch))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--skip-demo", action="store_true")
    arguments = parser.parse_args()
    print(f"machine: {machine()}")
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
