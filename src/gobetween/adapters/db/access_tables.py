"""Tables of the messaging API: API tokens, attachment files, reported messages, seller policies.

They share `metadata` with tables.py so one MetaData describes the whole schema; migration 0002
creates them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from gobetween.adapters.db.tables import Id, metadata, role_and_party_checks

# Only the SHA-256 of a token is stored: a database dump does not hand out working tokens.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    # The first characters of the token, safe to show in `tokens list` to tell tokens apart.
    Column("prefix", String(16), nullable=False),
    Column("role", String(16), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=True),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=True),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    *role_and_party_checks(),
)

# One row per distinct file content; the bytes live on disk under their SHA-256.
attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(127), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Who uploaded which content under which name: an uploader may read back and attach its uploads.
attachment_uploads = Table(
    "attachment_uploads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("attachment_blobs.sha256"), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("uploader_role", String(16), nullable=False),
    Column("uploader_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_attachment_uploads_sha256_uploader", "sha256", "uploader_role", "uploader_id"),
)

# system.md: reported messages go to the operator's queue and leave the response-time metric.
message_reports = Table(
    "message_reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=False, unique=True),
    Column("reporter_role", String(16), nullable=False),
    Column("reporter_id", String(64), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=True),
    Column("resolution", Text, nullable=True),
    CheckConstraint("status IN ('open', 'handled')", name="status"),
    Index("ix_message_reports_status", "status", "id"),
)

# What the operator configured per seller: the policy profile, essential link domains, limits.
seller_policies = Table(
    "seller_policies",
    metadata,
    Column("seller_id", String(64), ForeignKey("sellers.id"), primary_key=True),
    Column("profile", String(64), nullable=False),
    Column("allowed_link_domains", JSON, nullable=False),
    # NULL means the marketplace-wide default of the settings.
    Column("daily_limit_base", Integer, nullable=True),
    Column("daily_limit_multiplier", Integer, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Operator policy profiles (policy.md: `amazon` by default, operators add their own).
policy_profiles = Table(
    "policy_profiles",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("definition", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Each message's seller and buyer, written with the message: on PostgreSQL by the message
# repository's statement (migration 0014; a trigger until then), on SQLite by a trigger on INSERT
# INTO messages (migration 0002). The inbox reads a party's messages newest first straight from
# an index, where going through `threads` would read and sort every message of the party.
inbox_index = Table(
    "inbox_index",
    metadata,
    # No foreign key: the index follows the evidence and must never stand in its way.
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("seller_id", String(64), nullable=False),
    Column("buyer_id", String(64), nullable=False),
    Index("ix_inbox_index_seller_message", "seller_id", "message_id"),
    Index("ix_inbox_index_buyer_message", "buyer_id", "message_id"),
)
