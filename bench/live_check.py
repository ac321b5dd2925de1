"""Benchmark: the seller's live check (POST /seller/orders/{id}/check), in process, on the demo.

    python bench/live_check.py                    # SQLite, 200 checks of each draft
    python bench/live_check.py --rounds 500

Builds the demo marketplace in a temporary SQLite database (`gobetween migrate`, `gobetween
demo`), signs in as a demo seller and posts the compose form of a quiet order (no messages yet)
to the check endpoint through the app in this process: a clean draft and one the policy blocks.
Prints the CPU time per check (this process's user + system time: the app, the policy, SQLite),
and the wall-time p50 and p95, next to GET /health in the same run. To compare two trees, run
the script under each with PYTHONPATH pointing at the tree's `src`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from gobetween.bootstrap import Platform, build_platform, load_settings
from gobetween.entrypoints.http.app import create_app
from gobetween.services.web_accounts import DEMO_PASSWORD

sys.path.insert(0, str(Path(__file__).parent))

from message_core_fixture import machine

GOBETWEEN = Path(sys.executable).with_name("gobetween")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DEMO_DOMAIN = "demo.gobetween.localhost"
DRAFTS = {
    "clean draft": "Your invoice for this order is ready in your account.",
    "blocked draft": "Please leave us a 5-star review and write to me at jo@example.com!",
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(call: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, CPU ms per call) over `rounds` calls after 10 to warm up."""
    for _ in range(10):
        call()
    walls = []
    started_cpu = cpu_seconds()
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        walls.append((time.perf_counter() - began) * 1000)
    cpu_ms = (cpu_seconds() - started_cpu) * 1000 / rounds
    walls.sort()
    return statistics.median(walls), walls[int(0.95 * (len(walls) - 1))], cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    arguments = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="gobetween-live-check-") as scratch:
        folder = Path(scratch)
        environ = {k: v for k, v in os.environ.items() if not k.startswith("GOBETWEEN_")}
        environ |= {
            "GOBETWEEN_DATABASE_URL": f"sqlite:///{folder / 'gobetween.db'}",
            "GOBETWEEN_DELIVERY_FOLDER": str(folder / "delivered"),
            "GOBETWEEN_ATTACHMENT_FOLDER": str(folder / "attachments"),
            "GOBETWEEN_LOG_LEVEL": "WARNING",
        }
        for command in ("migrate", "demo"):
            subprocess.run(
                [str(GOBETWEEN), command], env=environ, cwd=folder, check=True, capture_output=True
            )
        platform = build_platform(load_settings(environ=environ))
        try:
            run(platform, arguments.rounds)
        finally:
            platform.close()


def run(platform: Platform, rounds: int) -> None:
    with platform.engine.connect() as connection:
        order_id, seller_id = connection.execute(
            text(
                "SELECT o.id, o.seller_id FROM orders o"
                " WHERE o.fulfillment = 'seller' AND o.status IN ('unshipped', 'shipped')"
                " AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.order_id = o.id)"
                " AND EXISTS (SELECT 1 FROM web_accounts w WHERE w.seller_id = o.seller_id)"
                " ORDER BY o.seller_id, o.id LIMIT 1"
            )
        ).one()
    slug = re.sub(r"[^a-z0-9]+", "-", str(seller_id).lower()).strip("-")
    email = f"{slug if slug.startswith('seller-') else f'seller-{slug}'}@{DEMO_DOMAIN}"
    # The session cookie is Secure: the test client must speak https to keep it.
    with TestClient(create_app(platform), base_url="https://testserver") as client:
        login = client.get("/login")
        signed = client.post(
            "/login",
            data={
                "email": email,
                "password": DEMO_PASSWORD,
                "csrf_token": CSRF.findall(login.text)[0],
            },
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:300]
        contact = client.get(f"/seller/orders/{order_id}/contact")
        assert contact.status_code == 200, contact.text[:300]
        token = CSRF.findall(contact.text)[0]
        print(f"\ndemo on SQLite, {rounds} requests each, in process; order {order_id}")
        print(f"{'request':36} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'cpu/base':>9}")
        p50, p95, base_cpu = measure(lambda: client.get("/health"), rounds)
        print(f"{'GET /health (baseline)':36} {p50:8.2f} {p95:8.2f} {base_cpu:8.2f} {1.0:9.2f}")
        for name, draft in DRAFTS.items():

            def check(draft: str = draft) -> None:
                response = client.post(
                    f"/seller/orders/{order_id}/check",
                    data={
                        "csrf_token": token,
                        "mode": "contact",
                        "reason": "invoice",
                        "subject": "Your invoice",
                        "text": draft,
                    },
                )
                assert response.status_code == 200, response.text[:300]
                assert "data-verdict" in response.text

            p50, p95, cpu = measure(check, rounds)
            label = f"POST check, {name}"
            print(f"{label:36} {p50:8.2f} {p95:8.2f} {cpu:8.2f} {cpu / base_cpu:9.2f}")


if __name__ == "__main__":
    main()
