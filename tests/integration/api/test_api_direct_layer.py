"""The send and inbox routes answered in front of the router (direct_answers.py `DirectAnswers`)
answer as the whole way does: an app built with `direct_answers=False` on the same platform is
asked the same requests, and status, headers (the request id included), body, the request's log
line and its latency label in /metrics must be the same."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import fastapi.routing
import pytest
from api_world import ANNA_ORDER, BEN_ORDER, World
from fastapi.testclient import TestClient

from gobetween.entrypoints.http.api.errors import REQUEST_ID_HEADER
from gobetween.entrypoints.http.api.orders import SendRoute
from gobetween.entrypoints.http.app import create_app

TEXT = {"text": "Could you confirm the engraving text?", "contact_reason": "customization"}
SEND = f"/api/v1/orders/{ANNA_ORDER}/messages"


@pytest.fixture
def whole_way(sqlite_world: World) -> Iterator[TestClient]:
    """The same platform's app without the direct answers in front of the router."""
    with TestClient(create_app(sqlite_world.platform, direct_answers=False)) as client:
        yield client


def ask(
    client: TestClient, world: World, who: str | None, method: str, path: str, **kw: Any
) -> Any:
    headers = {REQUEST_ID_HEADER: "same-request-id"} | kw.pop("headers", {})
    if who is not None:
        headers |= world.headers(who)
    return client.request(method, path, headers=headers, follow_redirects=False, **kw)


def answer(response: Any) -> tuple[int, bytes, list[tuple[str, str]]]:
    return response.status_code, response.content, sorted(response.headers.items())


def raw(content: bytes, content_type: str = "application/json", **headers: str) -> dict[str, Any]:
    return {"content": content, "headers": {"Content-Type": content_type} | headers}


def body(value: Any) -> dict[str, Any]:
    return raw(json.dumps(value).encode())


NO_ORDER = SEND.replace(ANNA_ORDER, "111-9999999-9999999")
BAD_ORDER = SEND.replace(ANNA_ORDER, "111-0000001-000000x")
BEN_SEND = f"/api/v1/orders/{BEN_ORDER}/messages"
INBOX = "/api/v1/inbox"
TOO_LONG = {"Content-Length": "99999999"}


REQUESTS: list[tuple[str, str | None, str, str, dict[str, Any]]] = [
    ("no token", None, "POST", SEND, body(TEXT)),
    ("unknown token", "nobody", "POST", SEND, body(TEXT)),
    ("a role that does not send", "operator", "POST", SEND, body(TEXT)),
    ("another seller's order", "ben", "POST", SEND, body(TEXT)),
    ("an order that does not exist", "anna", "POST", NO_ORDER, body(TEXT)),
    ("a reason the order does not offer", "ben", "POST", BEN_SEND, body(TEXT)),
    ("an order id FastAPI refuses", "anna", "POST", BAD_ORDER, body(TEXT)),
    ("an unknown field", "anna", "POST", SEND, body({**TEXT, "colour": "red"})),
    ("not JSON", "anna", "POST", SEND, raw(b"{")),
    ("an empty body", "anna", "POST", SEND, raw(b"")),
    ("another content type", "anna", "POST", SEND, raw(b"{}", "text/plain")),
    ("a declared body too large", "anna", "POST", SEND, raw(b"{}", **TOO_LONG)),
    ("a trailing slash", "anna", "POST", SEND + "/", body(TEXT)),
    ("a method the route does not take", "anna", "PUT", SEND, body(TEXT)),
    ("GET on the send's path", "anna", "GET", SEND, {}),
    ("the inbox", "anna", "GET", INBOX, {}),
    ("the inbox, all", "anna", "GET", INBOX, {"params": {"view": "all", "limit": "2"}}),
    ("an unknown view", "anna", "GET", INBOX, {"params": {"view": "unread"}}),
    ("a limit FastAPI refuses", "anna", "GET", INBOX, {"params": {"limit": "0"}}),
    ("the inbox without a token", None, "GET", INBOX, {}),
    ("the inbox, unknown token", "nobody", "GET", INBOX, {}),
    ("the inbox by HEAD", "anna", "HEAD", INBOX, {}),
    ("the inbox by POST", "anna", "POST", INBOX, {}),
    ("the inbox with a trailing slash", "anna", "GET", INBOX + "/", {}),
    ("an operator's listing", "operator", "GET", INBOX, {"params": {"seller_id": "s-anna"}}),
]  # fmt: skip


