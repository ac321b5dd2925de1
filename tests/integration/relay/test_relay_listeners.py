"""Several listeners on one port (SO_REUSEPORT), as several processes run them: once each."""

from __future__ import annotations

import fcntl
import smtplib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import datetime

import pytest
from relay_world import BUYER_EMAIL, DOMAIN, NOW, free_port, mail, seed, zone
from sqlalchemy import Engine, func, select

from gobetween import policy
from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.inbound import InboundRelay
from gobetween.adapters.mail.sender_auth import SenderAuthenticator
from gobetween.entrypoints.smtp import (
    ListenerWriters,
    RelayController,
    relay_committer,
    relay_read_engine,
)
from gobetween.services.messaging import MessagingLimits


def _relay(engine: Engine, relay_key: DkimKey) -> InboundRelay:
    """What one listener process builds: its own relay and, on SQLite, its own writer."""

    def now() -> datetime:
        return NOW

    return InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(zone(relay_key)),
        check_policy=policy.check,
        clock=now,
        limits=MessagingLimits(),
        alias_domain=DOMAIN,
        # What serve wires with smtp_listeners > 1: on SQLite the writers take turns by lock.
        group_commit=relay_committer(engine, shared_port=True),
        read_engine=relay_read_engine(engine),
    )


@contextmanager
def _listeners(engine: Engine, relay_key: DkimKey, port: int, count: int) -> Iterator[None]:
    with ExitStack() as stack:
        for _ in range(count):
            controller = RelayController(
                _relay(engine, relay_key), hostname="127.0.0.1", port=port, reuse_port=True
            )
            controller.start()
            stack.callback(controller.stop)
        yield


def _send(port: int, to: str, text: str, message_id: str) -> dict[str, tuple[int, bytes]]:
    message = mail(sender=BUYER_EMAIL, to=to, text=text, message_id=message_id)
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.ehlo("client.buyer.example")
        return client.sendmail(BUYER_EMAIL, [to], message.as_bytes())


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_two_listeners_share_a_port_and_store_each_mail_once(
    engine: Engine, relay_key: DkimKey
) -> None:
    aliases = seed(engine)
    to = aliases.seller.address(DOMAIN)
    port = free_port()
    with _listeners(engine, relay_key, port, 2):
        jobs = [
            (f"Question number {n} about the parcel", f"<q{n}@buyer.example>") for n in range(8)
        ]
        # The same mail on six connections at once: whichever listener gets each, one copy.
        jobs += [("The very same question, sent again", "<again@buyer.example>")] * 6
        with ThreadPoolExecutor(len(jobs)) as pool:
            refused = list(pool.map(lambda job: _send(port, to, *job), jobs))
    assert refused == [{}] * len(jobs)
    assert _count(engine, r.relay_inbound) == 9
    assert _count(engine, t.messages) == 9


def test_without_reuse_port_a_second_listener_cannot_bind(
    engine: Engine, relay_key: DkimKey
) -> None:
    port = free_port()
    first = RelayController(_relay(engine, relay_key), hostname="127.0.0.1", port=port)
    first.start()
    try:
        second = RelayController(_relay(engine, relay_key), hostname="127.0.0.1", port=port)
        with pytest.raises(OSError, match="in use"):
            second.start()
        second.loop.close()  # aiosmtpd leaves the loop of a listener that failed to bind
        second.handler.relay.close()
    finally:
        first.stop()


def test_sqlite_writers_of_several_listeners_take_turns_by_file_lock(
    sqlite_engine: Engine,
) -> None:
    committer = relay_committer(sqlite_engine, shared_port=True)
    assert isinstance(committer, ListenerWriters)
    assert type(relay_committer(sqlite_engine, shared_port=False)) is GroupCommitter
    try:
        # Another listener process's writer holds the lock: this one's batch must wait for it.
        with committer.lock_file.open("a") as other, ThreadPoolExecutor(1) as pool:
            fcntl.flock(other, fcntl.LOCK_EX)
            pending = pool.submit(committer.run, _count_sellers)
            time.sleep(0.5)
            assert not pending.done()
            fcntl.flock(other, fcntl.LOCK_UN)
            assert pending.result(timeout=30) == 0
    finally:
        committer.close()


def test_postgresql_listeners_commit_on_their_own(postgres_engine: Engine) -> None:
    assert relay_committer(postgres_engine, shared_port=True) is None


def _count_sellers(engine: Engine) -> int:
    return _count(engine, t.sellers)
