"""Repositories over SQLAlchemy Core: domain objects in, domain objects out, one connection each.

Every repository works inside the caller's transaction (the unit of work owns it). Timestamps are
written in UTC; SQLite returns them without a zone, so reads attach UTC again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from gobetween.adapters.db import access_tables
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.case_repositories import case_glance, case_glance_columns
from gobetween.adapters.db.dialect import DriverStatement, utc
from gobetween.adapters.db.dialect import insert_on_conflict as _insert
from gobetween.adapters.db.dialect import utc_or_none as _utc_or_none
from gobetween.adapters.db.spapi_tables import spapi_solicitations
from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.messages import (
    MAX_ATTACHMENTS,
    AttachmentMeta,
    FindingRecord,
    MessageRecord,
    Thread,
)
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.audit import RowBatch
from gobetween.services.cases import CaseGlance
from gobetween.services.ports import (
    MESSAGE_ID_SLOT,
    BuyerMessageFacts,
    Event,
    LockedBuyerMessage,
    LockedSellerSend,
    OrderParties,
    OutboxItem,
    SellerSendingFacts,
    ThreadHead,
)


def storable_id(value: int) -> bool:
    """Whether an id fits the 64-bit key columns; a larger one (from a URL, say) names nothing,
    and SQLite would fail to even bind it."""
    return -(2**63) <= value < 2**63


def _seller_query(key: Any) -> Any:
    """The seller row repeated per address (once, with NULLs, if none): one round trip."""
    return (
        select(
            t.sellers,
            t.seller_addresses.c.address.label("address"),
            t.seller_addresses.c.kind.label("address_kind"),
        )
        .outerjoin(t.seller_addresses, t.seller_addresses.c.seller_id == t.sellers.c.id)
        .where(key == bindparam("key"))
        .order_by(t.seller_addresses.c.address)
    )


# Statements on the send path are built once: building a SQLAlchemy statement costs more than
# running it against a local database.
_SELLER_BY_ID = _seller_query(t.sellers.c.id)
_SELLER_BY_BUYER_ID = _seller_query(t.sellers.c.buyer_id)
_BUYER_BY_ID = select(t.buyers).where(t.buyers.c.id == bindparam("key"))


class SqlSellerRepository:
    """Sellers with their registered and authorized sending addresses."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, seller_id: str) -> Seller | None:
        return self._one(_SELLER_BY_ID, seller_id)

    def find_by_address(self, address: str) -> Seller | None:
        seller_id = self._c.execute(
            select(t.seller_addresses.c.seller_id)
            .where(t.seller_addresses.c.address == address.strip().lower())
            .order_by(t.seller_addresses.c.seller_id)
            .limit(1)
        ).scalar()
        return None if seller_id is None else self.find(seller_id)

    def find_by_buyer_id(self, buyer_id: str) -> Seller | None:
        return self._one(_SELLER_BY_BUYER_ID, buyer_id)

    def upsert(self, seller: Seller, *, now: datetime) -> None:
        now = utc(now)
        values = {
            "display_name": seller.display_name,
            "business_name": seller.business_name,
            "customer_service_address": seller.customer_service_address,
            "opt_out_bounce_notices": seller.opt_out_bounce_notices,
            "buyer_id": seller.buyer_id,
            "updated_at": now,
        }
        inserted = self._c.execute(
            _insert(self._c, t.sellers)
            .values(id=seller.id, created_at=now, **values)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(t.sellers.c.id)
        ).first()
        if inserted is None:
            self._c.execute(update(t.sellers).where(t.sellers.c.id == seller.id).values(**values))
        # Addresses are configuration, not evidence: replace the set.
        self._c.execute(
            t.seller_addresses.delete().where(t.seller_addresses.c.seller_id == seller.id)
        )
        rows = [
            {"seller_id": seller.id, "address": address.lower(), "kind": "registered"}
            for address in dict.fromkeys(seller.registered_addresses)
        ]
        registered = {row["address"] for row in rows}
        rows += [
            {"seller_id": seller.id, "address": address.lower(), "kind": "authorized"}
            for address in dict.fromkeys(seller.authorized_addresses)
            if address.lower() not in registered
        ]
        if rows:
            self._c.execute(t.seller_addresses.insert(), rows)

    def _one(self, query: Any, key: str) -> Seller | None:
        rows = self._c.execute(query, {"key": key}).all()
        if not rows:
            return None
        row = rows[0]
        return Seller(
            id=row.id,
            display_name=row.display_name,
            business_name=row.business_name,
            customer_service_address=row.customer_service_address,
            registered_addresses=tuple(r.address for r in rows if r.address_kind == "registered"),
            authorized_addresses=tuple(r.address for r in rows if r.address_kind == "authorized"),
            opt_out_bounce_notices=row.opt_out_bounce_notices,
            buyer_id=row.buyer_id,
            created_at=utc(row.created_at),
        )


class SqlBuyerRepository:
    """Buyers: real addresses, languages and opt-out choices."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, buyer_id: str) -> Buyer | None:
        row = self._c.execute(_BUYER_BY_ID, {"key": buyer_id}).first()
        return None if row is None else _buyer(row)

    def find_by_email(self, email: str) -> Buyer | None:
        row = self._c.execute(
            select(t.buyers).where(t.buyers.c.email == email.strip().lower())
        ).first()
        return None if row is None else _buyer(row)

    def upsert(self, buyer: Buyer, *, now: datetime) -> None:
        now = utc(now)
        values = {
            "name": buyer.name,
            "email": buyer.email.strip().lower(),
            "language": buyer.language,
            "opted_out": buyer.opted_out,
            "updated_at": now,
        }
        inserted = self._c.execute(
            _insert(self._c, t.buyers)
            .values(id=buyer.id, created_at=now, **values)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(t.buyers.c.id)
        ).first()
        if inserted is None:
            self._c.execute(update(t.buyers).where(t.buyers.c.id == buyer.id).values(**values))

    def set_opted_out(self, buyer_id: str, opted_out: bool, *, now: datetime) -> None:
        self._c.execute(
            update(t.buyers)
            .where(t.buyers.c.id == buyer_id)
            .values(opted_out=opted_out, updated_at=utc(now))
        )


def _buyer(row: Row[Any]) -> Buyer:
    return Buyer(
        id=row.id,
        name=row.name,
        email=row.email,
        language=row.language,
        opted_out=row.opted_out,
        created_at=utc(row.created_at),
    )


class SqlOrderRepository:
    """Orders and their items, as the marketplace's order system hands them over."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, order_id: str) -> Order | None:
        found = _orders(self._c.execute(_ORDER_BY_ID, {"key": order_id}).all())
        return found[0] if found else None

    def find_with_parties(self, order_id: str) -> OrderParties | None:
        rows = _ORDER_WITH_PARTIES.rows(self._c, {"key": order_id})
        return _order_parties(rows) if rows else None

    def upsert(self, order: Order, *, now: datetime) -> bool:
        """Insert or update (status, dates, items move); True when the order was new.

        The parties of an existing order are kept as they are: an order never changes hands.
        """
        now = utc(now)
        moving = {
            "status": order.status,
            "fulfillment": order.fulfillment,
            "product_category": order.product_category,
            "shipping_address": order.shipping_address,
            "shipped_at": _utc_or_none(order.shipped_at),
            "delivered_at": _utc_or_none(order.delivered_at),
            "latest_delivery_at": _utc_or_none(order.latest_delivery_at),
            "updated_at": now,
        }
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        created = (
            self._c.execute(
                _insert(self._c, t.orders)
                .values(
                    id=order.id,
                    marketplace=order.marketplace,
                    seller_id=order.seller_id,
                    buyer_id=order.buyer_id,
                    purchased_at=utc(order.purchased_at),
                    created_at=now,
                    **moving,
                )
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(t.orders.c.id)
            ).first()
            is not None
        )
        if not created:
            self._c.execute(update(t.orders).where(t.orders.c.id == order.id).values(**moving))
            self._c.execute(t.order_items.delete().where(t.order_items.c.order_id == order.id))
        if order.items:
            self._c.execute(
                t.order_items.insert(),
                [
                    {
                        "order_id": order.id,
                        "position": position,
                        "sku": item.sku,
                        "title": item.title,
                        "quantity": item.quantity,
                        "price_minor": item.price_minor,
                        "currency": item.currency,
                    }
                    for position, item in enumerate(order.items, start=1)
                ],
            )
        return created

    def for_pair(self, buyer_id: str, seller_id: str) -> Sequence[Order]:
        query = _order_query(
            and_(t.orders.c.buyer_id == buyer_id, t.orders.c.seller_id == seller_id)
        )
        return _orders(self._c.execute(query).all())

    def count_for_seller_since(self, seller_id: str, since: datetime) -> int:
        return int(
            self._c.execute(
                select(func.count())
                .select_from(t.orders)
                .where(t.orders.c.seller_id == seller_id, t.orders.c.purchased_at >= utc(since))
            ).scalar_one()
        )


