"""Import sellers, buyers and orders (`gobetween import`): every row checked, then one transaction.

`import_files.read_records` turns each file into domain objects and located problems without
touching storage. `import_records` resolves references (an order may name a seller or buyer
defined anywhere in the same import or already stored) and writes everything in one unit of work,
giving every new (buyer, seller) pair its aliases. Any invalid row rejects the whole import unless
the caller asks to skip invalid rows, in which case every skipped row is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.aliases import ensure_pair_aliases
from gobetween.services.import_files import (
    ImportBatch,
    ImportProblem,
    ImportRejectedError,
    ImportRow,
)
from gobetween.services.ports import Clock, UnitOfWork

_T = TypeVar("_T", Seller, Buyer, Order)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row left out under --skip-invalid, with every problem it had."""

    source: str
    line: int | None
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed."""

    sellers_created: int = 0
    sellers_updated: int = 0
    buyers_created: int = 0
    buyers_updated: int = 0
    orders_created: int = 0
    orders_updated: int = 0
    skipped: tuple[SkippedRow, ...] = ()


def import_records(
    batches: Sequence[ImportBatch],
    *,
    uow: UnitOfWork,
    clock: Clock,
    skip_invalid: bool = False,
) -> ImportReport:
    """Write the valid rows of `batches` in one transaction, or nothing when any row is invalid.

    Rows are written buyers first, then sellers, then orders, so a reference resolves whatever the
    order in the files. Re-importing a record updates it; an order never moves to another seller
    or buyer. With `skip_invalid`, invalid rows (and rows that depend on them) are left out and
    returned in the report; without it, ImportRejectedError lists every problem and nothing is
    written.
    """
    problems: list[ImportProblem] = [p for batch in batches for p in batch.problems]
    rows = [row for batch in batches for row in batch.rows]
    rows, duplicates = _without_duplicates(rows)
    problems += duplicates
    now = clock()
    with uow:
        buyers = [r for r in rows if r.kind == "buyer"]
        sellers = [r for r in rows if r.kind == "seller"]
        orders = [r for r in rows if r.kind == "order"]
        buyers, found = _resolve_buyers(buyers, uow)
        problems += found
        buyer_ids = {_value(r, Buyer).id for r in buyers}
        sellers, found = _resolve_sellers(sellers, buyer_ids, uow)
        problems += found
        seller_ids = {_value(r, Seller).id for r in sellers}
        orders, found = _resolve_orders(orders, seller_ids, buyer_ids, uow)
        problems += found
        if problems and not skip_invalid:
            raise ImportRejectedError(_in_file_order(problems))
        written: Counter[tuple[str, bool]] = Counter()  # (kind, created) -> rows
        for row in buyers:
            buyer = _value(row, Buyer)
            stored_buyer = uow.buyers.find(buyer.id)
            written["buyer", stored_buyer is None] += 1
            if stored_buyer is not None and "opted_out" not in row.given:
                # The opt-out is the buyer's own choice, made here; an import does not undo it.
                buyer = replace(buyer, opted_out=stored_buyer.opted_out)
            uow.buyers.upsert(buyer, now=now)
        for row in sellers:
            seller = _value(row, Seller)
            stored_seller = uow.sellers.find(seller.id)
            written["seller", stored_seller is None] += 1
            if stored_seller is not None:
                seller = _keep_seller_choices(seller, stored_seller, row.given)
            uow.sellers.upsert(seller, now=now)
        new_pairs: dict[tuple[str, str], None] = {}
        for row in orders:
            order = _value(row, Order)
            created = uow.orders.upsert(order, now=now)
            written["order", created] += 1
            if created:
                # A stored order's pair got its aliases when the order first arrived.
                new_pairs.setdefault((order.buyer_id, order.seller_id), None)
        for buyer_id, seller_id in new_pairs:
            ensure_pair_aliases(uow=uow, buyer_id=buyer_id, seller_id=seller_id, now=now)
        uow.commit()
    return ImportReport(
        buyers_created=written["buyer", True],
        buyers_updated=written["buyer", False],
        sellers_created=written["seller", True],
        sellers_updated=written["seller", False],
        orders_created=written["order", True],
        orders_updated=written["order", False],
        skipped=_skipped_rows(problems),
    )


def _value(row: ImportRow, kind: type[_T]) -> _T:
    if not isinstance(row.value, kind):  # pragma: no cover - rows are grouped by kind above
        raise TypeError(f"{row.source}:{row.line} is not a {kind.__name__}")
    return row.value


def _keep_seller_choices(seller: Seller, stored: Seller, given: frozenset[str]) -> Seller:
    """Settings the seller makes on the platform survive a re-import that does not name them."""
    if "opt_out_bounce_notices" not in given:
        seller = replace(seller, opt_out_bounce_notices=stored.opt_out_bounce_notices)
    if "authorized_addresses" not in given:
        kept = tuple(a for a in stored.authorized_addresses if a not in seller.registered_addresses)
        seller = replace(seller, authorized_addresses=kept)
    return seller


def _without_duplicates(rows: list[ImportRow]) -> tuple[list[ImportRow], list[ImportProblem]]:
    first: dict[tuple[str, str], ImportRow] = {}
    problems: list[ImportProblem] = []
    kept: list[ImportRow] = []
    for row in rows:
        key = (row.kind, row.value.id)
        earlier = first.get(key)
        if earlier is not None:
            message = (
                f"{row.kind} {row.value.id!r} already appears at {earlier.source}:{earlier.line}"
            )
            problems.append(ImportProblem(row.source, row.line, "id", message))
            continue
        first[key] = row
        kept.append(row)
    return kept, problems


def _resolve_buyers(
    rows: list[ImportRow], uow: UnitOfWork
) -> tuple[list[ImportRow], list[ImportProblem]]:
    kept: list[ImportRow] = []
    problems: list[ImportProblem] = []
    emails: dict[str, ImportRow] = {}
    for row in rows:
        buyer = _value(row, Buyer)
        earlier = emails.get(buyer.email)
        if earlier is not None:
            message = (
                f"{buyer.email} is already the address of buyer {earlier.value.id!r}"
                f" ({earlier.source}:{earlier.line})"
            )
            problems.append(ImportProblem(row.source, row.line, "email", message))
            continue
        owner = uow.buyers.find_by_email(buyer.email)
        if owner is not None and owner.id != buyer.id:
            problems.append(
                ImportProblem(
                    row.source,
                    row.line,
                    "email",
                    f"{buyer.email} already belongs to buyer {owner.id!r}",
                )
            )
            continue
        emails[buyer.email] = row
        kept.append(row)
    return kept, problems


def _resolve_sellers(
    rows: list[ImportRow], buyer_ids: set[str], uow: UnitOfWork
) -> tuple[list[ImportRow], list[ImportProblem]]:
    kept: list[ImportRow] = []
    problems: list[ImportProblem] = []
    linked: dict[str, ImportRow] = {}
    for row in rows:
        seller = _value(row, Seller)
        if seller.buyer_id is not None:
            if seller.buyer_id not in buyer_ids and uow.buyers.find(seller.buyer_id) is None:
                message = f"no buyer {seller.buyer_id!r} in this import or in the database"
                problems.append(ImportProblem(row.source, row.line, "buyer_id", message))
                continue
            earlier = linked.get(seller.buyer_id)
            if earlier is not None:
                message = (
                    f"buyer {seller.buyer_id!r} is already linked to seller {earlier.value.id!r}"
                )
                problems.append(ImportProblem(row.source, row.line, "buyer_id", message))
                continue
            owner = uow.sellers.find_by_buyer_id(seller.buyer_id)
            if owner is not None and owner.id != seller.id:
                message = f"buyer {seller.buyer_id!r} is already linked to seller {owner.id!r}"
                problems.append(ImportProblem(row.source, row.line, "buyer_id", message))
                continue
            linked[seller.buyer_id] = row
        kept.append(row)
    return kept, problems


def _resolve_orders(
    rows: list[ImportRow], seller_ids: set[str], buyer_ids: set[str], uow: UnitOfWork
) -> tuple[list[ImportRow], list[ImportProblem]]:
    kept: list[ImportRow] = []
    problems: list[ImportProblem] = []
    known_sellers: dict[str, bool] = dict.fromkeys(seller_ids, True)
    known_buyers: dict[str, bool] = dict.fromkeys(buyer_ids, True)
    for row in rows:
        order = _value(row, Order)
        found: list[ImportProblem] = []
        if order.seller_id not in known_sellers:
            known_sellers[order.seller_id] = uow.sellers.find(order.seller_id) is not None
        if not known_sellers[order.seller_id]:
            message = f"no seller {order.seller_id!r} in this import or in the database"
            found.append(ImportProblem(row.source, row.line, "seller_id", message))
        if order.buyer_id not in known_buyers:
            known_buyers[order.buyer_id] = uow.buyers.find(order.buyer_id) is not None
        if not known_buyers[order.buyer_id]:
            message = f"no buyer {order.buyer_id!r} in this import or in the database"
            found.append(ImportProblem(row.source, row.line, "buyer_id", message))
        stored = uow.orders.find(order.id)
        if stored is not None:
            for name in ("seller_id", "buyer_id"):
                if getattr(stored, name) != getattr(order, name):
                    was, now = getattr(stored, name), getattr(order, name)
                    message = f"order {order.id} belongs to {was!r}; it cannot move to {now!r}"
                    found.append(ImportProblem(row.source, row.line, name, message))
        if found:
            problems += found
        else:
            kept.append(row)
    return kept, problems


def _in_file_order(problems: list[ImportProblem]) -> list[ImportProblem]:
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.source, len(order))
    return sorted(problems, key=lambda p: (order[p.source], p.line or 0))


def _skipped_rows(problems: list[ImportProblem]) -> tuple[SkippedRow, ...]:
    rows: dict[tuple[str, int | None], list[ImportProblem]] = {}
    for problem in _in_file_order(problems):
        rows.setdefault((problem.source, problem.line), []).append(problem)
    return tuple(SkippedRow(source=s, line=n, problems=tuple(p)) for (s, n), p in rows.items())
