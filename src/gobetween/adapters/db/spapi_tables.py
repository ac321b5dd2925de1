"""Tables of the SP-API compatible surface: app credentials, access tokens, uploads, solicitations.

They share `metadata` with tables.py; migration 0006 creates them. Secrets are stored as SHA-256
only (client secrets, refresh and access tokens are 256-bit random values, see services/access.py
for why a fast unsalted hash is right for those).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, Text

from gobetween.adapters.db.tables import Id, metadata

# An SP-API "app" of one seller: what Login with Amazon calls client id, secret and refresh token.
spapi_credentials = Table(
    "spapi_credentials",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("client_secret_hash", String(64), nullable=False),
    Column("refresh_token_hash", String(64), nullable=False, unique=True),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# Short-lived access tokens handed out by POST /auth/o2/token.
spapi_access_tokens = Table(
    "spapi_access_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("credential_id", Id, ForeignKey("spapi_credentials.id"), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_spapi_access_tokens_expires_at", "expires_at"),
)

# Uploads API: a destination is created with the content's MD5, then the bytes are PUT to it.
spapi_upload_destinations = Table(
    "spapi_upload_destinations",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("resource", String(500), nullable=False),
    Column("content_md5", String(32), nullable=False),
    Column("content_type", String(127), nullable=True),
    # Set when the bytes arrived, matched the MD5 and passed the attachment type rules.
    Column("sha256", String(64), ForeignKey("attachment_blobs.sha256"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=True),
)

# One review request per order: the primary key makes "once" hold across processes.
spapi_solicitations = Table(
    "spapi_solicitations",
    metadata,
    Column("order_id", String(19), ForeignKey("orders.id"), primary_key=True),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=False),
    Column("language", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
