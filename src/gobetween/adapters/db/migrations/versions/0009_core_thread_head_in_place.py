"""a send moves its thread's chain head in place (HOT update) and writes one index fewer

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

Every send updates its thread's row (head hash, message count, last message time). With
`last_message_at` in `ix_threads_seller_last` and `ix_threads_buyer_last`, PostgreSQL could never
update that row in place: each send wrote a new row version on another page and a new entry in
all four indexes of `threads` (primary key, order id, seller, buyer), most of them on pages no
other send had touched since the last checkpoint, so each one also logged a full-page image
(at 1M stored: 3 of a send's ~8 full pages, 21 of its ~36 kB of WAL). No query reads threads by
last activity; the two indexes serve lookups by seller or buyer, which `(seller_id, id)` and
`(buyer_id, id)` do as well (and a seller's newest threads come in index order). With no indexed
column changing and room left on each page (fillfactor 80; pages written before this keep theirs
until their rows move), the update stays on the row's page and touches no index.

SQLite has no in-place updates of that kind; it gets the same indexes, and its updates of the
head no longer rewrite two index entries either.

`ix_messages_sender_created (sender_id, created_at)` is dropped: every query of a sender's
messages also names a disposition, and `ix_messages_sender_disposition (sender_id, disposition,
created_at, direction, id)` (0003) answers each of them, the daily limit's count included, from
the index alone. It was one more index entry for every message stored.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Room on each threads page for the head's new row version (a thread row is ~130 bytes).
THREADS_FILLFACTOR = 80


def upgrade() -> None:
    op.drop_index("ix_messages_sender_created", table_name="messages")
    op.drop_index("ix_threads_seller_last", table_name="threads")
    op.drop_index("ix_threads_buyer_last", table_name="threads")
    op.create_index("ix_threads_seller", "threads", ["seller_id", "id"])
    op.create_index("ix_threads_buyer", "threads", ["buyer_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE threads SET (fillfactor = {THREADS_FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE threads RESET (fillfactor)")
    op.drop_index("ix_threads_buyer", table_name="threads")
    op.drop_index("ix_threads_seller", table_name="threads")
    op.create_index("ix_threads_buyer_last", "threads", ["buyer_id", "last_message_at"])
    op.create_index("ix_threads_seller_last", "threads", ["seller_id", "last_message_at"])
    op.create_index("ix_messages_sender_created", "messages", ["sender_id", "created_at"])
