"""GET /metrics: Prometheus figures for messages, blocks by category, deliveries and the outbox,
read from the database, and request latency from the app's own observer; who may scrape them;
and how many blocking handlers the app runs at once."""

from __future__ import annotations

import time
from datetime import timedelta

import anyio.to_thread
import pytest
from api_world import ANNA_ORDER, World
from fastapi import FastAPI, Response
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from gobetween.entrypoints.http.api.metrics import add_scrape_route
from gobetween.services.delivery import deliver_pending


def scrape(world: World) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    # As Prometheus scrapes with an operator's token (its `authorization` setting).
    response = world.client.get("/metrics", headers=world.headers("operator"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_messages_blocks_deliveries_and_the_outbox(world: World) -> None:
    empty = scrape(world)
    assert empty[("gobetween_messages_total", (("disposition", "delivered"),))] == 0
    assert empty[("gobetween_outbox_depth", ())] == 0
    assert empty[("gobetween_outbox_oldest_age_seconds", ())] == 0

    question = "Could you confirm the engraving text?"
    for _ in range(2):
        sent = world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
        assert sent.json()["disposition"] == "delivered"
    review = "Please leave us a 5-star review on the product page!"
    assert world.send("anna", ANNA_ORDER, text=review).json()["disposition"] == "blocked"
    after = scrape(world)
    assert after[("gobetween_messages_total", (("disposition", "delivered"),))] == 2
    assert after[("gobetween_messages_total", (("disposition", "blocked"),))] == 1
    assert after[("gobetween_messages_total", (("disposition", "bounced"),))] == 0
    assert after[("gobetween_blocked_findings_total", (("category", "review_request"),))] >= 1
    assert after[("gobetween_outbox_depth", ())] == 2
    # The world's clock is fixed in 2026; the outbox rows were written at that time.
    assert after[("gobetween_outbox_oldest_age_seconds", ())] > 0

    platform = world.platform
    world.clock.now += timedelta(seconds=1)
    report = deliver_pending(
        uow_factory=platform.unit_of_work,
        transport=platform.transport,
        compose=platform.compose,
        worker="metrics-test",
        clock=platform.clock,
        policy=platform.delivery_policy,
    )
    assert report.delivered == 2
    delivered = scrape(world)
    assert delivered[("gobetween_deliveries_total", (("outcome", "done"),))] == 2
    assert delivered[("gobetween_outbox_depth", ())] == 0
    assert delivered[("gobetween_outbox_oldest_age_seconds", ())] == 0


def test_metrics_time_requests_by_route_template(sqlite_world: World) -> None:
    for _ in range(3):
        assert sqlite_world.get("anna", "/me").status_code == 200
    assert sqlite_world.get("anna", "/threads/424242").status_code == 404
    samples = scrape(sqlite_world)
    me = (("method", "GET"), ("route", "/api/v1/me"))
    assert samples[("gobetween_http_request_duration_seconds_count", me)] == 3
    assert samples[("gobetween_http_request_duration_seconds_sum", me)] > 0
    thread = (("method", "GET"), ("route", "/api/v1/threads/{thread_id}"))
    assert samples[("gobetween_http_request_duration_seconds_count", thread)] == 1


def test_the_app_runs_as_many_blocking_handlers_as_the_pool_has_connections(
    sqlite_world: World,
) -> None:
    app = sqlite_world.client.app
    pooled = sqlite_world.platform.engine.pool.size()  # type: ignore[attr-defined]
    with TestClient(app) as running:  # runs the lifespan, as uvicorn does
        portal = running.portal
        assert portal is not None
        tokens = portal.call(_thread_tokens)
    assert tokens == max(4, pooled)


async def _thread_tokens() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


SCRAPE_GATE = "/scrape-gate"


def gated(app: FastAPI) -> FastAPI:
    """A probe behind the /metrics gate, added the way the scrape route is added."""

    async def figures() -> Response:
        return PlainTextResponse("gobetween_up 1\n")

    add_scrape_route(app, figures, path=SCRAPE_GATE)
    return app


@pytest.mark.parametrize("who", ["operator", "auditor"])
def test_the_metrics_gate_lets_operators_and_auditors_scrape(sqlite_world: World, who: str) -> None:
    gated(sqlite_world.client.app)  # type: ignore[arg-type]
    response = sqlite_world.client.get(SCRAPE_GATE, headers=sqlite_world.headers(who))
    assert response.status_code == 200
    assert response.text == "gobetween_up 1\n"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic b3BlcmF0b3I6eA=="])
def test_the_metrics_gate_answers_401_without_a_valid_bearer_token(
    sqlite_world: World, authorization: str | None
) -> None:
    gated(sqlite_world.client.app)  # type: ignore[arg-type]
    headers = {} if authorization is None else {"Authorization": authorization}
    response = sqlite_world.client.get(SCRAPE_GATE, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    problem = response.json()
    assert problem["status"] == 401
    assert problem["code"] == "unauthenticated"
    assert problem["instance"] == SCRAPE_GATE
    assert problem["request_id"] == response.headers["x-request-id"]
    assert "gobetween_up" not in response.text


@pytest.mark.parametrize("who", ["anna", "mira"])
def test_the_metrics_gate_refuses_sellers_and_buyers(sqlite_world: World, who: str) -> None:
    gated(sqlite_world.client.app)  # type: ignore[arg-type]
    response = sqlite_world.client.get(SCRAPE_GATE, headers=sqlite_world.headers(who))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "operator, auditor" in response.json()["detail"]


def test_metrics_answers_401_without_a_token(world: World) -> None:
    response = world.client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/metrics"
    assert "gobetween_messages_total" not in response.text
    seller = world.client.get("/metrics", headers=world.headers("anna"))
    assert seller.status_code == 403
    auditor = world.client.get("/metrics", headers=world.headers("auditor"))
    assert auditor.status_code == 200
    assert "gobetween_messages_total" in auditor.text


def test_a_scrape_neither_takes_nor_waits_for_the_sqlite_write_lock(sqlite_world: World) -> None:
    # A writer holds SQLite's write lock (BEGIN IMMEDIATE) with a message not yet committed: the
    # scrape reads the last committed state at once instead of queueing behind it, and a scrape
    # never blocks sends (it reads through the read-only engine).
    question = "Could you confirm the engraving text?"
    sent = sqlite_world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    assert sent.json()["disposition"] == "delivered"
    with sqlite_world.platform.unit_of_work() as writer:
        assert writer.buyers.find("nobody") is None  # the first statement took the lock
        began = time.monotonic()
        samples = scrape(sqlite_world)
        waited = time.monotonic() - began
        response = sqlite_world.get("operator", "/metrics/sellers")
    assert samples[("gobetween_messages_total", (("disposition", "delivered"),))] == 1
    assert response.status_code == 200
    # Far below the 30 s busy timeout a lock wait would have run into.
    assert waited < 5
