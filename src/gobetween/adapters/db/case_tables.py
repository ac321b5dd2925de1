"""Tables of cases, response clocks and webhooks. Migration 0003 creates exactly these.

They share `metadata` with tables.py. Case changes are evidence and go to the append-only `events`
table (kind `case.changed`); the rows here are the current state, mutable by design:

- `cases`: one row per case, its state and the survey flag.
- `response_clocks`: one row per delivered buyer message, stopped in the same transaction as the
  answer, "No response needed" or report that stops it. The metrics read only this table.
- `response_daily`: finished clocks rolled up per (seller, UTC day the clock started, outcome),
  written in the same transaction as the stop. A window's figures sum its whole days from here
  and classify the few clocks at its two edges, the running ones and any stopped after `now`
  one by one; so a seller with 100k messages costs a few hundred rows, not 100k.
- `webhook_subscriptions` (operator-managed) and `webhook_deliveries` (one row per attempt).

Indexes and the queries they serve (see docs/performance.md, Cases and metrics):

- `pk_response_daily (seller_id, day, outcome)`: a seller's whole days, a few hundred rows.
- `ix_response_clocks_seller_started (seller_id, started_at)`: the clocks of a window's partial
  first day and of today (an index range; a few hundred rows even for a big seller).
- `ix_response_clocks_seller_stopped (seller_id, stopped_at) WHERE stopped_at IS NOT NULL`:
  clocks stopped after a given `now` (none at the present time; figures "as of" a past time
  need them). Partial, so that queries for open clocks never pick it.
- `ix_response_clocks_open_thread (thread_id) WHERE stopped_at IS NULL`: the running clocks an
  answer stops.
- `ix_response_clocks_open_seller (seller_id, started_at, message_id) WHERE stopped_at IS NULL`:
  the "requires response" inbox, least time left first, read in index order (migration 0007).
- `ix_response_clocks_open_started (started_at, message_id) WHERE stopped_at IS NULL`: the
  operator's "requires response" view across all sellers, in the same order (migration 0008).
- `ix_response_clocks_due_soon (started_at) WHERE stopped_at IS NULL AND due_soon_at IS NULL`:
  the sweep that announces `response.due_soon` once per clock.
- `uq_cases_live_thread (thread_id) WHERE state <> 'closed'`: at most one live case per thread.
- `ix_cases_state_activity (state, last_activity_at)`: the idle-close sweep.
- `ix_messages_sender_disposition (sender_id, disposition, created_at, direction, id)` on the
  core's `messages` and `ix_findings_message_category (message_id, severity, category)` on its
  `findings`: a seller's blocked (per category) and bounced messages in a window, read from the
  two indexes alone instead of every message the seller sent.
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
    String,
    Table,
    Text,
    text,
)

from gobetween.adapters.db.tables import Id, findings, messages, metadata

cases = Table(
    "cases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", String(19), ForeignKey("orders.id"), nullable=False),
    Column("thread_id", BigInteger, ForeignKey("threads.id"), nullable=False),
    # Copied from the order so a seller's or buyer's case list needs no join.
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("buyer_id", String(64), ForeignKey("buyers.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("last_activity_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("survey_answered_at", DateTime(timezone=True), nullable=True),
    Column("previous_case_id", BigInteger, ForeignKey("cases.id"), nullable=True),
    Column("buyer_reported_unresolved", Boolean, nullable=False, default=False),
    CheckConstraint("state IN ('opened', 'resolved', 'closed')", name="state"),
    Index(
        "uq_cases_live_thread",
        "thread_id",
        unique=True,
        sqlite_where=text("state <> 'closed'"),
        postgresql_where=text("state <> 'closed'"),
    ),
    Index("ix_cases_thread", "thread_id", "id"),
    Index("ix_cases_seller", "seller_id", "id"),
    Index("ix_cases_buyer", "buyer_id", "id"),
    Index("ix_cases_order", "order_id", "id"),
    Index("ix_cases_state_activity", "state", "last_activity_at"),
)

response_clocks = Table(
    "response_clocks",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("thread_id", BigInteger, ForeignKey("threads.id"), nullable=False),
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=False),
    Column("case_id", BigInteger, ForeignKey("cases.id"), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("stopped_at", DateTime(timezone=True), nullable=True),
    Column("stop_reason", String(24), nullable=True),
    # stopped_at - started_at in microseconds, written with the stop: the figures then compare
    # and sum plain integers, identically on SQLite and PostgreSQL.
    Column("response_us", BigInteger, nullable=True),
    Column("stopped_by_message_id", BigInteger, nullable=True),
    # When `response.due_soon` was announced for this clock (once).
    Column("due_soon_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "stop_reason IN ('answered', 'no_response_needed', 'reported')", name="stop_reason"
    ),
    CheckConstraint(
        "(stopped_at IS NULL AND stop_reason IS NULL AND response_us IS NULL)"
        " OR (stopped_at IS NOT NULL AND stop_reason IS NOT NULL AND response_us >= 0)",
        name="stopped",
    ),
    # Deliberately not covering: with stopped_at in it, SQLite would walk it instead of the
    # partial index of open clocks when counting a big seller's running clocks.
    Index("ix_response_clocks_seller_started", "seller_id", "started_at"),
    # Partial, so that queries for open clocks (stopped_at IS NULL) never pick it over
    # ix_response_clocks_open_seller.
    Index(
        "ix_response_clocks_seller_stopped",
        "seller_id",
        "stopped_at",
        sqlite_where=text("stopped_at IS NOT NULL"),
        postgresql_where=text("stopped_at IS NOT NULL"),
    ),
    Index(
        "ix_response_clocks_open_thread",
        "thread_id",
        sqlite_where=text("stopped_at IS NULL"),
        postgresql_where=text("stopped_at IS NULL"),
    ),
    Index(
        "ix_response_clocks_open_seller",
        "seller_id",
        "started_at",
        "message_id",
        sqlite_where=text("stopped_at IS NULL"),
        postgresql_where=text("stopped_at IS NULL"),
    ),
    Index(
        "ix_response_clocks_open_started",
        "started_at",
        "message_id",
        sqlite_where=text("stopped_at IS NULL"),
        postgresql_where=text("stopped_at IS NULL"),
    ),
    Index(
        "ix_response_clocks_due_soon",
        "started_at",
        sqlite_where=text("stopped_at IS NULL AND due_soon_at IS NULL"),
        postgresql_where=text("stopped_at IS NULL AND due_soon_at IS NULL"),
    ),
)

response_daily = Table(
    "response_daily",
    metadata,
    Column("seller_id", String(64), ForeignKey("sellers.id"), primary_key=True),
    # The UTC day the clocks started (not the day they stopped).
    Column("day", Date, primary_key=True),
    Column("outcome", String(16), primary_key=True),
    Column("clocks", BigInteger, nullable=False),
    # Sum of response_us of the answered clocks (0 for excluded ones).
    Column("total_us", BigInteger, nullable=False),
    CheckConstraint("outcome IN ('on_time', 'late', 'excluded')", name="outcome"),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False),
    # The shared HMAC key: kept in clear because signing needs it; shown once when created.
    Column("secret", String(128), nullable=False),
    # Event types this subscription receives, e.g. ["message.received", "case.changed"].
    Column("events", JSON, nullable=False),
    # Only this seller's events; NULL for every seller (the operator's own integrations).
    Column("seller_id", String(64), ForeignKey("sellers.id"), nullable=True),
    Column("description", String(200), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_key", String(200), nullable=False),
    Column("subscription_id", BigInteger, nullable=True),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("outcome IN ('delivered', 'retry', 'failed')", name="outcome"),
    Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
    Index("ix_webhook_deliveries_key", "delivery_key"),
)

# Account health counts a seller's blocked and bounced messages per window (see the docstring).
Index(
    "ix_messages_sender_disposition",
    messages.c.sender_id,
    messages.c.disposition,
    messages.c.created_at,
    messages.c.direction,
    messages.c.id,
)
Index(
    "ix_findings_message_category",
    findings.c.message_id,
    findings.c.severity,
    findings.c.category,
)
