"""A send and an inbox listing answered directly (orders.py `SendRoute`, inbox.py
`InboxRoute`) answer as FastAPI's own handling does.

A send's body sent as `application/json` is answered directly; the same body as
`application/json; charset=utf-8` takes FastAPI's way (the direct answer takes only the plain
type). Each pair of requests below differs in nothing else, so their answers must be equal:
status, problem document, headers. An inbox listing is asked twice, the second time with the
direct answer switched off.
"""

from __future__ import annotations

import json
from typing import Any

import fastapi.routing
import pytest
from api_world import ANNA_ORDER, BEN_ORDER, World

from gobetween.entrypoints.http.api.callers import caller
from gobetween.entrypoints.http.api.errors import REQUEST_ID_HEADER, ApiRoute
from gobetween.entrypoints.http.api.inbox import InboxRoute
from gobetween.services.access import Principal

DIRECT = "application/json"
FASTAPIS_WAY = "application/json; charset=utf-8"
TEXT = {"text": "Could you confirm the engraving text?", "contact_reason": "customization"}


def post(world: World, who: str | None, order_id: str, body: bytes, content_type: str) -> Any:
    headers = {"Content-Type": content_type, REQUEST_ID_HEADER: "same-request-id"}
    if who is not None:
        headers |= world.headers(who)
    return world.client.post(f"/api/v1/orders/{order_id}/messages", content=body, headers=headers)


def answer(response: Any) -> tuple[int, bytes, list[tuple[str, str]]]:
    return response.status_code, response.content, sorted(response.headers.items())


REFUSALS = [
    ("no token", None, ANNA_ORDER, TEXT),
    ("unknown token", "nobody", ANNA_ORDER, TEXT),
    ("a role that does not send", "operator", ANNA_ORDER, TEXT),
    ("another seller's order", "ben", ANNA_ORDER, TEXT),
    ("another buyer's order", "noah", ANNA_ORDER, {"text": "Hello?"}),
    ("an order that does not exist", "anna", "111-9999999-9999999", TEXT),
    ("a reason the order does not offer", "ben", BEN_ORDER, TEXT),
    ("a buyer with a contact reason", "mira", ANNA_ORDER, TEXT),
    ("an unknown field", "anna", ANNA_ORDER, {**TEXT, "colour": "red"}),
    ("a text too long", "anna", ANNA_ORDER, {**TEXT, "text": "x" * 100_001}),
    ("a field of the wrong type", "anna", ANNA_ORDER, {**TEXT, "attachments": "abc"}),
    ("an order id FastAPI refuses", "anna", "111-0000001-000000x", TEXT),
    ("no token and a body FastAPI refuses", None, ANNA_ORDER, {"colour": "red"}),
]


