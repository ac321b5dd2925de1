"""Read models only the message center's pages need: a buyer's orders, the sellers, thread lists.

Everything a page shares with the API (inbox, thread, contact options) comes from the services;
these are the few lists the API has no endpoint for.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from gobetween.adapters.db.access_tables import message_reports
from gobetween.adapters.db.case_tables import cases
from gobetween.adapters.db.tables import order_items, orders, sellers, threads


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """One order as a list shows it, with its thread and the state of its newest case."""

    order_id: str
    seller_id: str
    seller_name: str
    status: str
    fulfillment: str
    purchased_at: datetime
    first_item: str
    item_count: int
    thread_id: int | None
    message_count: int
    last_message_at: datetime | None


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread as the auditor's list shows it."""

    thread_id: int
    order_id: str
    seller_id: str
    buyer_id: str
    message_count: int
    last_message_at: datetime | None


@dataclass(frozen=True, slots=True)
class SellerSummary:
    id: str
    display_name: str
    business_name: str


class SqlWebQueries:
    """The page-only read models, each one indexed query."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def buyer_orders(self, buyer_id: str, *, limit: int = 100) -> Sequence[OrderSummary]:
        """The buyer's orders, newest purchase first (ix_orders_buyer_seller)."""
        first_item = (
            select(order_items.c.title)
            .where(order_items.c.order_id == orders.c.id)
            .order_by(order_items.c.position)
            .limit(1)
            .scalar_subquery()
        )
        item_count = (
            select(func.count())
            .select_from(order_items)
            .where(order_items.c.order_id == orders.c.id)
            .scalar_subquery()
        )
        query = (
            select(
                orders.c.id,
                orders.c.seller_id,
                sellers.c.display_name,
                orders.c.status,
                orders.c.fulfillment,
                orders.c.purchased_at,
                first_item.label("first_item"),
                item_count.label("item_count"),
                threads.c.id.label("thread_id"),
                threads.c.message_count,
                threads.c.last_message_at,
            )
            .join(sellers, sellers.c.id == orders.c.seller_id)
            .outerjoin(threads, threads.c.order_id == orders.c.id)
            .where(orders.c.buyer_id == buyer_id)
            .order_by(orders.c.purchased_at.desc(), orders.c.id)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            OrderSummary(
                order_id=row.id,
                seller_id=row.seller_id,
                seller_name=row.display_name,
                status=row.status,
                fulfillment=row.fulfillment,
                purchased_at=_utc(row.purchased_at),
                first_item=row.first_item or "",
                item_count=int(row.item_count or 0),
                thread_id=row.thread_id,
                message_count=int(row.message_count or 0),
                last_message_at=None if row.last_message_at is None else _utc(row.last_message_at),
            )
            for row in rows
        ]

    def sellers(self, *, offset: int = 0, limit: int | None = None) -> Sequence[SellerSummary]:
        """Sellers by name; a page of them with `offset` and `limit`."""
        query = (
            select(sellers.c.id, sellers.c.display_name, sellers.c.business_name)
            .order_by(sellers.c.display_name, sellers.c.id)
            .offset(offset)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [SellerSummary(r.id, r.display_name, r.business_name) for r in rows]

    def seller_count(self) -> int:
        """How many sellers there are."""
        with self._engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(sellers)).scalar_one())

    def recent_threads(
        self, *, limit: int = 50, seller_id: str | None = None
    ) -> Sequence[ThreadSummary]:
        """The newest threads first, by id: the primary key, so 1M threads cost a short range scan.

        (Ordering by last activity would need an index on threads.last_message_at alone.)
        """
        query = select(threads).order_by(threads.c.id.desc())
        if seller_id is not None:
            query = query.where(threads.c.seller_id == seller_id)
        query = query.where(threads.c.message_count > 0).limit(limit)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            ThreadSummary(
                r.id,
                r.order_id,
                r.seller_id,
                r.buyer_id,
                r.message_count,
                None if r.last_message_at is None else _utc(r.last_message_at),
            )
            for r in rows
        ]

    def thread_for_order(self, order_id: str) -> int | None:
        """The id of the order's thread, if it has one."""
        with self._engine.connect() as connection:
            value = connection.execute(
                select(threads.c.id).where(threads.c.order_id == order_id)
            ).scalar()
        return None if value is None else int(value)

    def reported_message_ids(self, message_ids: Collection[int]) -> frozenset[int]:
        """Which of these messages have been reported (message_reports.message_id is unique)."""
        if not message_ids:
            return frozenset()
        query = select(message_reports.c.message_id).where(
            message_reports.c.message_id.in_(sorted(message_ids))
        )
        with self._engine.connect() as connection:
            return frozenset(int(v) for v in connection.scalars(query))

    def case_ids(self, thread_id: int) -> Sequence[int]:
        """Ids of all the thread's cases, oldest first."""
        with self._engine.connect() as connection:
            return [
                int(v)
                for v in connection.scalars(
                    select(cases.c.id).where(cases.c.thread_id == thread_id).order_by(cases.c.id)
                )
            ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
