"""the relay's mail bytes compressed with lz4 instead of pglz on PostgreSQL

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26

PostgreSQL compresses a value of more than about 2 kB before storing it, with pglz unless the
column says otherwise. A mail with an attachment carries it base64-encoded, and the attachment
(a PDF, a photo) is compressed already: pglz works through all of it and finds too little to
keep, so the row is stored uncompressed after all. A 269 kB mail with a 196 kB PDF cost the
backend 5.5-5.9 ms of CPU per insert into a bytea column with pglz, 1.4-1.8 ms with lz4 and
1.0-1.3 ms with no compression, every table the same size afterwards; relay_inbound.raw takes
every accepted mail, relay_outbound.data every delivered one, relay_attachments.data each new
attachment. lz4 still compresses the text of plain mails, which no compression at all would not.

Only new values are written with lz4; stored ones stay as they are, and both read the same. A
server built without lz4 (or older than PostgreSQL 14) keeps pglz. SQLite does not compress.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, column): the relay's whole mails as received and as sent, and the attachments taken
# from them (decoded, so compressed already when they are PDFs or photos).
MAIL_BYTES = (
    ("relay_inbound", "raw"),
    ("relay_outbound", "data"),
    ("relay_attachments", "data"),
)


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    methods = bind.execute(
        text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return methods is not None and "lz4" in methods


def upgrade() -> None:
    if _lz4_available():
        for table, column in MAIL_BYTES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if _lz4_available():
        for table, column in MAIL_BYTES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION default")