def _order_query(condition: Any) -> Any:
    """Orders matching `condition`, newest first, each row joined with one of its items."""
    i = t.order_items.c
    return (
        select(
            t.orders,
            i.position.label("item_position"),
            i.sku.label("item_sku"),
            i.title.label("item_title"),
            i.quantity.label("item_quantity"),
            i.price_minor.label("item_price_minor"),
            i.currency.label("item_currency"),
        )
        .outerjoin(t.order_items, i.order_id == t.orders.c.id)
        .where(condition)
        .order_by(t.orders.c.purchased_at.desc(), t.orders.c.id, i.position)
    )


_ORDER_BY_ID = _order_query(t.orders.c.id == bindparam("key"))


def _order_with_parties_query() -> Any:
    """An order with its items, seller (and addresses) and buyer: the send path's one read."""
    i, a = t.order_items.c, t.seller_addresses.c
    return (
        select(
            t.orders,
            i.position.label("item_position"),
            i.sku.label("item_sku"),
            i.title.label("item_title"),
            i.quantity.label("item_quantity"),
            i.price_minor.label("item_price_minor"),
            i.currency.label("item_currency"),
            *[column.label(f"s_{column.name}") for column in t.sellers.c],
            a.address.label("address"),
            a.kind.label("address_kind"),
            *[column.label(f"b_{column.name}") for column in t.buyers.c],
        )
        .select_from(
            t.orders.join(t.sellers, t.sellers.c.id == t.orders.c.seller_id)
            .join(t.buyers, t.buyers.c.id == t.orders.c.buyer_id)
            .outerjoin(t.order_items, i.order_id == t.orders.c.id)
            .outerjoin(t.seller_addresses, a.seller_id == t.sellers.c.id)
        )
        .where(t.orders.c.id == bindparam("key"))
        .order_by(i.position, a.address)
    )


# The send path's statements run on the driver's cursor (dialect.py DriverStatement).
_ORDER_WITH_PARTIES = DriverStatement(_order_with_parties_query())


def _order_parties(rows: Sequence[Any]) -> OrderParties:
    """The order, seller and buyer of the rows of `_order_with_parties_query` (or of the seller
    send's read, which has the same columns): one row per item and seller address."""
    first = rows[0]
    items: dict[int, OrderItem] = {}
    addresses: dict[tuple[str, str], None] = {}
    for row in rows:
        if row.item_position is not None:
            items[row.item_position] = OrderItem(
                row.item_sku,
                row.item_title,
                row.item_quantity,
                row.item_price_minor,
                row.item_currency,
            )
        if row.address is not None:
            addresses[(row.address_kind, row.address)] = None
    order = _order([first], items=tuple(items[p] for p in sorted(items)))
    seller = Seller(
        id=first.s_id,
        display_name=first.s_display_name,
        business_name=first.s_business_name,
        customer_service_address=first.s_customer_service_address,
        registered_addresses=tuple(a for k, a in addresses if k == "registered"),
        authorized_addresses=tuple(a for k, a in addresses if k == "authorized"),
        opt_out_bounce_notices=first.s_opt_out_bounce_notices,
        buyer_id=first.s_buyer_id,
        created_at=utc(first.s_created_at),
    )
    buyer = Buyer(
        id=first.b_id,
        name=first.b_name,
        email=first.b_email,
        language=first.b_language,
        opted_out=first.b_opted_out,
        created_at=utc(first.b_created_at),
    )
    return OrderParties(order, seller, buyer)


