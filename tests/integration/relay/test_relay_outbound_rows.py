"""keep_outbound and remember_header return what is on record: what they stored, or what an
earlier call stored (read back), never the later call's values."""

from __future__ import annotations

from datetime import UTC, datetime

from relay_world import seed, stored_buyer_message
from sqlalchemy import Engine, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db.relay_repository import SqlRelayRepository

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_keep_outbound_returns_the_first_bytes_stored(engine: Engine) -> None:
    first = ("<1@relay.test>", "bounce@relay.test", b"From: a\r\n\r\nfirst\r\n")
    with engine.begin() as connection:
        kept = SqlRelayRepository(connection).keep_outbound(
            "key-1", header_id=first[0], sender=first[1], data=first[2], now=NOW
        )
    assert kept == first
    with engine.begin() as connection:
        again = SqlRelayRepository(connection).keep_outbound(
            "key-1", header_id="<2@relay.test>", sender="other@relay.test", data=b"x", now=NOW
        )
        assert again == first
        assert SqlRelayRepository(connection).find_outbound("key-1") == first
        rows = connection.execute(select(r.relay_outbound)).all()
    assert len(rows) == 1


def test_remember_header_returns_the_id_on_record(engine: Engine) -> None:
    seed(engine)
    ref = stored_buyer_message(engine, NOW)
    with engine.begin() as connection:
        repo = SqlRelayRepository(connection)
        assert repo.remember_header(ref, "seller", "<a@relay.test>") == "<a@relay.test>"
        assert repo.remember_header(ref, "seller", "<b@relay.test>") == "<a@relay.test>"
        assert repo.remember_header(ref, "buyer", "<c@relay.test>") == "<c@relay.test>"
        assert repo.header_for(ref, "seller") == "<a@relay.test>"
        assert repo.header_for(ref, "buyer") == "<c@relay.test>"