def log_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[Any, ...]]:
    lines = [
        (r.getMessage().rsplit(" ", 2)[0], r.request_id, r.method, r.path, r.status, r.role)  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "gobetween.http"
    ]
    caplog.clear()
    return lines


@pytest.mark.parametrize(
    ("who", "method", "path", "kw"), [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS]
)
def test_a_request_is_answered_as_the_whole_way_answers_it(
    sqlite_world: World,
    whole_way: TestClient,
    caplog: pytest.LogCaptureFixture,
    who: str | None,
    method: str,
    path: str,
    kw: dict[str, Any],
) -> None:
    world = sqlite_world
    world.tokens["nobody"] = "gbt_unknown"
    world.send("anna", ANNA_ORDER, **TEXT)
    caplog.set_level(logging.INFO, logger="gobetween.http")
    caplog.clear()
    direct = ask(world.client, world, who, method, path, **kw)
    direct_log = log_lines(caplog)
    whole = ask(whole_way, world, who, method, path, **kw)
    assert answer(direct) == answer(whole)
    assert direct_log == log_lines(caplog)


def test_a_send_is_stored_and_answered_as_the_whole_way_does(
    sqlite_world: World, whole_way: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    world = sqlite_world
    caplog.set_level(logging.INFO, logger="gobetween.http")
    caplog.clear()
    direct = ask(world.client, world, "anna", "POST", SEND, **body(TEXT))
    direct_log = log_lines(caplog)
    whole = ask(whole_way, world, "anna", "POST", SEND, **body(TEXT))
    assert direct.status_code == whole.status_code == 201, direct.text
    assert sorted(direct.headers.items()) == sorted(whole.headers.items())
    first, second = direct.json(), whole.json()
    assert second["message_id"] > first["message_id"]
    assert {**first, "message_id": 0} == {**second, "message_id": 0}
    assert direct_log == log_lines(caplog)


def latency_labels(client: TestClient, world: World) -> list[str]:
    scrape = client.get("/metrics", headers=world.headers("operator")).text
    return sorted(
        line.rsplit(" ", 1)[0]
        for line in scrape.splitlines()
        if line.startswith("gobetween_http_request_duration_seconds_count")
    )


def test_the_latency_labels_are_those_of_the_whole_way(
    sqlite_world: World, whole_way: TestClient
) -> None:
    world = sqlite_world
    for client in (world.client, whole_way):
        ask(client, world, "mira", "POST", SEND, **body({"text": "Is it gold?"}))
        ask(
            client,
            world,
            "anna",
            "POST",
            SEND,
            content=b"{",
            headers={"Content-Type": "application/json"},
        )
        ask(client, world, "anna", "GET", "/api/v1/inbox")
        ask(client, world, "anna", "GET", "/api/v1/inbox", params={"limit": "0"})
        ask(client, world, "anna", "POST", "/api/v1/inbox")
    labels = latency_labels(world.client, world)
    assert any('route="/api/v1/orders/{order_id}/messages"' in label for label in labels)
    assert labels == latency_labels(whole_way, world)


def test_a_declined_request_takes_fastapis_way_once(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body the direct answer does not take goes the whole way, read as it arrived, and the
    route does not ask its direct answer again."""
    asked: list[object] = []
    solved: list[object] = []
    answer_directly = SendRoute.answer_directly
    solve = fastapi.routing.solve_dependencies

    async def counted_answer(self: SendRoute, request: Any) -> Any:
        asked.append(request)
        return await answer_directly(self, request)

    async def counted_solve(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await solve(*args, **kwargs)

    monkeypatch.setattr(SendRoute, "answer_directly", counted_answer)
    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted_solve)
    raw = json.dumps({"text": "Is it gold?", "colour": "red"}).encode()
    refused = ask(
        sqlite_world.client, sqlite_world, "mira", "POST", SEND,
        content=raw, headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["field"] == "colour"
    assert (len(asked), len(solved)) == (1, 1)


def test_the_schema_is_that_of_the_whole_way(sqlite_world: World, whole_way: TestClient) -> None:
    assert (
        sqlite_world.client.get("/openapi.json").content == whole_way.get("/openapi.json").content
    )
