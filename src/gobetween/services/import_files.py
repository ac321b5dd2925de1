"""Import files (JSON Lines or CSV) read into sellers, buyers and orders, every problem located.

Pure: `read_records` turns a byte stream into domain objects and a list of problems, each naming
the file, the line and the field; nothing here touches storage. A file that is not an import file
at all (not UTF-8, not CSV, a line over 1 MB, more than 1000 bad rows) raises ImportRejectedError at
once. The format is documented in docs/import.md; keep the two in step.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal, TypeVar

from gobetween.domain.errors import GobetweenError, InvalidInput
from gobetween.domain.orders import ORDER_STATUSES, Order, OrderItem, check_order_id
from gobetween.domain.parties import Buyer, Seller, check_address, check_language, check_party_id
from gobetween.policy.context import FULFILLMENT_SYNONYMS

_T = TypeVar("_T", Seller, Buyer, Order)
ImportFormat = Literal["jsonl", "csv"]
RecordKind = Literal["seller", "buyer", "order"]

FORMATS: tuple[ImportFormat, ...] = ("jsonl", "csv")
KINDS: tuple[RecordKind, ...] = ("seller", "buyer", "order")
# A line longer than this is not a record of ours: stop before it eats memory.
MAX_LINE_BYTES = 1_000_000
# Past this many invalid rows the input is not an import file but something else; stop reading.
MAX_PROBLEMS = 1000

# Column sets per record kind; "type" names the kind. Order of the tuples is the documented order.
SELLER_FIELDS = (
    "id",
    "display_name",
    "business_name",
    "customer_service_address",
    "registered_addresses",
    "authorized_addresses",
    "buyer_id",
    "opt_out_bounce_notices",
)
BUYER_FIELDS = ("id", "name", "email", "language", "opted_out")
ORDER_FIELDS = (
    "id",
    "marketplace",
    "seller_id",
    "buyer_id",
    "fulfillment",
    "status",
    "product_category",
    "purchased_at",
    "shipped_at",
    "delivered_at",
    "latest_delivery_at",
    "items",
    "shipping_address",
)
FIELDS: dict[RecordKind, tuple[str, ...]] = {
    "seller": SELLER_FIELDS,
    "buyer": BUYER_FIELDS,
    "order": ORDER_FIELDS,
}
ALL_COLUMNS = ("type", *dict.fromkeys(SELLER_FIELDS + BUYER_FIELDS + ORDER_FIELDS))

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "country")
ITEM_FIELDS = ("sku", "title", "quantity", "price", "currency")
# ISO 4217 currencies without minor units; every other currency is taken to have two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
MAX_PRICE_MINOR = 10**12

_MARKETPLACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_CATEGORY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with the input, located by file, line (1-based) and field."""

    source: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejectedError(GobetweenError):
    """The input cannot be imported; nothing was written. `problems` lists every reason found."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"import rejected, nothing written ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid record and where it came from."""

    source: str
    line: int
    kind: RecordKind
    value: Seller | Buyer | Order
    # The fields the row set: an absent optional field keeps a stored record's value on re-import.
    given: frozenset[str] = frozenset()


@dataclass(slots=True)
class ImportBatch:
    """What one file held: valid rows and the problems of the invalid ones, in file order."""

    source: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def format_of(filename: str) -> ImportFormat | None:
    """Guess the format from a file name: .jsonl/.ndjson/.json are JSON Lines, .csv is CSV."""
    lower = filename.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return None


# ---------------------------------------------------------------------------------------------
# Reading: bytes -> rows and problems. Pure: no storage, no clock.


def read_records(stream: IO[bytes], *, source: str, file_format: ImportFormat) -> ImportBatch:
    """Read and check every record of one file; ImportRejectedError when the file is unreadable."""
    batch = ImportBatch(source=source)
    lines = _text_lines(stream, source=source)
    if file_format == "jsonl":
        records = _jsonl_records(lines, batch)
    elif file_format == "csv":
        records = _csv_records(lines, batch)
    else:
        raise ImportRejectedError(
            [ImportProblem(source, None, None, f"unknown format {file_format!r}")]
        )
    for line, kind, data in records:
        row_problems: list[ImportProblem] = []
        value = _build(kind, data, report=_reporter(row_problems, source, line))
        if value is None or row_problems:
            _add_problems(batch, row_problems)
        else:
            row = ImportRow(source, line, kind, value, given=frozenset(data))
            batch.rows.append(row)
    return batch


