"""Every inbox filter, page by page, against the same listing worked out in Python.

A small marketplace is stored directly (two sellers, one of whom also buys; three buyers;
blocked, bounced and delivered messages; running and stopped clocks, several started at the same
instant), then each filter is read through `list_inbox` in pages of 2 and 3 by its cursors. The
pages joined must be exactly the expected listing: same messages, same order, nothing repeated
or skipped where a page ends, including inside a run of clocks that started together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy.event
from sqlalchemy import Engine, inspect

from gobetween.adapters.db import case_tables as c
from gobetween.adapters.db import migrate
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.repositories import SqlMessageRepository
from gobetween.domain.messages import MessageRecord
from gobetween.services.access import Principal
from gobetween.services.inbox import list_inbox

DOMAIN = "relay.inbox.test"
START = datetime(2026, 3, 1, tzinfo=UTC)
SELLERS = ("s-a", "s-b")
# b-sb is seller s-b buying from seller s-a.
BUYERS = ("b-1", "b-2", "b-sb")
ORDER_1 = "111-0000000-0000000"  # the first thread's order, s-a's


@dataclass
class Stored:
    """What was written, to work the expected listings out from."""

    threads: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id: order, s, b
    messages: list[dict[str, Any]] = field(default_factory=list)
    running: dict[int, datetime] = field(default_factory=dict)  # message id: clock started
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)  # (seller, buyer): address


def _seed(engine: Engine) -> Stored:
    stored = Stored()
    party: dict[str, Any] = {"created_at": START, "updated_at": START}
    pairs = [(s, b) for s in SELLERS for b in BUYERS if (s, b) != ("s-b", "b-sb")]
    with engine.begin() as connection:
        connection.execute(
            t.buyers.insert(),
            [
                {"id": b, "name": b, "email": f"{b}@buyers.test", "language": "en"} | party
                for b in BUYERS
            ],
        )
        connection.execute(
            t.sellers.insert(),
            [
                {
                    "id": s,
                    "display_name": s,
                    "business_name": f"{s} Ltd",
                    "customer_service_address": f"cs@{s}.test",
                    "opt_out_bounce_notices": True,
                    "buyer_id": "b-sb" if s == "s-b" else None,
                }
                | party
                for s in SELLERS
            ],
        )
        message_id = 0
        for number, (seller, buyer) in enumerate(pairs * 2):
            thread_id = number + 1
            order = f"111-{number:07d}-{number:07d}"
            stored.threads[thread_id] = (order, seller, buyer)
            connection.execute(
                t.orders.insert(),
                {
                    "id": order,
                    "marketplace": "US",
                    "seller_id": seller,
                    "buyer_id": buyer,
                    "fulfillment": "seller",
                    "status": "shipped",
                    "product_category": "home",
                    "shipping_address": {},
                    "purchased_at": START,
                }
                | party,
            )
            connection.execute(
                t.threads.insert(),
                {
                    "id": thread_id,
                    "order_id": order,
                    "seller_id": seller,
                    "buyer_id": buyer,
                    "message_count": 0,
                    "head_hash": "0" * 64,
                    "created_at": START,
                },
            )
            for seq in range(1, 4 + number % 3):
                message_id += 1
                from_buyer = seq % 2 == 1
                # Only a seller's message is ever blocked or bounced.
                disposition = "delivered"
                if not from_buyer and message_id % 3 == 0:
                    disposition = "blocked"
                elif not from_buyer and message_id % 5 == 0:
                    disposition = "bounced"
                row = {
                    "id": message_id,
                    "thread_id": thread_id,
                    "seq": seq,
                    "direction": "buyer_to_seller" if from_buyer else "seller_to_buyer",
                    "sender_id": buyer if from_buyer else seller,
                    "channel": "web",
                    "initiation": "reply",
                    "contact_reason": "other",
                    "subject": f"About {order}",
                    "body": f"Message {message_id}",
                    "language": "en",
                    "verdict": "block" if disposition == "blocked" else "allow",
                    "critical": False,
                    "disposition": disposition,
                    "triage": "needs_response" if from_buyer else None,
                    "report": None,
                    # Not in id order everywhere: the listing orders by id, not by time.
                    "created_at": START + timedelta(minutes=message_id * 7 % 11),
                    "prev_hash": "0" * 64,
                    "hash": f"{message_id:064d}",
                }
                # Through the repository: on PostgreSQL it writes the message's inbox entry in
                # the same statement (migration 0014), so the listing reads the entries it wrote.
                record = MessageRecord(**{k: v for k, v in row.items() if k != "id"})
                assert SqlMessageRepository(connection).add(record) == message_id
                stored.messages.append(row)
                if from_buyer:
                    # Clocks in groups of three started at the same instant; every fourth stopped.
                    started = START + timedelta(hours=(message_id * 5 % 7) // 3)
                    stopped = message_id % 4 == 0
                    connection.execute(
                        c.response_clocks.insert(),
                        {
                            "message_id": message_id,
                            "thread_id": thread_id,
                            "seller_id": seller,
                            "started_at": started,
                            "stopped_at": started + timedelta(hours=1) if stopped else None,
                            "stop_reason": "answered" if stopped else None,
                            "response_us": 3_600_000_000 if stopped else None,
                        },
                    )
                    if not stopped:
                        stored.running[message_id] = started
        for number, (seller, buyer) in enumerate(pairs):
            for side in ("buyer", "seller"):
                local_part = f"{side[:5]}{number:011d}"
                connection.execute(
                    t.aliases.insert(),
                    {
                        "local_part": local_part,
                        "buyer_id": buyer,
                        "seller_id": seller,
                        "side": side,
                        "active": True,
                        "created_at": START,
                    },
                )
                if side == "seller":
                    stored.aliases[(seller, buyer)] = f"{local_part}@{DOMAIN}"
    return stored


def _expected(stored: Stored, viewer: Principal, params: dict[str, str]) -> list[int]:
    """The listing, worked out in Python from what was stored (inbox service rules)."""
    view = params.get("view") or ("requires_response" if viewer.role == "seller" else "all")
    seller = viewer.seller_id or params.get("seller_id")
    buyer = viewer.buyer_id or params.get("buyer_id")
    if "alias" in params:
        (pair_seller, pair_buyer), *_ = (
            pair for pair, address in stored.aliases.items() if address == params["alias"]
        )
        if seller not in (None, pair_seller) or buyer not in (None, pair_buyer):
            return []
        seller, buyer = pair_seller, pair_buyer
    chosen = []
    for row in stored.messages:
        order, thread_seller, thread_buyer = stored.threads[row["thread_id"]]
        if seller is not None and thread_seller != seller:
            continue
        if buyer is not None and thread_buyer != buyer:
            continue
        if params.get("order_id") not in (None, order):
            continue
        if viewer.role == "buyer" and row["disposition"] != "delivered":
            continue
        if view == "requires_response" and row["id"] not in stored.running:
            continue
        if view in ("blocked", "bounced") and row["disposition"] != view:
            continue
        if view == "sent":
            own = "buyer_to_seller" if viewer.role == "buyer" else "seller_to_buyer"
            if row["disposition"] != "delivered" or row["direction"] != own:
                continue
        chosen.append(row["id"])
    if view == "requires_response":
        return sorted(chosen, key=lambda message: (stored.running[message], message))
    return sorted(chosen, reverse=True)


def _listed(engine: Engine, viewer: Principal, params: dict[str, str], limit: int) -> list[int]:
    """Every page of the listing, each read by the previous page's cursor."""
    listed: list[int] = []
    cursor = None
    for _ in range(100):
        page = list_inbox(
            viewer=viewer,
            uow=SqlAccessUnitOfWork(engine),
            alias_domain=DOMAIN,
            cursor=cursor,
            limit=limit,
            **params,  # type: ignore[arg-type]
        )
        assert len(page.entries) <= limit
        listed += [entry.message_id for entry in page.entries]
        cursor = page.next_cursor
        if cursor is None:
            return listed
        assert len(page.entries) == limit, "a page before the last is full"
    raise AssertionError("the cursors never ended")


