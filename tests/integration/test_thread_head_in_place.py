"""A send moves its thread's chain head in place on PostgreSQL (migration 0009).

The thread row changes on every send; when no index holds a column the send changes and the page
has room, PostgreSQL updates the row on its page without new index entries (a HOT update). An
index on `last_message_at` (as before 0009) makes every one of those updates a full one.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from message_core_world import NOW, buyer_sends, seed, seller_sends
from sqlalchemy import URL, Engine, create_engine, inspect, text

from gobetween.adapters.db import tables as t

# Sends after the thread's first: each moves the head of an existing row.
UPDATES = 4


def _thread_updates(url: URL, schema: str) -> tuple[int, int]:
    """(updates, in-place updates) of `schema`.threads as the statistics collector has them."""
    admin = create_engine(url)
    try:
        # A closed session hands its counts over as it exits, which may take a moment.
        for _ in range(100):
            with admin.connect() as connection:
                row = connection.execute(
                    text(
                        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                        " WHERE schemaname = :schema AND relname = 'threads'"
                    ),
                    {"schema": schema},
                ).one()
            if row[0] >= UPDATES:
                return int(row[0]), int(row[1])
            time.sleep(0.1)
        return int(row[0]), int(row[1])
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_send_updates_the_thread_head_without_touching_its_indexes(
    postgres_engine: Engine,
) -> None:
    seed(postgres_engine)
    seller_sends(postgres_engine)  # creates the thread
    for number in range(UPDATES):
        later = NOW + timedelta(minutes=number + 1)  # each send moves last_message_at
        if number % 2:
            seller_sends(postgres_engine, f"Update number {number}.", moment=later)
        else:
            buyer_sends(postgres_engine, f"Question number {number}?", moment=later)
    with postgres_engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    postgres_engine.dispose()  # the sessions exit and report their counts

    updates, in_place = _thread_updates(postgres_engine.url, schema)

    assert updates >= UPDATES
    assert in_place == updates


def test_threads_indexes_hold_no_column_a_send_changes(engine: Engine) -> None:
    changed_by_a_send = {"message_count", "head_hash", "last_message_at"}
    indexes = inspect(engine).get_indexes("threads")

    assert {index["name"] for index in indexes} >= {"ix_threads_seller", "ix_threads_buyer"}
    for index in indexes:
        assert not set(index["column_names"]) & changed_by_a_send, index
    declared = {index.name: [c.name for c in index.columns] for index in t.threads.indexes}
    migrated = {index["name"]: index["column_names"] for index in indexes}
    assert {name: migrated.get(name) for name in declared} == declared
