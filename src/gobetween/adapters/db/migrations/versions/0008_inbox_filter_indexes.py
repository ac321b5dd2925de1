"""every inbox filter reads its page from an index of its own rows, not a party's history

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

At 1M messages three inbox filters read far more than a page:

- `blocked` and `bounced` walked the seller's whole inbox index newest first and looked up each
  message's disposition: 10,000 entries per seller for a page of `bounced`, which never fills.
  Only a seller's own messages are judged or bounced, so `ix_messages_undelivered_sender
  (sender_id, disposition, id)` holds a seller's blocked and bounced messages in page order;
  `ix_messages_undelivered (disposition, id)` holds everyone's, for operators. Both are partial
  (`disposition <> 'delivered'`): a delivered message, nearly every send, writes neither.
- `requires_response` without a seller (operators) sorted every running clock of the platform
  for each page: `ix_response_clocks_open_started (started_at, message_id)` holds them in order.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _where(condition: str) -> dict[str, Any]:
    """The same partial-index condition for both databases."""
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.create_index(
        "ix_messages_undelivered_sender",
        "messages",
        ["sender_id", "disposition", "id"],
        **_where("disposition <> 'delivered'"),
    )
    op.create_index(
        "ix_messages_undelivered",
        "messages",
        ["disposition", "id"],
        **_where("disposition <> 'delivered'"),
    )
    op.create_index(
        "ix_response_clocks_open_started",
        "response_clocks",
        ["started_at", "message_id"],
        **_where("stopped_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_response_clocks_open_started", table_name="response_clocks")
    op.drop_index("ix_messages_undelivered", table_name="messages")
    op.drop_index("ix_messages_undelivered_sender", table_name="messages")