SELLER_A = Principal("seller", seller_id="s-a")
SELLER_B = Principal("seller", seller_id="s-b")
BUYER_1 = Principal("buyer", buyer_id="b-1")
BUYER_SB = Principal("buyer", buyer_id="b-sb")
OPERATOR = Principal("operator")

CASES: list[tuple[Principal, dict[str, str]]] = [
    *(
        (viewer, {"view": view})
        for viewer in (SELLER_A, SELLER_B, OPERATOR)
        for view in ("requires_response", "sent", "blocked", "bounced", "all")
    ),
    (SELLER_A, {}),
    *((viewer, {"view": view}) for viewer in (BUYER_1, BUYER_SB) for view in ("sent", "all")),
    *(
        (OPERATOR, {"view": view, "seller_id": "s-b"})
        for view in ("requires_response", "blocked", "all")
    ),
    *(
        (OPERATOR, {"view": view, "buyer_id": "b-sb"})
        for view in ("requires_response", "sent", "bounced", "all")
    ),
    (OPERATOR, {"view": "all", "seller_id": "s-a", "buyer_id": "b-2"}),
]
ORDER_VIEWS = ("requires_response", "sent", "blocked", "all")
ALIAS_VIEWS = ("requires_response", "blocked", "bounced", "all")


@pytest.mark.parametrize("limit", [2, 3])
def test_every_filter_pages_to_exactly_the_expected_listing(engine: Engine, limit: int) -> None:
    stored = _seed(engine)
    cases = list(CASES)
    for thread_id in (1, 5, 9):
        order, seller, buyer = stored.threads[thread_id]
        for view in ORDER_VIEWS:
            cases += [
                (Principal("seller", seller_id=seller), {"view": view, "order_id": order}),
                (OPERATOR, {"view": view, "order_id": order}),
            ]
        cases.append((Principal("buyer", buyer_id=buyer), {"view": "all", "order_id": order}))
        # Another seller's order lists nothing.
        other = SELLER_B if seller == "s-a" else SELLER_A
        cases.append((other, {"view": "all", "order_id": order}))
    for (seller, buyer), address in stored.aliases.items():
        for view in ALIAS_VIEWS:
            cases.append((Principal("seller", seller_id=seller), {"view": view, "alias": address}))
        cases.append((OPERATOR, {"view": "all", "alias": address, "seller_id": "s-b"}))
        cases.append((Principal("buyer", buyer_id=buyer), {"view": "sent", "alias": address}))
    non_empty = 0
    for viewer, params in cases:
        expected = _expected(stored, viewer, params)
        assert _listed(engine, viewer, params, limit) == expected, (viewer, params)
        non_empty += bool(expected)
    # The cases are not vacuous: most list something, many over several pages.
    assert non_empty > len(cases) * 2 // 3


