"""cases, response clocks and webhooks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Case changes are evidence: they go to the append-only `events` table of 0001. The tables here hold
current state (a case's state, a clock's stop) and the webhook subscriptions and delivery log.
The indexes are explained in adapters/db/case_tables.py.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _partial(condition: str) -> dict[str, Any]:
    """The same partial-index condition for both databases."""
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("survey_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_case_id", sa.BigInteger(), nullable=True),
        sa.Column("buyer_reported_unresolved", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "state IN ('opened', 'resolved', 'closed')", name=op.f("ck_cases_state")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_cases_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_cases_thread_id_threads")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_cases_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_cases_buyer_id_buyers")),
        sa.ForeignKeyConstraint(
            ["previous_case_id"], ["cases.id"], name=op.f("fk_cases_previous_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(
        "uq_cases_live_thread", "cases", ["thread_id"], unique=True, **_partial("state <> 'closed'")
    )
    op.create_index("ix_cases_thread", "cases", ["thread_id", "id"])
    op.create_index("ix_cases_seller", "cases", ["seller_id", "id"])
    op.create_index("ix_cases_buyer", "cases", ["buyer_id", "id"])
    op.create_index("ix_cases_order", "cases", ["order_id", "id"])
    op.create_index("ix_cases_state_activity", "cases", ["state", "last_activity_at"])

    op.create_table(
        "response_clocks",
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=24), nullable=True),
        sa.Column("response_us", sa.BigInteger(), nullable=True),
        sa.Column("stopped_by_message_id", sa.BigInteger(), nullable=True),
        sa.Column("due_soon_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "stop_reason IN ('answered', 'no_response_needed', 'reported')",
            name=op.f("ck_response_clocks_stop_reason"),
        ),
        sa.CheckConstraint(
            "(stopped_at IS NULL AND stop_reason IS NULL AND response_us IS NULL)"
            " OR (stopped_at IS NOT NULL AND stop_reason IS NOT NULL AND response_us >= 0)",
            name=op.f("ck_response_clocks_stopped"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_response_clocks_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_response_clocks_thread_id_threads")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_response_clocks_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_response_clocks_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_response_clocks")),
    )
    op.create_index(
        "ix_response_clocks_seller_started", "response_clocks", ["seller_id", "started_at"]
    )
    op.create_index(
        "ix_response_clocks_seller_stopped",
        "response_clocks",
        ["seller_id", "stopped_at"],
        **_partial("stopped_at IS NOT NULL"),
    )
    op.create_index(
        "ix_response_clocks_open_thread",
        "response_clocks",
        ["thread_id"],
        **_partial("stopped_at IS NULL"),
    )
    op.create_index(
        "ix_response_clocks_open_seller",
        "response_clocks",
        ["seller_id", "started_at"],
        **_partial("stopped_at IS NULL"),
    )
    op.create_index(
        "ix_response_clocks_due_soon",
        "response_clocks",
        ["started_at"],
        **_partial("stopped_at IS NULL AND due_soon_at IS NULL"),
    )

    op.create_table(
        "response_daily",
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("clocks", sa.BigInteger(), nullable=False),
        sa.Column("total_us", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('on_time', 'late', 'excluded')", name=op.f("ck_response_daily_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_response_daily_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("seller_id", "day", "outcome", name=op.f("pk_response_daily")),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_webhook_subscriptions_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('delivered', 'retry', 'failed')",
            name=op.f("ck_webhook_deliveries_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(
        "ix_webhook_deliveries_subscription", "webhook_deliveries", ["subscription_id", "id"]
    )
    op.create_index("ix_webhook_deliveries_key", "webhook_deliveries", ["delivery_key"])
    # Account health: a seller's blocked and bounced messages per window, from indexes alone.
    op.create_index(
        "ix_messages_sender_disposition",
        "messages",
        ["sender_id", "disposition", "created_at", "direction", "id"],
    )
    op.create_index(
        "ix_findings_message_category", "findings", ["message_id", "severity", "category"]
    )


def downgrade() -> None:
    op.drop_index("ix_findings_message_category", table_name="findings")
    op.drop_index("ix_messages_sender_disposition", table_name="messages")
    op.drop_index("ix_webhook_deliveries_key", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_subscription", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("response_daily")
    for index in (
        "ix_response_clocks_due_soon",
        "ix_response_clocks_open_seller",
        "ix_response_clocks_open_thread",
        "ix_response_clocks_seller_stopped",
        "ix_response_clocks_seller_started",
    ):
        op.drop_index(index, table_name="response_clocks")
    op.drop_table("response_clocks")
    for index in (
        "ix_cases_state_activity",
        "ix_cases_order",
        "ix_cases_buyer",
        "ix_cases_seller",
        "ix_cases_thread",
        "uq_cases_live_thread",
    ):
        op.drop_index(index, table_name="cases")
    op.drop_table("cases")
