"""Solicitations v1, the token endpoint and Amazon's error shape, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from spapi_world import (
    CUSTOM,
    DE,
    DELIVERED,
    EARLY,
    FBA,
    MESSAGED,
    NOW,
    OPTED,
    US,
    World,
    make_world,
    running_world,
)
from sqlalchemy import Engine, select

from gobetween.adapters.db import spapi_tables, tables
from gobetween.adapters.db.spapi_store import SqlSpapiUnitOfWork
from gobetween.bootstrap.access import build_api_services
from gobetween.bootstrap.spapi import build_spapi_services
from gobetween.domain.errors import Refused
from gobetween.domain.parties import Buyer
from gobetween.services.access import Principal
from gobetween.services.spapi import Spapi, request_review


@pytest.fixture
def world(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[World]:
    """The marketplace on SQLite and on PostgreSQL."""
    with running_world(engine, database_url, tmp_path) as built:
        yield built


def review_path(order: str) -> str:
    return f"/solicitations/v1/orders/{order}/solicitations/productReviewAndSellerFeedback"


def test_review_request_goes_once_in_the_buyer_language_and_never_again(world: World) -> None:
    actions = world.get("anna", f"/solicitations/v1/orders/{DELIVERED}")
    assert actions.status_code == 200, actions.text
    assert [a["name"] for a in actions.json()["_links"]["actions"]] == [
        "productReviewAndSellerFeedback"
    ]
    # python-amazon-sp-api sends the marketplace in the body only.
    sent = world.post(
        "anna", review_path(DELIVERED), marketplace=None, json={"marketplaceIds": [US]}
    )
    assert sent.status_code == 201, sent.text
    assert sent.json() == {}
    with world.engine.connect() as connection:
        row = connection.execute(
            select(tables.outbox).where(tables.outbox.c.delivery_key == f"solicitation-{DELIVERED}")
        ).one()
    assert row.recipient == "noah@mail.example"
    assert row.payload["subject"] == f"Share your experience with your order {DELIVERED}"
    assert row.payload["from_alias"] == "no-reply"
    again = world.post("anna", review_path(DELIVERED))
    assert again.status_code == 403
    error = again.json()["errors"][0]
    assert error["message"] == "The requested solicitation is not available for this amazonOrderId."
    assert [r["rule"] for r in error["rules"]] == ["already_requested"]
    listed = world.get("anna", f"/solicitations/v1/orders/{DELIVERED}").json()
    assert listed["_links"]["actions"] == []
    assert listed["unavailableActions"][0]["rules"][0]["rule"] == "already_requested"
    # The review request and non-critical proactive messages exclude each other.
    messaging = world.get("anna", f"/messaging/v1/orders/{DELIVERED}").json()
    rules = {item["name"]: item["rule"] for item in messaging["unavailableActions"]}
    assert rules["warranty"] == "review_requested"


def test_the_review_request_is_translated(world: World, engine: Engine) -> None:
    with SqlSpapiUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b-noah", "Noah Smith", "noah@mail.example", "ja"), now=NOW)
        uow.commit()
    record = request_review(
        DELIVERED, seller=Principal("seller", seller_id="s-anna"), spapi=world_spapi(world)
    )
    assert record.language == "ja"
    assert record.subject == f"ご注文 {DELIVERED} のご感想をお聞かせください"
    assert record.body.startswith("Noah 様")


def world_spapi(world: World) -> Spapi:
    return build_spapi_services(build_api_services(world.platform)).spapi


def test_refusals_say_which_condition_failed(world: World) -> None:
    early = world.post("anna", review_path(EARLY)).json()["errors"][0]
    assert [r["rule"] for r in early["rules"]] == ["too_early"]
    assert "opens 5 days after delivery" in early["details"]
    opted = world.post("anna", review_path(OPTED)).json()["errors"][0]
    assert [r["rule"] for r in opted["rules"]] == ["buyer_opted_out"]
    unshipped = world.post("anna", review_path(CUSTOM), marketplace=DE).json()["errors"][0]
    assert [r["rule"] for r in unshipped["rules"]] == ["not_delivered"]
    world.clock.now += timedelta(days=60)
    late = world.post("anna", review_path(DELIVERED)).json()["errors"][0]
    assert [r["rule"] for r in late["rules"]] == ["too_late"]


def test_a_proactive_message_on_the_order_excludes_the_review_request(world: World) -> None:
    sent = world.client.post(
        f"/api/v1/orders/{MESSAGED}/messages",
        headers={"Authorization": f"Bearer {world.tokens['anna']}"},
        json={
            "contact_reason": "warranty",
            "text": "The lamp is covered by our two-year warranty. Keep this message for a claim.",
        },
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["disposition"] == "delivered", sent.json()
    refused = world.post("anna", review_path(MESSAGED)).json()["errors"][0]
    assert [r["rule"] for r in refused["rules"]] == ["proactive_message_sent"]


def test_once_per_order_holds_when_two_requests_race(world: World) -> None:
    spapi = world_spapi(world)
    seller = Principal("seller", seller_id="s-anna")
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        try:
            request_review(DELIVERED, seller=seller, spapi=spapi)
            outcomes.append("sent")
        except Refused as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_requested"] * 3 + ["sent"]
    with world.engine.connect() as connection:
        count = connection.execute(
            select(tables.outbox.c.id).where(
                tables.outbox.c.delivery_key == f"solicitation-{DELIVERED}"
            )
        ).all()
    assert len(count) == 1


def test_token_endpoint_trades_the_refresh_token_for_a_short_lived_access_token(
    world: World,
) -> None:
    made = world.credentials("s-anna")
    form = {
        "grant_type": "refresh_token",
        "client_id": made.client_id,
        "client_secret": made.client_secret,
        "refresh_token": made.refresh_token,
    }
    granted = world.client.post("/auth/o2/token", data=form)
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    headers = {"x-amz-access-token": body["access_token"]}
    path = f"/messaging/v1/orders/{DELIVERED}/attributes?marketplaceIds={US}"
    assert world.client.get(path, headers=headers).status_code == 200
    # Another seller's order through this seller's token: not found, not forbidden.
    foreign = world.client.get(f"/messaging/v1/orders/{FBA}?marketplaceIds={US}", headers=headers)
    assert foreign.status_code == 404
    assert foreign.json()["errors"][0]["code"] == "NotFound"
    world.clock.now += timedelta(hours=1, seconds=1)
    expired = world.client.get(path, headers=headers)
    assert expired.status_code == 403
    assert "expired" in expired.json()["errors"][0]["details"]
    # A new token for the app drops its expired one.
    assert world.client.post("/auth/o2/token", data=form).status_code == 200
    with world.engine.connect() as connection:
        assert len(connection.execute(select(spapi_tables.spapi_access_tokens)).all()) == 1
    wrong = world.client.post("/auth/o2/token", data={**form, "client_secret": "gbs_nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = world.client.post("/auth/o2/token", data={**form, "refresh_token": "Atzr|nope"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    grant = world.client.post("/auth/o2/token", data={**form, "grant_type": "password"})
    assert grant.json()["error"] == "unsupported_grant_type"


def test_requests_without_a_valid_token_are_unauthorized_in_amazon_shape(world: World) -> None:
    none = world.client.get(f"/messaging/v1/orders/{DELIVERED}?marketplaceIds={US}")
    assert none.status_code == 403
    assert none.json()["errors"][0]["code"] == "Unauthorized"
    buyer = world.get("noah", f"/messaging/v1/orders/{DELIVERED}")
    assert buyer.status_code == 403
    assert "for sellers" in buyer.json()["errors"][0]["details"]


def test_marketplace_ids_host_and_unknown_query_keys(world: World) -> None:
    missing = world.get("anna", f"/messaging/v1/orders/{DELIVERED}", marketplace=None)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["message"].startswith("marketplaceIds:")
    mismatch = world.get("anna", f"/messaging/v1/orders/{CUSTOM}", marketplace=US)
    assert mismatch.status_code == 400
    assert "placed in marketplace DE" in mismatch.json()["errors"][0]["message"]
    # What python-amazon-sp-api really sends: a mangled Host and three more marketplace keys.
    sloppy = world.client.get(
        f"/messaging/v1/orders/{DELIVERED}?MarketplaceId={US}&MarketplaceIds={US}"
        f"&marketplace_ids={US}&marketplaceIds={US}",
        headers={**world.headers("anna"), "host": "27.0.0.1:18731"},
    )
    assert sloppy.status_code == 200, sloppy.text


def test_rate_limits_follow_amazon_usage_plans(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    world = make_world(engine, database_url, tmp_path, spapi_rate_limit_scale=1)
    try:
        answers = [
            world.get("anna", f"/messaging/v1/orders/{DELIVERED}/attributes") for _ in range(8)
        ]
    finally:
        world.client.close()
        world.platform.close()
    assert answers[0].status_code == 200
    assert answers[0].headers["x-amzn-RateLimit-Limit"] == "1"
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled, [a.status_code for a in answers]
    assert throttled[0].json()["errors"][0]["code"] == "QuotaExceeded"
    assert int(throttled[0].headers["Retry-After"]) >= 1
