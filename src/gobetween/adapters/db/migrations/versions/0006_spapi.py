"""SP-API compatible surface: app credentials, access tokens, upload destinations, solicitations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

The tables are described in adapters/db/spapi_tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "spapi_credentials",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("client_secret_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_spapi_credentials_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spapi_credentials")),
        sa.UniqueConstraint("client_id", name=op.f("uq_spapi_credentials_client_id")),
        sa.UniqueConstraint(
            "refresh_token_hash", name=op.f("uq_spapi_credentials_refresh_token_hash")
        ),
    )
    op.create_table(
        "spapi_access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("credential_id", _ID, nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["spapi_credentials.id"],
            name=op.f("fk_spapi_access_tokens_credential_id_spapi_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_spapi_access_tokens_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_spapi_access_tokens")),
    )
    op.create_index(
        "ix_spapi_access_tokens_expires_at", "spapi_access_tokens", ["expires_at"], unique=False
    )
    op.create_table(
        "spapi_upload_destinations",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=500), nullable=False),
        sa.Column("content_md5", sa.String(length=32), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_spapi_upload_destinations_seller_id_sellers"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blobs.sha256"],
            name=op.f("fk_spapi_upload_destinations_sha256_attachment_blobs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spapi_upload_destinations")),
    )
    op.create_table(
        "spapi_solicitations",
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_spapi_solicitations_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_spapi_solicitations_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_spapi_solicitations_buyer_id_buyers")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_spapi_solicitations")),
    )


def downgrade() -> None:
    op.drop_table("spapi_solicitations")
    op.drop_table("spapi_upload_destinations")
    op.drop_index("ix_spapi_access_tokens_expires_at", table_name="spapi_access_tokens")
    op.drop_table("spapi_access_tokens")
    op.drop_table("spapi_credentials")
