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
from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.http.app import create_app
from gobetween.services.access import issue_token

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
