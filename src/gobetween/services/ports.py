"""The protocols the services need from the outside world; adapters implement them.

The services see storage only through a unit of work: one transaction, with repositories that read
and write domain objects. `commit()` makes everything durable at once; leaving the `with` block
without it rolls back, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware UTC. Tests pass a fixed or stepping clock."""


class SellerRepository(Protocol):
    def find(self, seller_id: str) -> Seller | None: ...
    def find_by_address(self, address: str) -> Seller | None: ...
    def upsert(self, seller: Seller, *, now: datetime) -> None: ...


class BuyerRepository(Protocol):
    def find(self, buyer_id: str) -> Buyer | None: ...
    def find_by_email(self, email: str) -> Buyer | None: ...
    def upsert(self, buyer: Buyer, *, now: datetime) -> None: ...
    def set_opted_out(self, buyer_id: str, opted_out: bool, *, now: datetime) -> None: ...


class OrderRepository(Protocol):
    def find(self, order_id: str) -> Order | None: ...
    def upsert(self, order: Order, *, now: datetime) -> bool:
        """Insert or update (status, dates, items move); True when the order was new."""
        ...

    def for_pair(self, buyer_id: str, seller_id: str) -> Sequence[Order]: ...
    def count_for_seller_since(self, seller_id: str, since: datetime) -> int: ...


class AliasRepository(Protocol):
    def find(self, local_part: str) -> Alias | None: ...
    def for_pair(self, buyer_id: str, seller_id: str, side: AliasSide) -> Alias | None: ...
    def add(self, alias: Alias, *, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One delivery to make after commit: a message to a recipient, a bounce notice, a webhook."""

    kind: str
    recipient: str
    delivery_key: str
    payload: dict[str, Any]
    message_id: int | None = None
    id: int | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """An append-only record of something that happened (opt-out, report, case change...)."""

    kind: str
    subject_type: str
    subject_id: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


class EventLog(Protocol):
    def append(self, event: Event, *, now: datetime) -> None: ...
    def for_subject(self, subject_type: str, subject_id: str) -> Sequence[Event]: ...


class UnitOfWork(Protocol):
    """One transaction. Repositories are attributes; messages/threads/outbox live with the core."""

    sellers: SellerRepository
    buyers: BuyerRepository
    orders: OrderRepository
    aliases: AliasRepository
    events: EventLog

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class OutboundMail:
    """What a transport delivers: the recipient and the exact bytes, plus an idempotency key."""

    delivery_key: str
    sender: str
    recipient: str
    data: bytes


class TemporaryDeliveryError(Exception):
    """The recipient's side failed in a way worth retrying (4xx, connection refused)."""


class PermanentDeliveryError(Exception):
    """The recipient's side refused for good (5xx); the sender is told."""


class Transport(Protocol):
    """Delivers one mail; idempotent on `delivery_key`: a retry replaces, never duplicates."""

    def deliver(self, mail: OutboundMail) -> None: ...


