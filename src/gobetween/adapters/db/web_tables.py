"""Tables of the web message center: sign-in accounts and login sessions (migration 0005).

They share `metadata` with tables.py. Sessions are server-side rows: the cookie carries a random
token and only its SHA-256 is stored, so a database dump hands out no working sessions, and signing
out (or disabling an account) ends a session at once on every web process.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
)

from gobetween.adapters.db.tables import Id, metadata, role_and_party_checks

web_accounts = Table(
    "web_accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # Stored lower-cased: sign-in by e-mail address is case-insensitive.
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=True),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=True),
    Column("display_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
    *role_and_party_checks(),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", BigInteger, ForeignKey("web_accounts.id"), nullable=False),
    # The synchronizer token every form of this session must echo back.
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_web_sessions_account", "account_id"),
)
