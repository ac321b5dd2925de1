"""A stored message's inbox entry and day counter: written by the message's own statement on
PostgreSQL since migration 0014 (by row triggers before it, and still by a trigger on SQLite),
always the rows the triggers wrote: one entry per message with its thread's seller and buyer, and
per delivered seller message one more in row `thread_id % 8` of the sender's UTC day."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from message_core_world import NOW, ORDER, SECOND_ORDER, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, text

from gobetween.adapters.db import migrate

TODAY = NOW.replace(hour=0, minute=0, second=0, microsecond=0)


def _traffic(engine: Engine, *, at: Any = NOW) -> list[str]:
    """Delivered and blocked seller messages (the latter with findings: the repository's longer
    way), a buyer message, on two threads and two UTC days; returns the dispositions."""
    return [
        seller_sends(engine, moment=at - timedelta(minutes=30)).disposition,
        seller_sends(engine, "Please leave us a 5-star review!", reason="other").disposition,
        buyer_sends(engine, moment=at + timedelta(minutes=1)).disposition,
        seller_sends(engine, "Any time.", moment=at + timedelta(minutes=2)).disposition,
        seller_sends(engine, order_id=SECOND_ORDER, moment=at + timedelta(days=1)).disposition,
    ]


def _entries(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The inbox entries, and every message with its thread's parties, by message id."""
    with engine.connect() as connection:
        entries = connection.execute(
            text("SELECT message_id, seller_id, buyer_id FROM inbox_index ORDER BY message_id")
        ).all()
        expected = connection.execute(
            text(
                "SELECT m.id, th.seller_id, th.buyer_id FROM messages m"
                " JOIN threads th ON th.id = m.thread_id ORDER BY m.id"
            )
        ).all()
    return [tuple(row) for row in entries], [tuple(row) for row in expected]


def _counters(engine: Engine) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    """The day counters (PostgreSQL), and what the delivered seller messages add up to."""
    with engine.connect() as connection:
        counters = connection.execute(
            text("SELECT seller_id, day, shard, sent FROM seller_daily_sends")
        ).all()
        messages = connection.execute(
            text(
                "SELECT sender_id, created_at, thread_id FROM messages"
                " WHERE direction = 'seller_to_buyer' AND disposition = 'delivered'"
            )
        ).all()
    kept = Counter({(s, str(d), shard): sent for s, d, shard, sent in counters})
    added: Counter[tuple[Any, ...]] = Counter()
    if engine.dialect.name == "postgresql":
        for sender, created_at, thread_id in messages:
            added[(sender, str(created_at.astimezone(NOW.tzinfo).date()), thread_id % 8)] += 1
    return kept, added


def _assert_the_triggers_rows(engine: Engine) -> None:
    entries, expected = _entries(engine)
    assert entries == expected
    kept, added = _counters(engine)
    assert kept == added


def test_every_message_has_its_entry_and_every_delivered_seller_message_its_count(
    engine: Engine,
) -> None:
    seed(engine)
    dispositions = _traffic(engine)

    assert dispositions == ["delivered", "blocked", "delivered", "delivered", "delivered"]
    _assert_the_triggers_rows(engine)
    entries, _ = _entries(engine)
    assert {(seller, buyer) for _, seller, buyer in entries} == {("s1", "b1")}
    kept, _ = _counters(engine)
    if engine.dialect.name == "postgresql":
        # Today's two on one thread, tomorrow's one on another (another shard).
        assert sorted(kept.values()) == [1, 2]
        assert len({day for _, day, _ in kept}) == 2
    else:
        assert not kept  # SQLite counts its index and keeps no counters


def test_a_bounced_message_is_listed_and_not_counted(engine: Engine) -> None:
    seed(engine, opted_out=True)

    # With its bounce notice: the statement of one delivery, which counts only a delivered message.
    sent = seller_sends(engine, "Here is the warranty information you need.", reason="warranty")
    assert sent.disposition == "bounced"
    _assert_the_triggers_rows(engine)
    kept, _ = _counters(engine)
    assert not kept


@pytest.mark.postgres
def test_no_trigger_writes_them_on_postgresql(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        triggers = connection.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'messages'::regclass"
                " AND NOT tgisinternal ORDER BY tgname"
            )
        ).scalars()
        names = list(triggers)
    # The evidence guards stay; the inbox entry and the day counter are the statement's.
    assert names == ["messages_append_only", "messages_no_truncate"]


def _insert_by_hand(engine: Engine) -> None:
    """A delivered seller message on ORDER's thread written with SQL, as a writer before 0014
    could: the triggers of that schema write its entry and count it."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO messages (thread_id, seq, direction, sender_id, channel, initiation,"
                " contact_reason, subject, body, language, verdict, critical, disposition,"
                " created_at, prev_hash, hash)"
                " SELECT id, message_count + 1, 'seller_to_buyer', seller_id, 'web', 'reply',"
                " 'other', 's', 'b', 'en', 'allow', false, 'delivered', :at, head_hash, :hash"
                " FROM threads WHERE order_id = :order"
            ),
            {"at": NOW + timedelta(hours=3), "hash": "f" * 64, "order": ORDER},
        )
        connection.execute(
            text(
                "UPDATE threads SET message_count = message_count + 1, head_hash = :hash"
                " WHERE order_id = :order"
            ),
            {"hash": "f" * 64, "order": ORDER},
        )


def test_the_migration_keeps_the_rows_stored_before_it_and_its_downgrade_the_triggers(
    engine: Engine,
) -> None:
    seed(engine)
    _traffic(engine)
    migrate.downgrade(engine, "0013")
    _insert_by_hand(engine)
    _assert_the_triggers_rows(engine)

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    # The rows written before the upgrade are kept as they were, and the sends after it add theirs.
    _traffic(engine, at=NOW + timedelta(days=2))
    _assert_the_triggers_rows(engine)
    entries, _ = _entries(engine)
    assert len(entries) == len(set(entries)) == 11
