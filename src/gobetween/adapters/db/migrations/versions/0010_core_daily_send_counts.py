"""a seller's deliveries per UTC day kept as counters, so the daily limit reads a few rows

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26

Every seller send needs how many messages the seller had delivered since midnight UTC (policy.md
§4 daily_limit). That was a count over `ix_messages_sender_disposition`: index-only in name,
but today's rows are never all-visible yet, so it read the heap row of every one of them, and
sends of different sellers interleave in the table, so each lay on a page of its own. At 1M
stored, 186 messages of the day cost 1.2 ms and 155 page reads per send, growing with the
seller's traffic up to its limit (thousands for a seller with many orders).

`seller_daily_sends` holds the same number per (seller, UTC day), kept by a trigger on INSERT
INTO messages (as the inbox index is), so every writer of messages keeps it without knowing of
it: one delivered seller message adds one. Messages are append-only (the database refuses
UPDATE and DELETE), so the counters never drift from the rows. A seller's sends are spread over
8 rows per day (by thread), so concurrent sends of one seller seldom wait for each other's
row lock; the daily count is the sum of at most 8 rows of one index page.

PostgreSQL only: SQLite has no visibility check, so its count reads the day's entries from
`ix_messages_sender_disposition` alone, a few dense index pages, and a counter row written with
every send cost more there (+0.08-0.14 ms of CPU per send at 10k stored). SQLite gets the table,
so both schemas have the same tables, and leaves it empty.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# SHARDS = 8 rows per seller and day: a message counts in row thread_id % 8. Changing it needs
# no migration of the data (the count sums whatever rows a day has), only of the triggers.
# Counter rows are updated in place (HOT) when their page has room.
FILLFACTOR = 50

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_count_seller_send() RETURNS trigger AS $$
BEGIN
    INSERT INTO seller_daily_sends AS counter (seller_id, day, shard, sent)
    VALUES (NEW.sender_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.thread_id % 8, 1)
    ON CONFLICT (seller_id, day, shard) DO UPDATE SET sent = counter.sent + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_TRIGGER = (
    "CREATE TRIGGER messages_seller_daily_sends AFTER INSERT ON messages FOR EACH ROW "
    "WHEN (NEW.direction = 'seller_to_buyer' AND NEW.disposition = 'delivered') "
    "EXECUTE FUNCTION gobetween_count_seller_send()"
)
# Messages stored before this migration.
_PG_BACKFILL = (
    "INSERT INTO seller_daily_sends (seller_id, day, shard, sent) "
    "SELECT sender_id, (created_at AT TIME ZONE 'UTC')::date, thread_id % 8, count(*) "
    "FROM messages WHERE direction = 'seller_to_buyer' AND disposition = 'delivered' "
    "GROUP BY 1, 2, 3"
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    storage: dict[str, Any] = {"postgresql_with": {"fillfactor": FILLFACTOR}} if postgresql else {}
    op.create_table(
        "seller_daily_sends",
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        # No foreign key: the counters follow the evidence and must never stand in its way.
        sa.PrimaryKeyConstraint("seller_id", "day", "shard", name=op.f("pk_seller_daily_sends")),
        **storage,
    )
    if postgresql:
        op.execute(_PG_BACKFILL)
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS messages_seller_daily_sends ON messages")
        op.execute("DROP FUNCTION IF EXISTS gobetween_count_seller_send()")
    op.drop_table("seller_daily_sends")
