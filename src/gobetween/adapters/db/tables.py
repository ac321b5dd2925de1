"""The schema, as SQLAlchemy Core tables. Alembic migrations create exactly this.

Messages, message attachments, findings and events are evidence: append-only, enforced by database
triggers (see migrations). Integer surrogate keys for the high-volume tables; the marketplace's own
ids (order ids, seller and buyer ids) as natural keys.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# Stable constraint names, so migrations are the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger on PostgreSQL.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _created_at() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False)


def role_and_party_checks() -> tuple[CheckConstraint, CheckConstraint]:
    """A principal's role, and the one party id that role needs (a seller's or a buyer's)."""
    return (
        CheckConstraint("role IN ('operator', 'seller', 'buyer', 'auditor')", name="role"),
        CheckConstraint(
            "(role = 'seller' AND seller_id IS NOT NULL AND buyer_id IS NULL)"
            " OR (role = 'buyer' AND buyer_id IS NOT NULL AND seller_id IS NULL)"
            " OR (role IN ('operator', 'auditor') AND seller_id IS NULL AND buyer_id IS NULL)",
            name="party",
        ),
    )


buyers = Table(
    "buyers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False, unique=True),
    Column("language", String(8), nullable=False),
    Column("opted_out", Boolean, nullable=False, default=False),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

sellers = Table(
    "sellers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("business_name", String(200), nullable=False),
    Column("customer_service_address", String(320), nullable=False),
    Column("opt_out_bounce_notices", Boolean, nullable=False, default=True),
    # Set when the seller also buys on the marketplace (system.md: shown with its business name).
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=True, unique=True),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

seller_addresses = Table(
    "seller_addresses",
    metadata,
    Column("seller_id", String(64), ForeignKey("sellers.id"), primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("kind", String(16), nullable=False),
    CheckConstraint("kind IN ('registered', 'authorized')", name="kind"),
    Index("ix_seller_addresses_address", "address"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(19), primary_key=True),
    Column("marketplace", String(32), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=False),
    Column("fulfillment", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("product_category", String(64), nullable=False),
    Column("shipping_address", JSON, nullable=False),
    Column("purchased_at", DateTime(timezone=True), nullable=False),
    Column("shipped_at", DateTime(timezone=True), nullable=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("latest_delivery_at", DateTime(timezone=True), nullable=True),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("fulfillment IN ('marketplace', 'seller')", name="fulfillment"),
    CheckConstraint(
        "status IN ('pending', 'unshipped', 'shipped', 'delivered', 'cancelled', 'returned')",
        name="status",
    ),
    Index("ix_orders_seller_purchased", "seller_id", "purchased_at"),
    Index("ix_orders_buyer_seller", "buyer_id", "seller_id"),
)

order_items = Table(
    "order_items",
    metadata,
    Column("order_id", String(19), ForeignKey("orders.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("title", String(500), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    CheckConstraint("quantity > 0", name="quantity"),
)

aliases = Table(
    "aliases",
    metadata,
    # Local parts are never deleted, so the primary key also guarantees "never reused".
    Column("local_part", String(32), primary_key=True),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("side", String(8), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    _created_at(),
    CheckConstraint("side IN ('buyer', 'seller')", name="side"),
    UniqueConstraint("buyer_id", "seller_id", "side", name="uq_aliases_pair_side"),
)

threads = Table(
    "threads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", String(19), ForeignKey("orders.id"), nullable=False, unique=True),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=False),
    # The head of the thread's hash chain and its length: the next message links to these.
    Column("message_count", Integer, nullable=False, default=0),
    Column("head_hash", String(64), nullable=False),
    _created_at(),
    Column("last_message_at", DateTime(timezone=True), nullable=True),
    # No index holds a column a send changes (head, count, last message time), and each page
    # keeps room: PostgreSQL moves the head in place, touching no index (migration 0009).
    Index("ix_threads_seller", "seller_id", "id"),
    Index("ix_threads_buyer", "buyer_id", "id"),
    postgresql_with={"fillfactor": 80},
)

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("thread_id", BigInteger, ForeignKey("threads.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("direction", String(16), nullable=False),
    Column("sender_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("initiation", String(16), nullable=False),
    Column("contact_reason", String(32), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(8), nullable=True),
    Column("verdict", String(8), nullable=False),
    Column("critical", Boolean, nullable=False),
    # What happens to it: delivered (queued for delivery), blocked by policy, bounced (opt-out).
    Column("disposition", String(16), nullable=False),
    Column("triage", String(32), nullable=True),
    Column("report", String(32), nullable=True),
    _created_at(),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("thread_id", "seq", name="uq_messages_thread_seq"),
    CheckConstraint("direction IN ('seller_to_buyer', 'buyer_to_seller')", name="direction"),
    CheckConstraint("verdict IN ('allow', 'block')", name="verdict"),
    # A sender's messages are read by disposition: ix_messages_sender_disposition (case_tables.py).
    # The inbox's blocked and bounced views (migration 0008): a seller's, and everyone's, in
    # page order. Partial, so that a delivered message, nearly every send, writes neither.
    Index(
        "ix_messages_undelivered_sender",
        "sender_id",
        "disposition",
        "id",
        sqlite_where=text("disposition <> 'delivered'"),
        postgresql_where=text("disposition <> 'delivered'"),
    ),
    Index(
        "ix_messages_undelivered",
        "disposition",
        "id",
        sqlite_where=text("disposition <> 'delivered'"),
        postgresql_where=text("disposition <> 'delivered'"),
    ),
)

message_attachments = Table(
    "message_attachments",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("size", BigInteger, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("category", String(40), nullable=False),
    Column("rule", String(80), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("span_start", Integer, nullable=True),
    Column("span_end", Integer, nullable=True),
    Column("message", Text, nullable=False),
    CheckConstraint("severity IN ('block', 'warn')", name="severity"),
    Index("ix_findings_message", "message_id"),
    Index("ix_findings_category", "category"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(64), nullable=False),
    Column("subject_type", String(32), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("data", JSON, nullable=False),
    _created_at(),
    Index("ix_events_subject", "subject_type", "subject_id", "id"),
)

# A seller's delivered messages per UTC day, spread over a few rows per day (by thread): kept by
# the message repository's statement that stores the message (migration 0014; a trigger on INSERT
# INTO messages from 0010 until then), read by the daily limit instead of a count over the day's
# messages. PostgreSQL only; on SQLite it stays empty (the count is cheaper there).
seller_daily_sends = Table(
    "seller_daily_sends",
    metadata,
    Column("seller_id", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("shard", Integer, primary_key=True),
    Column("sent", Integer, nullable=False),
    postgresql_with={"fillfactor": 50},
)

# A seller's orders per UTC day of their purchase: kept by triggers on orders (migration 0012),
# read by the daily limit's order average instead of a count over the week's orders. PostgreSQL
# only; on SQLite it stays empty (the count over ix_orders_seller_purchased is cheaper there).
seller_daily_orders = Table(
    "seller_daily_orders",
    metadata,
    Column("seller_id", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("orders", Integer, nullable=False),
    postgresql_with={"fillfactor": 70},
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("message_id", BigInteger, ForeignKey("messages.id"), nullable=True),
    Column("recipient", String(320), nullable=False),
    # Exactly once per recipient: one row per (kind, message, recipient); the transport uses it
    # as an idempotency key so a retried delivery replaces rather than duplicates.
    Column("delivery_key", String(200), nullable=False, unique=True),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(80), nullable=True),
    Column("claimed_until", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    _created_at(),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("status IN ('pending', 'done', 'failed')", name="status"),
    Index("ix_outbox_pending", "status", "available_at"),
)

EVIDENCE_TABLES = ("messages", "message_attachments", "findings", "events")
