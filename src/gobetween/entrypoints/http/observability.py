"""Every request observed once: its request id, one log line, and its latency for /metrics.

`RequestObserver` is a plain ASGI middleware around the whole app (API, SP-API surface, pages).
It takes the caller's X-Request-ID when it is well-formed or makes one, puts it in the request's
state (the API's problem details quote it) and in the response headers, and when the response
has been sent logs one line on the `gobetween.http` logger with the request id, method, path,
status, duration in milliseconds and the caller's role (when a token said who called). With
`log_format = "json"` these are fields of the JSON line (entrypoints/log_format.py).

`GET /metrics` answers in Prometheus' text format, to an operator's or an auditor's bearer token
(401 without one: api/metrics.py `add_scrape_route`): request latency from this process, and the
message, finding and outbox figures from the database at scrape time (adapters/db/
service_readings.py), so every process answers the same totals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import FastAPI, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gobetween.adapters.db.service_readings import read_service_readings
from gobetween.entrypoints.http.api.errors import REQUEST_ID_HEADER, request_id_from
from gobetween.entrypoints.http.api.metrics import add_scrape_route

log = logging.getLogger("gobetween.http")
_REQUEST_ID_KEY: Final = REQUEST_ID_HEADER.lower().encode("latin-1")
# Buckets from 1 ms to 5 s: the targets are p99 < 20 ms (inbox) and < 50 ms (send).
LATENCY_BUCKETS: Final = (
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
)  # fmt: skip


class RequestObserver:
    """ASGI middleware: request id in, request id out, one log line and one latency sample."""

    def __init__(
        self, app: ASGIApp, *, latency: Histogram, router_prefixes: tuple[str, ...]
    ) -> None:
        self.app = app
        self.latency = latency
        self.router_prefixes = router_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        supplied = next(
            (value for key, value in scope["headers"] if key == _REQUEST_ID_KEY), b""
        ).decode("latin-1")
        request_id = request_id_from(supplied)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        encoded_id = request_id.encode("latin-1")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(key.lower() == _REQUEST_ID_KEY for key, _ in headers):
                    headers.append((_REQUEST_ID_KEY, encoded_id))
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self.latency.labels(scope["method"], self._template(scope)).observe(seconds)
            if log.isEnabledFor(logging.INFO):
                path = scope["path"]
                duration_ms = round(seconds * 1000, 2)
                role = state.get("caller_role")
                log.info(
                    "%s %s %d %.1f ms",
                    scope["method"],
                    path,
                    status,
                    duration_ms,
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "duration_ms": duration_ms,
                        "role": role,
                    },
                )

    def _template(self, scope: Scope) -> str:
        """The matched route's path template: a label of bounded cardinality, unlike the path."""
        template: str | None = getattr(scope.get("route"), "path", None)
        if template is None:
            return "unmatched"
        # A route of a router included with a prefix keeps its own path (FastAPI applies the
        # prefix when matching), so the prefix the request went through is added back here.
        for prefix in self.router_prefixes:
            if scope["path"].startswith(prefix + "/") and not template.startswith(prefix + "/"):
                return prefix + template
        return template


class DatabaseReadings(Collector):
    """Prometheus figures read from the database on each scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        readings = read_service_readings(self.engine)
        messages = CounterMetricFamily(
            "gobetween_messages",
            "Messages stored, by disposition: delivered (accepted for delivery), blocked, bounced",
            labels=["disposition"],
        )
        for disposition in ("delivered", "blocked", "bounced"):
            count = readings.messages_by_disposition.get(disposition, 0)
            messages.add_metric([disposition], count)
        yield messages
        blocked = CounterMetricFamily(
            "gobetween_blocked_findings",
            "Blocking findings of blocked messages, by policy category",
            labels=["category"],
        )
        for category, count in sorted(readings.blocked_by_category.items()):
            blocked.add_metric([category], count)
        yield blocked
        deliveries = CounterMetricFamily(
            "gobetween_deliveries",
            "Outbox rows by outcome: done (handed to the transport) or failed (given up)",
            labels=["outcome"],
        )
        deliveries.add_metric(["done"], readings.deliveries_done)
        deliveries.add_metric(["failed"], readings.deliveries_failed)
        yield deliveries
        yield GaugeMetricFamily(
            "gobetween_outbox_depth", "Outbox rows waiting for delivery", readings.outbox_pending
        )
        oldest = readings.oldest_pending_at
        age = 0.0 if oldest is None else max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        yield GaugeMetricFamily(
            "gobetween_outbox_oldest_age_seconds",
            "Age of the oldest outbox row waiting for delivery (0 when none waits)",
            age,
        )


def observe(app: FastAPI, engine: Engine, *, router_prefixes: tuple[str, ...] = ()) -> None:
    """Add the request observer and `GET /metrics` to `app`, on a registry of its own.

    `router_prefixes` are the prefixes routers were included with, for the route label.
    """
    registry = CollectorRegistry()
    latency = Histogram(
        "gobetween_http_request_duration_seconds",
        "Time from request to the end of the response, by method and route template",
        ["method", "route"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    registry.register(DatabaseReadings(engine))
    app.add_middleware(RequestObserver, latency=latency, router_prefixes=router_prefixes)

    async def metrics() -> Response:
        """Prometheus text format; the database figures are read now (a blocking call)."""
        body = await run_in_threadpool(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    # Operators' and auditors' tokens only: Prometheus sends one with its `authorization` setting.
    add_scrape_route(app, metrics)