def _text_lines(stream: IO[bytes], *, source: str) -> Iterator[str]:
    """Yield decoded lines (with their newline), refusing non-UTF-8 text and over-long lines."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise ImportRejectedError(
                [
                    ImportProblem(
                        source,
                        number,
                        None,
                        f"line is longer than {MAX_LINE_BYTES:,} bytes; not an import file",
                    )
                ]
            )
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a byte-order mark, as spreadsheet programs write
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})"
            raise ImportRejectedError([ImportProblem(source, number, None, message)]) from None


def _jsonl_records(
    lines: Iterable[str], batch: ImportBatch
) -> Iterator[tuple[int, RecordKind, dict[str, Any]]]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            _add_problems(
                batch, [ImportProblem(batch.source, number, None, f"not valid JSON: {error.msg}")]
            )
            continue
        except (ValueError, RecursionError) as error:
            # Valid JSON Python will not hold: a 5000-digit number, arrays nested 100000 deep.
            message = f"not usable JSON: {str(error).splitlines()[0][:80] or 'nested too deeply'}"
            _add_problems(batch, [ImportProblem(batch.source, number, None, message)])
            continue
        if not isinstance(data, dict):
            _add_problems(
                batch, [ImportProblem(batch.source, number, None, "must be a JSON object")]
            )
            continue
        kind = _kind(data.get("type"), batch, number)
        if kind is None:
            continue
        unknown = sorted(set(data) - {"type", *FIELDS[kind]})
        if unknown:
            problems = [
                ImportProblem(batch.source, number, name, f"is not a {kind} field")
                for name in unknown
            ]
            _add_problems(batch, problems)
            continue
        yield number, kind, {k: v for k, v in data.items() if k != "type" and v is not None}


def _csv_records(
    lines: Iterable[str], batch: ImportBatch
) -> Iterator[tuple[int, RecordKind, dict[str, Any]]]:
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        raise ImportRejectedError(
            [ImportProblem(batch.source, 1, None, f"not valid CSV: {error}")]
        ) from None
    columns = [name.strip() for name in header]
    unknown = [name for name in columns if name not in ALL_COLUMNS]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    if unknown or duplicated or "type" not in columns:
        problems = [
            ImportProblem(batch.source, 1, _printable(name), "unknown column") for name in unknown
        ]
        problems += [
            ImportProblem(batch.source, 1, name, "column appears twice") for name in duplicated
        ]
        if "type" not in columns:
            problems.append(
                ImportProblem(batch.source, 1, "type", "missing column (seller, buyer or order)")
            )
        raise ImportRejectedError(problems)
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportRejectedError(
                [ImportProblem(batch.source, start, None, f"not valid CSV: {error}")]
            ) from None
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            message = f"has {len(cells)} cells; the header has {len(columns)} columns"
            _add_problems(batch, [ImportProblem(batch.source, start, None, message)])
            continue
        data = {
            name: cell.strip() for name, cell in zip(columns, cells, strict=True) if cell.strip()
        }
        kind = _kind(data.pop("type", None), batch, start)
        if kind is None:
            continue
        foreign = sorted(set(data) - set(FIELDS[kind]))
        if foreign:
            problems = [
                ImportProblem(batch.source, start, name, f"must be empty for a {kind}")
                for name in foreign
            ]
            _add_problems(batch, problems)
            continue
        yield start, kind, {name: _CsvCell(value) for name, value in data.items()}


@dataclass(frozen=True, slots=True)
class _CsvCell:
    """A CSV cell: text that a field parser reads as a list, a boolean or JSON where it must."""

    text: str


def _printable(name: str) -> str:
    """A column name as given, or quoted when it holds control characters (a binary file)."""
    shown = name if name.isprintable() else repr(name)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _kind(value: object, batch: ImportBatch, line: int) -> RecordKind | None:
    for kind in KINDS:
        if value == kind:
            return kind
    message = "missing" if value is None else f"must be seller, buyer or order; got {value!r}"
    _add_problems(batch, [ImportProblem(batch.source, line, "type", message)])
    return None


def _add_problems(batch: ImportBatch, problems: Sequence[ImportProblem]) -> None:
    batch.problems.extend(problems)
    if len(batch.problems) > MAX_PROBLEMS:
        last = batch.problems[-1].line
        stop = ImportProblem(
            batch.source,
            last,
            None,
            f"more than {MAX_PROBLEMS} problems; stopped reading: is this an import file?",
        )
        raise ImportRejectedError([*batch.problems[:MAX_PROBLEMS], stop])


Report = Callable[[str, str], None]


def _reporter(problems: list[ImportProblem], source: str, line: int) -> Report:
    def report(name: str, message: str) -> None:
        problems.append(ImportProblem(source, line, name, message))

    return report


class _Fields:
    """Reads the fields of one record, reporting each problem and going on: a row lists them all."""

    def __init__(self, data: Mapping[str, Any], report: Report) -> None:
        self.data = data
        self.report = report

    def _raw(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            self.report(name, "missing")
        return value

    def text(self, name: str, *, required: bool = True, max_length: int = 200) -> str | None:
        raw = self._raw(name, required)
        if raw is None:
            return None
        return _text(raw.text if isinstance(raw, _CsvCell) else raw, name, self.report, max_length)

    def checked(
        self, name: str, check: Callable[[object], str], *, required: bool = True
    ) -> str | None:
        raw = self._raw(name, required)
        if raw is None:
            return None
        try:
            return check(raw.text if isinstance(raw, _CsvCell) else raw)
        except InvalidInput as error:
            self.report(name, error.problem)
            return None

    def flag(self, name: str, default: bool) -> bool:
        raw = self._raw(name, False)
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, _CsvCell):
            lowered = raw.text.lower()
            if lowered in ("true", "yes", "1"):
                return True
            if lowered in ("false", "no", "0"):
                return False
        self.report(name, f"must be true or false; got {_shown(raw)}")
        return default

    def addresses(self, name: str, *, required: bool) -> tuple[str, ...]:
        raw = self._raw(name, required)
        if raw is None:
            return ()
        # CSV: one cell, addresses separated by ";" (which an address never contains).
        items: object = (
            [part.strip() for part in raw.text.split(";") if part.strip()]
            if isinstance(raw, _CsvCell)
            else raw
        )
        if not isinstance(items, list) or not items:
            self.report(name, f"must be a non-empty list of e-mail addresses; got {_shown(raw)}")
            return ()
        found: list[str] = []
        for index, item in enumerate(items):
            try:
                found.append(check_address(item, field_name=f"{name}[{index}]"))
            except InvalidInput as error:
                self.report(error.field, error.problem)
        return tuple(dict.fromkeys(found))

    def moment(self, name: str, *, required: bool) -> datetime | None:
        raw = self._raw(name, required)
        if raw is None:
            return None
        text = raw.text if isinstance(raw, _CsvCell) else raw
        example = "2026-03-01T14:30:00Z"
        if not isinstance(text, str):
            self.report(name, f"must be an ISO 8601 time such as {example}; got {_shown(raw)}")
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.report(name, f"must be an ISO 8601 time such as {example}; got {text!r}")
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.report(name, f"must include a UTC offset or Z, such as {example}; got {text!r}")
            return None
        return value.astimezone(UTC)

    def structure(self, name: str, *, required: bool) -> Any:
        """A JSON value: native in JSON Lines, JSON text inside the cell in CSV."""
        raw = self._raw(name, required)
        if isinstance(raw, _CsvCell):
            try:
                return json.loads(raw.text)
            except json.JSONDecodeError as error:
                self.report(name, f"must be JSON in this cell: {error.msg}")
                return None
            except (ValueError, RecursionError):
                self.report(name, "must be JSON in this cell that nests and counts sensibly")
                return None
        return raw


def _text(raw: object, name: str, report: Report, max_length: int) -> str | None:
    if not isinstance(raw, str):
        report(name, f"must be text; got {_shown(raw)}")
        return None
    value = raw.strip()
    if not value:
        report(name, "must not be empty")
        return None
    if len(value) > max_length:
        report(name, f"must be at most {max_length} characters; got {len(value)}")
        return None
    if _CONTROL.search(value):
        report(name, "must not contain control characters (tabs, newlines, NUL)")
        return None
    return value


def _shown(raw: object) -> str:
    value = raw.text if isinstance(raw, _CsvCell) else raw
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _build(
    kind: RecordKind, data: Mapping[str, Any], *, report: Report
) -> Seller | Buyer | Order | None:
    reader = _Fields(data, report)
    if kind == "seller":
        return _seller(reader)
    if kind == "buyer":
        return _buyer(reader)
    return _order(reader, report)


def _party_id(name: str) -> Callable[[object], str]:
    return lambda value: check_party_id(value, field_name=name)


def _seller(fields: _Fields) -> Seller | None:
    seller_id = fields.checked("id", _party_id("id"))
    display_name = fields.text("display_name")
    business_name = fields.text("business_name")
    service = fields.checked(
        "customer_service_address",
        lambda v: check_address(v, field_name="customer_service_address"),
    )
    registered = fields.addresses("registered_addresses", required=True)
    authorized = fields.addresses("authorized_addresses", required=False)
    buyer_id = fields.checked("buyer_id", _party_id("buyer_id"), required=False)
    bounces = fields.flag("opt_out_bounce_notices", True)
    if (
        seller_id is None
        or display_name is None
        or business_name is None
        or service is None
        or not registered
    ):
        return None
    return Seller(
        id=seller_id,
        display_name=display_name,
        business_name=business_name,
        customer_service_address=service,
        registered_addresses=registered,
        authorized_addresses=tuple(a for a in authorized if a not in registered),
        opt_out_bounce_notices=bounces,
        buyer_id=buyer_id,
    )


def _buyer(fields: _Fields) -> Buyer | None:
    buyer_id = fields.checked("id", _party_id("id"))
    name = fields.text("name")
    email = fields.checked("email", lambda v: check_address(v, field_name="email"))
    language = fields.checked("language", check_language)
    opted_out = fields.flag("opted_out", False)
    if buyer_id is None or name is None or email is None or language is None:
        return None
    return Buyer(id=buyer_id, name=name, email=email, language=language, opted_out=opted_out)


def _pattern(regex: re.Pattern[str], shape: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise InvalidInput("", f"must be {shape}; got {value!r}")
        return value

    return check


def _fulfillment(value: object) -> str:
    if not isinstance(value, str) or value.lower() not in FULFILLMENT_SYNONYMS:
        raise InvalidInput(
            "fulfillment", f"must be marketplace or seller (or FBA, AFN, MFN); got {value!r}"
        )
    return FULFILLMENT_SYNONYMS[value.lower()]


def _status(value: object) -> str:
    if value not in ORDER_STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(ORDER_STATUSES)}; got {value!r}")
    return str(value)


def _order(fields: _Fields, report: Report) -> Order | None:
    order_id = fields.checked("id", lambda v: check_order_id(v, field_name="id"))
    marketplace = fields.checked(
        "marketplace", _pattern(_MARKETPLACE, "a marketplace id such as US or amazon.de")
    )
    seller_id = fields.checked("seller_id", _party_id("seller_id"))
    buyer_id = fields.checked("buyer_id", _party_id("buyer_id"))
    fulfillment = fields.checked("fulfillment", _fulfillment)
    status = fields.checked("status", _status)
    category = fields.checked(
        "product_category", _pattern(_CATEGORY, "a lower-case category id such as home_kitchen")
    )
    purchased_at = fields.moment("purchased_at", required=True)
    shipped_at = fields.moment("shipped_at", required=False)
    delivered_at = fields.moment("delivered_at", required=False)
    latest_delivery_at = fields.moment("latest_delivery_at", required=False)
    items = _items(fields.structure("items", required=True), report)
    address = _shipping_address(fields.structure("shipping_address", required=True), report)
    consistent = _check_dates(status, purchased_at, shipped_at, delivered_at, report)
    if (
        order_id is None
        or marketplace is None
        or seller_id is None
        or buyer_id is None
        or fulfillment is None
        or status is None
        or category is None
        or purchased_at is None
        or items is None
        or address is None
        or not consistent
    ):
        return None
    return Order(
        id=order_id,
        marketplace=marketplace,
        seller_id=seller_id,
        buyer_id=buyer_id,
        fulfillment=fulfillment,
        status=status,
        product_category=category,
        purchased_at=purchased_at,
        items=items,
        shipping_address=address,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        latest_delivery_at=latest_delivery_at,
    )


def _check_dates(
    status: str | None,
    purchased_at: datetime | None,
    shipped_at: datetime | None,
    delivered_at: datetime | None,
    report: Report,
) -> bool:
    ok = True
    if status == "shipped" and shipped_at is None:
        report("shipped_at", "missing (required when status is shipped)")
        ok = False
    if status == "delivered" and delivered_at is None:
        report("delivered_at", "missing (required when status is delivered)")
        ok = False
    if purchased_at and shipped_at and shipped_at < purchased_at:
        report("shipped_at", "is before purchased_at")
        ok = False
    if delivered_at and shipped_at and delivered_at < shipped_at:
        report("delivered_at", "is before shipped_at")
        ok = False
    elif delivered_at and purchased_at and delivered_at < purchased_at:
        report("delivered_at", "is before purchased_at")
        ok = False
    return ok


def _items(raw: Any, report: Report) -> tuple[OrderItem, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        report("items", f"must be a non-empty list of items; got {_shown(raw)}")
        return None
    items: list[OrderItem] = []
    for index, entry in enumerate(raw):
        where = f"items[{index}]"
        if not isinstance(entry, dict):
            report(where, "must be an object with sku, title, quantity, price, currency")
            continue
        item = _item(entry, where, report)
        if item is not None:
            items.append(item)
    return tuple(items) if len(items) == len(raw) else None


def _item(entry: Mapping[str, Any], where: str, report: Report) -> OrderItem | None:
    for name in sorted(set(entry) - set(ITEM_FIELDS)):
        report(f"{where}.{name}", "is not an item field")
    for name in ITEM_FIELDS:
        if entry.get(name) is None:
            report(f"{where}.{name}", "missing")
    sku = (
        _text(entry.get("sku"), f"{where}.sku", report, 64)
        if entry.get("sku") is not None
        else None
    )
    title = (
        _text(entry.get("title"), f"{where}.title", report, 500)
        if entry.get("title") is not None
        else None
    )
    quantity = entry.get("quantity")
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 10_000
    ):
        report(f"{where}.quantity", f"must be a whole number from 1 to 10000; got {quantity!r}")
        quantity = None
    currency = entry.get("currency")
    if currency is not None and (
        not isinstance(currency, str) or not _CURRENCY.fullmatch(currency)
    ):
        report(f"{where}.currency", f"must be an ISO 4217 code such as EUR; got {currency!r}")
        currency = None
    price_minor = _price_minor(entry.get("price"), currency, f"{where}.price", report)
    if sku is None or title is None or quantity is None or currency is None or price_minor is None:
        return None
    return OrderItem(
        sku=sku, title=title, quantity=quantity, price_minor=price_minor, currency=currency
    )


def _price_minor(raw: object, currency: str | None, name: str, report: Report) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        report(name, f'must be a decimal amount such as "19.99"; got {raw!r}')
        return None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        report(name, f'must be a decimal amount such as "19.99"; got {raw!r}')
        return None
    if not amount.is_finite() or amount < 0:
        report(name, f"must be a decimal amount of 0 or more; got {raw!r}")
        return None
    if currency is None:
        return None
    decimals = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    minor = amount.scaleb(decimals)
    if minor != minor.to_integral_value():
        report(name, f"{currency} has {decimals} decimal places; got {raw!r}")
        return None
    if minor > MAX_PRICE_MINOR:
        report(name, f"is implausibly large: {raw!r}")
        return None
    return int(minor)


def _shipping_address(raw: Any, report: Report) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        report(
            "shipping_address",
            f"must be an object with {', '.join(REQUIRED_ADDRESS_FIELDS)}; got {_shown(raw)}",
        )
        return None
    ok = True
    for name in sorted(set(raw) - set(ADDRESS_FIELDS)):
        report(
            f"shipping_address.{name}",
            f"is not an address field (known: {', '.join(ADDRESS_FIELDS)})",
        )
        ok = False
    address: dict[str, str] = {}
    for name in ADDRESS_FIELDS:
        value = raw.get(name)
        if value is None:
            if name in REQUIRED_ADDRESS_FIELDS:
                report(f"shipping_address.{name}", "missing")
                ok = False
            continue
        text = _text(value, f"shipping_address.{name}", report, 200)
        if text is None:
            ok = False
            continue
        address[name] = text
    country = address.get("country")
    if country is not None and not _COUNTRY.fullmatch(country):
        report(
            "shipping_address.country",
            f"must be a two-letter country code such as DE; got {country!r}",
        )
        ok = False
    return address if ok else None
