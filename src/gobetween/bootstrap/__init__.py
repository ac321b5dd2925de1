"""The composition root: reads settings once and builds the services every entry point uses.

`build_platform(settings)` is the one place that picks concrete adapters (the SQL unit of work, the
mail transport, the clock) and hands them to whoever needs them. Entry points (the CLI, the HTTP
app, the delivery worker) receive a `Platform` and never read the environment themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from gobetween import policy
from gobetween.adapters.db import migrate, tables
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.read_engine import build_read_only_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.dkim_keys import DkimKey, load_key
from gobetween.adapters.mail.folder_transport import FolderTransport
from gobetween.adapters.mail.outbox_mail import FailureNotices, OutboxMail
from gobetween.adapters.mail.smtp_transport import SmtpTransport
from gobetween.adapters.webhook_transport import with_webhooks
from gobetween.bootstrap.settings import Settings, SettingsError, load_settings
from gobetween.domain.errors import InvalidInput
from gobetween.services.administration import PROFILE_REFRESH_SECONDS, StoredProfiles
from gobetween.services.delivery import Compose, DeliveryPolicy
from gobetween.services.messaging import MessagingLimits, PolicyCheck
from gobetween.services.ports import Clock, Transport

__all__ = [
    "Platform",
    "Settings",
    "SettingsError",
    "build_platform",
    "load_settings",
    "utc_now",
]


def utc_now() -> datetime:
    """The real clock: the current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Platform:
    """Everything wired: settings, the database, the clock, the transport and the service limits."""

    settings: Settings
    engine: Engine
    clock: Clock
    # The delivery worker's pair: outbox row -> exact bytes, and bytes -> recipient. Mail rows go
    # to the mail transport (folder or smarthost), webhook rows to their endpoints.
    compose: Compose
    transport: Transport
    messaging_limits: MessagingLimits
    delivery_policy: DeliveryPolicy
    # `gobetween.policy.check` with the operator's stored profiles kept current in this process.
    check_policy: PolicyCheck
    # Reads that need no write lock: DEFERRED snapshots on SQLite, the same engine on PostgreSQL.
    read_engine: Engine
    stored_profiles: StoredProfiles

    def unit_of_work(self) -> SqlUnitOfWork:
        """A fresh unit of work (one transaction) on the platform's database."""
        return SqlUnitOfWork(self.engine)

    def read_unit_of_work(self) -> SqlUnitOfWork:
        """A unit of work for reading only: one snapshot, never queued behind writers.

        On SQLite it neither takes nor waits for the write lock; anything it tries to write
        fails (`query_only`). Use it for pages, inboxes and lookups that change nothing.
        """
        return SqlUnitOfWork(self.read_engine)

    def migrate(self) -> str | None:
        """Bring the schema to the newest revision; returns that revision."""
        migrate.upgrade(self.engine)
        return migrate.current_revision(self.engine)

    def database_problem(self) -> str | None:
        """None when the database answers and its schema is current, else what is wrong."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = migrate.current_revision(self.engine)
        except SQLAlchemyError as error:
            # The first line of the driver's message says why without leaking the whole URL.
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            return f"unreachable: {reason[0] if reason else type(error).__name__}"
        if current != _head_revision():
            return f"schema at {current or 'nothing'}, needs migrating (run: gobetween migrate)"
        return None

    def has_marketplace_data(self) -> bool:
        """Whether any seller, buyer or order is stored (the demo loads only into nothing)."""
        with self.engine.connect() as connection:
            return any(
                connection.execute(select(table.c.id).limit(1)).first() is not None
                for table in (tables.sellers, tables.buyers, tables.orders)
            )

    def close(self) -> None:
        """Release the database connections."""
        # On PostgreSQL the read-only engine is a view of the writing engine's pool.
        if self.read_engine.pool is not self.engine.pool:
            self.read_engine.dispose()
        self.engine.dispose()


@cache
def _head_revision() -> str | None:
    """The newest migration shipped with this code; read once (parsing the scripts takes ~80 ms)."""
    return migrate.head_revision()


def build_platform(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    profile_refresh_seconds: float = PROFILE_REFRESH_SECONDS,
) -> Platform:
    """Wire the platform for `settings`; SettingsError for a choice that cannot work.

    `profile_refresh_seconds` bounds how long another process's edit of an operator policy
    profile takes to reach this process's checks (docs/operations.md).
    """
    engine = build_engine(settings.database_url, pool_size=settings.database_pool_size)
    read_engine = build_read_only_engine(engine)
    # Read in a snapshot that never waits for the write lock: checks run inside the send's
    # write transaction, and on SQLite the relay's group commit holds that lock in this process.
    stored_profiles = StoredProfiles(
        lambda: SqlAccessUnitOfWork(read_engine), refresh_seconds=profile_refresh_seconds
    )
    mail_compose = OutboxMail(
        engine=engine, alias_domain=settings.alias_domain, key=_dkim_key(settings), clock=clock
    )
    mail_transport: Transport
    if settings.delivery_transport == "smtp":
        mail_transport = SmtpTransport(
            settings.smarthost_host,
            settings.smarthost_port,
            helo=settings.alias_domain,
            on_permanent_failure=FailureNotices(
                engine=engine, alias_domain=settings.alias_domain, clock=clock
            ),
        )
    else:
        mail_transport = FolderTransport(Path(settings.delivery_folder))
    compose, transport = with_webhooks(mail_compose, mail_transport, engine=engine, clock=clock)
    return Platform(
        settings=settings,
        engine=engine,
        clock=clock,
        compose=compose,
        transport=transport,
        messaging_limits=MessagingLimits(
            daily_limit_base=settings.daily_limit_base,
            daily_limit_multiplier=settings.daily_limit_multiplier,
            daily_limit_days=settings.daily_limit_days,
            marketplace_region=settings.marketplace_region,
        ),
        delivery_policy=DeliveryPolicy(
            lease=timedelta(seconds=settings.delivery_lease_seconds),
            retry_window=timedelta(hours=settings.delivery_retry_hours),
        ),
        check_policy=stored_profiles.checking(policy.check),
        read_engine=read_engine,
        stored_profiles=stored_profiles,
    )


def _dkim_key(settings: Settings) -> DkimKey | None:
    """The outbound DKIM key, read and checked now so a bad key fails at start."""
    if not settings.dkim_key_file:
        return None
    try:
        return load_key(
            Path(settings.dkim_key_file),
            selector=settings.dkim_selector,
            domain=settings.alias_domain,
        )
    except InvalidInput as error:
        raise SettingsError(f"{error.field}: {error.problem}") from None
