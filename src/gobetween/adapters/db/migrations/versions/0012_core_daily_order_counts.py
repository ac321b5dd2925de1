"""a seller's orders per UTC day kept as counters, so the daily limit's order average reads a week

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

Every seller send needs how many orders the seller had in the last 7 days (policy.md §4
daily_limit: the multiplier times the average daily orders, plus the base). That was a count
over `ix_orders_seller_purchased`, index-only after a vacuum, but one index entry per order: at
1M stored messages a seller of the benchmark's marketplace has ~334 orders in its week, and a
seller with many orders has thousands, every send.

`seller_daily_orders` holds the number of orders per (seller, UTC day of `purchased_at`), kept by
triggers on `orders`, so every writer of orders (the import, the operator's upsert, the demo, a
script with SQL) keeps it without knowing of it: an inserted order adds one to its day, a deleted
one takes one away, an order whose seller or purchase moment changes moves from its old day's
row to its new one. The window starts at a moment (now minus 7 days), not at midnight, so the
read counts the orders of the window's first, partial day from the index (a seventh of the
week's entries on average) and sums the counter rows of the whole days after it.

PostgreSQL only, as `seller_daily_sends` (0010): on SQLite the count reads the seller's entries of
`ix_orders_seller_purchased` with no visibility check from a few dense index pages. SQLite gets
the table, so both schemas have the same tables, and leaves it empty.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Orders are written far less often than sends read the counters, and a day's row is updated
# once per order of that day: room on the page for the updates to stay in place (HOT).
FILLFACTOR = 70

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_count_seller_order() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE seller_daily_orders SET orders = orders - 1
        WHERE seller_id = OLD.seller_id AND day = (OLD.purchased_at AT TIME ZONE 'UTC')::date;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO seller_daily_orders AS counter (seller_id, day, orders)
        VALUES (NEW.seller_id, (NEW.purchased_at AT TIME ZONE 'UTC')::date, 1)
        ON CONFLICT (seller_id, day) DO UPDATE SET orders = counter.orders + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_FORGET_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_forget_seller_orders() RETURNS trigger AS $$
BEGIN
    TRUNCATE seller_daily_orders;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_TRIGGERS = (
    "CREATE TRIGGER orders_seller_daily_orders AFTER INSERT OR DELETE ON orders FOR EACH ROW "
    "EXECUTE FUNCTION gobetween_count_seller_order()",
    # An update that keeps the seller and the moment (a status, a date of delivery: the usual
    # re-import) leaves the counters alone.
    "CREATE TRIGGER orders_seller_daily_orders_moved AFTER UPDATE OF seller_id, purchased_at "
    "ON orders FOR EACH ROW WHEN (OLD.seller_id IS DISTINCT FROM NEW.seller_id "
    "OR OLD.purchased_at IS DISTINCT FROM NEW.purchased_at) "
    "EXECUTE FUNCTION gobetween_count_seller_order()",
    "CREATE TRIGGER orders_seller_daily_orders_truncated AFTER TRUNCATE ON orders "
    "FOR EACH STATEMENT EXECUTE FUNCTION gobetween_forget_seller_orders()",
)
# Orders stored before this migration.
_PG_BACKFILL = (
    "INSERT INTO seller_daily_orders (seller_id, day, orders) "
    "SELECT seller_id, (purchased_at AT TIME ZONE 'UTC')::date, count(*) "
    "FROM orders GROUP BY 1, 2"
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    storage: dict[str, Any] = {"postgresql_with": {"fillfactor": FILLFACTOR}} if postgresql else {}
    op.create_table(
        "seller_daily_orders",
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        # No foreign key, as seller_daily_sends: counters follow the orders, never stand in
        # their way.
        sa.PrimaryKeyConstraint("seller_id", "day", name=op.f("pk_seller_daily_orders")),
        **storage,
    )
    if postgresql:
        # The triggers first, in the same transaction as the backfill: an order written
        # concurrently waits for the lock this takes and is then counted by its trigger.
        op.execute("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE")
        op.execute(_PG_FUNCTION)
        op.execute(_PG_FORGET_FUNCTION)
        for trigger in _PG_TRIGGERS:
            op.execute(trigger)
        op.execute(_PG_BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "orders_seller_daily_orders",
            "orders_seller_daily_orders_moved",
            "orders_seller_daily_orders_truncated",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON orders")
        op.execute("DROP FUNCTION IF EXISTS gobetween_count_seller_order()")
        op.execute("DROP FUNCTION IF EXISTS gobetween_forget_seller_orders()")
    op.drop_table("seller_daily_orders")
