"""An API send on an order with a thread reads the order, its parties, the locked thread and the
send facts in the message service's one statement on PostgreSQL: no separate read of the order
with its parties, and the draft is still checked against them (a reason the order does not offer is
refused and nothing is stored)."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import ANNA_ORDER, BEN_ORDER, World
from sqlalchemy import func, select

from gobetween.adapters.db import repositories
from gobetween.adapters.db import tables as t


def messages(world: World) -> int:
    with world.platform.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.messages)).scalar_one())


def test_a_send_on_a_thread_does_not_read_the_order_with_its_parties_apart(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = world.send("anna", ANNA_ORDER, text="Your parcel ships today.", contact_reason="other")
    assert first.status_code == 201, first.text
    separate_reads: list[str] = []
    read = repositories.SqlOrderRepository.find_with_parties

    def counted(self: Any, order_id: str) -> Any:
        separate_reads.append(order_id)
        return read(self, order_id)

    monkeypatch.setattr(repositories.SqlOrderRepository, "find_with_parties", counted)
    second = world.send("anna", ANNA_ORDER, text="It left the depot.", contact_reason="other")
    assert second.status_code == 201, second.text
    assert second.json()["thread_id"] == first.json()["thread_id"]
    # SQLite takes the separate reads on purpose (SqlThreadRepository.lock_for_seller_send).
    on_sqlite = world.platform.engine.dialect.name == "sqlite"
    assert separate_reads == ([ANNA_ORDER] if on_sqlite else [])


def test_a_reason_the_order_does_not_offer_is_refused_on_a_locked_thread(world: World) -> None:
    assert world.send("ben", BEN_ORDER, text="Hello.", contact_reason="other").status_code == 201
    stored = messages(world)
    # A marketplace-fulfilled order: delivery questions go to customer service (policy.md §2).
    refused = world.send("ben", BEN_ORDER, text="Where is it?", contact_reason="delivery_issue")
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "contact_reason"
    assert messages(world) == stored


def test_another_sellers_order_is_not_found(world: World) -> None:
    assert world.send("anna", ANNA_ORDER, text="Hi.", contact_reason="other").status_code == 201
    answer = world.send("ben", ANNA_ORDER, text="Hi.", contact_reason="other")
    assert answer.status_code == 404, answer.text
