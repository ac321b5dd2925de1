"""The delivery worker reads a thread's parties and the pair's aliases in one statement
(`pair_of_thread`): the same seller, buyer and aliases as the five reads it replaces."""

from __future__ import annotations

from relay_world import seed, stored_buyer_message
from sqlalchemy import Engine, select

from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.relay_repository import SqlRelayRepository


def test_the_pair_of_a_thread_is_what_the_separate_reads_give(engine: Engine) -> None:
    seed(engine)
    stored_buyer_message(engine)
    with engine.connect() as connection:
        thread_id = int(connection.execute(select(t.threads.c.id)).scalar_one())
        thread = repos.SqlThreadRepository(connection).find(thread_id)
        assert thread is not None
        aliases = repos.SqlAliasRepository(connection)
        expected = (
            repos.SqlSellerRepository(connection).find(thread.seller_id),
            repos.SqlBuyerRepository(connection).find(thread.buyer_id),
            aliases.for_pair(thread.buyer_id, thread.seller_id, "seller"),
            aliases.for_pair(thread.buyer_id, thread.seller_id, "buyer"),
        )
        pair = SqlRelayRepository(connection).pair_of_thread(thread_id)
    assert pair is not None
    assert (pair.seller, pair.buyer, pair.seller_alias, pair.buyer_alias) == expected
    # The seeded seller has several sending addresses: each is read once, in the same order.
    assert len(pair.seller.sending_addresses) >= 2


def test_a_missing_thread_has_no_pair(engine: Engine) -> None:
    seed(engine)
    stored_buyer_message(engine)
    with engine.connect() as connection:
        thread_id = int(connection.execute(select(t.threads.c.id)).scalar_one())
        repo = SqlRelayRepository(connection)
        assert repo.pair_of_thread(thread_id) is not None
        assert repo.pair_of_thread(thread_id + 1000) is None
