"""API tokens, attachments, the reported-messages queue, seller policies and policy profiles,
and the inbox index (a party's messages by id, kept by a trigger on INSERT INTO messages)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=True),
        sa.Column("buyer_id", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('operator', 'seller', 'buyer', 'auditor')", name=op.f("ck_api_tokens_role")
        ),
        sa.CheckConstraint(
            "(role = 'seller' AND seller_id IS NOT NULL AND buyer_id IS NULL)"
            " OR (role = 'buyer' AND buyer_id IS NOT NULL AND seller_id IS NULL)"
            " OR (role IN ('operator', 'auditor') AND seller_id IS NULL AND buyer_id IS NULL)",
            name=op.f("ck_api_tokens_party"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_api_tokens_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_api_tokens_buyer_id_buyers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )
    op.create_table(
        "attachment_uploads",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("uploader_role", sa.String(length=16), nullable=False),
        sa.Column("uploader_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blobs.sha256"],
            name=op.f("fk_attachment_uploads_sha256_attachment_blobs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_uploads")),
    )
    op.create_index(
        "ix_attachment_uploads_sha256_uploader",
        "attachment_uploads",
        ["sha256", "uploader_role", "uploader_id"],
    )
    op.create_table(
        "message_reports",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_role", sa.String(length=16), nullable=False),
        sa.Column("reporter_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'handled')", name=op.f("ck_message_reports_status")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_reports_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_reports")),
        sa.UniqueConstraint("message_id", name=op.f("uq_message_reports_message_id")),
    )
    op.create_index("ix_message_reports_status", "message_reports", ["status", "id"])
    op.create_table(
        "seller_policies",
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("allowed_link_domains", sa.JSON(), nullable=False),
        sa.Column("daily_limit_base", sa.Integer(), nullable=True),
        sa.Column("daily_limit_multiplier", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_seller_policies_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("seller_id", name=op.f("pk_seller_policies")),
    )
    op.create_table(
        "policy_profiles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_policy_profiles")),
    )
    _create_inbox_index()


_PG_INDEX_FUNCTION = """
CREATE OR REPLACE FUNCTION gobetween_index_message() RETURNS trigger AS $$
BEGIN
    INSERT INTO inbox_index (message_id, seller_id, buyer_id)
    SELECT NEW.id, seller_id, buyer_id FROM threads WHERE id = NEW.thread_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _create_inbox_index() -> None:
    op.create_table(
        "inbox_index",
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        # No foreign key: the index follows the evidence and must never stand in its way.
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_inbox_index")),
    )
    op.create_index("ix_inbox_index_seller_message", "inbox_index", ["seller_id", "message_id"])
    op.create_index("ix_inbox_index_buyer_message", "inbox_index", ["buyer_id", "message_id"])
    # Messages stored before this migration.
    op.execute(
        "INSERT INTO inbox_index (message_id, seller_id, buyer_id) "
        "SELECT m.id, th.seller_id, th.buyer_id "
        "FROM messages m JOIN threads th ON th.id = m.thread_id"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_INDEX_FUNCTION)
        op.execute(
            "CREATE TRIGGER messages_inbox_index AFTER INSERT ON messages "
            "FOR EACH ROW EXECUTE FUNCTION gobetween_index_message()"
        )
    else:
        op.execute(
            "CREATE TRIGGER messages_inbox_index AFTER INSERT ON messages BEGIN "
            "INSERT INTO inbox_index (message_id, seller_id, buyer_id) "
            "SELECT NEW.id, seller_id, buyer_id FROM threads WHERE id = NEW.thread_id; END"
        )


def _drop_inbox_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS messages_inbox_index ON messages")
        op.execute("DROP FUNCTION IF EXISTS gobetween_index_message()")
    else:
        op.execute("DROP TRIGGER IF EXISTS messages_inbox_index")
    op.drop_index("ix_inbox_index_buyer_message", table_name="inbox_index")
    op.drop_index("ix_inbox_index_seller_message", table_name="inbox_index")
    op.drop_table("inbox_index")


def downgrade() -> None:
    _drop_inbox_index()
    op.drop_table("policy_profiles")
    op.drop_table("seller_policies")
    op.drop_index("ix_message_reports_status", table_name="message_reports")
    op.drop_table("message_reports")
    op.drop_index("ix_attachment_uploads_sha256_uploader", table_name="attachment_uploads")
    op.drop_table("attachment_uploads")
    op.drop_table("attachment_blobs")
    op.drop_table("api_tokens")
