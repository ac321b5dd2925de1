"""Every API route, with every role, on a foreign party's ids: nobody sees or changes others' data.

The routes come from the app itself (its OpenAPI schema lists every operation of every router the
app includes), and the table below must name each of them: a new route without a rule here fails
the test. For each route and caller:

- no token: 401;
- a role the route does not admit (an auditor writing, a seller on operator routes): 403;
- a seller or buyer on another party's thread, order, message or file: 404, never data;
- a seller or buyer on their own: success; operators and auditors reading anything: 200.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from api_world import ANNA_ORDER, BEN_ORDER, World, make_world
from sqlalchemy import Engine

from gobetween.adapters.db import migrate
from gobetween.adapters.db.engine import build_engine

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ALL = frozenset({"operator", "auditor", "seller", "buyer"})
CALLERS = {"operator": "operator", "auditor": "auditor", "seller": "anna", "buyer": "mira"}


@dataclass(frozen=True)
class Rule:
    """Who may call a route, and whether its path names a party's resource."""

    roles: frozenset[str]
    scoped: bool = False
    body: dict[str, Any] | None = None
    content: bytes | None = None
    query: dict[str, str] = field(default_factory=dict)


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/me"): Rule(ALL),
    ("PUT", "/api/v1/me/opt-out"): Rule(frozenset({"buyer"}), body={"opted_out": False}),
    ("GET", "/api/v1/me/notifications"): Rule(frozenset({"seller"})),
    ("PUT", "/api/v1/me/notifications"): Rule(
        frozenset({"seller"}), body={"opt_out_bounce_notices": True}
    ),
    ("GET", "/api/v1/inbox"): Rule(ALL),
    ("GET", "/api/v1/threads/{thread_id}"): Rule(ALL, scoped=True),
    ("GET", "/api/v1/orders/{order_id}/contact-reasons"): Rule(
        frozenset({"seller", "operator", "auditor"}), scoped=True
    ),
    ("POST", "/api/v1/orders/{order_id}/templates/{template_id}/render"): Rule(
        frozenset({"seller"}), scoped=True, body={"fields": {"invoice_number": "R-1"}}
    ),
    ("POST", "/api/v1/orders/{order_id}/messages"): Rule(
        frozenset({"seller", "buyer"}),
        scoped=True,
        body={"text": "Could you confirm the engraving text?"},
    ),
    ("POST", "/api/v1/messages/{message_id}/no-response-needed"): Rule(
        frozenset({"seller", "operator"}), scoped=True
    ),
    ("POST", "/api/v1/messages/{message_id}/report"): Rule(
        frozenset({"seller", "buyer"}), scoped=True, body={"reason": "spam"}
    ),
    ("POST", "/api/v1/attachments"): Rule(
        frozenset({"seller", "buyer"}), content=PDF, query={"filename": "a.pdf"}
    ),
    ("GET", "/api/v1/attachments/{sha256}"): Rule(
        frozenset({"seller", "buyer", "auditor"}), scoped=True
    ),
    ("PUT", "/api/v1/operator/sellers/{seller_id}"): Rule(
        frozenset({"operator"}),
        body={
            "display_name": "Ben Gadgets",
            "business_name": "Ben Gadgets LLC",
            "customer_service_address": "service@s-ben.example",
            "registered_addresses": ["owner@s-ben.example"],
        },
    ),
    ("PUT", "/api/v1/operator/buyers/{buyer_id}"): Rule(
        frozenset({"operator"}),
        body={"name": "Noah Smith", "email": "noah@mail.example", "language": "en"},
    ),
    ("PUT", "/api/v1/operator/orders/{order_id}"): Rule(
        frozenset({"operator"}),
        body={
            "marketplace": "US",
            "seller_id": "s-ben",
            "buyer_id": "b-noah",
            "fulfillment": "marketplace",
            "status": "delivered",
            "product_category": "electronics",
            "purchased_at": "2026-11-10T10:00:00Z",
            "delivered_at": "2026-11-17T10:00:00Z",
            "items": [
                {
                    "sku": "SKU-9",
                    "title": "Headphones",
                    "quantity": 1,
                    "price": "59.90",
                    "currency": "USD",
                }
            ],
            "shipping_address": {
                "name": "N. Smith",
                "line1": "2 Elm St",
                "city": "Austin",
                "country": "US",
            },
        },
    ),
    ("GET", "/api/v1/operator/sellers/{seller_id}/policy"): Rule(frozenset({"operator"})),
    ("PUT", "/api/v1/operator/sellers/{seller_id}/policy"): Rule(
        frozenset({"operator"}), body={"profile": "amazon", "allowed_link_domains": []}
    ),
    ("GET", "/api/v1/operator/policy-profiles/{name}"): Rule(frozenset({"operator"})),
    ("PUT", "/api/v1/operator/policy-profiles/{name}"): Rule(
        frozenset({"operator"}), body={"extends": "amazon"}
    ),
    ("GET", "/api/v1/operator/reports"): Rule(frozenset({"operator"})),
    ("GET", "/api/v1/cases"): Rule(ALL),
    ("GET", "/api/v1/cases/{case_id}"): Rule(ALL, scoped=True),
    ("POST", "/api/v1/cases/{case_id}/resolve"): Rule(
        frozenset({"seller", "operator"}), scoped=True
    ),
    ("POST", "/api/v1/cases/{case_id}/survey"): Rule(
        frozenset({"buyer"}), scoped=True, body={"solved": False}
    ),
    ("GET", "/api/v1/metrics/sellers"): Rule(frozenset({"operator", "auditor"})),
    ("GET", "/api/v1/metrics/sellers/{seller_id}"): Rule(
        frozenset({"seller", "operator", "auditor"}), scoped=True
    ),
    ("POST", "/api/v1/operator/reports/{report_id}/handle"): Rule(
        frozenset({"operator"}), body={"resolution": "Warned the buyer."}
    ),
    ("POST", "/api/v1/operator/cases/{case_id}/close"): Rule(
        frozenset({"operator"}), body={"reason": "Duplicate."}
    ),
    ("GET", "/api/v1/webhooks"): Rule(frozenset({"seller", "operator", "auditor"})),
    ("POST", "/api/v1/webhooks"): Rule(
        frozenset({"operator"}),
        body={"url": "https://hooks.example/gb", "events": ["case.changed"]},
    ),
    ("GET", "/api/v1/webhooks/{subscription_id}"): Rule(
        frozenset({"seller", "operator", "auditor"}), scoped=True
    ),
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries"): Rule(
        frozenset({"seller", "operator", "auditor"}), scoped=True
    ),
    ("POST", "/api/v1/webhooks/{subscription_id}/pause"): Rule(frozenset({"operator"})),
    ("POST", "/api/v1/webhooks/{subscription_id}/resume"): Rule(frozenset({"operator"})),
}


