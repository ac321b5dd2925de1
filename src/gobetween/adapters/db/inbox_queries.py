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
  message_id)` that a trigger keeps (migration 0002), or from `messages` itself for operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, literal_column, select, tuple_

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
        if where.view == "requires_response":
            query = _requires_response(where, after, limit)
        else:
            query = _newest_first(where, after).limit(limit)
        rows = self._c.execute(query).all()
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


def _requires_response(
    where: InboxFilter, after: tuple[str, int] | None, limit: int
) -> Select[Any]:
    """Running clocks, least time left first: the page's keys first, then the joins for them.

    Joining before the sort would read every running clock's message and thread.
    """
    m, th, rc = t.messages, t.threads, c.response_clocks
    keys = select(rc.c.message_id, rc.c.started_at).where(rc.c.stopped_at.is_(None))
    if where.order_id is not None or where.buyer_id is not None:
        # A clock's thread and seller are its message's: the running clocks of the order's
        # thread, or of the buyer's threads (with the seller's, if any), are a few rows to sort,
        # where the seller's running clocks in time order would be read until the page filled
        # (every one of them for a short page). The seller is named through the threads only,
        # so that no database walks the seller's clocks instead.
        keys = keys.where(rc.c.thread_id.in_(_narrowed(select(th.c.id), where)))
    elif where.seller_id is not None:
        keys = keys.where(rc.c.seller_id == where.seller_id)
    if where.direction is not None or where.delivered_only:
        keys = keys.join(m, m.c.id == rc.c.message_id)
        if where.direction is not None:
            keys = keys.where(m.c.direction == where.direction)
        if where.delivered_only:
            keys = keys.where(m.c.disposition == "delivered")
    if after is not None:
        started = utc(datetime.fromisoformat(after[0]))
        keys = keys.where(tuple_(rc.c.started_at, rc.c.message_id) > (started, after[1]))
    page = keys.order_by(rc.c.started_at, rc.c.message_id).limit(limit).subquery()
    return (
        select(*_columns(), page.c.started_at)
        .select_from(page.join(m, m.c.id == page.c.message_id).join(th, th.c.id == m.c.thread_id))
        .order_by(page.c.started_at, page.c.message_id)
    )


def _newest_first(where: InboxFilter, after: tuple[str, int] | None) -> Select[Any]:
    """Every view but `requires_response`: newest first by message id, from the narrowest index."""
    m, th, rc, ix = t.messages, t.threads, c.response_clocks, a.inbox_index
    columns = (*_columns(), rc.c.started_at)
    clock = (rc.c.message_id == m.c.id) & rc.c.stopped_at.is_(None)
    newest: ColumnElement[int]
    if where.order_id is not None:
        # One thread: its messages, sorted (a thread is short next to a party's history).
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        query = query.where(th.c.order_id == where.order_id)
        if where.seller_id is not None:
            query = query.where(th.c.seller_id == where.seller_id)
        if where.buyer_id is not None:
            query = query.where(th.c.buyer_id == where.buyer_id)
        newest = m.c.id
    elif where.view in UNDELIVERED_VIEWS and where.buyer_id is None:
        # Only a seller's own messages are blocked or bounced; the thread still names the seller.
        # The partial indexes' condition is written out as well: SQLite uses a partial index
        # only for a query that states its condition, and does not infer it from the equality.
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        query = query.where(m.c.disposition != _VIEW_DISPOSITION["sent"])
        if where.seller_id is not None:
            query = query.where(
                m.c.sender_id == where.seller_id,
                m.c.direction == "seller_to_buyer",
                th.c.seller_id == where.seller_id,
            )
        newest = m.c.id
    elif where.seller_id is not None or where.buyer_id is not None:
        # A party's messages come newest first from the inbox index (party, message id), so a
        # page reads its rows in index order and never sorts the party's history. With both
        # parties (an alias) both databases read the buyer's entries, the shorter range.
        query = select(*columns).select_from(
            ix.join(m, m.c.id == ix.c.message_id)
            .join(th, th.c.id == m.c.thread_id)
            .outerjoin(rc, clock)
        )
        if where.buyer_id is not None:
            query = query.where(ix.c.buyer_id == where.buyer_id)
        if where.seller_id is not None:
            query = query.where(ix.c.seller_id == where.seller_id)
        newest = ix.c.message_id
    else:
        query = select(*columns).select_from(
            m.join(th, th.c.id == m.c.thread_id).outerjoin(rc, clock)
        )
        newest = m.c.id
    if where.view in _VIEW_DISPOSITION:
        query = query.where(m.c.disposition == _VIEW_DISPOSITION[where.view])
    if where.direction is not None:
        query = query.where(m.c.direction == where.direction)
    if where.delivered_only:
        query = query.where(m.c.disposition == "delivered")
    if after is not None:
        query = query.where(newest < after[1])
    return query.order_by(newest.desc())


def _narrowed(query: Select[Any], where: InboxFilter) -> Select[Any]:
    """The threads of `where`'s parties and order (`query` selects from `threads`)."""
    th = t.threads
    if where.seller_id is not None:
        query = query.where(th.c.seller_id == where.seller_id)
    if where.buyer_id is not None:
        query = query.where(th.c.buyer_id == where.buyer_id)
    if where.order_id is not None:
        query = query.where(th.c.order_id == where.order_id)
    return query
