"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Evidence tables (messages, message_attachments, findings, events) get triggers that make the
database itself refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL): system.md, Evidence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

EVIDENCE_TABLES = ("messages", "message_attachments", "findings", "events")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'gobetween: % is append-only evidence; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _create_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
    for table in EVIDENCE_TABLES:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION gobetween_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION gobetween_refuse_change()"
            )
        else:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'gobetween: {table} is append-only evidence; "
                    f"{operation} refused'); END"
                )


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in EVIDENCE_TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS gobetween_refuse_change()")


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "buyers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
        sa.UniqueConstraint("email", name=op.f("uq_buyers_email")),
    )
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(
        "ix_events_subject", "events", ["subject_type", "subject_id", "id"], unique=False
    )
    op.create_table(
        "sellers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("business_name", sa.String(length=200), nullable=False),
        sa.Column("customer_service_address", sa.String(length=320), nullable=False),
        sa.Column("opt_out_bounce_notices", sa.Boolean(), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_sellers_buyer_id_buyers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sellers")),
        sa.UniqueConstraint("buyer_id", name=op.f("uq_sellers_buyer_id")),
    )
    op.create_table(
        "aliases",
        sa.Column("local_part", sa.String(length=32), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('buyer', 'seller')", name=op.f("ck_aliases_side")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_aliases_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_aliases_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("local_part", name=op.f("pk_aliases")),
        sa.UniqueConstraint("buyer_id", "seller_id", "side", name="uq_aliases_pair_side"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("fulfillment", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("product_category", sa.String(length=64), nullable=False),
        sa.Column("shipping_address", sa.JSON(), nullable=False),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latest_delivery_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "fulfillment IN ('marketplace', 'seller')", name=op.f("ck_orders_fulfillment")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'unshipped', 'shipped', 'delivered', 'cancelled', 'returned')",
            name=op.f("ck_orders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_orders_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_orders_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index("ix_orders_buyer_seller", "orders", ["buyer_id", "seller_id"], unique=False)
    op.create_index(
        "ix_orders_seller_purchased", "orders", ["seller_id", "purchased_at"], unique=False
    )
    op.create_table(
        "seller_addresses",
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('registered', 'authorized')", name=op.f("ck_seller_addresses_kind")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_seller_addresses_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("seller_id", "address", name=op.f("pk_seller_addresses")),
    )
    op.create_index("ix_seller_addresses_address", "seller_addresses", ["address"], unique=False)
    op.create_table(
        "order_items",
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_items_quantity")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_items_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "position", name=op.f("pk_order_items")),
    )
    op.create_table(
        "threads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_threads_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_threads_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_threads_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sa.UniqueConstraint("order_id", name=op.f("uq_threads_order_id")),
    )
    op.create_index(
        "ix_threads_buyer_last", "threads", ["buyer_id", "last_message_at"], unique=False
    )
    op.create_index(
        "ix_threads_seller_last", "threads", ["seller_id", "last_message_at"], unique=False
    )
    op.create_table(
        "messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("initiation", sa.String(length=16), nullable=False),
        sa.Column("contact_reason", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("disposition", sa.String(length=16), nullable=False),
        sa.Column("triage", sa.String(length=32), nullable=True),
        sa.Column("report", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "direction IN ('seller_to_buyer', 'buyer_to_seller')",
            name=op.f("ck_messages_direction"),
        ),
        sa.CheckConstraint("verdict IN ('allow', 'block')", name=op.f("ck_messages_verdict")),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_messages_thread_id_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("thread_id", "seq", name="uq_messages_thread_seq"),
    )
    op.create_index(
        "ix_messages_sender_created", "messages", ["sender_id", "created_at"], unique=False
    )
    op.create_table(
        "findings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint("severity IN ('block', 'warn')", name=op.f("ck_findings_severity")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_findings_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index("ix_findings_category", "findings", ["category"], unique=False)
    op.create_index("ix_findings_message", "findings", ["message_id"], unique=False)
    op.create_table(
        "message_attachments",
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_attachments_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", "position", name=op.f("pk_message_attachments")),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'failed')", name=op.f("ck_outbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_outbox_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_outbox_delivery_key")),
    )
    op.create_index("ix_outbox_pending", "outbox", ["status", "available_at"], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("message_attachments")
    op.drop_index("ix_findings_message", table_name="findings")
    op.drop_index("ix_findings_category", table_name="findings")
    op.drop_table("findings")
    op.drop_index("ix_messages_sender_created", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_threads_seller_last", table_name="threads")
    op.drop_index("ix_threads_buyer_last", table_name="threads")
    op.drop_table("threads")
    op.drop_table("order_items")
    op.drop_index("ix_seller_addresses_address", table_name="seller_addresses")
    op.drop_table("seller_addresses")
    op.drop_index("ix_orders_seller_purchased", table_name="orders")
    op.drop_index("ix_orders_buyer_seller", table_name="orders")
    op.drop_table("orders")
    op.drop_table("aliases")
    op.drop_table("sellers")
    op.drop_index("ix_events_subject", table_name="events")
    op.drop_table("events")
    op.drop_table("buyers")
