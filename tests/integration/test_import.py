"""Importing sellers, buyers and orders into real SQLite and PostgreSQL databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.import_files import (
    ImportBatch,
    ImportFormat,
    ImportRejectedError,
    read_records,
)
from gobetween.services.importing import ImportReport, import_records

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

SELLER: dict[str, Any] = {
    "type": "seller",
    "id": "nordlicht",
    "display_name": "Nordlicht Küche",
    "business_name": "Nordlicht Haushaltswaren GmbH",
    "customer_service_address": "service@nordlicht.example",
    "registered_addresses": ["anna@nordlicht.example"],
}
BUYER: dict[str, Any] = {
    "type": "buyer",
    "id": "buyer-001",
    "name": "Lea Fischer",
    "email": "lea.fischer@mail.example",
    "language": "de",
}
ORDER: dict[str, Any] = {
    "type": "order",
    "id": "302-1234567-7654321",
    "marketplace": "DE",
    "seller_id": "nordlicht",
    "buyer_id": "buyer-001",
    "fulfillment": "MFN",
    "status": "unshipped",
    "product_category": "home_kitchen",
    "purchased_at": "2026-03-01T09:30:00+01:00",
    "items": [
        {
            "sku": "NL-PAN-28",
            "title": "Pfanne 28 cm",
            "quantity": 1,
            "price": "49.90",
            "currency": "EUR",
        }
    ],
    "shipping_address": {
        "name": "Lea Fischer",
        "line1": "Hauptstraße 5",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    },
}


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


def batch(
    data: bytes, name: str = "data.jsonl", file_format: ImportFormat = "jsonl"
) -> ImportBatch:
    return read_records(io.BytesIO(data), source=name, file_format=file_format)


def run(engine: Engine, *batches: ImportBatch, skip_invalid: bool = False) -> ImportReport:
    return import_records(
        list(batches), uow=SqlUnitOfWork(engine), clock=lambda: NOW, skip_invalid=skip_invalid
    )


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_jsonl_import_writes_parties_orders_and_pair_aliases(engine: Engine) -> None:
    report = run(engine, batch(jsonl(ORDER, SELLER, BUYER)))  # order first: references resolve
    assert (report.sellers_created, report.buyers_created, report.orders_created) == (1, 1, 1)
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find("302-1234567-7654321")
        assert order is not None
        assert order.fulfillment == "seller"  # MFN is the seller-fulfilled channel
        assert order.purchased_at == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
        assert order.items[0].price_minor == 4990
        assert order.shipping_address["city"] == "Berlin"
        seller = uow.sellers.find("nordlicht")
        assert seller is not None
        assert seller.registered_addresses == ("anna@nordlicht.example",)
        for side in ("buyer", "seller"):
            alias = uow.aliases.for_pair("buyer-001", "nordlicht", side)
            assert alias is not None
            assert len(alias.local_part) >= 15


def test_csv_with_type_column_items_as_json_and_address_lists(engine: Engine) -> None:
    items = json.dumps(
        [{"sku": "SB-PEN", "title": "万年筆", "quantity": 2, "price": 6720, "currency": "JPY"}]
    )
    address = json.dumps(
        {
            "name": "佐藤 陽菜",
            "line1": "渋谷区神宮前1-2-5",
            "city": "東京都",
            "postal_code": "150-0001",
            "country": "JP",
        }
    )
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(
        ["type", "id", "display_name", "business_name", "customer_service_address",
         "registered_addresses", "name", "email", "language", "opted_out", "marketplace",
         "seller_id", "buyer_id", "fulfillment", "status", "product_category", "purchased_at",
         "shipped_at", "items", "shipping_address"]
    )  # fmt: skip
    writer.writerow(
        ["seller", "sakura", "Sakura Bunguten", "株式会社さくら文具店", "cs@sakura.example",
         "a@sakura.example; b@sakura.example"] + [""] * 14
    )  # fmt: skip
    writer.writerow(
        ["buyer", "b-ja-1", "", "", "", "", "佐藤 陽菜", "hina.sato@mail.example", "ja", "yes"]
        + [""] * 10
    )
    writer.writerow(
        ["order", "249-0000001-0000002"] + [""] * 8
        + ["JP", "sakura", "b-ja-1", "FBA", "shipped", "stationery", "2026-03-01T00:00:00Z",
           "2026-03-02T00:00:00Z", items, address]
    )  # fmt: skip
    report = run(engine, batch(text.getvalue().encode("utf-8-sig"), "all.csv", "csv"))
    assert (report.sellers_created, report.buyers_created, report.orders_created) == (1, 1, 1)
    with SqlUnitOfWork(engine) as uow:
        seller = uow.sellers.find("sakura")
        buyer = uow.buyers.find("b-ja-1")
        order = uow.orders.find("249-0000001-0000002")
    assert seller is not None
    assert seller.registered_addresses == ("a@sakura.example", "b@sakura.example")
    assert buyer is not None
    assert buyer.opted_out is True
    assert order is not None
    assert (order.fulfillment, order.status, order.items[0].price_minor) == (
        "marketplace",
        "shipped",
        6720,
    )


def test_one_invalid_row_writes_nothing_and_names_file_line_and_field(engine: Engine) -> None:
    bad_order = dict(ORDER, id="302-7777777-7777777", status="lost", purchased_at="yesterday")
    data = jsonl(SELLER, BUYER, ORDER, bad_order, {"type": "buyer", "id": "x", "name": "X"})
    with pytest.raises(ImportRejectedError) as caught:
        run(engine, batch(data, "orders.jsonl"))
    shown = str(caught.value)
    assert "orders.jsonl:4: status: must be one of pending, unshipped" in shown
    assert "orders.jsonl:4: purchased_at: must be an ISO 8601 time" in shown
    assert "orders.jsonl:5: email: missing" in shown
    assert "orders.jsonl:5: language: missing" in shown
    assert len(caught.value.problems) == 4
    for table in (tables.sellers, tables.buyers, tables.orders, tables.aliases):
        assert count(engine, table) == 0


def test_references_must_resolve_in_the_import_or_the_database(engine: Engine) -> None:
    run(engine, batch(jsonl(SELLER)))
    # The seller is already stored; the buyer is nowhere.
    with pytest.raises(ImportRejectedError) as caught:
        run(engine, batch(jsonl(ORDER), "o.jsonl"))
    assert [str(p) for p in caught.value.problems] == [
        "o.jsonl:1: buyer_id: no buyer 'buyer-001' in this import or in the database"
    ]
    report = run(engine, batch(jsonl(BUYER), "b.jsonl"), batch(jsonl(ORDER), "o.jsonl"))
    assert report.orders_created == 1


def test_skip_invalid_imports_the_rest_and_reports_every_skipped_row(engine: Engine) -> None:
    bad_seller = dict(SELLER, id="broken", customer_service_address="not-an-address")
    orphan = dict(ORDER, id="302-2222222-2222222", seller_id="broken")
    data = jsonl(SELLER, bad_seller, BUYER, ORDER, orphan) + b"{not json\n"
    report = run(engine, batch(data, "mixed.jsonl"), skip_invalid=True)
    assert (report.sellers_created, report.buyers_created, report.orders_created) == (1, 1, 1)
    skipped = {row.line: [str(p) for p in row.problems] for row in report.skipped}
    assert skipped == {
        2: [
            "mixed.jsonl:2: customer_service_address: must be an e-mail address;"
            " got 'not-an-address'"
        ],
        5: ["mixed.jsonl:5: seller_id: no seller 'broken' in this import or in the database"],
        6: ["mixed.jsonl:6: not valid JSON: Expecting property name enclosed in double quotes"],
    }
    assert count(engine, tables.orders) == 1


def test_reimporting_an_order_moves_its_status_and_never_duplicates_it(engine: Engine) -> None:
    run(engine, batch(jsonl(SELLER, BUYER, ORDER)))
    shipped = dict(ORDER, status="shipped", shipped_at="2026-03-02T10:00:00Z")
    delivered = dict(
        ORDER,
        status="delivered",
        shipped_at="2026-03-02T10:00:00Z",
        delivered_at="2026-03-04T15:00:00Z",
    )
    first = run(engine, batch(jsonl(shipped)))
    assert (first.orders_created, first.orders_updated) == (0, 1)
    run(engine, batch(jsonl(delivered)))
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find(ORDER["id"])
    assert order is not None
    assert order.status == "delivered"
    assert order.delivered_at == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    assert count(engine, tables.orders) == 1
    assert count(engine, tables.order_items) == 1
    assert count(engine, tables.aliases) == 2  # the pair keeps its two aliases


def test_an_order_cannot_change_hands_on_reimport(engine: Engine) -> None:
    other = dict(BUYER, id="buyer-002", email="other@mail.example")
    run(engine, batch(jsonl(SELLER, BUYER, other, ORDER)))
    with pytest.raises(
        ImportRejectedError, match=r"buyer_id: order 302-1234567-7654321 belongs to 'buyer-001'"
    ):
        run(engine, batch(jsonl(dict(ORDER, buyer_id="buyer-002"))))


def test_reimport_keeps_choices_made_on_the_platform(engine: Engine) -> None:
    run(engine, batch(jsonl(SELLER, BUYER)))
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.set_opted_out("buyer-001", True, now=NOW)
        uow.commit()
    report = run(engine, batch(jsonl(dict(BUYER, name="Lea Fischer-Braun"))))
    assert report.buyers_updated == 1
    with SqlUnitOfWork(engine) as uow:
        buyer = uow.buyers.find("buyer-001")
    assert buyer is not None
    assert (buyer.name, buyer.opted_out) == ("Lea Fischer-Braun", True)
    run(engine, batch(jsonl(dict(BUYER, opted_out=False))))
    with SqlUnitOfWork(engine) as uow:
        buyer = uow.buyers.find("buyer-001")
    assert buyer is not None
    assert buyer.opted_out is False  # named in the file: the order system says so


def test_duplicate_ids_and_emails_within_one_import_are_problems(engine: Engine) -> None:
    twin = dict(BUYER, id="buyer-009")
    with pytest.raises(ImportRejectedError) as caught:
        run(engine, batch(jsonl(SELLER, SELLER, BUYER, twin), "dup.jsonl"))
    assert [str(p) for p in caught.value.problems] == [
        "dup.jsonl:2: id: seller 'nordlicht' already appears at dup.jsonl:1",
        "dup.jsonl:4: email: lea.fischer@mail.example is already the address of buyer 'buyer-001'"
        " (dup.jsonl:3)",
    ]
    assert count(engine, tables.sellers) == 0
