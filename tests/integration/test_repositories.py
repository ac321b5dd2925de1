"""The SQL repositories on both databases: upserts that move, round trips, lease bookkeeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from message_core_world import NOW, ORDER, seed
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.domain.messages import AttachmentMeta, FindingRecord, MessageRecord
from gobetween.domain.orders import OrderItem
from gobetween.domain.parties import Seller
from gobetween.services.ports import Event, OutboxItem


def rows(engine: Engine, table: t.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_an_order_upsert_moves_status_dates_and_items_without_duplicating(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        before = uow.orders.find(ORDER)
    assert before is not None
    moved = replace(
        before,
        status="delivered",
        shipped_at=NOW - timedelta(days=1),
        delivered_at=NOW,
        items=(OrderItem("SKU-2", "Another book", 2, 500, "USD"),),
    )
    with SqlUnitOfWork(engine) as uow:
        assert uow.orders.upsert(moved, now=NOW) is False
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        after = uow.orders.find(ORDER)
        assert uow.orders.upsert(replace(moved, id="114-0000009-0000009"), now=NOW) is True
    assert after == moved
    assert after is not None
    assert after.delivered_at is not None
    assert after.delivered_at.tzinfo is not None
    assert rows(engine, t.orders) == 3
    assert rows(engine, t.order_items) == 3


def test_a_seller_upsert_replaces_its_addresses(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        seller = uow.sellers.find("s1")
        assert seller is not None
        assert seller.registered_addresses == ("owner@acme.example",)
        assert seller.authorized_addresses == ("staff@acme.example",)
        uow.sellers.upsert(
            replace(seller, registered_addresses=("new@acme.example",), authorized_addresses=()),
            now=NOW,
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.sellers.find_by_address("staff@acme.example") is None
        found = uow.sellers.find_by_address("NEW@acme.example")
    assert found is not None
    assert found.id == "s1"


def test_a_seller_who_buys_is_found_by_its_buyer_identity(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        assert uow.sellers.find_by_buyer_id("b1") is None
        uow.sellers.upsert(
            Seller("s3", "Buyer Co", "Buyer Co", "cs@b.example", (), buyer_id="b1"), now=NOW
        )
        found = uow.sellers.find_by_buyer_id("b1")
    assert found is not None
    assert found.id == "s3"


def test_buyers_are_found_by_email_in_any_case_and_can_opt_out(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        buyer = uow.buyers.find_by_email("JO@example.COM")
        assert buyer is not None
        assert buyer.opted_out is False
        uow.buyers.set_opted_out("b1", True, now=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        again = uow.buyers.find("b1")
    assert again is not None
    assert again.opted_out is True


def test_leaving_without_commit_rolls_back(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.set_opted_out("b1", True, now=NOW)
    with SqlUnitOfWork(engine) as uow:
        buyer = uow.buyers.find("b1")
    assert buyer is not None
    assert buyer.opted_out is False


def test_a_message_round_trips_with_findings_attachments_and_its_hash(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.lock_for_order(
            ORDER, seller_id="s1", buyer_id="b1", genesis=GENESIS, now=NOW
        )
        record = MessageRecord(
            thread.id,
            1,
            "seller_to_buyer",
            "s1",
            "api",
            "proactive",
            "invoice",
            "Invoice",
            "Your invoice — ¡gracias!",
            "es",
            "block",
            False,
            "blocked",
            None,
            None,
            NOW.replace(microsecond=123456),
            GENESIS,
            "",
            findings=(FindingRecord("external_link", "link", "block", 3, 9, "a link"),),
            attachments=(AttachmentMeta("inv.pdf", "application/pdf", 99, "f" * 64),),
        )
        record = replace(record, hash=message_hash(record))
        message_id = uow.messages.add(record)
        uow.threads.advance(thread.id, head_hash=record.hash, message_count=1, last_message_at=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        loaded = uow.messages.find(message_id)
        listed = uow.messages.for_thread(thread.id)
        head = uow.threads.find_for_order(ORDER)
    assert loaded is not None
    assert message_hash(loaded) == record.hash
    assert replace(loaded, id=None) == record
    assert loaded.created_at.tzinfo is not None
    assert list(listed) == [loaded]
    assert head is not None
    assert (head.message_count, head.head_hash) == (1, record.hash)


def test_events_are_appended_and_read_back_in_order(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(Event("opted_out", "buyer", "b1", "buyer:b1", {"why": "spam"}), now=NOW)
        uow.events.append(Event("opted_in", "buyer", "b1", "buyer:b1"), now=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        events = uow.events.for_subject("buyer", "b1")
    assert [e.kind for e in events] == ["opted_out", "opted_in"]
    assert events[0].data == {"why": "spam"}
    assert events[0].created_at == NOW


def test_outbox_marks_need_the_lease_holder(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        item_id = uow.outbox.add(OutboxItem("message", "r@example.com", "k-1", {}), now=NOW)
        [claimed] = uow.outbox.claim(
            worker="w1", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=5
        )
        assert claimed.id == item_id
        assert uow.outbox.claim(worker="w2", now=NOW, lease_until=NOW, limit=5) == []
        assert uow.outbox.mark_done(item_id, worker="w2", now=NOW) is False
        assert uow.outbox.retry_later(
            item_id, worker="w1", available_at=NOW + timedelta(minutes=5), error="451"
        )
        assert uow.outbox.mark_done(item_id, worker="w1", now=NOW) is False
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        item = uow.outbox.find(item_id)
        early = uow.outbox.claim(worker="w2", now=NOW, lease_until=NOW, limit=5)
        later = uow.outbox.claim(
            worker="w2",
            now=NOW + timedelta(minutes=6),
            lease_until=NOW + timedelta(minutes=7),
            limit=5,
        )
    assert item is not None
    assert item.attempts == 1
    assert early == []
    assert [i.id for i in later] == [item_id]


def test_an_order_is_read_with_its_parties_in_one_go(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find(ORDER)
        assert order is not None
        two_items = replace(
            order,
            items=(
                OrderItem("SKU-1", "A book", 1, 1999, "USD"),
                OrderItem("SKU-2", "A pen", 3, 250, "USD"),
            ),
        )
        uow.orders.upsert(two_items, now=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        parties = uow.orders.find_with_parties(ORDER)
        seller = uow.sellers.find("s1")
        buyer = uow.buyers.find("b1")
        assert uow.orders.find_with_parties("999-9999999-9999999") is None
    assert parties is not None
    # Two items times two seller addresses come back as rows; each appears once here.
    assert parties.order == two_items
    assert parties.seller == seller
    assert parties.buyer == buyer


def test_ids_too_large_for_the_keys_find_nothing(engine: Engine) -> None:
    huge = 2**70
    with SqlUnitOfWork(engine) as uow:
        assert uow.threads.find(huge) is None
        assert uow.messages.find(huge) is None
        assert uow.messages.for_thread(huge) == []
        assert uow.outbox.find(huge) is None
