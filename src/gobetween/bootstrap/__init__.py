"""The composition root: reads settings once and builds the services every entry point uses.

`build_platform(settings)` is the one place that picks concrete adapters (the SQL unit of work, the
mail transport, the clock) and hands them to whoever needs them. Entry points (the CLI, the HTTP
app, the delivery worker) receive a `Platform` and never read the environment themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from gobetween import policy
from gobetween.adapters.db import migrate, tables
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.folder_transport import FolderTransport
from gobetween.bootstrap.settings import Settings, SettingsError, load_settings
from gobetween.services.delivery import DeliveryPolicy
from gobetween.services.messaging import MessagingLimits, PolicyCheck
from gobetween.services.ports import Clock, Transport

__all__ = [
    "Platform",
    "Settings",
    "SettingsError",
    "build_platform",
    "load_settings",
    "open_platform",
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
    transport: Transport
    messaging_limits: MessagingLimits
    delivery_policy: DeliveryPolicy
    check_policy: PolicyCheck

    def unit_of_work(self) -> SqlUnitOfWork:
        """A fresh unit of work (one transaction) on the platform's database."""
        return SqlUnitOfWork(self.engine)

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
        if current != migrate.head_revision():
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
        self.engine.dispose()


def build_platform(settings: Settings, *, clock: Clock = utc_now) -> Platform:
    """Wire the platform for `settings`; SettingsError for a choice this build cannot meet."""
    if settings.delivery_transport != "folder":
        raise SettingsError(
            f"delivery_transport {settings.delivery_transport!r} is not available in this build;"
            " use 'folder'"
        )
    return Platform(
        settings=settings,
        engine=build_engine(settings.database_url),
        clock=clock,
        transport=FolderTransport(Path(settings.delivery_folder)),
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
        check_policy=policy.check,
    )


@contextmanager
def open_platform(settings: Settings, *, clock: Clock = utc_now) -> Iterator[Platform]:
    """Build the platform for the length of a `with` block and release it afterwards."""
    platform = build_platform(settings, clock=clock)
    try:
        yield platform
    finally:
        platform.close()
