"""mail relay: inbound mail with its dedupe key, Message-ID maps, outbound bytes, attachments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The tables are described in adapters/db/relay_tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "relay_inbound",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("alias", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("mail_from", sa.String(length=320), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=False),
        sa.Column("auth", sa.JSON(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_ref", sa.BigInteger(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("release_token_sha256", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('stored', 'held', 'released', 'discarded')", name="ck_relay_inbound_status"
        ),
        sa.ForeignKeyConstraint(
            ["message_ref"], ["messages.id"], name="fk_relay_inbound_message_ref_messages"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_relay_inbound"),
        sa.UniqueConstraint("alias", "message_id", "body_sha256", name="uq_relay_inbound_dedupe"),
        sa.UniqueConstraint("release_token_sha256", name="uq_relay_inbound_release_token_sha256"),
    )
    op.create_table(
        "relay_message_ids",
        sa.Column("message_ref", sa.BigInteger(), nullable=False),
        sa.Column("party", sa.String(length=8), nullable=False),
        sa.Column("header_id", sa.String(length=255), nullable=False),
        sa.CheckConstraint("party IN ('buyer', 'seller')", name="ck_relay_message_ids_party"),
        sa.ForeignKeyConstraint(
            ["message_ref"], ["messages.id"], name="fk_relay_message_ids_message_ref_messages"
        ),
        sa.PrimaryKeyConstraint("message_ref", "party", name="pk_relay_message_ids"),
        sa.UniqueConstraint("party", "header_id", name="uq_relay_message_ids_party_header"),
    )
    op.create_table(
        "relay_outbound",
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("header_id", sa.String(length=255), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("delivery_key", name="pk_relay_outbound"),
    )
    op.create_table(
        "relay_attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_relay_attachments"),
    )


def downgrade() -> None:
    op.drop_table("relay_attachments")
    op.drop_table("relay_outbound")
    op.drop_table("relay_message_ids")
    op.drop_table("relay_inbound")
