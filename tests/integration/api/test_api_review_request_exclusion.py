"""The native API after an order's review request: 409 review_requested for a non-critical
proactive message; critical ones and replies still go through (issue 5)."""

from __future__ import annotations

from typing import Any

from api_world import ANNA_ORDER, NOW, World
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.spapi_tables import spapi_solicitations


def review_requested(world: World, order_id: str) -> None:
    """The row the SP-API's productReviewAndSellerFeedback leaves behind."""
    with world.platform.engine.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=order_id,
                seller_id="s-anna",
                buyer_id="b-mira",
                language="de",
                subject="Bewerten Sie Ihre Bestellung",
                body="Wie war es?",
                created_at=NOW,
            )
        )


def error_code(body: dict[str, Any]) -> str:
    """The `code` member: top level in RFC 9457 problem details, under "error" before them."""
    if "code" in body:
        return str(body["code"])
    return str(body["error"]["code"])


def message_count(world: World) -> int:
    with world.platform.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.messages)).scalar_one())


def test_a_non_critical_proactive_message_after_the_review_request_is_409(world: World) -> None:
    review_requested(world, ANNA_ORDER)
    refused = world.send(
        "anna", ANNA_ORDER, template_id="invoice", fields={"invoice_number": "R-2026-120"}
    )
    assert refused.status_code == 409, refused.text
    assert error_code(refused.json()) == "review_requested"
    assert "review was already requested" in refused.text
    assert message_count(world) == 0
    # A critical one still reaches the buyer.
    critical = world.send(
        "anna",
        ANNA_ORDER,
        template_id="customization",
        fields={"question": "Which initials should we engrave?"},
    )
    assert critical.status_code == 201, critical.text
    assert critical.json()["disposition"] == "delivered"


def test_a_reply_after_the_review_request_is_delivered(world: World) -> None:
    review_requested(world, ANNA_ORDER)
    asked = world.send("mira", ANNA_ORDER, text="Wann kommt mein Ring?")
    assert asked.status_code == 201, asked.text
    answer = world.send("anna", ANNA_ORDER, text="It ships tomorrow.", contact_reason="other")
    assert answer.status_code == 201, answer.text
    assert answer.json()["disposition"] == "delivered"


def test_without_a_review_request_the_same_message_is_sent(world: World) -> None:
    sent = world.send(
        "anna", ANNA_ORDER, template_id="invoice", fields={"invoice_number": "R-2026-121"}
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["disposition"] == "delivered"
