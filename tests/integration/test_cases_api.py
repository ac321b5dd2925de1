"""Cases and account health through the real HTTP API, the real message service and its hooks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cases_world import T0, seed_party, seed_thread
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.case_repositories import SqlDeliveryLog
from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.http.app import create_app
from gobetween.services.access import issue_token
from gobetween.services.webhooks import DeliveryAttempt

ORDER = "114-0000011-0000001"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Api:
    client: TestClient
    clock: Clock
    tokens: dict[str, str]

    def call(self, method: str, who: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def send(self, who: str, text: str) -> Any:
        response = self.call("POST", who, f"/orders/{ORDER}/messages", json={"text": text})
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def api(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Api]:
    seed_thread(engine, order_id=ORDER)
    seed_party(engine, seller_id="S2", buyer_id="B2")
    clock = Clock(T0)
    environ = {
        "GOBETWEEN_DATABASE_URL": database_url,
        "GOBETWEEN_ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
        "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
    }
    platform = build_platform(load_settings(environ=environ), clock=clock)
    tokens = {
        who: issue_token(role, seller, buyer, uow=SqlAccessUnitOfWork(engine), clock=clock)
        for who, role, seller, buyer in (
            ("seller", "seller", "S1", None),
            ("other_seller", "seller", "S2", None),
            ("buyer", "buyer", None, "B1"),
            ("other_buyer", "buyer", None, "B2"),
            ("operator", "operator", None, None),
            ("auditor", "auditor", None, None),
        )
    }
    client = TestClient(create_app(platform))
    try:
        yield Api(client, clock, tokens)
    finally:
        client.close()
        platform.close()


def test_a_case_through_the_api(api: Api) -> None:
    api.send("buyer", "Where is my parcel? It has not arrived.")
    listed = api.call("GET", "seller", "/cases").json()["items"]
    assert [(c["order_id"], c["state"]) for c in listed] == [(ORDER, "opened")]
    case_id = listed[0]["id"]
    # Other parties see nothing of it.
    assert api.call("GET", "other_seller", "/cases").json()["items"] == []
    assert api.call("GET", "other_buyer", f"/cases/{case_id}").status_code == 404
    assert api.call("POST", "other_seller", f"/cases/{case_id}/resolve").status_code == 404
    assert api.call("POST", "auditor", f"/cases/{case_id}/resolve").status_code == 403

    api.clock.now = T0 + timedelta(hours=3)
    api.send("seller", "It left our workshop today; tracking follows by the carrier.")
    resolved = api.call("POST", "seller", f"/cases/{case_id}/resolve")
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["survey_pending"] is True
    again = api.call("POST", "seller", f"/cases/{case_id}/resolve")
    assert again.status_code == 409
    assert again.json()["code"] == "case_transition"

    api.clock.now = T0 + timedelta(hours=5)
    answered = api.call("POST", "buyer", f"/cases/{case_id}/survey", json={"solved": False})
    assert answered.status_code == 200, answered.text
    assert (answered.json()["state"], answered.json()["buyer_reported_unresolved"]) == (
        "resolved",
        True,
    )
    detail = api.call("GET", "auditor", f"/cases/{case_id}").json()
    assert [h["action"] for h in detail["history"]] == ["open", "resolve", "survey_no"]

    health = api.call("GET", "seller", "/metrics/sellers/S1")
    assert health.status_code == 200, health.text
    week = health.json()["windows"]["7"]
    assert (week["answered_on_time"], week["answered_within_24h_percent"]) == (1, 100.0)
    assert week["average_response_seconds"] == 3 * 3600
    # Shown, never counted: the figures above ignore it.
    assert week["buyer_reported_unresolved"] == 1
    assert api.call("GET", "other_seller", "/metrics/sellers/S1").status_code == 404
    overview = api.call("GET", "operator", "/metrics/sellers").json()
    assert [s["seller_id"] for s in overview] == ["S1"]
    assert api.call("GET", "seller", "/metrics/sellers").status_code == 403


def test_closed_cases_refuse_the_seller_and_a_follow_up_opens_a_new_case(api: Api) -> None:
    api.send("buyer", "Can you confirm the engraving reads 'Ada'?")
    case_id = api.call("GET", "buyer", "/cases").json()["items"][0]["id"]
    api.send("seller", "Confirmed: the engraving reads Ada.")
    api.call("POST", "seller", f"/cases/{case_id}/resolve")
    closed = api.call("POST", "buyer", f"/cases/{case_id}/survey", json={"solved": True})
    assert closed.json()["state"] == "closed"

    refused = api.call(
        "POST", "seller", f"/orders/{ORDER}/messages", json={"text": "One more thing."}
    )
    assert "case_closed" in refused.text, refused.text

    api.clock.now = T0 + timedelta(days=1)
    api.send("buyer", "Sorry, one more question about the engraving.")
    newest = api.call("GET", "buyer", "/cases").json()["items"][0]
    assert newest["id"] != case_id
    assert (newest["state"], newest["previous_case_id"]) == ("opened", case_id)
    assert (
        api.call("GET", "seller", "/cases", params={"state": "closed"}).json()["items"][0]["id"]
        == case_id
    )


def _code(response: Any) -> str:
    """The error's `code`, in the API's error shape ({"error": {...}} or problem details)."""
    body = response.json()
    return str(body["code"] if "code" in body else body["error"]["code"])


def test_an_operator_closes_a_live_case_saying_why(api: Api) -> None:
    api.send("buyer", "Where is my parcel? It has not arrived.")
    case_id = api.call("GET", "operator", "/cases").json()["items"][0]["id"]
    close = f"/operator/cases/{case_id}/close"
    assert api.call("POST", "seller", close, json={"reason": "Spam."}).status_code == 403
    assert api.call("POST", "auditor", close, json={"reason": "Spam."}).status_code == 403
    unexplained = api.call("POST", "operator", close, json={"reason": ""})
    assert unexplained.status_code == 422
    assert "reason" in unexplained.text
    blank = api.call("POST", "operator", close, json={"reason": "   "})
    assert (blank.status_code, _code(blank)) == (422, "invalid_input")
    missing = api.call("POST", "operator", "/operator/cases/999999/close", json={"reason": "x"})
    assert (missing.status_code, _code(missing)) == (404, "not_found")

    api.clock.now = T0 + timedelta(hours=2)
    closed = api.call("POST", "operator", close, json={"reason": "Duplicate of the phone call."})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["state"], closed.json()["closed_at"][:19]) == (
        "closed",
        (T0 + timedelta(hours=2)).isoformat()[:19],
    )
    last = api.call("GET", "seller", f"/cases/{case_id}").json()["history"][-1]
    assert last["action"] == "close"
    assert (last["from_state"], last["to_state"]) == ("opened", "closed")
    assert last["reason"] == "Duplicate of the phone call."
    assert last["actor"].startswith("operator:token-")
    assert last["at"][:19] == (T0 + timedelta(hours=2)).isoformat()[:19]
    again = api.call("POST", "operator", close, json={"reason": "Again."})
    assert (again.status_code, _code(again)) == (409, "case_closed")


def test_an_operator_closes_a_resolved_case_without_waiting_for_the_buyer(api: Api) -> None:
    api.send("buyer", "Can you confirm the engraving reads 'Ada'?")
    case_id = api.call("GET", "buyer", "/cases").json()["items"][0]["id"]
    api.send("seller", "Confirmed: the engraving reads Ada.")
    assert api.call("POST", "seller", f"/cases/{case_id}/resolve").status_code == 200
    closed = api.call(
        "POST", "operator", f"/operator/cases/{case_id}/close", json={"reason": "Settled by phone."}
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["state"], closed.json()["survey_pending"]) == ("closed", False)
    survey = api.call("POST", "buyer", f"/cases/{case_id}/survey", json={"solved": True})
    assert survey.status_code == 409


def test_webhook_subscriptions_through_the_api(api: Api, engine: Engine) -> None:
    created = api.call(
        "POST",
        "operator",
        "/webhooks",
        json={
            "url": "https://tools.example/hooks",
            "events": ["message.received", "case.changed"],
            "seller_id": "S1",
            "description": "S1's helpdesk",
        },
    )
    assert created.status_code == 201, created.text
    subscription = created.json()
    assert len(subscription["secret"]) >= 40
    assert (subscription["seller_id"], subscription["active"]) == ("S1", True)
    every_seller = api.call(
        "POST",
        "operator",
        "/webhooks",
        json={"url": "http://127.0.0.1:8081/h", "events": ["case.changed"]},
    )
    assert every_seller.status_code == 201, every_seller.text
    sub_id, all_id = subscription["id"], every_seller.json()["id"]

    # The secret is shown once: never in a list or a read.
    listed = api.call("GET", "operator", "/webhooks").json()["items"]
    assert [s["id"] for s in listed] == [sub_id, all_id]
    assert all("secret" not in s for s in listed)
    assert "secret" not in api.call("GET", "auditor", f"/webhooks/{sub_id}").json()
    # A seller reads the subscriptions limited to its own events; others' answer 404.
    assert [s["id"] for s in api.call("GET", "seller", "/webhooks").json()["items"]] == [sub_id]
    assert api.call("GET", "other_seller", "/webhooks").json()["items"] == []
    assert api.call("GET", "other_seller", f"/webhooks/{sub_id}").status_code == 404
    assert api.call("GET", "seller", f"/webhooks/{all_id}").status_code == 404
    assert api.call("GET", "other_seller", f"/webhooks/{sub_id}/deliveries").status_code == 404
    assert api.call("GET", "buyer", "/webhooks").status_code == 403
    # Only operators write.
    for who in ("seller", "auditor"):
        attempt = api.call(
            "POST",
            who,
            "/webhooks",
            json={"url": "https://x.example/h", "events": ["case.changed"]},
        )
        assert attempt.status_code == 403, attempt.text
        assert api.call("POST", who, f"/webhooks/{sub_id}/pause").status_code == 403

    paused = api.call("POST", "operator", f"/webhooks/{sub_id}/pause")
    assert (paused.status_code, paused.json()["active"]) == (200, False)
    assert api.call("GET", "seller", f"/webhooks/{sub_id}").json()["active"] is False
    resumed = api.call("POST", "operator", f"/webhooks/{sub_id}/resume")
    assert (resumed.status_code, resumed.json()["active"]) == (200, True)
    gone = api.call("POST", "operator", "/webhooks/999999/pause")
    assert (gone.status_code, _code(gone)) == (404, "not_found")

    # The delivery log of one subscription, newest first.
    log = SqlDeliveryLog(engine)
    for minute, outcome, status in ((1, "retry", 503), (2, "delivered", 200)):
        log(
            DeliveryAttempt(
                delivery_key=f"webhook-e1-{sub_id}",
                subscription_id=sub_id,
                event_id="e1",
                event_type="case.changed",
                url="https://tools.example/hooks",
                outcome=outcome,
                status_code=status,
                error=None if status == 200 else "HTTP 503",
                duration_ms=12,
                attempted_at=T0 + timedelta(minutes=minute),
            )
        )
    deliveries = api.call("GET", "seller", f"/webhooks/{sub_id}/deliveries").json()["items"]
    assert [(d["outcome"], d["status_code"]) for d in deliveries] == [
        ("delivered", 200),
        ("retry", 503),
    ]
    assert api.call("GET", "operator", f"/webhooks/{all_id}/deliveries").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://tools.example/hooks", "events": ["case.changed"]}, "url"),
        ({"url": "ftp://tools.example/hooks", "events": ["case.changed"]}, "url"),
        ({"url": "https://user:pw@tools.example/h", "events": ["case.changed"]}, "url"),
        ({"url": "https://tools.example/h", "events": ["message.sent"]}, "events"),
        ({"url": "https://tools.example/h", "events": []}, "events"),
        (
            {"url": "https://tools.example/h", "events": ["case.changed"], "seller_id": "S9"},
            "seller_id",
        ),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    refused = api.call("POST", "operator", "/webhooks", json=body)
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert api.call("GET", "operator", "/webhooks").json()["items"] == []
