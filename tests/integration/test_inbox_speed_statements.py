"""An inbox listing's statement is built once per filter shape and reused with other values.

Building the select anew cost ~0.45 ms of CPU per listing (a quarter of the listing's work in the
API); the values are bound parameters, so sellers, buyers, orders and cursors share a statement.
That listings with reused statements list the right rows is tests/integration/
test_inbox_listing.py's (every filter, paged by cursor, on both databases).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from gobetween.adapters.db import inbox_queries
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.services.access import Principal
from gobetween.services.inbox import encode_cursor, list_inbox

DOMAIN = "relay.inbox.test"


def test_one_statement_per_shape(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    build = inbox_queries._statement

    def counting(shape: Any) -> Any:
        built.append(shape)
        return build(shape)

    monkeypatch.setattr(inbox_queries, "_STATEMENTS", {})
    monkeypatch.setattr(inbox_queries, "_statement", counting)

    def listing(viewer: Principal, **params: Any) -> None:
        list_inbox(viewer=viewer, uow=SqlAccessUnitOfWork(engine), alias_domain=DOMAIN, **params)

    for seller in ("s-1", "s-2", "s-3"):
        listing(Principal("seller", seller_id=seller))
    assert len(built) == 1
    for seller in ("s-1", "s-2"):
        listing(Principal("seller", seller_id=seller), view="all")
        listing(Principal("seller", seller_id=seller), view="all", cursor=encode_cursor("", 99))
    assert len(built) == 3
    for buyer in ("b-1", "b-2"):
        listing(Principal("buyer", buyer_id=buyer), view="all", order_id="111-0000000-0000001")
    assert len(built) == 4
    # Each shape once: the seller's default view, the seller's `all` without and with a cursor,
    # a buyer's order.
    assert len(set(built)) == 4
