"""The SQL unit of work: one database transaction with every repository bound to it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from gobetween.adapters.db import case_repositories as case_repos
from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db.outbox_repository import SqlOutboxRepository
from gobetween.services.cases import CaseRepository, ResponseClockRepository
from gobetween.services.ports import (
    AliasRepository,
    BuyerRepository,
    EventLog,
    MessageRepository,
    OrderRepository,
    OutboxRepository,
    SellerRepository,
    ThreadRepository,
)
from gobetween.services.webhooks import WebhookRepository


class SqlUnitOfWork:
    """One transaction on `engine`; `commit()` makes it durable, leaving without it rolls back.

    On SQLite the transaction starts with BEGIN IMMEDIATE (engine.py), so it holds the write lock
    from its first statement; on PostgreSQL the thread repository locks the thread row.
    """

    # Typed as the ports (protocol attributes are invariant), bound to SQL ones on entry.
    sellers: SellerRepository
    buyers: BuyerRepository
    orders: OrderRepository
    aliases: AliasRepository
    events: EventLog
    threads: ThreadRepository
    messages: MessageRepository
    outbox: OutboxRepository
    cases: CaseRepository
    response_clocks: ResponseClockRepository
    webhooks: WebhookRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open")
        connection = self._engine.connect()
        connection.begin()
        self._connection = connection
        self.sellers = repos.SqlSellerRepository(connection)
        self.buyers = repos.SqlBuyerRepository(connection)
        self.orders = repos.SqlOrderRepository(connection)
        self.aliases = repos.SqlAliasRepository(connection)
        self.events = repos.SqlEventLog(connection)
        self.threads = repos.SqlThreadRepository(connection)
        self.messages = repos.SqlMessageRepository(connection)
        self.outbox = SqlOutboxRepository(connection)
        self.cases = case_repos.SqlCaseRepository(connection)
        self.response_clocks = case_repos.SqlResponseClockRepository(connection)
        self.webhooks = case_repos.SqlWebhookRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Anything not committed is rolled back: nothing is ever half-written.
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()

    def commit(self) -> None:
        """Make everything done in this unit of work durable, at once."""
        if self._connection is None:
            raise RuntimeError("commit() outside the `with` block")
        # A statement after this starts a new transaction by itself (SQLAlchemy's autobegin), so
        # no second BEGIN IMMEDIATE takes the SQLite write lock just to be rolled back.
        self._connection.commit()
