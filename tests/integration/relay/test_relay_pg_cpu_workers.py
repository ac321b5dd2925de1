"""How many threads decide mail at once, by database, as `gobetween serve` starts the listener."""

from __future__ import annotations

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor

from relay_world import BUYER_EMAIL, free_port, mail, seed, zone
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.adapters.mail.inbound import Envelope as RelayEnvelope
from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.smtp import (
    LARGE_MAIL_BYTES,
    LARGE_MAIL_WORKERS_POSTGRESQL,
    RELAY_WORKERS,
    RELAY_WORKERS_POSTGRESQL,
    large_mail_workers,
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


def test_large_mails_have_deciding_threads_of_their_own_on_postgresql_only(
    database_url: str,
) -> None:
    settings = load_settings(
        environ={},
        overrides={"database_url": database_url, "alias_domain": "relay.test"},
    )
    platform = build_platform(settings)
    try:
        expected = 0 if database_url.startswith("sqlite") else LARGE_MAIL_WORKERS_POSTGRESQL
        assert large_mail_workers(platform.engine) == expected
    finally:
        platform.close()


def test_a_large_mail_is_decided_on_the_large_mail_threads(database_url: str) -> None:
    """On PostgreSQL a mail of LARGE_MAIL_BYTES or more is decided on the large-mail threads and
    a small one on the deciding threads; on SQLite both on the deciding threads. Both stored."""
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
        deciding_threads: list[str] = []
        receive = listener.handler.relay.receive

        def receive_noting_the_thread(envelope: RelayEnvelope) -> str:
            deciding_threads.append(threading.current_thread().name)
            return receive(envelope)

        listener.handler.relay.receive = receive_noting_the_thread  # type: ignore[method-assign]
        to = aliases.seller.address("relay.test")
        small = mail(sender=BUYER_EMAIL, to=to, text="A short question", message_id="<s@b.example>")
        large = mail(sender=BUYER_EMAIL, to=to, text="A question", message_id="<l@b.example>")
        large.add_attachment(
            b"%PDF-1.4\n" + bytes(range(256)) * (LARGE_MAIL_BYTES // 256),
            maintype="application",
            subtype="pdf",
            filename="label.pdf",
        )
        assert len(large.as_bytes()) >= LARGE_MAIL_BYTES > len(small.as_bytes())
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                assert client.sendmail(BUYER_EMAIL, [to], small.as_string()) == {}
                assert client.sendmail(BUYER_EMAIL, [to], large.as_string()) == {}
        finally:
            listener.stop()
        on_large_threads = not database_url.startswith("sqlite")
        assert deciding_threads[0].startswith("relay_")
        assert deciding_threads[1].startswith("relay-large_" if on_large_threads else "relay_")
        with platform.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(t.messages)).scalar_one()
        assert stored == 2
    finally:
        platform.close()


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
        # Large mails: threads of their own on PostgreSQL, the deciding threads on SQLite.
        large_threads = large_mail_workers(platform.engine)
        if large_threads:
            assert listener.handler.large_mail_executor is not listener.handler.executor
            assert listener.handler.large_mail_executor._max_workers == large_threads
        else:
            assert listener.handler.large_mail_executor is listener.handler.executor
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
        # Stopping the listener stopped both pools of threads.
        assert listener.handler.executor._shutdown
        assert listener.handler.large_mail_executor._shutdown
        with platform.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(t.messages)).scalar_one()
        assert stored == SESSIONS
    finally:
        platform.close()
