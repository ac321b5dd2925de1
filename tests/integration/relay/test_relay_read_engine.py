"""Lookups on the read engine: answered while a write transaction holds SQLite's lock."""

from __future__ import annotations

import time

import pytest
from relay_world import DOMAIN, NOW, seed, zone
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from gobetween import policy
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.read_engine import build_read_engine
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.inbound import InboundRelay
from gobetween.adapters.mail.sender_auth import SenderAuthenticator
from gobetween.services.messaging import MessagingLimits


@pytest.mark.postgres
def test_postgresql_reads_through_its_own_engine(postgres_engine: Engine) -> None:
    assert build_read_engine(postgres_engine) is postgres_engine


def test_rcpt_is_answered_while_a_writer_holds_the_lock(
    sqlite_engine: Engine, relay_key: DkimKey
) -> None:
    # Only SQLite has one writer lock; PostgreSQL reads through its own engine (test above).
    engine = sqlite_engine
    aliases = seed(engine)
    relay = InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(zone(relay_key)),
        check_policy=policy.check,
        clock=lambda: NOW,
        limits=MessagingLimits(),
        alias_domain=DOMAIN,
        group_commit=GroupCommitter(engine),
        read_engine=build_read_engine(engine),
    )
    try:
        with engine.connect() as writer:
            writer.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is now held
            started = time.monotonic()
            assert relay.check_recipient(aliases.seller.address(DOMAIN)) is None
            refusal = relay.check_recipient(f"nobody000000@{DOMAIN}")
            waited = time.monotonic() - started
            writer.rollback()
        assert refusal is not None
        assert refusal.startswith("550 5.1.1")
        # The busy timeout is 30 s: a lookup that queued for the lock would wait for it.
        assert waited < 10
    finally:
        relay.close()


def test_the_read_engine_cannot_write(sqlite_engine: Engine) -> None:
    reader = build_read_engine(sqlite_engine)
    try:
        with reader.connect() as connection, pytest.raises(OperationalError, match="readonly"):
            connection.execute(text("DELETE FROM buyers"))
    finally:
        reader.dispose()