@pytest.mark.parametrize(
    ("who", "order_id", "body"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_a_refused_send_is_answered_as_fastapi_answers_it(
    sqlite_world: World, who: str | None, order_id: str, body: dict[str, Any]
) -> None:
    world = sqlite_world
    world.tokens["nobody"] = "gbt_unknown"
    raw = json.dumps(body).encode()
    direct = post(world, who, order_id, raw, DIRECT)
    fastapis = post(world, who, order_id, raw, FASTAPIS_WAY)
    assert direct.status_code >= 400
    assert answer(direct) == answer(fastapis)


@pytest.mark.parametrize("raw", [b"", b"{", b"null", b"[]", b'{"text": 5}'])
def test_a_body_that_is_not_a_send_is_answered_as_fastapi_answers_it(
    sqlite_world: World, raw: bytes
) -> None:
    for who in ("anna", None):
        direct = post(sqlite_world, who, ANNA_ORDER, raw, DIRECT)
        fastapis = post(sqlite_world, who, ANNA_ORDER, raw, FASTAPIS_WAY)
        assert direct.status_code in (401, 422)
        assert answer(direct) == answer(fastapis)


def test_a_send_answered_directly_is_the_send_fastapi_answers(world: World) -> None:
    """Both ways store a message and answer 201 with the same headers and the same JSON, but
    for the new message's id (the thread is the same: the second send replies on it)."""
    raw = json.dumps(TEXT).encode()
    direct = post(world, "anna", ANNA_ORDER, raw, DIRECT)
    fastapis = post(world, "anna", ANNA_ORDER, raw, FASTAPIS_WAY)
    assert direct.status_code == fastapis.status_code == 201, direct.text
    assert sorted(direct.headers.keys()) == sorted(fastapis.headers.keys())
    assert direct.headers["content-type"] == fastapis.headers["content-type"]
    first, second = direct.json(), fastapis.json()
    assert second["message_id"] > first["message_id"]
    assert {**first, "message_id": 0} == {**second, "message_id": 0}


def dependencies_solved(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The dependants FastAPI's dependency solving is asked for from now on, in order."""
    solved: list[object] = []
    solve = fastapi.routing.solve_dependencies

    async def counted(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await solve(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    return solved


def test_a_plain_json_send_and_its_refusals_by_the_caller_are_answered_directly(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI's dependency solving is not reached for a plain JSON send, a foreign order or a
    role that does not send: the direct answer is the one taken."""
    solved = dependencies_solved(monkeypatch)
    mira = post(sqlite_world, "mira", ANNA_ORDER, b'{"text": "Is it gold?"}', DIRECT)
    ben = post(sqlite_world, "ben", ANNA_ORDER, json.dumps(TEXT).encode(), DIRECT)
    operator = post(sqlite_world, "operator", ANNA_ORDER, json.dumps(TEXT).encode(), DIRECT)
    assert (mira.status_code, ben.status_code, operator.status_code) == (201, 404, 403)
    assert solved == []
    post(sqlite_world, "mira", ANNA_ORDER, b'{"text": "Is it gold?"}', FASTAPIS_WAY)
    assert len(solved) == 1


LISTINGS = [
    ("anna", {}),
    ("anna", {"view": "all", "limit": "2"}),
    ("anna", {"view": "sent", "order_id": ANNA_ORDER}),
    ("mira", {"view": "all"}),
    ("operator", {"seller_id": "s-anna", "view": "all"}),
    ("anna", {"view": "unread"}),
    ("anna", {"limit": "0"}),
    ("anna", {"limit": "fifty"}),
    ("anna", {"order_id": "1" * 20}),
    ("anna", {"cursor": "bm90LWEtY3Vyc29y"}),
    ("anna", {"seller_id": "s-ben"}),
    ("nobody", {}),
    ("nobody", {"limit": "0"}),
]


@pytest.mark.parametrize(("who", "params"), LISTINGS)
def test_an_inbox_listing_is_answered_as_fastapi_answers_it(
    world: World, monkeypatch: pytest.MonkeyPatch, who: str, params: dict[str, str]
) -> None:
    world.tokens["nobody"] = "gbt_unknown"
    world.send("anna", ANNA_ORDER, **TEXT)
    world.send("mira", ANNA_ORDER, text="Gold, please.")

    def listing() -> Any:
        headers = world.headers(who) | {REQUEST_ID_HEADER: "same-request-id"}
        return world.client.get("/api/v1/inbox", params=params, headers=headers)

    direct = listing()
    monkeypatch.setattr(InboxRoute, "answer_directly", ApiRoute.answer_directly)
    fastapis = listing()
    assert answer(direct) == answer(fastapis)


def test_a_listing_with_parameters_fastapi_accepts_is_answered_directly(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved = dependencies_solved(monkeypatch)
    for params in ({}, {"view": "all", "limit": "2", "order_id": ANNA_ORDER}):
        assert sqlite_world.get("anna", "/inbox", params=params).status_code == 200
    sqlite_world.tokens["nobody"] = "gbt_unknown"
    assert sqlite_world.get("nobody", "/inbox").status_code == 401
    assert solved == []
    assert sqlite_world.get("anna", "/inbox", params={"limit": "0"}).status_code == 422
    assert len(solved) == 1


def test_dependency_overrides_are_applied_on_fastapis_way(sqlite_world: World) -> None:
    """An app that overrides the caller (as a test might) is answered by FastAPI's way."""
    app: Any = sqlite_world.client.app
    mira = sqlite_world.client.get("/api/v1/me", headers=sqlite_world.headers("mira")).json()
    app.dependency_overrides[caller] = lambda: Principal(
        role="buyer", token_id=None, buyer_id=mira["buyer_id"]
    )
    try:
        listing = sqlite_world.client.get("/api/v1/inbox")
        sent = post(sqlite_world, None, ANNA_ORDER, b'{"text": "Is it gold?"}', DIRECT)
    finally:
        app.dependency_overrides.clear()
    assert (listing.status_code, sent.status_code) == (200, 201)
