"""How many threads decide mail at once, by database, as `gobetween serve` starts the listener."""

from __future__ import annotations

import smtplib
from concurrent.futures import ThreadPoolExecutor

from relay_world import BUYER_EMAIL, free_port, mail, seed, zone
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.smtp import (
    RELAY_WORKERS,
    RELAY_WORKERS_POSTGRESQL,
    relay_workers,
    start_listener,
)

SESSIONS = 20  # more than the deciding threads on PostgreSQL: the rest queue, none is refused


def test_postgresql_decides_fewer_mails_at_once_than_sqlite(database_url: str) -> None:
    settings = load_settings(
        environ={},
        overrides={"database_url": database_url, "alias_domain": "relay.test"},
    )
    platform = build_platform(settings)
    try:
        expected = RELAY_WORKERS if database_url.startswith("sqlite") else RELAY_WORKERS_POSTGRESQL
        assert relay_workers(platform.engine) == expected
    finally:
        platform.close()
    assert RELAY_WORKERS_POSTGRESQL < SESSIONS < RELAY_WORKERS


def test_more_sessions_than_deciding_threads_are_all_accepted(database_url: str) -> None:
    port = free_port()
    settings = load_settings(
        environ={},
        overrides={
            "database_url": database_url,
            "alias_domain": "relay.test",
            "smtp_port": port,
            "smtp_protocol": "smtp",
        },
    )
    platform = build_platform(settings)
    try:
        platform.migrate()
        aliases = seed(platform.engine)
        listener = start_listener(
            platform, resolver=zone(generate_key(selector="s", domain="relay.test"))
        )
        # The listener `serve` starts decides on as many threads as its database wants.
        assert listener.handler.executor._max_workers == relay_workers(platform.engine)
        to = aliases.seller.address("relay.test")

        def send(number: int) -> dict[str, tuple[int, bytes]]:
            message = mail(sender=BUYER_EMAIL, to=to, text=f"Question number {number} here")
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                return client.sendmail(BUYER_EMAIL, [to], message.as_string())

        try:
            with ThreadPoolExecutor(SESSIONS) as pool:
                refused = list(pool.map(send, range(SESSIONS)))
        finally:
            listener.stop()
        assert refused == [{}] * SESSIONS
        with platform.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(t.messages)).scalar_one()
        assert stored == SESSIONS
    finally:
        platform.close()
