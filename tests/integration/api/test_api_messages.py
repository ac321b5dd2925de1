"""Sending through the API: the delivery rules of system.md, templates, the daily limit's 429."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from api_world import ANNA_ORDER, BEN_ORDER, CARL_BUYS_ORDER, OLD_ORDER, World
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.services.audit import verify_chains


def outbox_count(world: World) -> int:
    with world.platform.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.outbox)).scalar_one())


def test_an_allowed_message_is_delivered_and_shows_in_both_inboxes(world: World) -> None:
    sent = world.send(
        "anna",
        ANNA_ORDER,
        text="Thank you for your order. Could you confirm the engraving text?",
        contact_reason="customization",
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["disposition"] == "delivered"
    assert body["delivered"] is True
    assert body["verdict"]["verdict"] == "allow"
    assert outbox_count(world) == 1
    mira = world.get("mira", "/inbox").json()["entries"]
    assert [e["message_id"] for e in mira] == [body["message_id"]]
    thread = world.get("mira", f"/threads/{body['thread_id']}").json()
    assert thread["seller"]["name"] == "Anna's Atelier"
    assert thread["messages"][0]["findings"] == []


def test_a_blocked_message_is_stored_with_spans_and_a_suggestion_and_not_delivered(
    world: World,
) -> None:
    text = "Please leave us a 5-star review on the product page!"
    sent = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["disposition"] == "blocked"
    assert body["delivered"] is False
    assert "review_request" in body["verdict"]["categories"]
    [finding] = [f for f in body["verdict"]["findings"] if f["category"] == "review_request"]
    start, end = finding["span"]
    assert "review" in text[start:end]
    assert any(s["action"] == "request_review" for s in body["verdict"]["suggestions"])
    assert outbox_count(world) == 0
    # Evidence for the seller and the auditor; invisible to the buyer it never reached.
    blocked = world.get("anna", "/inbox", params={"view": "blocked"}).json()["entries"]
    assert [e["message_id"] for e in blocked] == [body["message_id"]]
    assert world.get("mira", "/inbox").json()["entries"] == []
    thread = world.get("auditor", f"/threads/{body['thread_id']}").json()
    assert thread["messages"][0]["findings"][0]["category"] == "review_request"
    hidden = world.get("mira", f"/threads/{body['thread_id']}")
    assert hidden.status_code == 200
    assert hidden.json()["messages"] == []


def test_a_template_is_rendered_in_the_buyers_language_and_its_fields_are_checked(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    sent = world.send(
        "anna",
        ANNA_ORDER,
        template_id="customization",
        fields={"question": "Welche Initialen sollen wir eingravieren?"},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["disposition"] == "delivered"
    assert body["text"].startswith("Guten Tag Mira,")
    assert "Welche Initialen sollen wir eingravieren?" in body["text"]
    assert body["subject"] == f"Frage zur Personalisierung Ihrer Bestellung {ANNA_ORDER}"
    # A phone number typed into a field is caught like free text, with its span in the message.
    bad = world.send(
        "anna",
        ANNA_ORDER,
        template_id="customization",
        fields={"question": "Rufen Sie uns an: +49 30 1234567"},
    ).json()
    assert bad["disposition"] == "blocked"
    [finding] = [f for f in bad["verdict"]["findings"] if f["category"] == "contact_info"]
    start, end = finding["span"]
    assert "1234567" in bad["text"][start:end]


def test_template_errors_name_the_field(sqlite_world: World) -> None:
    missing = sqlite_world.send("anna", ANNA_ORDER, template_id="customization", fields={})
    assert missing.status_code == 422
    assert missing.json()["field"] == "fields.question"
    not_offered = sqlite_world.send(
        "anna", ANNA_ORDER, template_id="warranty", fields={"warranty_terms": "Two years."}
    )
    assert not_offered.status_code == 422
    assert not_offered.json()["field"] == "template_id"


def test_a_contact_reason_the_order_does_not_offer_is_refused_with_its_rule(
    sqlite_world: World,
) -> None:
    response = sqlite_world.send(
        "ben", BEN_ORDER, text="Your delivery is scheduled.", contact_reason="delivery_scheduling"
    )
    assert response.status_code == 422
    error = response.json()
    assert error["field"] == "contact_reason"
    assert "marketplace_fulfilled" in error["detail"]


def test_marketplace_orders_offer_the_customer_service_redirect(sqlite_world: World) -> None:
    world = sqlite_world
    reasons = world.get("ben", f"/orders/{BEN_ORDER}/contact-reasons").json()
    assert "customer_service_redirect" in [t["id"] for t in reasons["templates"]]
    asked = world.send("noah", BEN_ORDER, text="The headphones are broken. Can I get a refund?")
    assert asked.status_code == 201
    answer = world.send("ben", BEN_ORDER, template_id="customer_service_redirect")
    assert answer.status_code == 201, answer.text
    assert answer.json()["disposition"] == "delivered"
    assert "customer service" in answer.json()["text"]


def test_non_critical_proactive_messages_to_an_opted_out_buyer_bounce(world: World) -> None:
    assert world.put("mira", "/me/opt-out", json={"opted_out": True}).json()["opted_out"] is True
    bounced = world.send(
        "anna", OLD_ORDER, text="Here is the warranty information.", contact_reason="other"
    )
    sent = world.send(
        "anna",
        ANNA_ORDER,
        template_id="invoice",
        fields={"invoice_number": "R-2026-118"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["disposition"] == "bounced"
    assert bounced.status_code == 201
    # Critical messages still go through.
    critical = world.send(
        "anna",
        ANNA_ORDER,
        template_id="customization",
        fields={"question": "Which initials should we engrave?"},
    )
    assert critical.json()["disposition"] == "delivered"
    with world.platform.engine.connect() as connection:
        kinds = [row.kind for row in connection.execute(select(t.outbox.c.kind)).all()]
    assert "bounce_notice" in kinds


def test_the_seller_can_switch_bounce_notices_off(sqlite_world: World) -> None:
    world = sqlite_world
    assert world.get("anna", "/me/notifications").json()["opt_out_bounce_notices"] is True
    off = world.put("anna", "/me/notifications", json={"opt_out_bounce_notices": False})
    assert off.json() == {"seller_id": "s-anna", "opt_out_bounce_notices": False}
    world.put("mira", "/me/opt-out", json={"opted_out": True})
    sent = world.send(
        "anna", ANNA_ORDER, template_id="invoice", fields={"invoice_number": "R-2026-119"}
    )
    assert sent.json()["disposition"] == "bounced"
    assert outbox_count(world) == 0


def test_over_the_daily_limit_the_answer_is_429_with_limit_count_and_reset(world: World) -> None:
    # Anna has 2 orders in the last 7 days: limit = 0 + 5 x 2 // 7 = 1 message today.
    policy = world.put(
        "operator",
        "/operator/sellers/s-anna/policy",
        json={"profile": "amazon", "daily_limit_base": 0},
    )
    assert policy.status_code == 200, policy.text
    question = "Could you confirm the engraving text?"
    first = world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    assert first.json()["disposition"] == "delivered"
    second = world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    assert second.status_code == 429, second.text
    error = second.json()
    assert error["code"] == "daily_limit"
    assert error["limit"] == 1
    assert error["count"] == 1
    assert error["reset"].startswith("2026-11-21T00:00:00")
    assert int(second.headers["Retry-After"]) > 0
    # The refused message is evidence too, stored as blocked.
    blocked = world.get("anna", "/inbox", params={"view": "blocked"}).json()["entries"]
    assert [e["message_id"] for e in blocked] == [error["message_id"]]
    # A new UTC day resets the count.
    world.clock.now += timedelta(days=1)
    again = world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    assert again.status_code == 201


def test_a_seller_cannot_message_another_seller_and_sees_it_with_its_business_name(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    sent = world.send(
        "anna", CARL_BUYS_ORDER, text="Your parcel is on its way.", contact_reason="other"
    )
    assert sent.status_code == 201
    assert "seller_to_seller" in sent.json()["verdict"]["categories"]
    assert sent.json()["disposition"] == "blocked"
    thread = world.get("anna", f"/threads/{sent.json()['thread_id']}").json()
    assert thread["buyer"]["is_seller"] is True
    assert thread["buyer"]["seller_name"] == "Carl Outdoor"
    assert thread["buyer"]["business_name"] == "Carl Outdoor ApS"


def test_proactive_contact_ends_30_days_after_delivery(sqlite_world: World) -> None:
    reasons = sqlite_world.get("anna", f"/orders/{OLD_ORDER}/contact-reasons").json()
    warranty = next(r for r in reasons["offered"] if r["id"] == "warranty")
    assert warranty["proactive"] is False
    assert warranty["proactive_rule"] == "outside_window"
    sent = sqlite_world.send(
        "anna",
        OLD_ORDER,
        template_id="warranty",
        fields={"warranty_terms": "Two years from delivery; claims through this message thread."},
    )
    assert "outside_window" in sent.json()["verdict"]["categories"]


def test_no_response_needed_and_report_take_a_message_off_the_clock(world: World) -> None:
    thanks = world.send("mira", ANNA_ORDER, text="Thanks, got it!").json()
    rude = world.send("mira", ANNA_ORDER, text="Pay me via PayPal or I call the police.").json()
    waiting = world.get("anna", "/inbox").json()
    assert waiting["view"] == "requires_response"
    assert [e["message_id"] for e in waiting["entries"]] == [
        thanks["message_id"],
        rude["message_id"],
    ]
    assert waiting["entries"][0]["response_due_at"].startswith("2026-11-21T10:00:00")
    marked = world.post("anna", f"/messages/{thanks['message_id']}/no-response-needed")
    assert marked.status_code == 200, marked.text
    assert marked.json()["stop_reason"] == "no_response_needed"
    report = world.post(
        "anna", f"/messages/{rude['message_id']}/report", json={"reason": "off_platform_payment"}
    )
    assert report.status_code == 201, report.text
    assert world.get("anna", "/inbox").json()["entries"] == []
    queue = world.get("operator", "/operator/reports").json()["reports"]
    assert [(r["message_id"], r["reason"]) for r in queue] == [
        (rude["message_id"], "off_platform_payment")
    ]
    handled = world.post(
        "operator", f"/operator/reports/{queue[0]['id']}/handle", json={"resolution": "Warned."}
    )
    assert handled.json()["status"] == "handled"
    assert world.get("operator", "/operator/reports").json()["reports"] == []
    # A buyer cannot report its own message.
    own = world.post("mira", f"/messages/{thanks['message_id']}/report", json={"reason": "spam"})
    assert own.status_code == 422


def test_concurrent_sends_each_commit_once_and_keep_the_chain(world: World) -> None:
    """Many requests at once (on SQLite: batched into shared commits): every 201 is durable,
    a refused send among them changes nothing, and the thread's hash chain still verifies."""
    question = "Could you confirm the engraving text?"

    def send(number: int) -> Any:
        # Every fourth draft names a reason the order does not offer: refused with 422.
        reason = "delivery_scheduling" if number % 4 == 3 else "customization"
        return world.send("anna", ANNA_ORDER, text=f"{question} ({number})", contact_reason=reason)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(32)))
    statuses = [a.status_code for a in answers]
    assert statuses == [422 if n % 4 == 3 else 201 for n in range(32)], statuses
    ids = [a.json()["message_id"] for a in answers if a.status_code == 201]
    assert len(set(ids)) == 24
    [thread_id] = {a.json()["thread_id"] for a in answers if a.status_code == 201}
    stored = world.get("anna", f"/threads/{thread_id}").json()["messages"]
    assert sorted(m["id"] for m in stored) == sorted(ids)
    report = verify_chains(reader=SqlEvidenceReader(world.platform.engine))
    assert report.ok
    assert report.messages_checked == 24
