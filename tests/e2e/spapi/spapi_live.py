"""A real `gobetween serve` on a free loopback port, with the demo and a seller's SP-API orders.

Shared by the SP-API end-to-end tests: the server is a subprocess of the installed console
script on a temporary SQLite database; the tests reach it only over HTTP, like a seller's tool.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller

GOBETWEEN = Path(sys.executable).with_name("gobetween")
REPO = Path(__file__).resolve().parents[3]
# Amazon's own models (Apache-2.0), next to the repository, never copied into it.
MODELS = REPO.parent / "shared" / "spapi-models"
DE = "A1PA6795UKMFR9"
SELLER = "s-tools"
# Mira's engraved ring on amazon.de: seller-fulfilled, not shipped yet.
CUSTOM = "701-0000001-0000001"
# Delivered 10 days ago: one per client flow, since a review is requested once per order.
REVIEWS = ("701-0000002-0000001", "701-0000002-0000002", "701-0000002-0000003")
START_SECONDS = 60.0
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


def model(name: str) -> Path:
    """The path of one of Amazon's models; fails (never skips) when it is missing."""
    path = MODELS / name
    assert path.is_file(), f"Amazon's SP-API model {name} is missing at {path}"
    return path


@dataclass(frozen=True)
class Live:
    """A running server and what a seller's tool is configured with."""

    base: str
    port: int
    seller_token: str
    client_id: str
    client_secret: str
    refresh_token: str
    workdir: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(workdir: Path, rate_limit_scale: float) -> dict[str, str]:
    # Nothing of the caller's configuration leaks in: no GOBETWEEN_*, no SP-API client settings.
    skip = ("GOBETWEEN_", "SP_API_", "LWA_", "AWS_")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    environ |= {
        "GOBETWEEN_DATABASE_URL": f"sqlite:///{workdir / 'gobetween.db'}",
        "GOBETWEEN_DELIVERY_FOLDER": str(workdir / "delivered"),
        "GOBETWEEN_ATTACHMENT_FOLDER": str(workdir / "attachments"),
        "GOBETWEEN_SMTP_ENABLED": "false",
        "GOBETWEEN_SPAPI_RATE_LIMIT_SCALE": str(rate_limit_scale),
    }
    return environ


def _run(*args: str, environ: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(GOBETWEEN), *args],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, f"gobetween {' '.join(args)}: {done.stderr}"
    return done.stdout


def _seed(database_url: str) -> None:
    """The seller whose tools the tests run, next to the demo's data."""
    now = datetime.now(UTC)
    engine = build_engine(database_url)
    try:
        with SqlAccessUnitOfWork(engine) as uow:
            uow.buyers.upsert(Buyer("b-tools", "Mira Keller", "mira@tools.example", "de"), now=now)
            uow.sellers.upsert(
                Seller(
                    id=SELLER,
                    display_name="Goldschmiede Tool",
                    business_name="Goldschmiede Tool GmbH",
                    customer_service_address="service@tools.example",
                    registered_addresses=("owner@tools.example",),
                ),
                now=now,
            )
            orders = [_order(CUSTOM, status="unshipped", purchased_at=now - timedelta(days=1))] + [
                _order(
                    ident,
                    status="delivered",
                    purchased_at=now - timedelta(days=15),
                    delivered_at=now - timedelta(days=10),
                    latest_delivery_at=now - timedelta(days=9),
                )
                for ident in REVIEWS
            ]
            for order in orders:
                uow.orders.upsert(order, now=now)
            uow.commit()
    finally:
        engine.dispose()


def _order(ident: str, **changes: object) -> Order:
    values: dict[str, object] = {
        "id": ident,
        "marketplace": "DE",
        "seller_id": SELLER,
        "buyer_id": "b-tools",
        "fulfillment": "seller",
        "product_category": "jewelry",
        "items": (OrderItem("RING-1", "Silberring mit Gravur", 1, 5900, "EUR"),),
        "shipping_address": {"name": "M. Keller", "line1": "Hauptstr. 1", "country": "DE"},
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


@contextmanager
def live_server(workdir: Path, *, rate_limit_scale: float = 1.0) -> Iterator[Live]:
    """Migrate, load the demo and the seller's orders, make credentials, serve; stop after."""
    environ = _environment(workdir, rate_limit_scale)
    _run("migrate", environ=environ, cwd=workdir)
    _run("demo", environ=environ, cwd=workdir)
    _seed(environ["GOBETWEEN_DATABASE_URL"])
    made = json.loads(
        _run(
            "spapi",
            "credentials",
            "create",
            "--seller",
            SELLER,
            "--json",
            environ=environ,
            cwd=workdir,
        )
    )
    token = _run(
        "tokens", "create", "--role", "seller", "--seller", SELLER, environ=environ, cwd=workdir
    ).strip()
    port = free_port()
    log = (workdir / "serve.log").open("w+")
    process = subprocess.Popen(
        [str(GOBETWEEN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base, process, workdir)
        yield Live(
            base=base,
            port=port,
            seller_token=token,
            client_id=made["client_id"],
            client_secret=made["client_secret"],
            refresh_token=made["refresh_token"],
            workdir=workdir,
        )
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        log.close()


def _wait_for_health(base: str, process: subprocess.Popen[str], workdir: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                "gobetween serve exited early:\n" + (workdir / "serve.log").read_text()
            )
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"no healthy answer from {base}/health within {START_SECONDS} s")
