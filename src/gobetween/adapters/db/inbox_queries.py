"""The inbox as SQL: messages of a party's threads, filtered by view, in pages by keyset cursor.

Keyset pagination (WHERE key > last key, ORDER BY key LIMIT n) costs the same on page 1000 as on
page 1, where OFFSET would read and skip every earlier row.

- `requires_response`: buyer messages whose 24-hour clock still runs, least time left first, read
  through the partial index `ix_response_clocks_open_seller (seller_id, started_at)`.
- every other view: newest first by message id, read for a seller or buyer through the inbox
  index `(seller_id | buyer_id, message_id)` that a trigger keeps (migration 0002).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, tuple_

from gobetween.adapters.db import access_tables as a
from gobetween.adapters.db import case_tables as c
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import utc
from gobetween.services.access_ports import InboxEntry, InboxFilter

PREVIEW_CHARS = 160


class SqlInboxQueries:
    """Inbox listings on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def list(
        self, where: InboxFilter, *, after: tuple[str, int] | None, limit: int
    ) -> Sequence[InboxEntry]:
        m, th, rc = t.messages, t.threads, c.response_clocks
        columns = (
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
        # Typed loosely: the two branches build selects of different shapes.
        query: Any
        narrowing = (
            where.buyer_id is not None
            or where.order_id is not None
            or where.direction is not None
            or where.delivered_only
        )
        if where.view == "requires_response":
            # First the page's keys from the clocks alone (the partial index holds the seller's
            # running clocks in started_at order), then the joins for those rows only: joining
            # before the sort would read every running clock's message and thread.
            keys = select(rc.c.message_id, rc.c.started_at).where(rc.c.stopped_at.is_(None))
            if where.seller_id is not None:
                keys = keys.where(rc.c.seller_id == where.seller_id)
            if after is not None:
                started = utc(datetime.fromisoformat(after[0]))
                keys = keys.where(tuple_(rc.c.started_at, rc.c.message_id) > (started, after[1]))
            if narrowing:
                keys = self._narrowed(
                    keys.join(m, m.c.id == rc.c.message_id).join(th, th.c.id == m.c.thread_id),
                    where,
                )
            page = keys.order_by(rc.c.started_at, rc.c.message_id).limit(limit).subquery()
            query = (
                select(*columns, page.c.started_at)
                .select_from(
                    page.join(m, m.c.id == page.c.message_id).join(th, th.c.id == m.c.thread_id)
                )
                .order_by(page.c.started_at, page.c.message_id)
            )
        else:
            # A party's messages come newest first from the inbox index (party, message id),
            # so a page reads its rows in index order and never sorts the party's history.
            ix = a.inbox_index
            party = where.seller_id is not None or where.buyer_id is not None
            source = ix.join(m, m.c.id == ix.c.message_id) if party else m
            newest = ix.c.message_id if party else m.c.id
            query = (
                select(*columns, rc.c.started_at)
                .select_from(
                    source.join(th, th.c.id == m.c.thread_id).outerjoin(
                        rc, (rc.c.message_id == m.c.id) & rc.c.stopped_at.is_(None)
                    )
                )
                .order_by(newest.desc())
            )
            if where.seller_id is not None:
                query = query.where(ix.c.seller_id == where.seller_id)
            if where.buyer_id is not None:
                query = query.where(ix.c.buyer_id == where.buyer_id)
            if where.view == "blocked":
                query = query.where(m.c.disposition == "blocked")
            elif where.view == "bounced":
                query = query.where(m.c.disposition == "bounced")
            elif where.view == "sent":
                query = query.where(m.c.disposition == "delivered")
            if after is not None:
                query = query.where(newest < after[1])
            query = self._narrowed(query, where)
        rows = self._c.execute(query.limit(limit)).all()
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

    @staticmethod
    def _narrowed(query: Any, where: InboxFilter) -> Any:
        """Add the filters on thread and message columns (both tables must be in `query`)."""
        m, th = t.messages, t.threads
        if where.buyer_id is not None:
            query = query.where(th.c.buyer_id == where.buyer_id)
        if where.order_id is not None:
            query = query.where(th.c.order_id == where.order_id)
        if where.direction is not None:
            query = query.where(m.c.direction == where.direction)
        if where.delivered_only:
            query = query.where(m.c.disposition == "delivered")
        return query