@dataclass
class Ids:
    """Path ids of one party's resources."""

    thread_id: int
    order_id: str
    buyer_message_id: int
    sha256: str
    seller_id: str = "s-ben"
    buyer_id: str = "b-noah"
    name: str = "strict"
    template_id: str = "invoice"
    report_id: int = 1
    case_id: int = 0
    subscription_id: int = 0


@dataclass
class Matrix:
    world: World
    foreign: Ids
    own: Ids


def _conversation(world: World, order_id: str, buyer: str, seller: str) -> Ids:
    """The buyer writes with a file attached, the seller answers: a thread with two messages."""
    upload = world.client.post(
        "/api/v1/attachments",
        params={"filename": "photo.pdf"},
        content=PDF + buyer.encode(),
        headers=world.headers(buyer),
    )
    assert upload.status_code == 201, upload.text
    sha256 = upload.json()["sha256"]
    sent = world.send(buyer, order_id, text="Where is my parcel?", attachments=[sha256])
    assert sent.status_code == 201, sent.text
    answer = world.send(seller, order_id, text="It left our workshop today.")
    assert answer.status_code == 201, answer.text
    return Ids(
        thread_id=sent.json()["thread_id"],
        order_id=order_id,
        buyer_message_id=sent.json()["message_id"],
        sha256=sha256,
    )


def _matrix(world: World) -> Matrix:
    foreign = _conversation(world, BEN_ORDER, "noah", "ben")
    own = _conversation(world, ANNA_ORDER, "mira", "anna")
    own.seller_id, own.buyer_id = "s-anna", "b-mira"
    for ids in (foreign, own):
        ids.case_id = world.get("operator", "/cases", params={"order_id": ids.order_id}).json()[
            "items"
        ][0]["id"]
    for ids in (foreign, own):
        subscribed = world.post(
            "operator",
            "/webhooks",
            json={"url": "https://hooks.example/gb", "events": ["case.changed"],
                  "seller_id": ids.seller_id},
        )  # fmt: skip
        assert subscribed.status_code == 201, subscribed.text
        ids.subscription_id = subscribed.json()["id"]
    reported = world.post(
        "noah", f"/messages/{foreign.buyer_message_id + 1}/report", json={"reason": "spam"}
    )
    assert reported.status_code == 201, reported.text
    foreign.report_id = own.report_id = reported.json()["id"]
    profile = world.put("operator", "/operator/policy-profiles/strict", json={"extends": "amazon"})
    assert profile.status_code == 200, profile.text
    return Matrix(world, foreign, own)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    """One SQLite marketplace for the whole matrix: every case only reads or is idempotent."""
    tmp_path: Path = tmp_path_factory.mktemp("matrix")
    url = f"sqlite:///{tmp_path / 'matrix.db'}"
    engine: Engine = build_engine(url)
    migrate.upgrade(engine)
    world = make_world(engine, url, tmp_path)
    try:
        yield _matrix(world)
    finally:
        world.client.close()
        world.platform.close()
        engine.dispose()


