"""PostgreSQL: a message's inbox entry and day counter written by its own statement, not by triggers

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27

Two row triggers on INSERT INTO messages wrote a stored message's `inbox_index` entry (0002,
reading the thread's seller and buyer again) and, for a delivered seller message, added one to the
sender's `seller_daily_sends` row of the day (0010). Each was a PL/pgSQL call with its own
executor start-up for one small statement, on every message.

The message repository now writes both in the message's own statement (data-modifying CTEs):
on a send, the parties come from the thread row that the same statement moves the chain head of,
so nothing reads the thread again. The rows are the triggers' rows: the same entry, the same
counter row (`thread_id % 8` of the sender's UTC day of `created_at`), one more on conflict.
Every writer of messages on PostgreSQL goes through that repository; SQL that inserts messages
by hand must now write both rows itself (the benchmarks' pre-fills do).

The rows already stored stay as they are; nothing is backfilled, nothing moves. SQLite keeps its
inbox trigger (run in process, it costs less than a statement of its own would) and, as before,
no counters. The downgrade puts the triggers back.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The functions and triggers of 0002 and 0010, as the downgrade restores them.
_PG_INDEX_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_index_message() RETURNS trigger AS $$
BEGIN
    INSERT INTO inbox_index (message_id, seller_id, buyer_id)
    SELECT NEW.id, seller_id, buyer_id FROM threads WHERE id = NEW.thread_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_INDEX_TRIGGER = (
    "CREATE TRIGGER messages_inbox_index AFTER INSERT ON messages "
    "FOR EACH ROW EXECUTE FUNCTION gobetween_index_message()"
)
_PG_COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_count_seller_send() RETURNS trigger AS $$
BEGIN
    INSERT INTO seller_daily_sends AS counter (seller_id, day, shard, sent)
    VALUES (NEW.sender_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.thread_id % 8, 1)
    ON CONFLICT (seller_id, day, shard) DO UPDATE SET sent = counter.sent + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_COUNT_TRIGGER = (
    "CREATE TRIGGER messages_seller_daily_sends AFTER INSERT ON messages FOR EACH ROW "
    "WHEN (NEW.direction = 'seller_to_buyer' AND NEW.disposition = 'delivered') "
    "EXECUTE FUNCTION gobetween_count_seller_send()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS messages_inbox_index ON messages")
    op.execute("DROP TRIGGER IF EXISTS messages_seller_daily_sends ON messages")
    op.execute("DROP FUNCTION IF EXISTS gobetween_index_message()")
    op.execute("DROP FUNCTION IF EXISTS gobetween_count_seller_send()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PG_INDEX_FUNCTION)
    op.execute(_PG_INDEX_TRIGGER)
    op.execute(_PG_COUNT_FUNCTION)
    op.execute(_PG_COUNT_TRIGGER)
