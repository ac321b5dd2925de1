"""Builders for the cases tests: sellers, buyers, orders, threads and raw messages in a real DB.

Messages are written through the core repositories directly (no policy, no hooks), so the tests
of the case and clock repositories control every timestamp and disposition.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.messages import Disposition, FindingRecord, MessageRecord
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
_HASH = "0" * 64


def seed_party(engine: Engine, *, seller_id: str, buyer_id: str) -> None:
    """A seller and a buyer (idempotent)."""
    with SqlUnitOfWork(engine) as uow:
        uow.sellers.upsert(
            Seller(
                id=seller_id,
                display_name=f"Shop {seller_id}",
                business_name=f"{seller_id} GmbH",
                customer_service_address=f"cs-{seller_id.lower()}@shop.example",
                registered_addresses=(f"{seller_id.lower()}@shop.example",),
            ),
            now=T0,
        )
        uow.buyers.upsert(
            Buyer(
                id=buyer_id,
                name="Jo Buyer",
                email=f"{buyer_id.lower()}@mail.example",
                language="en",
            ),
            now=T0,
        )
        uow.commit()


def seed_thread(
    engine: Engine, *, order_id: str, seller_id: str = "S1", buyer_id: str = "B1"
) -> int:
    """An order between the two parties and its thread; returns the thread id."""
    seed_party(engine, seller_id=seller_id, buyer_id=buyer_id)
    with SqlUnitOfWork(engine) as uow:
        uow.orders.upsert(
            Order(
                id=order_id,
                marketplace="US",
                seller_id=seller_id,
                buyer_id=buyer_id,
                fulfillment="seller",
                status="shipped",
                product_category="toys",
                purchased_at=T0,
            ),
            now=T0,
        )
        thread = uow.threads.lock_for_order(
            order_id, seller_id=seller_id, buyer_id=buyer_id, genesis=_HASH, now=T0
        )
        uow.commit()
    return thread.id


def add_message(
    engine: Engine,
    *,
    thread_id: int,
    buyer: bool,
    sender_id: str,
    at: datetime,
    disposition: Disposition = "delivered",
    findings: tuple[FindingRecord, ...] = (),
) -> int:
    """Append a raw message to the thread; returns its id."""
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find(thread_id)
        assert thread is not None
        seq = thread.message_count + 1
        message_id = uow.messages.add(
            MessageRecord(
                thread_id=thread_id,
                seq=seq,
                direction="buyer_to_seller" if buyer else "seller_to_buyer",
                sender_id=sender_id,
                channel="api",
                initiation="reply",
                contact_reason="other",
                subject="Where is my parcel?",
                body="Hello",
                language="en",
                verdict="block" if disposition == "blocked" else "allow",
                critical=False,
                disposition=disposition,
                triage=None,
                report=None,
                created_at=at,
                prev_hash=thread.head_hash,
                hash=f"{seq:064d}",
                findings=findings,
            )
        )
        uow.threads.advance(
            thread_id, head_hash=f"{seq:064d}", message_count=seq, last_message_at=at
        )
        uow.commit()
    return message_id
