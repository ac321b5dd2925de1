"""Benchmark: the SP-API surface next to the native API it is built on, on a live server.

    python bench/spapi.py [--requests 200]

Starts `gobetween serve` (SQLite, the demo loaded, usage plans off) as its own process and, from
this process over one HTTP/1.1 connection, times pairs of calls that do the same work:

- actions: GET /messaging/v1/orders/{id} (SP-API, HAL with schemas) against
  GET /api/v1/orders/{id}/contact-reasons (native, the baseline);
- send: POST /messaging/v1/orders/{id}/messages/confirmCustomizationDetails against
  POST /api/v1/orders/{id}/messages with the same text and reason (native, the baseline).

Calls alternate between the two sides so both see the same machine load. Prints the median and
p90 latency of each, the SP-API/native ratio of the medians, and the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "e2e" / "spapi"))

from spapi_live import CUSTOM, DE, live_server

from message_core_fixture import machine

TEXT = "Bitte bestätigen Sie die Gravur „Ana“ auf dem Ring."


def timed(call: Callable[[], httpx.Response], expected: int) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    if response.status_code != expected:
        raise SystemExit(f"unexpected {response.status_code}: {response.text[:300]}")
    return elapsed * 1000


def compare(
    name: str,
    spapi: Callable[[], httpx.Response],
    native: Callable[[], httpx.Response],
    expected: int,
    requests: int,
) -> None:
    for _ in range(5):  # warm-up: caches, connection, first-use wiring
        timed(spapi, expected)
        timed(native, expected)
    sp: list[float] = []
    nat: list[float] = []
    for _ in range(requests):
        sp.append(timed(spapi, expected))
        nat.append(timed(native, expected))
    sp_median, nat_median = statistics.median(sp), statistics.median(nat)
    print(
        f"{name:8} SP-API median {sp_median:6.2f} ms  p90 {_p90(sp):6.2f} ms | "
        f"native median {nat_median:6.2f} ms  p90 {_p90(nat):6.2f} ms | "
        f"ratio {sp_median / nat_median:4.2f}"
    )


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed calls per side")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with (
        tempfile.TemporaryDirectory() as folder,
        live_server(Path(folder), rate_limit_scale=0) as live,
    ):
        spapi_headers = {"x-amz-access-token": live.seller_token}
        native_headers = {"Authorization": f"Bearer {live.seller_token}"}
        with httpx.Client(base_url=live.base, timeout=30) as client:
            compare(
                "actions",
                lambda: client.get(
                    f"/messaging/v1/orders/{CUSTOM}",
                    params={"marketplaceIds": DE},
                    headers=spapi_headers,
                ),
                lambda: client.get(
                    f"/api/v1/orders/{CUSTOM}/contact-reasons", headers=native_headers
                ),
                200,
                args.requests,
            )
            # Sends count against the seller's daily limit (600 + 5 x orders): stay under it.
            sends = min(args.requests, 250)
            compare(
                "send",
                lambda: client.post(
                    f"/messaging/v1/orders/{CUSTOM}/messages/confirmCustomizationDetails",
                    params={"marketplaceIds": DE},
                    json={"text": TEXT},
                    headers=spapi_headers,
                ),
                lambda: client.post(
                    f"/api/v1/orders/{CUSTOM}/messages",
                    json={"text": TEXT, "contact_reason": "customization"},
                    headers=native_headers,
                ),
                201,
                sends,
            )


if __name__ == "__main__":
    main()
