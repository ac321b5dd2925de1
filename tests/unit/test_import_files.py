"""Reading import files: every problem located by file, line and field; garbage refused at once."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest

from gobetween.domain.orders import Order
from gobetween.domain.parties import Seller
from gobetween.services.import_files import (
    MAX_LINE_BYTES,
    MAX_PROBLEMS,
    ImportBatch,
    ImportFormat,
    ImportRejectedError,
    format_of,
    read_records,
)

ORDER: dict[str, Any] = {
    "type": "order",
    "id": "111-0000000-0000001",
    "marketplace": "US",
    "seller_id": "s1",
    "buyer_id": "b1",
    "fulfillment": "seller",
    "status": "pending",
    "product_category": "electronics",
    "purchased_at": "2026-01-05T10:00:00Z",
    "items": [{"sku": "A", "title": "Cable", "quantity": 1, "price": "9.99", "currency": "USD"}],
    "shipping_address": {
        "name": "Mary Davis",
        "line1": "1 Elm Drive",
        "city": "Columbus",
        "country": "US",
    },
}


def read(data: bytes, file_format: ImportFormat = "jsonl", name: str = "in.jsonl") -> ImportBatch:
    return read_records(io.BytesIO(data), source=name, file_format=file_format)


def problems_of(record: dict[str, Any]) -> list[str]:
    return [str(p) for p in read(json.dumps(record).encode() + b"\n").problems]


class EndlessGarbage(io.RawIOBase):
    """A stream of random bytes that never ends (think: a 100 MB file of the wrong kind)."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = os.urandom(len(buffer)).replace(b"\n", b"x")
        buffer[: len(chunk)] = chunk
        self.served += len(chunk)
        return len(chunk)


def test_format_is_told_by_the_file_name() -> None:
    assert format_of("orders.JSONL") == "jsonl"
    assert format_of("x.ndjson") == "jsonl"
    assert format_of("sellers.csv") == "csv"
    assert format_of("orders.xlsx") is None


def test_a_valid_order_becomes_a_domain_order_in_utc_and_minor_units() -> None:
    shifted = dict(ORDER, purchased_at="2026-01-05T19:00:00+09:00", fulfillment="AFN")
    batch = read(json.dumps(shifted).encode())
    assert batch.problems == []
    order = batch.rows[0].value
    assert isinstance(order, Order)
    assert order.purchased_at.isoformat() == "2026-01-05T10:00:00+00:00"
    assert order.fulfillment == "marketplace"
    assert order.items[0].price_minor == 999


def test_every_problem_of_a_row_is_reported_with_its_field() -> None:
    record = dict(
        ORDER,
        id="12345",
        fulfillment="drone",
        purchased_at="2026-01-05 10:00",
        items=[
            {"sku": "A", "title": "", "quantity": 0, "price": "1.999", "currency": "usd", "x": 1}
        ],
        shipping_address={"name": "M", "city": "C", "country": "USA", "floor": "2"},
    )
    found = problems_of(record)
    assert found == [
        "in.jsonl:1: id: must look like 114-3941689-8772232; got '12345'",
        "in.jsonl:1: fulfillment: must be marketplace or seller (or FBA, AFN, MFN); got 'drone'",
        "in.jsonl:1: purchased_at: must include a UTC offset or Z, such as 2026-03-01T14:30:00Z;"
        " got '2026-01-05 10:00'",
        "in.jsonl:1: items[0].x: is not an item field",
        "in.jsonl:1: items[0].title: must not be empty",
        "in.jsonl:1: items[0].quantity: must be a whole number from 1 to 10000; got 0",
        "in.jsonl:1: items[0].currency: must be an ISO 4217 code such as EUR; got 'usd'",
        "in.jsonl:1: shipping_address.floor: is not an address field (known: name, line1, line2,"
        " city, region, postal_code, country, phone)",
        "in.jsonl:1: shipping_address.line1: missing",
        "in.jsonl:1: shipping_address.country: must be a two-letter country code such as DE;"
        " got 'USA'",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"status": "shipped"}, "shipped_at: missing (required when status is shipped)"),
        ({"status": "delivered"}, "delivered_at: missing (required when status is delivered)"),
        ({"shipped_at": "2026-01-01T00:00:00Z"}, "shipped_at: is before purchased_at"),
        ({"items": []}, "items: must be a non-empty list of items; got []"),
        ({"product_category": "Home & Garden"}, "product_category: must be a lower-case category"),
        ({"seller_id": "bad id!"}, "seller_id: must be 1-64 letters, digits"),
        ({"colour": "red"}, "colour: is not a order field"),
        ({"type": "customer"}, "type: must be seller, buyer or order; got 'customer'"),
    ],
)
def test_order_rules(change: dict[str, Any], expected: str) -> None:
    found = problems_of(dict(ORDER, **change))
    assert any(expected in problem for problem in found), found