def _orders(rows: Sequence[Row[Any]]) -> list[Order]:
    grouped: dict[str, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(row.id, []).append(row)
    return [_order(group) for group in grouped.values()]


def _order(rows: Sequence[Any], *, items: tuple[OrderItem, ...] | None = None) -> Order:
    """The order of `rows` (one per item); `items` when the caller has already gathered them
    (the send's read repeats each item per seller address), instead of building it twice."""
    row = rows[0]
    if items is None:
        items = tuple(
            OrderItem(
                r.item_sku, r.item_title, r.item_quantity, r.item_price_minor, r.item_currency
            )
            for r in rows
            if r.item_position is not None
        )
    return Order(
        id=row.id,
        marketplace=row.marketplace,
        seller_id=row.seller_id,
        buyer_id=row.buyer_id,
        fulfillment=row.fulfillment,
        status=row.status,
        product_category=row.product_category,
        purchased_at=utc(row.purchased_at),
        items=items,
        shipping_address=dict(row.shipping_address or {}),
        shipped_at=_utc_or_none(row.shipped_at),
        delivered_at=_utc_or_none(row.delivered_at),
        latest_delivery_at=_utc_or_none(row.latest_delivery_at),
    )


_ALIASES_OF_PAIR = DriverStatement(
    select(t.aliases)
    .where(t.aliases.c.buyer_id == bindparam("buyer"), t.aliases.c.seller_id == bindparam("seller"))
    .order_by(t.aliases.c.side)
)


class SqlAliasRepository:
    """Aliases; rows are never deleted, so a local part is never handed out twice."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, local_part: str) -> Alias | None:
        row = self._c.execute(
            select(t.aliases).where(t.aliases.c.local_part == local_part.lower())
        ).first()
        return None if row is None else _alias(row)

    def for_pair(self, buyer_id: str, seller_id: str, side: AliasSide) -> Alias | None:
        row = self._c.execute(
            select(t.aliases).where(
                t.aliases.c.buyer_id == buyer_id,
                t.aliases.c.seller_id == seller_id,
                t.aliases.c.side == side,
            )
        ).first()
        return None if row is None else _alias(row)

    def of_pair(self, buyer_id: str, seller_id: str) -> Sequence[Alias]:
        rows = _ALIASES_OF_PAIR.rows(self._c, {"buyer": buyer_id, "seller": seller_id})
        return [_alias(row) for row in rows]

    def add(self, alias: Alias, *, now: datetime) -> bool:
        # DO NOTHING on any conflict: a taken local part and a pair that already has its alias
        # both come back as "not inserted", and the transaction stays usable (PostgreSQL would
        # abort it on a plain unique violation).
        result = self._c.execute(
            _insert(self._c, t.aliases)
            .values(
                local_part=alias.local_part.lower(),
                buyer_id=alias.buyer_id,
                seller_id=alias.seller_id,
                side=alias.side,
                active=alias.active,
                created_at=utc(now),
            )
            .on_conflict_do_nothing()
            .returning(t.aliases.c.local_part)
        ).first()
        return result is not None


def _alias(row: Any) -> Alias:
    return Alias(
        local_part=row.local_part,
        buyer_id=row.buyer_id,
        seller_id=row.seller_id,
        side=row.side,
        active=row.active,
    )


class SqlEventLog:
    """The append-only event log (the database refuses UPDATE and DELETE on it)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(self, event: Event, *, now: datetime) -> None:
        _APPEND_EVENT.rowcount(
            self._c,
            {
                "kind": event.kind,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
                "actor": event.actor,
                "data": event.data,
                "created_at": utc(event.created_at or now),
            },
        )

    def for_subject(self, subject_type: str, subject_id: str) -> Sequence[Event]:
        rows = self._c.execute(
            select(t.events)
            .where(t.events.c.subject_type == subject_type, t.events.c.subject_id == subject_id)
            .order_by(t.events.c.id)
        ).all()
        return [
            Event(
                kind=row.kind,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                actor=row.actor,
                data=dict(row.data),
                created_at=utc(row.created_at),
            )
            for row in rows
        ]


# Built once: a case's opening appends its event on the relay's and the API's send path, where
# building the insert and running it through `execute` cost several times the statement.
_APPEND_EVENT = DriverStatement(
    t.events.insert().inline(),
    column_keys=["kind", "subject_type", "subject_id", "actor", "data", "created_at"],
)
_THREAD_FOR_ORDER_LOCKED = DriverStatement(
    select(t.threads).where(t.threads.c.order_id == bindparam("key")).with_for_update()
)
_THREAD_INSERT_KEYS = (
    "order_id",
    "seller_id",
    "buyer_id",
    "message_count",
    "head_hash",
    "created_at",
)
# An order's first message creates its thread: the new row comes back from the insert, which
# locks it as its own until the commit (another first message on the order waits for that, then
# inserts nothing and reads the row); so it is read again only after a conflict.
_NEW_THREAD = {
    name: DriverStatement(
        dialect.insert(t.threads)
        .values({key: bindparam(key) for key in _THREAD_INSERT_KEYS})
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(*t.threads.c)
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_ADVANCE_THREAD = DriverStatement(
    update(t.threads)
    .where(
        t.threads.c.id == bindparam("thread"), t.threads.c.message_count == bindparam("previous")
    )
    .values(
        head_hash=bindparam("new_head"),
        message_count=bindparam("new_count"),
        last_message_at=bindparam("new_last"),
    )
)


class SqlThreadRepository:
    """Threads and their chain heads."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection
        # The case glance a seller's locking read took with its thread, until it is handed out.
        self._glanced: tuple[int, CaseGlance] | None = None

    def find(self, thread_id: int) -> Thread | None:
        if not storable_id(thread_id):
            return None
        row = self._c.execute(select(t.threads).where(t.threads.c.id == thread_id)).first()
        return None if row is None else _thread(row)

    def find_for_order(self, order_id: str) -> Thread | None:
        row = self._c.execute(select(t.threads).where(t.threads.c.order_id == order_id)).first()
        return None if row is None else _thread(row)

    def lock_for_order(
        self, order_id: str, *, seller_id: str, buyer_id: str, genesis: str, now: datetime
    ) -> Thread:
        # FOR UPDATE holds other writers of this thread until commit, so the chain cannot fork.
        # SQLite has no row locks; its BEGIN IMMEDIATE already serialises all writers.
        row = _THREAD_FOR_ORDER_LOCKED.first(self._c, {"key": order_id})
        if row is None:
            # Create-if-missing without a race: two first messages on one order both "insert",
            # one wins, and the other then reads (and on PostgreSQL locks) the same row.
            row = _NEW_THREAD[self._c.dialect.name].first(
                self._c,
                {
                    "order_id": order_id,
                    "seller_id": seller_id,
                    "buyer_id": buyer_id,
                    "message_count": 0,
                    "head_hash": genesis,
                    "created_at": utc(now),
                },
            )
            if row is None:
                row = _THREAD_FOR_ORDER_LOCKED.first(self._c, {"key": order_id})
            if row is None:  # pragma: no cover - the insert or a concurrent one made it
                raise RuntimeError(f"order {order_id}: thread missing after its insert")
        return _thread(row)

    def lock_for_seller_send(
        self, order_id: str, *, seller_id: str, day_start: datetime, window_start: datetime
    ) -> LockedSellerSend | None:
        if self._c.dialect.name != "postgresql":
            # SQLite runs the separate reads in process, with no round trips to save, and the
            # one statement cost it more CPU than they do (bench/send_message.py, 10k stored,
            # one sender, alternating: client CPU per send 1.26-1.48 against 1.51-1.65 ms).
            return None
        rows = _SELLER_SEND.rows(
            self._c,
            {
                "key": order_id,
                "seller": seller_id,
                "day": _utc_day(day_start),
                "last_day": date.max,
                "day_start": utc(day_start),
                **_window_bounds(window_start),
            },
        )
        if not rows:
            return None
        first = rows[0]
        thread = _locked_thread(first)
        facts = None
        if (first.last_seq or 0) == thread.message_count:
            facts = _sending_facts(first, buyer_id=first.buyer_id, seller_id=seller_id)
            # Read before a wait for the lock, the glance would be as old as the facts.
            self._glanced = (thread.id, case_glance(first))
        return LockedSellerSend(_order_parties(rows), thread, facts)

    def case_glance(self, thread_id: int) -> CaseGlance | None:
        glanced, self._glanced = self._glanced, None
        if glanced is None or glanced[0] != thread_id:
            return None
        return glanced[1]

    def lock_for_buyer_message(self, order_id: str, *, buyer_id: str) -> LockedBuyerMessage | None:
        rows = _BUYER_MESSAGE.rows(self._c, {"key": order_id, "buyer": buyer_id})
        if not rows:
            return None
        first = rows[0]
        thread = _locked_thread(first)
        facts = None
        # As the seller's send: a message that waited for the lock read its facts before the
        # holder's message, so they are read again (None here).
        if (first.last_seq or 0) == thread.message_count:
            facts = BuyerMessageFacts(
                awaiting_reply=first.last_direction == "buyer_to_seller",
                aliases=_pair_aliases(first, buyer_id=first.buyer_id, seller_id=first.seller_id),
            )
        return LockedBuyerMessage(_order_parties(rows), thread, facts)

    def advance(
        self, thread_id: int, *, head_hash: str, message_count: int, last_message_at: datetime
    ) -> None:
        moved = _ADVANCE_THREAD.rowcount(
            self._c,
            {
                "thread": thread_id,
                "previous": message_count - 1,
                "new_head": head_hash,
                "new_count": message_count,
                "new_last": utc(last_message_at),
            },
        )
        if moved != 1:
            raise RuntimeError(f"thread {thread_id}: chain head moved under a held lock")


def _locked_thread(row: Any) -> Thread:
    """The thread of a row of `_locked_order_query` (its order, seller and buyer: the order's)."""
    return Thread(
        id=row.t_id,
        order_id=row.id,
        seller_id=row.seller_id,
        buyer_id=row.buyer_id,
        message_count=row.t_message_count,
        head_hash=row.t_head_hash,
        last_message_at=_utc_or_none(row.t_last_message_at),
    )


def _thread(row: Any) -> Thread:
    return Thread(
        id=row.id,
        order_id=row.order_id,
        seller_id=row.seller_id,
        buyer_id=row.buyer_id,
        message_count=row.message_count,
        head_hash=row.head_hash,
        last_message_at=_utc_or_none(row.last_message_at),
    )


class SqlMessageRepository:
    """Messages with their findings and attachment metadata (all append-only)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, record: MessageRecord) -> int:
        # PostgreSQL writes the message's inbox entry and day counter with it (migration 0014).
        insert_message = (
            _INSERT_INDEXED_MESSAGE if self._c.dialect.name == "postgresql" else _INSERT_MESSAGE
        )
        message_id = int(insert_message.rows(self._c, _message_values(record))[0][0])
        if record.findings:
            self._c.execute(
                t.findings.insert(),
                [
                    {
                        "message_id": message_id,
                        "position": position,
                        "category": f.category,
                        "rule": f.rule,
                        "severity": f.severity,
                        "span_start": f.span_start,
                        "span_end": f.span_end,
                        "message": f.message,
                    }
                    for position, f in enumerate(record.findings)
                ],
            )
        if record.attachments:
            self._c.execute(
                t.message_attachments.insert(),
                [
                    {
                        "message_id": message_id,
                        "position": position,
                        "sha256": a.sha256,
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                    }
                    for position, a in enumerate(record.attachments)
                ],
            )
        return message_id

    def append(
        self, record: MessageRecord, *, deliveries: Sequence[OutboxItem], now: datetime
    ) -> int:
        if (
            self._c.dialect.name == "postgresql"
            and len(deliveries) == 1
            and not record.findings
            and len(record.attachments) <= MAX_ATTACHMENTS
        ):
            # The common send, one round trip: head moved, message stored with its attachments'
            # rows, delivery queued (a mail with a file took four: the attachments' insert
            # through `execute`, the head's move and the outbox row each on their own).
            delivery = deliveries[0]
            params = {
                **_message_values(record),
                "previous": record.seq - 1,
                "kind": delivery.kind,
                "recipient": delivery.recipient,
                "key_template": delivery.delivery_key,
                "payload": delivery.payload,
                "status": "pending",
                "attempts": 0,
                "now": utc(now),
            }
            for position, attachment in enumerate(record.attachments):
                params[f"a{position}_sha256"] = attachment.sha256
                params[f"a{position}_filename"] = attachment.filename
                params[f"a{position}_content_type"] = attachment.content_type
                params[f"a{position}_size"] = attachment.size
            row = _append_with_delivery(len(record.attachments)).first(self._c, params)
            if row is None:
                raise RuntimeError(f"thread {record.thread_id}: chain head moved under a held lock")
            return int(row[0])
        message_id = self.add(record)
        SqlThreadRepository(self._c).advance(
            record.thread_id,
            head_hash=record.hash,
            message_count=record.seq,
            last_message_at=record.created_at,
        )
        for delivery in deliveries:
            add_outbox_row(self._c, delivery.for_message(message_id), now=now)
        return message_id

    def find(self, message_id: int) -> MessageRecord | None:
        if not storable_id(message_id):
            return None
        records = load_messages(self._c, t.messages.c.id == message_id)
        return records[0] if records else None

    def for_thread(self, thread_id: int) -> Sequence[MessageRecord]:
        if not storable_id(thread_id):
            return []
        return load_messages(self._c, t.messages.c.thread_id == thread_id)

    def awaiting_reply(self, thread_id: int) -> bool:
        direction = self._c.execute(
            select(t.messages.c.direction)
            .where(t.messages.c.thread_id == thread_id, _NOT_BLOCKED)
            .order_by(t.messages.c.seq.desc())
            .limit(1)
        ).scalar()
        return direction == "buyer_to_seller"

    def count_seller_sent_since(self, seller_id: str, since: datetime) -> int:
        return int(
            self._c.execute(
                select(func.count())
                .select_from(t.messages)
                .where(
                    t.messages.c.sender_id == seller_id,
                    t.messages.c.created_at >= utc(since),
                    t.messages.c.direction == "seller_to_buyer",
                    t.messages.c.disposition == "delivered",
                )
            ).scalar_one()
        )

    def seller_sending_facts(
        self,
        *,
        thread_id: int,
        order_id: str,
        seller_id: str,
        buyer_id: str,
        day_start: datetime,
        window_start: datetime,
    ) -> SellerSendingFacts:
        facts = (
            _SENDING_FACTS_POSTGRESQL if self._c.dialect.name == "postgresql" else _SENDING_FACTS
        )
        row = facts.rows(
            self._c,
            {
                "thread": thread_id,
                "order": order_id,
                "seller": seller_id,
                "buyer": buyer_id,
                "day": _utc_day(day_start),
                "last_day": date.max,
                "day_start": utc(day_start),
                **_window_bounds(window_start),
            },
        )[0]
        return _sending_facts(row, buyer_id=buyer_id, seller_id=seller_id)


def _sending_facts(row: Any, *, buyer_id: str, seller_id: str) -> SellerSendingFacts:
    """The facts of a row with the columns of `_sending_facts_columns`."""
    return SellerSendingFacts(
        awaiting_reply=row.last_direction == "buyer_to_seller",
        sent_today=int(row.sent_today),
        orders_in_window=int(row.orders_in_window),
        buyer_is_seller=bool(row.buyer_is_seller),
        review_requested=bool(row.review_requested),
        aliases=_pair_aliases(row, buyer_id=buyer_id, seller_id=seller_id),
        seller_policy=_seller_policy(row, seller_id=seller_id),
    )


def _seller_policy(row: Any, *, seller_id: str) -> SellerPolicy | None:
    """The seller's settings of a row with the columns of `_seller_policy_columns`; the
    profile is never NULL in a stored row, so a NULL one means the seller has none."""
    if row.policy_profile is None:
        return None
    return SellerPolicy(
        seller_id=seller_id,
        profile=row.policy_profile,
        allowed_link_domains=tuple(row.policy_link_domains),
        daily_limit_base=row.policy_daily_limit_base,
        daily_limit_multiplier=row.policy_daily_limit_multiplier,
    )


def _window_bounds(window_start: datetime) -> dict[str, Any]:
    """The daily limit's order window as the send facts bind it: from `window_start` on, its
    first (partial) UTC day up to `whole_days_start`, then whole days from `first_whole_day`."""
    start = utc(window_start)
    whole_days_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if whole_days_start != start:
        whole_days_start += timedelta(days=1)
    return {
        "window_start": start,
        "whole_days_start": whole_days_start,
        "first_whole_day": whole_days_start.date(),
    }


def _utc_day(day_start: datetime) -> date:
    """The UTC day that starts at `day_start`; the day's counters hold whole days only."""
    moment = utc(day_start)
    if moment.time() != time(0):
        raise ValueError(f"day_start must be a midnight UTC; got {day_start.isoformat()}")
    return moment.date()


def _sending_facts_query(*, day_counters: bool) -> Any:
    """The send facts' one statement; `day_counters` is PostgreSQL's form."""
    return select(
        *_sending_facts_columns(
            day_counters=day_counters,
            thread=bindparam("thread"),
            order=bindparam("order"),
            buyer=bindparam("buyer"),
        )
    )


def _sending_facts_columns(*, day_counters: bool, thread: Any, order: Any, buyer: Any) -> list[Any]:
    """The send facts as labelled scalar columns, of the thread, order and buyer given (bound
    values, or the columns of a statement that reads them); the seller is bound.

    PostgreSQL's form gives each of its date ranges an upper end as well (the counters' days up to
    the last date: the same rows as an open range). psycopg prepares the statement on the server,
    and PostgreSQL then plans it once (a generic plan) only if that plan's estimated cost is not
    above the plans made for each execution's values. For an open range on an unknown value it
    assumes a third of the rows qualify, which made the generic plan look twice as costly, so the
    statement was planned again on every send (0 generic and 143 custom plans in
    pg_prepared_statements after 200 sends at 1M stored); a range closed on both ends is estimated
    at 0.5 % of the rows, and the generic plan is kept (the plans are the same index scans either
    way).
    """
    m = t.messages.c
    if day_counters:
        # PostgreSQL: from the day's counters (kept with each message, migration 0014), a few
        # rows. Its count over the index read the heap row of every message of the day (today's
        # pages are not all-visible yet), one page each. `>=`: a message stamped after today (a
        # clock ahead) counts, as it did.
        d = t.seller_daily_sends.c
        sent_today = (
            select(func.coalesce(func.sum(d.sent), 0))
            .where(
                d.seller_id == bindparam("seller"),
                d.day.between(
                    bindparam("day", type_=d.day.type), bindparam("last_day", type_=d.day.type)
                ),
            )
            .scalar_subquery()
        )
    else:
        # SQLite: ix_messages_sender_disposition covers the count, with no visibility check,
        # so the day's entries are read from a few dense index pages; a counter row to write on
        # every send would cost more than it saves.
        sent_today = (
            select(func.count())
            .select_from(t.messages)
            .where(
                m.sender_id == bindparam("seller"),
                m.disposition == "delivered",
                m.created_at >= bindparam("day_start", type_=m.created_at.type),
                m.direction == "seller_to_buyer",
            )
            .scalar_subquery()
        )
    o = t.orders.c
    orders_in_window: Any
    if day_counters:
        # PostgreSQL: the window's first day, which it holds from `window_start` on, counted
        # from the index (its end bound exclusive: `whole_days_start` is that day's midnight
        # after), and the whole days after it from the order counters (triggers keep them,
        # migration 0012): a seventh of the week's index entries and at most a few rows,
        # instead of one index entry per order of the week. Both ranges are closed, for the
        # generic plan (below).
        first_day = (
            select(func.count())
            .select_from(t.orders)
            .where(
                o.seller_id == bindparam("seller"),
                o.purchased_at >= bindparam("window_start", type_=o.purchased_at.type),
                o.purchased_at < bindparam("whole_days_start", type_=o.purchased_at.type),
            )
            .scalar_subquery()
        )
        c = t.seller_daily_orders.c
        whole_days = (
            select(func.coalesce(func.sum(c.orders), 0))
            .where(
                c.seller_id == bindparam("seller"),
                c.day.between(
                    bindparam("first_whole_day", type_=c.day.type),
                    bindparam("last_day", type_=c.day.type),
                ),
            )
            .scalar_subquery()
        )
        orders_in_window = first_day + whole_days
    else:
        orders_in_window = (
            select(func.count())
            .select_from(t.orders)
            .where(o.seller_id == bindparam("seller"), o.purchased_at >= bindparam("window_start"))
            .scalar_subquery()
        )
    buyer_is_seller = exists().where(t.sellers.c.buyer_id == buyer)
    # A primary-key probe: the order's one review request, if it had it.
    review_requested = exists().where(spapi_solicitations.c.order_id == order)
    # Everything the send reads besides the order and the thread, in one round trip: the send
    # path is latency-bound, not work-bound.
    return [
        _last_direction(thread),
        sent_today.label("sent_today"),
        orders_in_window.label("orders_in_window"),
        buyer_is_seller.label("buyer_is_seller"),
        review_requested.label("review_requested"),
        *_pair_alias_columns(buyer=buyer, seller=bindparam("seller")),
        *_seller_policy_columns(seller=bindparam("seller")),
    ]


def _seller_policy_columns(*, seller: Any) -> list[Any]:
    """The operator's settings for the seller (what `SqlSellerPolicyRepository.find` reads) as
    the columns that `_seller_policy` turns back into a `SellerPolicy`: the API's send applies
    them, and read here they cost a primary-key probe each instead of a round trip."""
    p = access_tables.seller_policies.c

    def of_seller(column: Any) -> Any:
        return select(column).where(p.seller_id == seller).scalar_subquery()

    return [
        of_seller(p.profile).label("policy_profile"),
        of_seller(p.allowed_link_domains).label("policy_link_domains"),
        of_seller(p.daily_limit_base).label("policy_daily_limit_base"),
        of_seller(p.daily_limit_multiplier).label("policy_daily_limit_multiplier"),
    ]


# Written out, not bound. SQLite checks whether a condition on a bound value implies the WHERE of a
# partial index of messages (ix_messages_undelivered: disposition <> 'delivered'); when the
# comparison is `disposition != ?`, the plan then depends on that value, so SQLite prepared the
# statement again each time it was run with its parameters bound (the send facts' statement at 10k
# stored: 115-140 us a run bound, 16 us written out; the same bytecode either way).
_NOT_BLOCKED = t.messages.c.disposition != literal_column("'blocked'")


def _last_direction(thread: Any) -> Any:
    """The direction of the thread's latest message that was not blocked (what
    `SqlMessageRepository.awaiting_reply` reads), as the column `last_direction`."""
    m = t.messages.c
    return (
        select(m.direction)
        .where(m.thread_id == thread, _NOT_BLOCKED)
        .order_by(m.seq.desc())
        .limit(1)
        .scalar_subquery()
        .label("last_direction")
    )


def _pair_alias_columns(*, buyer: Any, seller: Any) -> list[Any]:
    """The pair's two aliases (what `SqlAliasRepository.of_pair` reads) as the columns that
    `_pair_aliases` turns back into aliases."""

    def alias_of_pair(side: str, column: Any) -> Any:
        # One probe of uq_aliases_pair_side per value.
        a = t.aliases.c
        return (
            select(column)
            .where(a.buyer_id == buyer, a.seller_id == seller, a.side == side)
            .scalar_subquery()
        )

    return [
        alias_of_pair("buyer", t.aliases.c.local_part).label("buyer_alias"),
        alias_of_pair("buyer", t.aliases.c.active).label("buyer_alias_active"),
        alias_of_pair("seller", t.aliases.c.local_part).label("seller_alias"),
        alias_of_pair("seller", t.aliases.c.active).label("seller_alias_active"),
    ]


def _pair_aliases(row: Any, *, buyer_id: str, seller_id: str) -> tuple[Alias, ...]:
    """The aliases of a row with the columns of `_pair_alias_columns`, buyer's side first."""
    sides: tuple[tuple[AliasSide, str | None, bool | None], ...] = (
        ("buyer", row.buyer_alias, row.buyer_alias_active),
        ("seller", row.seller_alias, row.seller_alias_active),
    )
    return tuple(
        Alias(local_part, buyer_id, seller_id, side, bool(active))
        for side, local_part, active in sides
        if local_part is not None
    )


def _seller_send_query() -> Any:
    """A seller's send reads, as one statement: the order (the seller's) with its items, seller
    (and addresses) and buyer, its thread locked FOR UPDATE, and the send facts.

    The order, thread and facts are one row (a materialised CTE, so the facts are counted once,
    not once per item and address). On PostgreSQL a send that waited for the thread's lock gets
    the thread as its holder committed it, but the facts as of the statement's start:
    `last_seq`, the newest message the facts saw, then differs from the thread's count and the
    caller reads the facts again. PostgreSQL only: SQLite takes the separate reads
    (`lock_for_seller_send`).
    """
    o, th = t.orders.c, t.threads.c
    return _locked_order_query(
        o.seller_id == bindparam("seller"),
        [
            *_sending_facts_columns(day_counters=True, thread=th.id, order=o.id, buyer=o.buyer_id),
            # What the case hooks read before the policy check (`case_glance`).
            *case_glance_columns(thread=th.id, seller=o.seller_id),
        ],
    )


def _buyer_message_query() -> Any:
    """A buyer's message reads, as one statement: the order (the buyer's) with its items, seller
    (and addresses) and buyer, its thread locked FOR UPDATE, the direction of its latest
    message that was not blocked and the pair's aliases; `_seller_send_query`'s shape, and the
    same `last_seq` check after a wait for the lock.
    """
    o, th = t.orders.c, t.threads.c
    return _locked_order_query(
        o.buyer_id == bindparam("buyer"),
        [_last_direction(th.id), *_pair_alias_columns(buyer=o.buyer_id, seller=o.seller_id)],
    )


def _locked_order_query(whose: Any, facts: Sequence[Any]) -> Any:
    """The order `key` (if `whose` holds) with its items, seller, addresses and buyer, its thread
    locked FOR UPDATE, `facts` (scalar columns of the order and thread) and `last_seq`: one row
    per item and seller address, the order, thread and facts repeated on each."""
    o, th, m = t.orders.c, t.threads.c, t.messages.c
    last_seq = (
        select(m.seq).where(m.thread_id == th.id).order_by(m.seq.desc()).limit(1).scalar_subquery()
    )
    # Only the columns the send uses: psycopg converts a statement's placeholders once and keeps
    # the result only for SQL of at most 4,096 characters (MAX_CACHED_STATEMENT_LENGTH); above
    # that it parsed this statement again on every send (~0.1 ms of this process's CPU).
    unused = {"created_at", "updated_at"}
    head = (
        select(
            *[column for column in t.orders.c if column.name not in unused],
            *[th[name].label(f"t_{name}") for name in _THREAD_HEAD_COLUMNS],
            *facts,
            last_seq.label("last_seq"),
        )
        .join_from(t.orders, t.threads, th.order_id == o.id)
        .where(o.id == bindparam("key"), whose)
        .with_for_update(of=t.threads)
        .cte("h")
        .prefix_with("MATERIALIZED")
    )
    i, a = t.order_items.c, t.seller_addresses.c
    return (
        select(
            head,
            i.position.label("item_position"),
            i.sku.label("item_sku"),
            i.title.label("item_title"),
            i.quantity.label("item_quantity"),
            i.price_minor.label("item_price_minor"),
            i.currency.label("item_currency"),
            *[
                column.label(f"s_{column.name}")
                for column in t.sellers.c
                if column.name != "updated_at"
            ],
            a.address.label("address"),
            a.kind.label("address_kind"),
            *[
                column.label(f"b_{column.name}")
                for column in t.buyers.c
                if column.name != "updated_at"
            ],
        )
        .select_from(
            head.join(t.sellers, t.sellers.c.id == head.c.seller_id)
            .join(t.buyers, t.buyers.c.id == head.c.buyer_id)
            .outerjoin(t.order_items, i.order_id == head.c.id)
            .outerjoin(t.seller_addresses, a.seller_id == t.sellers.c.id)
        )
        .order_by(i.position, a.address)
    )


# The thread's columns the send reads (its order, seller and buyer are the order's).
_THREAD_HEAD_COLUMNS = ("id", "message_count", "head_hash", "last_message_at")
_SELLER_SEND = DriverStatement(_seller_send_query())
_BUYER_MESSAGE = DriverStatement(_buyer_message_query())
_SENDING_FACTS = DriverStatement(_sending_facts_query(day_counters=False))
_SENDING_FACTS_POSTGRESQL = DriverStatement(_sending_facts_query(day_counters=True))
_MESSAGE_KEYS = (
    "thread_id",
    "seq",
    "direction",
    "sender_id",
    "channel",
    "initiation",
    "contact_reason",
    "subject",
    "body",
    "language",
    "verdict",
    "critical",
    "disposition",
    "triage",
    "report",
    "created_at",
    "prev_hash",
    "hash",
)
_INSERT_MESSAGE = DriverStatement(
    t.messages.insert().returning(t.messages.c.id), column_keys=_MESSAGE_KEYS
)


def _message_bound(key: str) -> Any:
    """The bound value of the message's column `key`, typed as the column."""
    return bindparam(key, type_=t.messages.c[key].type)


def _indexed_and_counted(stored: Any, parties: Any) -> tuple[Any, Any]:
    """PostgreSQL: the data-modifying CTEs that write a stored message's inbox entry and, for a
    delivered seller message, its day counter (what the triggers of migrations 0002 and 0010 did
    until migration 0014): `stored` returns the new message's `id`; `parties` is a selectable of
    one row with the thread's `seller_id` and `buyer_id`.

    The counter is the triggers' own: row `thread_id % 8` of the sender's UTC day of
    `created_at`, one more on conflict. Both are written in the message's statement, with no
    trigger call and, on a send, no second read of the thread."""
    ix = access_tables.inbox_index
    indexed = insert(ix).from_select(
        ["message_id", "seller_id", "buyer_id"],
        select(stored.c.id, parties.c.seller_id, parties.c.buyer_id).select_from(
            stored.join(parties, true())
        ),
    )
    d = t.seller_daily_sends
    day = cast(func.timezone(literal_column("'UTC'"), _message_bound("created_at")), d.c.day.type)
    counted = (
        postgresql.insert(d)
        .from_select(
            ["seller_id", "day", "shard", "sent"],
            select(
                _message_bound("sender_id"),
                day,
                _message_bound("thread_id") % literal_column("8"),
                literal_column("1"),
            )
            .select_from(stored)
            .where(
                _message_bound("direction") == literal_column("'seller_to_buyer'"),
                _message_bound("disposition") == literal_column("'delivered'"),
            ),
        )
        .on_conflict_do_update(
            index_elements=[d.c.seller_id, d.c.day, d.c.shard],
            set_={"sent": d.c.sent + literal_column("1")},
        )
    )
    return indexed.cte("indexed"), counted.cte("counted")


def _insert_indexed_message_statement() -> Any:
    """PostgreSQL: a message with its inbox entry (the thread's parties read by id) and day
    counter, in one statement; returns the message's id."""
    th = t.threads
    stored = (
        insert(t.messages)
        .from_select(list(_MESSAGE_KEYS), select(*[_message_bound(key) for key in _MESSAGE_KEYS]))
        .returning(t.messages.c.id)
        .cte("stored")
    )
    parties = (
        select(th.c.seller_id, th.c.buyer_id)
        .where(th.c.id == _message_bound("thread_id"))
        .subquery("parties")
    )
    indexed, counted = _indexed_and_counted(stored, parties)
    return select(stored.c.id).add_cte(indexed, counted)


_INSERT_INDEXED_MESSAGE = DriverStatement(_insert_indexed_message_statement())
_OUTBOX_KEYS = (
    "kind",
    "message_id",
    "recipient",
    "delivery_key",
    "payload",
    "status",
    "attempts",
    "available_at",
    "created_at",
)
_INSERT_OUTBOX = DriverStatement(
    t.outbox.insert().returning(t.outbox.c.id), column_keys=_OUTBOX_KEYS
)


_MESSAGE_COLUMNS = [t.messages.c[name] for name in (*_MESSAGE_KEYS, "id")]


def _message_values(record: MessageRecord) -> dict[str, Any]:
    return {
        "thread_id": record.thread_id,
        "seq": record.seq,
        "direction": record.direction,
        "sender_id": record.sender_id,
        "channel": record.channel,
        "initiation": record.initiation,
        "contact_reason": record.contact_reason,
        "subject": record.subject,
        "body": record.body,
        "language": record.language,
        "verdict": record.verdict,
        "critical": record.critical,
        "disposition": record.disposition,
        "triage": record.triage,
        "report": record.report,
        "created_at": utc(record.created_at),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def _append_with_delivery_statement(attachments: int) -> Any:
    """PostgreSQL: move the thread's head, insert the message, its `attachments` rows of
    message_attachments (parameters a<n>_sha256, a<n>_filename, a<n>_content_type, a<n>_size;
    position n) and its one delivery, in one statement (data-modifying CTEs). Nothing is written
    unless the head was where the lock found it; the delivery key's MESSAGE_ID_SLOT is replaced
    by the new id, as OutboxItem.for_message does."""
    m, o, th = t.messages.c, t.outbox.c, t.threads.c
    moved = (
        update(t.threads)
        .where(th.id == bindparam("thread_id"), th.message_count == bindparam("previous"))
        .values(
            head_hash=bindparam("hash"),
            message_count=bindparam("seq"),
            last_message_at=bindparam("created_at"),
        )
        .returning(th.id, th.seller_id, th.buyer_id)
        .cte("moved")
    )
    stored = (
        insert(t.messages)
        .from_select(
            list(_MESSAGE_KEYS),
            select(*[_message_bound(key) for key in _MESSAGE_KEYS]).select_from(moved),
        )
        .returning(m.id)
        .cte("stored")
    )
    # The inbox entry's parties come from the thread row the head's move just wrote.
    indexed, counted = _indexed_and_counted(stored, moved)
    riders = [indexed, counted]
    ma = t.message_attachments.c
    for position in range(attachments):
        riders.append(
            insert(t.message_attachments)
            .from_select(
                ["message_id", "position", "sha256", "filename", "content_type", "size"],
                select(
                    stored.c.id,
                    literal_column(str(position), ma.position.type),
                    bindparam(f"a{position}_sha256", type_=ma.sha256.type),
                    bindparam(f"a{position}_filename", type_=ma.filename.type),
                    bindparam(f"a{position}_content_type", type_=ma.content_type.type),
                    bindparam(f"a{position}_size", type_=ma.size.type),
                ).select_from(stored),
            )
            .cte(f"attachment_{position}")
        )
    key = func.replace(
        bindparam("key_template", type_=String), MESSAGE_ID_SLOT, cast(stored.c.id, String)
    )
    return (
        insert(t.outbox)
        .from_select(
            list(_OUTBOX_KEYS),
            select(
                bindparam("kind", type_=o.kind.type),
                stored.c.id,
                bindparam("recipient", type_=o.recipient.type),
                key,
                bindparam("payload", type_=o.payload.type),
                bindparam("status", type_=o.status.type),
                bindparam("attempts", type_=o.attempts.type),
                bindparam("now", type_=o.available_at.type),
                bindparam("now", type_=o.created_at.type),
            ).select_from(stored),
        )
        .returning(o.message_id)
        .add_cte(*riders)
    )


# One statement per number of attachments (at most MAX_ATTACHMENTS), built on first use.
@lru_cache(maxsize=MAX_ATTACHMENTS + 1)
def _append_with_delivery(attachments: int) -> DriverStatement:
    """The statement of `_append_with_delivery_statement` for a message with `attachments`."""
    return DriverStatement(_append_with_delivery_statement(attachments))


def load_messages(
    connection: Connection, condition: Any, *, aware: bool = True
) -> list[MessageRecord]:
    """Messages matching `condition` by (thread_id, seq), with findings and attachments.

    `aware=False` leaves SQLite's zone-less UTC timestamps as they are: the audit only hashes
    them (canonical_time reads naive as UTC) and skips a conversion per message.
    """
    rows = connection.execute(
        select(*_MESSAGE_COLUMNS)
        .where(condition)
        .order_by(t.messages.c.thread_id, t.messages.c.seq)
    ).all()
    if not rows:
        return []
    findings, attachments = _findings_and_attachments(connection, condition)
    return [_message(row, findings, attachments, aware) for row in rows]


def _findings_and_attachments(
    connection: Connection, messages_where: Any
) -> tuple[dict[int, list[FindingRecord]], dict[int, list[AttachmentMeta]]]:
    """The findings and attachments of the messages `messages_where` selects, by message id."""
    ids = select(t.messages.c.id).where(messages_where)
    findings = _findings_by_message(
        connection,
        select(t.findings)
        .where(t.findings.c.message_id.in_(ids))
        .order_by(t.findings.c.message_id, t.findings.c.position),
    )
    attachments = _attachments_by_message(
        connection,
        select(t.message_attachments)
        .where(t.message_attachments.c.message_id.in_(ids))
        .order_by(t.message_attachments.c.message_id, t.message_attachments.c.position),
    )
    return findings, attachments


def _findings_by_message(connection: Connection, query: Any) -> dict[int, list[FindingRecord]]:
    grouped: dict[int, list[FindingRecord]] = defaultdict(list)
    for f in connection.execute(query):
        grouped[f.message_id].append(
            FindingRecord(f.category, f.rule, f.severity, f.span_start, f.span_end, f.message)
        )
    return grouped


def _attachments_by_message(connection: Connection, query: Any) -> dict[int, list[AttachmentMeta]]:
    grouped: dict[int, list[AttachmentMeta]] = defaultdict(list)
    for a in connection.execute(query):
        grouped[a.message_id].append(AttachmentMeta(a.filename, a.content_type, a.size, a.sha256))
    return grouped


_NO_FINDINGS: list[FindingRecord] = []
_NO_ATTACHMENTS: list[AttachmentMeta] = []


def _message(
    row: Row[Any],
    findings: dict[int, list[FindingRecord]],
    attachments: dict[int, list[AttachmentMeta]],
    aware: bool,
) -> MessageRecord:
    # Positional, in _MESSAGE_COLUMNS order: the audit builds millions of these.
    v = tuple(row)
    message_id = v[18]
    return MessageRecord(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], utc(v[15]) if aware else v[15], v[16], v[17],
        tuple(findings.get(message_id, _NO_FINDINGS)),
        tuple(attachments.get(message_id, _NO_ATTACHMENTS)),
        message_id,
    )  # fmt: skip


def add_outbox_row(connection: Connection, item: OutboxItem, *, now: datetime) -> int:
    """Queue one delivery in the caller's transaction; its id."""
    now = utc(now)
    return int(
        _INSERT_OUTBOX.rows(
            connection,
            {
                "kind": item.kind,
                "message_id": item.message_id,
                "recipient": item.recipient,
                "delivery_key": item.delivery_key,
                "payload": item.payload,
                "status": "pending",
                "attempts": 0,
                "available_at": now,
                "created_at": now,
            },
        )[0][0]
    )


class SqlEvidenceReader:
    """Reads threads and messages for the audit, one short transaction per batch of threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def row_batches(
        self, *, thread_id: int | None = None, batch_size: int = 1000
    ) -> Iterator[RowBatch]:
        """Batches of threads with their messages as plain rows, straight from the DB cursor.

        The audit's fast path: the driver's own cursor (no SQLAlchemy row processing) and no
        MessageRecord per message. Each batch is one snapshot, as in `thread_batches`.
        """
        if thread_id is not None and not storable_id(thread_id):
            return
        after: int | None = None
        while True:
            query = select(t.threads.c.id, t.threads.c.head_hash, t.threads.c.message_count)
            if thread_id is not None:
                query = query.where(t.threads.c.id == thread_id)
            elif after is not None:
                query = query.where(t.threads.c.id > after)
            query = query.order_by(t.threads.c.id).limit(batch_size)
            with _snapshot(self._engine) as connection:
                heads = [(int(r[0]), str(r[1]), int(r[2])) for r in connection.execute(query)]
                if not heads:
                    return
                low, high = heads[0][0], heads[-1][0]
                sqlite_rows = connection.dialect.name == "sqlite"
                cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    cursor.arraysize = 10_000
                    cursor.execute(*_driver_statement(connection, low, high))
                    rows: list[Any] = list(cursor.fetchall())
                finally:
                    cursor.close()
                if sqlite_rows:
                    # SQLite hands timestamps back as text (stored in UTC, without a zone).
                    parse = datetime.fromisoformat
                    rows = [(*r[:15], parse(r[15]), *r[16:]) for r in rows]
                findings, attachments = _findings_and_attachments(
                    connection, t.messages.c.thread_id.between(low, high)
                )
            yield RowBatch(heads, rows, findings, attachments)
            if thread_id is not None:
                return
            after = high

    def thread_batches(
        self, *, thread_id: int | None = None, batch_size: int = 1000
    ) -> Iterator[tuple[Sequence[ThreadHead], Iterator[MessageRecord]]]:
        if thread_id is not None and not storable_id(thread_id):
            return
        after: int | None = None
        while True:
            query = select(t.threads.c.id, t.threads.c.head_hash, t.threads.c.message_count)
            if thread_id is not None:
                query = query.where(t.threads.c.id == thread_id)
            elif after is not None:
                query = query.where(t.threads.c.id > after)
            query = query.order_by(t.threads.c.id).limit(batch_size)
            # Heads and messages come from one snapshot (see _snapshot).
            with _snapshot(self._engine) as connection:
                heads = [
                    ThreadHead(r.id, r.head_hash, r.message_count)
                    for r in connection.execute(query)
                ]
                if not heads:
                    return
                low, high = heads[0].thread_id, heads[-1].thread_id
                records = load_messages(
                    connection, t.messages.c.thread_id.between(low, high), aware=False
                )
            yield heads, iter(records)
            if thread_id is not None:
                return
            after = high


# The audit's row query, in MessageRecord field order then the id (domain.evidence.MessageRow).
_AUDIT_ROWS = (
    select(*_MESSAGE_COLUMNS)
    .where(t.messages.c.thread_id.between(bindparam("low"), bindparam("high")))
    .order_by(t.messages.c.thread_id, t.messages.c.seq)
)


def _driver_statement(connection: Connection, low: int, high: int) -> tuple[str, Any]:
    """The audit's row query as the driver's own SQL text and parameters, for its raw cursor."""
    compiled = _AUDIT_ROWS.compile(dialect=connection.dialect)
    values = compiled.construct_params({"low": low, "high": high})
    if compiled.positiontup is not None:
        return str(compiled), tuple(values[name] for name in compiled.positiontup)
    return str(compiled), values


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read transaction whose statements all see one snapshot of the database.

    Heads and messages must agree while writers keep appending: REPEATABLE READ on PostgreSQL
    (READ COMMITTED would let a message committed between two reads look like a broken chain);
    on SQLite the transaction holds the write lock (BEGIN IMMEDIATE, engine.py).
    """
    with engine.connect() as plain:
        connection = plain
        if plain.dialect.name == "postgresql":
            connection = plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection
