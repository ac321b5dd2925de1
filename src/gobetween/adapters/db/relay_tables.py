"""Tables of the mail relay: inbound mail as received, Message-ID maps, outbound bytes as sent.

Kept apart from the message core's tables: the core knows messages, the relay knows mail.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gobetween.adapters.db.tables import Id, metadata

# Every mail the relay accepted or held, with its raw bytes as evidence. The unique key is the
# exactly-once guard (relay-notes.md, Idempotency): the same alias, Message-ID and body hash is
# one message however often a sending server retries it. Never the Message-ID alone: it is
# forgeable, and two different mails may share it.
relay_inbound = Table(
    "relay_inbound",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("alias", String(32), nullable=False),
    Column("message_id", String(255), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("mail_from", String(320), nullable=False),
    Column("from_address", String(320), nullable=False),
    Column("client_ip", String(64), nullable=False),
    Column("auth", JSON, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    # The core message this mail became (null while held).
    Column("message_ref", BigInteger, ForeignKey("messages.id"), nullable=True),
    # What the SMTP session answered, repeated word for word to a retry of the same mail.
    Column("reply", Text, nullable=False),
    # sha256 of the release token sent to the registered address of a held mail.
    Column("release_token_sha256", String(64), nullable=True, unique=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("alias", "message_id", "body_sha256", name="uq_relay_inbound_dedupe"),
    CheckConstraint("status IN ('stored', 'held', 'released', 'discarded')", name="status"),
)

# The Message-ID each party's mail client knows a message by: the sender's own id for mail it
# wrote, ours for mail we delivered to it. In-Reply-To/References are translated through this
# map in both directions; ids not in it are dropped (they name the other side's provider).
relay_message_ids = Table(
    "relay_message_ids",
    metadata,
    Column("message_ref", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("party", String(8), primary_key=True),
    Column("header_id", String(255), nullable=False),
    UniqueConstraint("party", "header_id", name="uq_relay_message_ids_party_header"),
    CheckConstraint("party IN ('buyer', 'seller')", name="party"),
)

# The exact signed bytes handed to SMTP, once per delivery key: a retry sends the same bytes
# (same Message-ID, same signature), and the evidence shows what the recipient got.
relay_outbound = Table(
    "relay_outbound",
    metadata,
    Column("delivery_key", String(200), primary_key=True),
    Column("header_id", String(255), nullable=False),
    Column("sender", String(320), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Attachment bytes received by mail, by content hash, so delivery can attach them. A large
# attachment is not stored twice: its bytes are the base64 body it arrived in, kept in the raw
# mail (`inbound_id`), at `raw_start` for `raw_length` bytes (line breaks included), and `data`
# is null; delivery decodes that slice and checks it against `sha256`.
relay_attachments = Table(
    "relay_attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(127), nullable=False),
    Column("data", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("inbound_id", BigInteger, ForeignKey("relay_inbound.id"), nullable=True),
    Column("raw_start", Integer, nullable=True),
    Column("raw_length", Integer, nullable=True),
    CheckConstraint(
        "data IS NOT NULL OR (inbound_id IS NOT NULL AND raw_start IS NOT NULL"
        " AND raw_length IS NOT NULL)",
        name="bytes_kept",
    ),
)