def test_prices_follow_the_currency() -> None:
    yen = [{"sku": "A", "title": "Pen", "quantity": 1, "price": 1200, "currency": "JPY"}]
    order = read(json.dumps(dict(ORDER, items=yen)).encode()).rows[0].value
    assert isinstance(order, Order)
    assert order.items[0].price_minor == 1200
    cents = [{"sku": "A", "title": "Pen", "quantity": 1, "price": "12.5", "currency": "JPY"}]
    assert problems_of(dict(ORDER, items=cents)) == [
        "in.jsonl:1: items[0].price: JPY has 0 decimal places; got '12.5'"
    ]
    for bad in ("NaN", "-1", "abc", True):
        money = [{"sku": "A", "title": "Pen", "quantity": 1, "price": bad, "currency": "EUR"}]
        assert problems_of(dict(ORDER, items=money)), bad


def test_text_fields_refuse_control_characters_and_overlong_values() -> None:
    buyer = {
        "type": "buyer",
        "id": "b1",
        "name": "Eve\x00",
        "email": "e@x.example",
        "language": "en",
    }
    assert problems_of(buyer) == [
        "in.jsonl:1: name: must not contain control characters (tabs, newlines, NUL)"
    ]
    long_name = dict(buyer, name="x" * 201)
    assert problems_of(long_name) == ["in.jsonl:1: name: must be at most 200 characters; got 201"]
    assert problems_of(dict(buyer, name="Eve", language="pt")) == [
        "in.jsonl:1: language: must be one of en, de, fr, es, it, ja; got 'pt'"
    ]


def test_not_utf8_is_refused_with_the_line() -> None:
    data = json.dumps(ORDER).encode() + b"\n" + b'{"type": "buyer", "name": "\xff\xfe"}\n'
    with pytest.raises(ImportRejectedError) as caught:
        read(data)
    assert str(caught.value.problems[0]) == "in.jsonl:2: not UTF-8 text (byte 0xff at column 28)"


def test_endless_garbage_stops_at_the_first_overlong_line() -> None:
    garbage = EndlessGarbage()
    with pytest.raises(
        ImportRejectedError, match=r"in.jsonl:1: line is longer than 1,000,000 bytes"
    ):
        read_records(io.BufferedReader(garbage), source="in.jsonl", file_format="jsonl")
    # It stopped after about one line's worth, not after reading everything.
    assert garbage.served < 4 * MAX_LINE_BYTES


def test_many_bad_lines_stop_reading_with_a_clear_error() -> None:
    data = b"this is not json\n" * (MAX_PROBLEMS + 500)
    with pytest.raises(ImportRejectedError) as caught:
        read(data)
    last = str(caught.value.problems[-1])
    assert last == (
        f"in.jsonl:{MAX_PROBLEMS + 1}: more than {MAX_PROBLEMS} problems; stopped reading:"
        " is this an import file?"
    )


