"""a large attachment received by mail is kept once: in the raw mail, referenced by its slice

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27

A stored mail's raw bytes (relay_inbound.raw, the evidence) carry each attachment base64-encoded,
and relay_attachments.data kept the same attachment again, decoded, for delivery. For the
benchmark's 200 kB mail (a 196 kB PDF) that second copy was 210 kB of the 500 kB of WAL the
mail's rows wrote on PostgreSQL, and its insert 1.1-1.9 ms of the backend's CPU.

An attachment row may now name the raw mail and the slice of it that is the attachment's base64
body (line breaks included) instead of holding the bytes: `data` is null, `inbound_id`,
`raw_start` and `raw_length` are set. Delivery reads the slice, decodes it and checks the bytes
against the row's sha256, so a changed raw mail cannot pass for the attachment. Rows with their
bytes in `data` stay as they are and read as before.

The downgrade puts every referenced attachment's decoded bytes back into `data`.
"""

from __future__ import annotations

import binascii

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# A row holds its bytes or says where in a raw mail they are.
_CHECK = (
    "data IS NOT NULL OR (inbound_id IS NOT NULL AND raw_start IS NOT NULL"
    " AND raw_length IS NOT NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("relay_attachments") as batch:
        batch.add_column(sa.Column("inbound_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("raw_start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("raw_length", sa.Integer(), nullable=True))
        batch.alter_column("data", existing_type=sa.LargeBinary(), nullable=True)
        batch.create_foreign_key(
            "fk_relay_attachments_inbound_id_relay_inbound",
            "relay_inbound",
            ["inbound_id"],
            ["id"],
        )
        batch.create_check_constraint("ck_relay_attachments_bytes_kept", _CHECK)


def downgrade() -> None:
    bind = op.get_bind()
    referenced = bind.execute(
        sa.text(
            "SELECT a.sha256, substr(i.raw, a.raw_start + 1, a.raw_length) AS body"
            " FROM relay_attachments a JOIN relay_inbound i ON i.id = a.inbound_id"
            " WHERE a.data IS NULL"
        )
    ).all()
    for sha256, body in referenced:
        bind.execute(
            sa.text("UPDATE relay_attachments SET data = :data WHERE sha256 = :sha256"),
            {"data": binascii.a2b_base64(bytes(body)), "sha256": sha256},
        )
    with op.batch_alter_table("relay_attachments") as batch:
        batch.drop_constraint("ck_relay_attachments_bytes_kept", type_="check")
        batch.drop_constraint("fk_relay_attachments_inbound_id_relay_inbound", type_="foreignkey")
        batch.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("raw_length")
        batch.drop_column("raw_start")
        batch.drop_column("inbound_id")