def _fill(path: str, ids: Ids) -> str:
    values = {
        "thread_id": ids.thread_id,
        "order_id": ids.order_id,
        "message_id": ids.buyer_message_id,
        "sha256": ids.sha256,
        "seller_id": ids.seller_id,
        "buyer_id": ids.buyer_id,
        "name": ids.name,
        "template_id": ids.template_id,
        "report_id": ids.report_id,
        "case_id": ids.case_id,
        "subscription_id": ids.subscription_id,
    }
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), path)


def _call(matrix: Matrix, method: str, path: str, rule: Rule, who: str | None, ids: Ids) -> Any:
    headers = {} if who is None else matrix.world.headers(who)
    return matrix.world.client.request(
        method,
        _fill(path, ids),
        headers=headers,
        json=rule.body,
        content=rule.content,
        params=rule.query,
    )


def test_the_table_names_every_route_of_the_api(matrix: Matrix) -> None:
    schema = matrix.world.client.app.openapi()  # type: ignore[attr-defined]
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
    }
    assert operations == set(RULES)


@pytest.mark.parametrize(("method", "path"), sorted(RULES))
def test_without_a_token_every_route_answers_401(matrix: Matrix, method: str, path: str) -> None:
    response = _call(matrix, method, path, RULES[(method, path)], None, matrix.foreign)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("role", sorted(CALLERS))
@pytest.mark.parametrize(("method", "path"), sorted(RULES))
def test_every_role_on_every_route_with_foreign_ids(
    matrix: Matrix, method: str, path: str, role: str
) -> None:
    rule = RULES[(method, path)]
    response = _call(matrix, method, path, rule, CALLERS[role], matrix.foreign)
    if role not in rule.roles:
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "forbidden"
    elif rule.scoped and role in ("seller", "buyer"):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "not_found"
        # Nothing of the foreign resource comes back, not even in the error.
        assert "Where is my parcel" not in response.text
    elif method == "GET":
        assert response.status_code == 200, response.text
    else:
        assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize(("method", "path"), sorted(k for k, r in RULES.items() if r.scoped))
def test_parties_reach_their_own_resources(matrix: Matrix, method: str, path: str) -> None:
    rule = RULES[(method, path)]
    for role in sorted(rule.roles & {"seller", "buyer"}):
        if (method, path) == ("POST", "/api/v1/messages/{message_id}/report") and role == "buyer":
            continue  # the buyer's own message is not written to the buyer (tested elsewhere)
        if "no-response-needed" in path:
            continue  # needs a running 24-hour clock (tested in test_api_messages)
        response = _call(matrix, method, path, rule, CALLERS[role], matrix.own)
        assert response.status_code in (200, 201), f"{role}: {response.text}"


def test_a_foreign_order_id_in_the_inbox_filter_finds_nothing(matrix: Matrix) -> None:
    response = matrix.world.get("anna", "/inbox", params={"view": "all", "order_id": BEN_ORDER})
    assert response.status_code == 200
    assert response.json()["entries"] == []
    own = matrix.world.get("anna", "/inbox", params={"view": "all", "order_id": ANNA_ORDER})
    entries = own.json()["entries"]
    assert len(entries) >= 2
    assert {entry["order_id"] for entry in entries} == {ANNA_ORDER}


def test_auditors_read_every_thread_but_never_write(matrix: Matrix) -> None:
    thread = matrix.world.get("auditor", f"/threads/{matrix.foreign.thread_id}")
    assert thread.status_code == 200
    first = thread.json()["messages"][0]
    assert first["text"] == "Where is my parcel?"
    writes = [key for key in RULES if key[0] != "GET"]
    assert all("auditor" not in RULES[key].roles for key in writes)
