"""the requires-response inbox reads its page in index order on both databases

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

`ix_response_clocks_open_seller` was `(seller_id, started_at) WHERE stopped_at IS NULL`, while
the inbox orders a seller's running clocks by `(started_at, message_id)` (message_id breaks ties
and is the second half of the keyset cursor). SQLite cannot take the tie-breaker from that index,
so it sorted every running clock of the seller in a temporary B-tree for each page ("USE TEMP
B-TREE FOR RIGHT PART OF ORDER BY"): at 1M messages, a thousand clocks per seller. With
message_id as the third column both databases read the page in index order and stop after it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The same partial-index condition for both databases.
_OPEN: dict[str, Any] = {
    "sqlite_where": sa.text("stopped_at IS NULL"),
    "postgresql_where": sa.text("stopped_at IS NULL"),
}


def upgrade() -> None:
    op.drop_index("ix_response_clocks_open_seller", table_name="response_clocks")
    op.create_index(
        "ix_response_clocks_open_seller",
        "response_clocks",
        ["seller_id", "started_at", "message_id"],
        **_OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_response_clocks_open_seller", table_name="response_clocks")
    op.create_index(
        "ix_response_clocks_open_seller", "response_clocks", ["seller_id", "started_at"], **_OPEN
    )
