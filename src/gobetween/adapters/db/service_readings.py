"""What /metrics reads from the database at scrape time: messages, findings and the outbox.

Read from the tables, not counted in memory, so the figures are the same whichever process is
scraped (several `serve` processes, the relay, `gobetween worker`) and survive restarts. Messages
and findings are append-only, so their counts only grow and are exposed as counters. Each scrape
is three aggregate queries; at a million messages that is tens of milliseconds (the messages
count reads every row), cheap at a scrape every 15 s and never on a request's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import utc_or_none


@dataclass(frozen=True, slots=True)
class ServiceReadings:
    """Totals since the database was created, and the outbox as it is now."""

    messages_by_disposition: dict[str, int]  # delivered (accepted for delivery), blocked, bounced
    blocked_by_category: dict[str, int]  # blocking findings of blocked messages, per category
    deliveries_done: int  # outbox rows handed to the transport (messages, notices, webhooks)
    deliveries_failed: int  # given up on after the retry window
    outbox_pending: int
    oldest_pending_at: datetime | None


def read_service_readings(engine: Engine) -> ServiceReadings:
    """One consistent-enough snapshot: each aggregate is its own statement, no lock is taken."""
    messages, findings, outbox = t.messages, t.findings, t.outbox
    with engine.connect() as connection:
        by_disposition = {
            str(row[0]): int(row[1])
            for row in connection.execute(
                select(messages.c.disposition, func.count()).group_by(messages.c.disposition)
            )
        }
        by_category = {
            str(row[0]): int(row[1])
            for row in connection.execute(
                select(findings.c.category, func.count())
                .join(messages, messages.c.id == findings.c.message_id)
                .where(findings.c.severity == "block", messages.c.disposition == "blocked")
                .group_by(findings.c.category)
            )
        }
        by_status = {
            str(row[0]): (int(row[1]), row[2])
            for row in connection.execute(
                select(outbox.c.status, func.count(), func.min(outbox.c.created_at)).group_by(
                    outbox.c.status
                )
            )
        }
    pending, oldest = by_status.get("pending", (0, None))
    return ServiceReadings(
        messages_by_disposition=by_disposition,
        blocked_by_category=by_category,
        deliveries_done=by_status.get("done", (0, None))[0],
        deliveries_failed=by_status.get("failed", (0, None))[0],
        outbox_pending=pending,
        oldest_pending_at=utc_or_none(oldest),
    )
