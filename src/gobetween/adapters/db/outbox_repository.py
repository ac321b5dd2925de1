"""The outbox repository: rows written with their message, claimed and settled by workers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, delete, func, or_, select, update

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement, utc
from gobetween.adapters.db.repositories import add_outbox_row, storable_id
from gobetween.services.ports import OutboxCounts, OutboxItem

# Rows a worker has finished with: purgeable once old enough. Pending rows never are.
_FINISHED = ("done", "failed")
# A delivered row marked done, if the worker still holds it: once per delivered mail, so built
# once (through Connection.execute the statement was built and its cache key made every time).
_MARK_DONE = DriverStatement(
    update(t.outbox)
    .where(
        t.outbox.c.id == bindparam("item_id"),
        t.outbox.c.claimed_by == bindparam("worker"),
        t.outbox.c.status == "pending",
    )
    .values(status="done", finished_at=bindparam("finished_at"), claimed_until=None)
)


class SqlOutboxRepository:
    """The transactional outbox: rows written with their message, drained by delivery workers."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, item: OutboxItem, *, now: datetime) -> int:
        return add_outbox_row(self._c, item, now=now)

    def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[OutboxItem]:
        now = utc(now)
        query = (
            select(t.outbox)
            .where(
                t.outbox.c.status == "pending",
                t.outbox.c.available_at <= now,
                or_(t.outbox.c.claimed_until.is_(None), t.outbox.c.claimed_until < now),
            )
            .order_by(t.outbox.c.available_at, t.outbox.c.id)
            .limit(limit)
        )
        # Several workers on PostgreSQL: each skips the rows another is claiming right now.
        # SQLite serialises writers (BEGIN IMMEDIATE), so no clause is needed there.
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = self._c.execute(query).all()
        if not rows:
            return []
        self._c.execute(
            update(t.outbox)
            .where(t.outbox.c.id.in_([row.id for row in rows]))
            .values(claimed_by=worker, claimed_until=utc(lease_until))
        )
        return [_outbox_item(row) for row in rows]

    def _held(self, item_id: int, worker: str) -> Any:
        return and_(
            t.outbox.c.id == item_id,
            t.outbox.c.claimed_by == worker,
            t.outbox.c.status == "pending",
        )

    def mark_done(self, item_id: int, *, worker: str, now: datetime) -> bool:
        params = {"item_id": item_id, "worker": worker, "finished_at": utc(now)}
        return bool(_MARK_DONE.rowcount(self._c, params))

    def retry_later(self, item_id: int, *, worker: str, available_at: datetime, error: str) -> bool:
        result = self._c.execute(
            update(t.outbox)
            .where(self._held(item_id, worker))
            .values(
                attempts=t.outbox.c.attempts + 1,
                available_at=utc(available_at),
                last_error=error,
                claimed_by=None,
                claimed_until=None,
            )
        )
        return bool(result.rowcount)

    def mark_failed(self, item_id: int, *, worker: str, now: datetime, error: str) -> bool:
        result = self._c.execute(
            update(t.outbox)
            .where(self._held(item_id, worker))
            .values(
                status="failed",
                attempts=t.outbox.c.attempts + 1,
                finished_at=utc(now),
                last_error=error,
                claimed_until=None,
            )
        )
        return bool(result.rowcount)

    def find(self, item_id: int) -> OutboxItem | None:
        if not storable_id(item_id):
            return None
        row = self._c.execute(select(t.outbox).where(t.outbox.c.id == item_id)).first()
        return None if row is None else _outbox_item(row)

    def purge_finished(self, *, finished_before: datetime, limit: int) -> int:
        if limit < 1:
            raise ValueError(f"limit must be at least 1; got {limit}")
        oldest = (
            select(t.outbox.c.id)
            .where(t.outbox.c.status.in_(_FINISHED), t.outbox.c.finished_at < utc(finished_before))
            .order_by(t.outbox.c.id)
            .limit(limit)
        )
        # The status is checked again on the rows deleted, not only on those selected.
        result = self._c.execute(
            delete(t.outbox).where(t.outbox.c.id.in_(oldest), t.outbox.c.status.in_(_FINISHED))
        )
        return int(result.rowcount)

    def counts(self) -> OutboxCounts:
        rows = self._c.execute(
            select(t.outbox.c.status, func.count(), func.min(t.outbox.c.created_at)).group_by(
                t.outbox.c.status
            )
        ).all()
        by_status = {status: (int(count), oldest) for status, count, oldest in rows}
        pending, oldest = by_status.get("pending", (0, None))
        return OutboxCounts(
            pending=pending,
            oldest_pending_since=None if oldest is None else utc(oldest),
            done=by_status.get("done", (0, None))[0],
            failed=by_status.get("failed", (0, None))[0],
        )


def _outbox_item(row: Row[Any]) -> OutboxItem:
    return OutboxItem(
        kind=row.kind,
        recipient=row.recipient,
        delivery_key=row.delivery_key,
        payload=dict(row.payload),
        message_id=row.message_id,
        id=row.id,
        attempts=row.attempts,
        created_at=utc(row.created_at),
    )
