"""A small marketplace, a fake DNS zone, our relay listener and a capturing smarthost, all real.

Everything listens on 127.0.0.1 on ports picked free for each test.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine, select

from gobetween import policy
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.inbound import InboundRelay, Unauthenticated
from gobetween.adapters.mail.outbox_mail import FailureNotices, OutboxMail
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver
from gobetween.adapters.mail.smtp_transport import SmtpTransport
from gobetween.bootstrap import Settings, load_settings
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.entrypoints.smtp import RelayController, relay_read_engine
from gobetween.services.aliases import PairAliases, ensure_pair_aliases
from gobetween.services.delivery import DeliveryPolicy, DeliveryReport, deliver_pending
from gobetween.services.messaging import MessagingLimits, RecordBuyerMessage, record_buyer_message

DOMAIN = "relay.test"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ORDER = "114-3941689-8772232"
SELLER_OWNER = "owner@seller.example"
SELLER_STAFF = "staff@seller.example"
SELLER_CS = "cs@seller.example"
BUYER_EMAIL = "bob.buyer@buyer.example"
REAL_ADDRESSES = (SELLER_OWNER, SELLER_STAFF, SELLER_CS, BUYER_EMAIL)


def listener_settings(database: Path, **overrides: object) -> Settings:
    """Settings of a listener as `serve` starts it, on the SQLite file `database` and the alias
    domain relay.test, with `overrides` on top (no environment read)."""
    return load_settings(
        environ={},
        overrides={
            "database_url": f"sqlite:///{database}",
            "alias_domain": "relay.test",
            **overrides,
        },
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def zone(relay_key: DkimKey) -> StaticResolver:
    """The DNS of the test world: our DKIM key; SPF and DMARC of the parties' domains."""
    resolver = StaticResolver()
    resolver.add(relay_key.dns_name, "TXT", relay_key.public_record)
    # The parties' providers send from loopback, where the tests' clients run.
    resolver.add("seller.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    resolver.add("_dmarc.seller.example", "TXT", "v=DMARC1; p=reject")
    resolver.add("buyer.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    return resolver


def seed(engine: Engine, *, opted_out: bool = False) -> PairAliases:
    """One seller (registered, authorized and service addresses), one buyer, one order."""
    with SqlUnitOfWork(engine) as uow:
        uow.buyers.upsert(Buyer("b1", "Bob Buyer", BUYER_EMAIL, "en", opted_out), now=NOW)
        uow.sellers.upsert(
            Seller("s1", "ACME Store", "ACME Ltd", SELLER_CS, (SELLER_OWNER,), (SELLER_STAFF,)),
            now=NOW,
        )
        uow.orders.upsert(
            Order(
                ORDER,
                "US",
                "s1",
                "b1",
                "seller",
                "shipped",
                "books",
                NOW - timedelta(days=2),
                items=(OrderItem("SKU-1", "A book", 1, 1999, "USD"),),
            ),
            now=NOW,
        )
        aliases = ensure_pair_aliases(uow=uow, buyer_id="b1", seller_id="s1", now=NOW)
        uow.commit()
    return aliases


@dataclass
class Sink:
    """The smarthost: captures what it is given; `fail_next` replies instead, once each."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self.lock:
            if self.fail_next:
                return self.fail_next.pop(0)
            data = envelope.original_content or b""
            sender = "" if envelope.mail_from in (None, "<>") else envelope.mail_from
            self.received.append((sender, list(envelope.rcpt_tos), data))
        return "250 2.0.0 Ok: queued"

    def messages(self) -> list[EmailMessage]:
        parsed = [
            message_from_bytes(data, _class=EmailMessage, policy=default)
            for *_, data in self.received
        ]
        return [m for m in parsed if isinstance(m, EmailMessage)]


@dataclass
class World:
    """A running relay with its collaborators."""

    engine: Engine
    aliases: PairAliases
    relay: InboundRelay
    relay_port: int
    sink: Sink
    sink_port: int
    composer: OutboxMail
    transport: SmtpTransport
    resolver: StaticResolver
    clock: list[datetime]

    @property
    def seller_alias(self) -> str:
        """What the buyer writes to."""
        return self.aliases.seller.address(DOMAIN)

    @property
    def buyer_alias(self) -> str:
        """What the seller writes to."""
        return self.aliases.buyer.address(DOMAIN)

    def now(self) -> datetime:
        return self.clock[0]

    def deliver(self) -> DeliveryReport:
        """One pass of the delivery worker through our composer and the SMTP transport."""
        return deliver_pending(
            uow_factory=lambda: SqlUnitOfWork(self.engine),
            transport=self.transport,
            compose=self.composer,
            worker="test-worker",
            clock=self.now,
            policy=DeliveryPolicy(),
        )

    def advance(self, delta: timedelta) -> None:
        self.clock[0] = self.clock[0] + delta


@contextmanager
def running_world(
    engine: Engine,
    relay_key: DkimKey,
    *,
    protocol: str = "smtp",
    unauthenticated: Unauthenticated = "hold",
    max_bytes: int = 25 * 1024 * 1024,
    opted_out: bool = False,
    **relay_options: Any,
) -> Iterator[World]:
    """Seed the database, start the sink and our listener; stop both afterwards."""
    aliases = seed(engine, opted_out=opted_out)
    resolver = zone(relay_key)
    clock = [NOW]

    def now() -> datetime:
        return clock[0]

    relay = InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(resolver),
        check_policy=policy.check,
        clock=now,
        limits=MessagingLimits(),
        alias_domain=DOMAIN,
        unauthenticated=unauthenticated,
        # As in production (entrypoints/smtp.py): group commit on SQLite, lookups on the read
        # engine (SQLite) or in autocommit (PostgreSQL).
        group_commit=GroupCommitter(engine) if engine.dialect.name == "sqlite" else None,
        read_engine=relay_read_engine(engine),
        **relay_options,
    )
    sink = Sink()
    sink_port = free_port()
    sink_controller = Controller(sink, hostname="127.0.0.1", port=sink_port)
    relay_port = free_port()
    controller = RelayController(
        relay, hostname="127.0.0.1", port=relay_port, protocol=protocol, max_bytes=max_bytes
    )
    sink_controller.start()
    controller.start()
    try:
        yield World(
            engine=engine,
            aliases=aliases,
            relay=relay,
            relay_port=relay_port,
            sink=sink,
            sink_port=sink_port,
            composer=OutboxMail(engine=engine, alias_domain=DOMAIN, key=relay_key, clock=now),
            transport=SmtpTransport(
                "127.0.0.1",
                sink_port,
                timeout=10,
                helo=DOMAIN,
                on_permanent_failure=FailureNotices(engine=engine, alias_domain=DOMAIN, clock=now),
            ),
            resolver=resolver,
            clock=clock,
        )
    finally:
        controller.stop()
        sink_controller.stop()


def mail(
    *,
    sender: str,
    to: str,
    text: str,
    subject: str = "About my order",
    message_id: str = "<first@buyer.example>",
    in_reply_to: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A mail as a party's own client would write it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Thu, 26 Nov 2026 11:00:00 +0100"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (extra_headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message


def stored_buyer_message(engine: Engine, moment: datetime = NOW) -> int:
    """One buyer message on the seeded order, stored by the message service; its id (for the
    relay's rows that name a message)."""
    record_buyer_message(
        RecordBuyerMessage(
            order_id=ORDER, buyer_id="b1", subject="Parcel", text="Where is it?", channel="email"
        ),
        uow=SqlUnitOfWork(engine),
        clock=lambda: moment,
        limits=MessagingLimits(),
    )
    with engine.connect() as connection:
        return int(connection.execute(select(t.messages.c.id).limit(1)).scalar_one())
