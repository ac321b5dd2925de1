"""The inbox as SQL: messages of a party's threads, filtered by view, in pages by keyset cursor.

Keyset pagination (WHERE key > last key, ORDER BY key LIMIT n) costs the same on page 1000 as on
page 1, where OFFSET would read and skip every earlier row. Each filter reads its page from an
index that holds exactly its rows in page order, or a few rows to sort, never a party's whole
history (docs/cases.md, "Indexes behind the inbox"; migrations 0007 and 0008):

- `requires_response`: buyer messages whose 24-hour clock still runs, least time left first.
  A seller's come from `ix_response_clocks_open_seller (seller_id, started_at, message_id)`,
  everyone's (operators) from `ix_response_clocks_open_started (started_at, message_id)`; when an
  order or a buyer narrows the view, from the running clocks of those few threads
  (`ix_response_clocks_open_thread`), sorted.
- an order's messages (any other view): the one thread's messages (`uq_messages_thread_seq`),
  sorted newest first.
- `blocked` and `bounced`: only a seller's own messages are ever judged or bounced (a buyer's
  message is always stored as delivered), so a seller's come from the partial index
  `ix_messages_undelivered_sender (sender_id, disposition, id)`, everyone's from
  `ix_messages_undelivered (disposition, id)`: both hold the undelivered messages alone.
- every other view: newest first by message id, from the inbox index `(seller_id | buyer_id,
  message_id)` kept with each message (migrations 0002 and 0014), or from `messages` itself for
  operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
)

from gobetween.adapters.db import access_tables as a
from gobetween.adapters.db import case_tables as c
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import utc
from gobetween.services.access_ports import InboxEntry, InboxFilter

PREVIEW_CHARS = 160

# The views whose messages a seller wrote and the platform did not deliver.
UNDELIVERED_VIEWS = ("blocked", "bounced")
# The disposition each view lists, written into the statement rather than bound: a partial index
# (WHERE disposition <> 'delivered') serves a query only when the database can prove its
# condition from the statement itself, which neither SQLite nor a PostgreSQL generic plan does
# from a bound value.
_VIEW_DISPOSITION: dict[str, ColumnElement[Any]] = {
    "sent": literal_column("'delivered'"),
    "blocked": literal_column("'blocked'"),
    "bounced": literal_column("'bounced'"),
}


class SqlInboxQueries:
    """Inbox listings on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def list(
        self, where: InboxFilter, *, after: tuple[str, int] | None, limit: int
    ) -> Sequence[InboxEntry]:
        shape = _Shape.of(where, after is not None)
        query = _STATEMENTS.get(shape)
        if query is None:
            query = _STATEMENTS[shape] = _statement(shape)
        values: dict[str, Any] = {
            "seller_id": where.seller_id,
            "buyer_id": where.buyer_id,
            "order_id": where.order_id,
            "direction": where.direction,
            "limit": limit,
        }
        if after is not None:
            values["after_id"] = after[1]
            if where.view == "requires_response":
                values["after_started"] = utc(datetime.fromisoformat(after[0]))
        rows = self._c.execute(query, values).all()
        return [
            InboxEntry(
                message_id=row.id,
                thread_id=row.thread_id,
                order_id=row.order_id,
                seller_id=row.seller_id,
                buyer_id=row.buyer_id,
                seq=row.seq,
                direction=row.direction,
                sender_id=row.sender_id,
                contact_reason=row.contact_reason,
                subject=row.subject,
                preview=row.preview,
                verdict=row.verdict,
                disposition=row.disposition,
                triage=row.triage,
                created_at=utc(row.created_at),
                clock_started_at=None if row.started_at is None else utc(row.started_at),
            )
            for row in rows
        ]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a listing's statement depends on: its view and which filters are set, not their values.

    The values are bound parameters, so one statement per shape serves every listing of that
    shape: built once, where building the select (and its subquery) anew took ~0.45 ms of CPU per
    listing, about a quarter of the listing's own work in the API.
    """

    view: str
    seller: bool
    buyer: bool
    order: bool
    direction: bool
    delivered_only: bool
    after: bool

    @classmethod
    def of(cls, where: InboxFilter, after: bool) -> _Shape:
        return cls(
            view=where.view,
            seller=where.seller_id is not None,
            buyer=where.buyer_id is not None,
            order=where.order_id is not None,
            direction=where.direction is not None,
            delivered_only=where.delivered_only,
            after=after,
        )


# One statement per shape: 5 views times a few filter combinations, a few dozen at most.
_STATEMENTS: dict[_Shape, Select[Any]] = {}

_SELLER = bindparam("seller_id", type_=String)
_BUYER = bindparam("buyer_id", type_=String)
_ORDER = bindparam("order_id", type_=String)
_DIRECTION = bindparam("direction", type_=String)
_AFTER_ID = bindparam("after_id", type_=BigInteger)
_AFTER_STARTED = bindparam("after_started", type_=c.response_clocks.c.started_at.type)
_LIMIT = bindparam("limit", type_=Integer)


def _statement(shape: _Shape) -> Select[Any]:
    if shape.view == "requires_response":
        return _requires_response(shape)
    return _newest_first(shape).limit(_LIMIT)


def _columns() -> tuple[ColumnElement[Any], ...]:
    m, th = t.messages, t.threads
    return (
        m.c.id,
        m.c.thread_id,
        th.c.order_id,
        th.c.seller_id,
        th.c.buyer_id,
        m.c.seq,
        m.c.direction,
        m.c.sender_id,
        m.c.contact_reason,
        m.c.subject,
        func.substr(m.c.body, 1, PREVIEW_CHARS).label("preview"),
        m.c.verdict,
        m.c.disposition,
        m.c.triage,
        m.c.created_at,
    )


def _requires_response(shape: _Shape) -> Select[Any]:
    """Running clocks, least time left first: the page's keys first, then the joins for them.

    Joining before the sort would read every running clock's message and thread.
    """
    m, th, rc = t.messages, t.threads, c.response_clocks
    keys = select(rc.c.message_id, rc.c.started_at).where(rc.c.stopped_at.is_(None))
    if shape.order or shape.buyer:
        # A clock's thread and seller are its message's: the running clocks of the order's
        # thread, or of the buyer's threads (with the seller's, if any), are a few rows to sort,
        # where the seller's running clocks in time order would be read until the page filled
        # (every one of them for a short page). The seller is named through the threads only,
        # so that no database walks the seller's clocks instead.
        keys = keys.where(rc.c.thread_id.in_(_narrowed(select(th.c.id), shape)))
    elif shape.seller:
        keys = keys.where(rc.c.seller_id == _SELLER)
    if shape.direction or shape.delivered_only:
        keys = keys.join(m, m.c.id == rc.c.message_id)
        if shape.direction:
            keys = keys.where(m.c.direction == _DIRECTION)
        if shape.delivered_only:
            keys = keys.where(m.c.disposition == "delivered")
    if shape.after:
        keys = keys.where(
            tuple_(rc.c.started_at, rc.c.message_id) > tuple_(_AFTER_STARTED, _AFTER_ID)
        )
    page = keys.order_by(rc.c.started_at, rc.c.message_id).limit(_LIMIT).subquery()
    return (
        select(*_columns(), page.c.started_at)
        .select_from(page.join(m, m.c.id == page.c.message_id).join(th, th.c.id == m.c.thread_id))
        .order_by(page.c.started_at, page.c.message_id)
    )


def _newest_first(shape: _Shape) -> Select[Any]:
    """Every view but `requires_response`: newest first by message id, from the narrowest index."""
    m, th, rc, ix = t.messages, t.threads, c.response_clocks, a.inbox_index
    columns = (*_columns(), rc.c.started_at)
    clock = (rc.c.message_id == m.c.id) & rc.c.stopped_at.is_(None)
    newest: ColumnElement[int]
    if shape.order:
        # One thread: its messages, sorted (a thread is short next to a party's history).
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        query = _narrowed(query, shape)
        newest = m.c.id
    elif shape.view in UNDELIVERED_VIEWS and not shape.buyer:
        # Only a seller's own messages are blocked or bounced; the thread still names the seller.
        # The partial indexes' condition is written out as well: SQLite uses a partial index
        # only for a query that states its condition, and does not infer it from the equality.
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        query = query.where(m.c.disposition != _VIEW_DISPOSITION["sent"])
        if shape.seller:
            query = query.where(
                m.c.sender_id == _SELLER,
                m.c.direction == "seller_to_buyer",
                th.c.seller_id == _SELLER,
            )
        newest = m.c.id
    elif shape.seller or shape.buyer:
        # A party's messages come newest first from the inbox index (party, message id), so a
        # page reads its rows in index order and never sorts the party's history. With both
        # parties (an alias) both databases read the buyer's entries, the shorter range.
        query = select(*columns).select_from(
            ix.join(m, m.c.id == ix.c.message_id)
            .join(th, th.c.id == m.c.thread_id)
            .outerjoin(rc, clock)
        )
        if shape.buyer:
            query = query.where(ix.c.buyer_id == _BUYER)
        if shape.seller:
            query = query.where(ix.c.seller_id == _SELLER)
        newest = ix.c.message_id
    else:
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        newest = m.c.id
    if shape.view in _VIEW_DISPOSITION:
        query = query.where(m.c.disposition == _VIEW_DISPOSITION[shape.view])
    if shape.direction:
        query = query.where(m.c.direction == _DIRECTION)
    if shape.delivered_only:
        query = query.where(m.c.disposition == "delivered")
    if shape.after:
        query = query.where(newest < _AFTER_ID)
    return query.order_by(newest.desc())


def _narrowed(query: Select[Any], shape: _Shape) -> Select[Any]:
    """The threads of the listing's parties and order (`query` selects from `threads`)."""
    th = t.threads
    if shape.seller:
        query = query.where(th.c.seller_id == _SELLER)
    if shape.buyer:
        query = query.where(th.c.buyer_id == _BUYER)
    if shape.order:
        query = query.where(th.c.order_id == _ORDER)
    return query
