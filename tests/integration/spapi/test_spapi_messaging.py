"""Messaging v1 and Uploads through the SP-API surface, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from spapi_world import (
    CUSTOM,
    DE,
    DELIVERED,
    FBA,
    PNG,
    US,
    World,
    content_md5,
    make_world,
    running_world,
)
from sqlalchemy import Engine, select

from gobetween.adapters.db import tables


@pytest.fixture
def world(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[World]:
    """The marketplace on SQLite and on PostgreSQL."""
    with running_world(engine, database_url, tmp_path) as built:
        yield built


def names(document: dict[str, object]) -> list[str]:
    links = document["_links"]
    assert isinstance(links, dict)
    return [link["name"] for link in links["actions"]]


def test_actions_are_the_order_contact_reasons_as_hal_with_the_missing_ones_and_why(
    world: World,
) -> None:
    response = world.get("anna", f"/messaging/v1/orders/{CUSTOM}", marketplace=DE)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    assert response.headers["x-amzn-RequestId"]
    document = response.json()
    # Unshipped, seller-fulfilled jewellery: personalisation, address, problem, papers.
    assert names(document) == [
        "confirmCustomizationDetails",
        "legalDisclosure",
        "confirmOrderDetails",
        "unexpectedProblem",
        "invoice",
    ]
    assert (
        document["_links"]["self"]["href"] == f"/messaging/v1/orders/{CUSTOM}?marketplaceIds={DE}"
    )
    embedded = document["_embedded"]["actions"][0]
    assert embedded["payload"] == {"name": "confirmCustomizationDetails"}
    schema = embedded["_embedded"]["schema"]["payload"]
    assert schema["properties"]["text"]["maxLength"] == 800
    missing = {item["name"]: item["rule"] for item in document["unavailableActions"]}
    assert missing == {
        "confirmDeliveryDetails": "large_item_category",
        "confirmServiceDetails": "large_item_category",
        "warranty": "warranty_after_shipment",
        "digitalAccessKey": "digital_category",
    }
    # The schema link answers with the same schema.
    href = embedded["_links"]["schema"]["href"]
    linked = world.client.get(href, headers=world.headers("anna"))
    assert linked.status_code == 200, linked.text
    assert linked.json()["payload"] == schema


def test_marketplace_fulfilled_orders_offer_no_fulfilment_types(world: World) -> None:
    document = world.get("ben", f"/messaging/v1/orders/{FBA}").json()
    missing = {item["name"]: item["rule"] for item in document["unavailableActions"]}
    assert missing["unexpectedProblem"] == "marketplace_fulfilled"
    assert "warranty" in names(document)


def test_attributes_give_the_buyer_locale_in_the_marketplace(world: World) -> None:
    mira = world.get("anna", f"/messaging/v1/orders/{CUSTOM}/attributes", marketplace=DE)
    assert mira.status_code == 200, mira.text
    assert mira.json() == {"buyer": {"locale": "de-DE"}}
    noah = world.get("anna", f"/messaging/v1/orders/{DELIVERED}/attributes")
    assert noah.json() == {"buyer": {"locale": "en-US"}}


def test_customization_with_an_uploaded_proof_goes_through_the_message_service(
    world: World,
) -> None:
    destination = world.upload("anna", CUSTOM, PNG)
    response = world.message(
        "anna",
        CUSTOM,
        "confirmCustomizationDetails",
        {
            "text": "Bitte bestätigen Sie die Gravur „Ana“ auf dem Ring.",
            "attachments": [{"uploadDestinationId": destination, "fileName": "proof.png"}],
            "marketplaceIds": [DE],
            "MarketplaceIds": [DE],
        },
        marketplace=None,
    )
    assert response.status_code == 201, response.text
    assert response.json() == {}
    with world.engine.connect() as connection:
        message = connection.execute(
            select(tables.messages).order_by(tables.messages.c.id.desc()).limit(1)
        ).one()
        attachment = connection.execute(
            select(tables.message_attachments).where(
                tables.message_attachments.c.message_id == message.id
            )
        ).one()
    assert (message.contact_reason, message.disposition, message.channel) == (
        "customization",
        "delivered",
        "api",
    )
    assert attachment.filename == "proof.png"
    assert attachment.content_type == "image/png"


def test_a_blocked_text_is_an_error_with_the_findings_and_is_kept_as_evidence(
    world: World,
) -> None:
    response = world.message(
        "anna",
        CUSTOM,
        "unexpectedProblem",
        {
            "text": "Die Gravurmaschine ist defekt. "
            "Bitte hinterlassen Sie uns eine 5-Sterne-Bewertung!"
        },
        marketplace=DE,
    )
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert "review_request" in error["message"]
    assert any(f["category"] == "review_request" and f["span"] for f in error["findings"])
    with world.engine.connect() as connection:
        stored = connection.execute(
            select(tables.messages.c.disposition).where(tables.messages.c.id == error["messageId"])
        ).scalar_one()
    assert stored == "blocked"


def test_a_type_the_order_does_not_offer_says_which_rule_removed_it(world: World) -> None:
    response = world.message(
        "anna",
        CUSTOM,
        "confirmDeliveryDetails",
        {"text": "Wann passt Ihnen die Lieferung?"},
        marketplace=DE,
    )
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["code"] == "Unauthorized"
    assert error["message"] == "Invalid amazonOrderId and template combination."
    assert error["rule"] == "large_item_category"
    assert error["details"].startswith("large_item_category: confirmDeliveryDetails")


def test_removed_and_unknown_types_are_refused_clearly(world: World) -> None:
    removed = world.message("anna", DELIVERED, "negativeFeedbackRemoval", {})
    assert removed.status_code == 400
    assert "review_change_request" in removed.json()["errors"][0]["message"]
    unknown = world.message("anna", DELIVERED, "thankYouNote", {"text": "Hi"})
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "NotFound"


def test_body_problems_name_the_field(world: World) -> None:
    too_long = world.message(
        "anna", CUSTOM, "confirmCustomizationDetails", {"text": "x" * 801}, marketplace=DE
    )
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["message"].startswith("text: is 801 characters")
    no_file = world.message("anna", CUSTOM, "invoice", {}, marketplace=DE)
    assert "attachments" in no_file.json()["errors"][0]["message"]
    not_json = world.client.post(
        f"/messaging/v1/orders/{CUSTOM}/messages/unexpectedProblem?marketplaceIds={DE}",
        content=b"{not json",
        headers={**world.headers("anna"), "content-type": "application/json"},
    )
    assert not_json.status_code == 400
    assert not_json.json()["errors"][0]["message"].startswith("body: is not valid JSON")


def test_upload_ids_that_are_unknown_or_unfinished_are_refused(world: World) -> None:
    unknown = world.message(
        "anna",
        CUSTOM,
        "invoice",
        {"attachments": [{"uploadDestinationId": "4e93-nope", "fileName": "invoice.pdf"}]},
        marketplace=DE,
    )
    assert unknown.status_code == 400
    assert "does not exist" in unknown.json()["errors"][0]["message"]
    created = world.post(
        "anna",
        f"/uploads/2020-11-01/uploadDestinations/messaging/v1/orders/{CUSTOM}/messages/invoice",
        marketplace=DE,
        params={"contentMD5": content_md5(b"%PDF-1.4 invoice")},
    )
    assert created.status_code == 201
    pending = created.json()["payload"]["uploadDestinationId"]
    unfinished = world.message(
        "anna",
        CUSTOM,
        "invoice",
        {"attachments": [{"uploadDestinationId": pending, "fileName": "invoice.pdf"}]},
        marketplace=DE,
    )
    assert unfinished.status_code == 400
    assert "has no file yet" in unfinished.json()["errors"][0]["message"]
    # Another seller cannot use it either, even knowing the id.
    foreign = world.message(
        "ben",
        FBA,
        "invoice",
        {"attachments": [{"uploadDestinationId": pending, "fileName": "invoice.pdf"}]},
    )
    assert "does not exist" in foreign.json()["errors"][0]["message"]


def test_content_md5_is_checked_even_when_percent_encoded_twice(world: World) -> None:
    data = b"%PDF-1.4\n% an invoice\n"
    twice = quote(quote(content_md5(data), safe=""), safe="")
    path = (
        f"/uploads/2020-11-01/uploadDestinations/messaging/v1/orders/{DELIVERED}/messages/invoice"
    )
    created = world.client.post(
        f"{path}?contentMD5={twice}&contentType=application/pdf&marketplaceIds={US}",
        headers=world.headers("anna"),
    )
    assert created.status_code == 201, created.text
    payload = created.json()["payload"]
    assert payload["headers"]["Content-MD5"] == content_md5(data)
    wrong = world.client.put(payload["url"], content=data + b"tampered")
    assert wrong.status_code == 400
    assert "MD5" in wrong.json()["errors"][0]["message"]
    right = world.client.put(payload["url"], content=data)
    assert right.status_code == 200
    again = world.client.put(payload["url"], content=data)
    assert again.status_code == 400
    hexadecimal = world.post("anna", path, params={"contentMD5": hashlib_hex(data)})
    assert hexadecimal.status_code == 400
    assert "hexadecimal" in hexadecimal.json()["errors"][0]["message"]


def hashlib_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_an_upload_of_a_refused_type_is_refused_at_put(world: World) -> None:
    data = b"MZ\x90\x00 not a document"
    created = world.post(
        "anna",
        f"/uploads/2020-11-01/uploadDestinations/messaging/v1/orders/{DELIVERED}/messages/invoice",
        params={"contentMD5": content_md5(data)},
    )
    put = world.client.put(created.json()["payload"]["url"], content=data)
    assert put.status_code == 400
    assert "Windows executable" in put.json()["errors"][0]["message"]


def test_behind_a_proxy_upload_urls_use_the_public_url(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    world = make_world(
        engine, database_url, tmp_path, spapi_public_url="https://sellers.market.example/"
    )
    try:
        created = world.post(
            "anna",
            f"/uploads/2020-11-01/uploadDestinations/messaging/v1/orders/{DELIVERED}/messages/invoice",
            params={"contentMD5": content_md5(PNG)},
        )
    finally:
        world.client.close()
        world.platform.close()
    url = created.json()["payload"]["url"]
    assert url.startswith("https://sellers.market.example/uploads/2020-11-01/destinations/amzn1.")