def test_an_entry_carries_its_thread_and_running_clock(engine: Engine) -> None:
    stored = _seed(engine)
    for view in ("requires_response", "all"):
        page = list_inbox(
            viewer=SELLER_A, uow=SqlAccessUnitOfWork(engine), alias_domain=DOMAIN, view=view
        )
        assert page.entries
        for entry in page.entries:
            row = next(r for r in stored.messages if r["id"] == entry.message_id)
            assert (entry.order_id, entry.seller_id, entry.buyer_id) == stored.threads[
                entry.thread_id
            ]
            assert (entry.seq, entry.direction, entry.sender_id) == (
                row["seq"],
                row["direction"],
                row["sender_id"],
            )
            assert entry.disposition == row["disposition"]
            assert entry.preview == row["body"]
            assert entry.clock_started_at == stored.running.get(entry.message_id)


def test_the_inbox_indexes_of_0008_come_and_go_with_the_migration(engine: Engine) -> None:
    def names(table: str) -> set[str]:
        return {str(index["name"]) for index in inspect(engine).get_indexes(table)}

    added = {
        "messages": {"ix_messages_undelivered_sender", "ix_messages_undelivered"},
        "response_clocks": {"ix_response_clocks_open_started"},
    }
    for table, indexes in added.items():
        assert indexes <= names(table)
    migrate.downgrade(engine, "0007")
    for table, indexes in added.items():
        assert not indexes & names(table)
    migrate.upgrade(engine)
    for table, indexes in added.items():
        assert indexes <= names(table)


@pytest.mark.parametrize(
    ("viewer", "params", "index"),
    [
        (SELLER_A, {"view": "blocked"}, "ix_messages_undelivered_sender"),
        (SELLER_B, {"view": "bounced"}, "ix_messages_undelivered_sender"),
        (OPERATOR, {"view": "blocked"}, "ix_messages_undelivered"),
        (OPERATOR, {"view": "requires_response"}, "ix_response_clocks_open_started"),
        (SELLER_A, {"view": "requires_response", "order_id": ORDER_1}, "open_thread"),
        (SELLER_A, {"view": "all", "order_id": ORDER_1}, "sqlite_autoindex_messages_1"),
    ],
)
def test_on_sqlite_a_filter_reads_its_own_index(
    sqlite_engine: Engine, viewer: Principal, params: dict[str, str], index: str
) -> None:
    # SQLite takes a partial index only for a query that states the index's condition; a
    # listing that lost it would read a party's whole history and still list the same rows.
    _seed(sqlite_engine)
    statements: list[tuple[str, Any]] = []

    def capture(*event: Any) -> None:
        statements.append((event[2], event[3]))

    sqlalchemy.event.listen(sqlite_engine, "before_cursor_execute", capture)
    try:
        list_inbox(
            viewer=viewer,
            uow=SqlAccessUnitOfWork(sqlite_engine),
            alias_domain=DOMAIN,
            **params,  # type: ignore[arg-type]
        )
    finally:
        sqlalchemy.event.remove(sqlite_engine, "before_cursor_execute", capture)
    statement, parameters = next((s, p) for s, p in statements if "LIMIT" in s)
    with sqlite_engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    assert any(index in str(row[3]) for row in plan), plan