def test_jsonl_lines_must_be_objects_and_blank_lines_are_skipped() -> None:
    batch = read(b"\n[1, 2]\n\n42\n")
    assert [str(p) for p in batch.problems] == [
        "in.jsonl:2: must be a JSON object",
        "in.jsonl:4: must be a JSON object",
    ]


def test_csv_header_must_name_known_columns_including_type() -> None:
    with pytest.raises(ImportRejectedError) as caught:
        read(b"id,colour,id\n1,red,1\n", "csv", "x.csv")
    assert [str(p) for p in caught.value.problems] == [
        "x.csv:1: colour: unknown column",
        "x.csv:1: id: column appears twice",
        "x.csv:1: type: missing column (seller, buyer or order)",
    ]


def test_csv_rows_are_located_by_their_first_physical_line() -> None:
    data = (
        b"type,id,name,email,language,display_name\n"
        b'buyer,b1,"Mary\nDavis",m@x.example,en,\n'  # a quoted line break inside a cell
        b"buyer,b2,Ann,a@x.example,en,Shop\n"
        b"buyer,b3,Ann\n"
        b"\n"
        b"buyer,b4,Bo,b@x.example,en,\n"
    )
    batch = read(data, "csv", "b.csv")
    assert [str(p) for p in batch.problems] == [
        "b.csv:2: name: must not contain control characters (tabs, newlines, NUL)",
        "b.csv:4: display_name: must be empty for a buyer",
        "b.csv:5: has 3 cells; the header has 6 columns",
    ]
    assert [(row.line, row.value.id) for row in batch.rows] == [(7, "b4")]


def test_csv_booleans_lists_and_json_cells() -> None:
    data = (
        b"type,id,display_name,business_name,customer_service_address,registered_addresses,"
        b"opt_out_bounce_notices\n"
        b"seller,s1,Shop,Shop Ltd,cs@shop.example,a@shop.example;b@shop.example,no\n"
        b"seller,s2,Shop,Shop Ltd,cs@shop.example,a@shop.example,maybe\n"
    )
    batch = read(data, "csv", "s.csv")
    assert [str(p) for p in batch.problems] == [
        "s.csv:3: opt_out_bounce_notices: must be true or false; got 'maybe'"
    ]
    seller = batch.rows[0].value
    assert isinstance(seller, Seller)
    assert seller.registered_addresses == ("a@shop.example", "b@shop.example")
    assert seller.opt_out_bounce_notices is False
    bad_json = b"type,id,items\norder,111-0000000-0000001,[{oops\n"
    found = [str(p) for p in read(bad_json, "csv", "o.csv").problems]
    assert (
        "o.csv:2: items: must be JSON in this cell: Expecting property name enclosed in double"
        " quotes"
    ) in found


def test_an_empty_file_has_nothing_and_no_problems() -> None:
    assert read(b"", "csv", "e.csv") == ImportBatch(source="e.csv")
    assert read(b"\xef\xbb\xbf", "jsonl") == ImportBatch(source="in.jsonl")


def test_binary_csv_header_is_shown_quoted() -> None:
    with pytest.raises(ImportRejectedError) as caught:
        read(bytes(range(10)) + b"\n", "csv", "bin.csv")
    assert str(caught.value.problems[0]) == (
        "bin.csv:1: '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08': unknown column"
    )


def test_json_python_cannot_hold_is_a_located_problem() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000 + b"\n"
    huge_number = b'{"type": "buyer", "id": ' + b"9" * 5000 + b"}\n"
    batch = read(deep + huge_number)
    assert [p.line for p in batch.problems] == [1, 2]
    assert all(str(p).startswith(f"in.jsonl:{p.line}: not usable JSON: ") for p in batch.problems)
    cell = b"type,id,items\norder,111-0000000-0000001," + b"[" * 50_000 + b"\n"
    found = [str(p) for p in read(cell, "csv", "o.csv").problems]
    assert "o.csv:2: items: must be JSON in this cell that nests and counts sensibly" in found
