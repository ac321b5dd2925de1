"""The relay's lookups on kept connections: reused, yet every lookup sees the newest commit."""

from __future__ import annotations

import pytest
from relay_world import DOMAIN, NOW, seed, zone
from sqlalchemy import Connection, Engine, text

from gobetween import policy
from gobetween.adapters.db import relay_read_connections
from gobetween.adapters.db.relay_read_connections import KeptConnections
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.inbound import InboundRelay
from gobetween.adapters.mail.sender_auth import SenderAuthenticator
from gobetween.entrypoints.smtp import relay_committer, relay_read_engine
from gobetween.services.messaging import MessagingLimits


def _relay(engine: Engine, relay_key: DkimKey) -> InboundRelay:
    return InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(zone(relay_key)),
        check_policy=policy.check,
        clock=lambda: NOW,
        limits=MessagingLimits(),
        alias_domain=DOMAIN,
        group_commit=relay_committer(engine, shared_port=False),
        read_engine=relay_read_engine(engine),
    )


def _set_active(engine: Engine, local_part: str, active: bool) -> None:
    with engine.connect() as connection:
        connection.execute(
            text("UPDATE aliases SET active = :active WHERE local_part = :local"),
            {"active": active, "local": local_part},
        )
        connection.commit()


def test_postgresql_lookups_run_in_autocommit(postgres_engine: Engine) -> None:
    reader = relay_read_engine(postgres_engine)
    assert reader.pool is postgres_engine.pool  # the same pool: no extra connections
    with reader.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert connection.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]


def test_a_kept_connection_sees_the_newest_commit(engine: Engine, relay_key: DkimKey) -> None:
    # RCPT answers from a connection kept since the previous lookup; an alias disabled (and
    # enabled again) in between must be seen at once, on both databases: no snapshot is held.
    aliases = seed(engine)
    relay = _relay(engine, relay_key)
    address = aliases.seller.address(DOMAIN)
    try:
        assert relay.check_recipient(address) is None
        _set_active(engine, aliases.seller.local_part, False)
        refusal = relay.check_recipient(address)
        assert refusal is not None
        assert "disabled" in refusal
        _set_active(engine, aliases.seller.local_part, True)
        assert relay.check_recipient(address) is None
    finally:
        relay.close()
    # Closing the relay leaves the platform's engine usable (PostgreSQL shares its pool).
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_connections_are_kept_and_reused(sqlite_engine: Engine) -> None:
    kept = KeptConnections(relay_read_engine(sqlite_engine), kept=1)
    seen: list[Connection] = []
    try:
        for _ in range(3):
            kept.run(lambda connection: seen.append(connection))
        assert seen[0] is seen[1] is seen[2]
    finally:
        kept.close()
    assert seen[0].closed


def test_a_failed_lookup_closes_its_connection(sqlite_engine: Engine) -> None:
    kept = KeptConnections(relay_read_engine(sqlite_engine))
    seen: list[Connection] = []

    def fail(connection: Connection) -> None:
        seen.append(connection)
        raise RuntimeError("lookup failed")

    try:
        with pytest.raises(RuntimeError, match="lookup failed"):
            kept.run(fail)
        kept.run(lambda connection: seen.append(connection))
        assert seen[0].closed
        assert seen[1] is not seen[0]
    finally:
        kept.close()


def test_a_rested_connection_is_replaced(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = KeptConnections(relay_read_engine(sqlite_engine))
    seen: list[Connection] = []
    try:
        kept.run(lambda connection: seen.append(connection))
        monkeypatch.setattr(relay_read_connections, "IDLE_SECONDS", -1.0)
        kept.run(lambda connection: seen.append(connection))
        assert seen[0].closed
        assert seen[1] is not seen[0]
    finally:
        kept.close()


def test_no_more_than_kept_stay_open(sqlite_engine: Engine) -> None:
    kept = KeptConnections(relay_read_engine(sqlite_engine), kept=1)
    inner: list[Connection] = []
    outer: list[Connection] = []

    def nested(connection: Connection) -> None:
        outer.append(connection)
        kept.run(lambda second: inner.append(second))  # the only kept one is in use

    try:
        kept.run(lambda connection: None)  # one connection kept
        kept.run(nested)
        assert inner[0] is not outer[0]
        # Two were open at once; one is kept, the other closed when it came back.
        assert inner[0].closed != outer[0].closed
    finally:
        kept.close()
