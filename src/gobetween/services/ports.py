"""The protocols the services need from the outside world; adapters implement them.

The services see storage only through a unit of work: one transaction, with repositories that read
and write domain objects. `commit()` makes everything durable at once; leaving the `with` block
without it rolls back, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.messages import MessageRecord, Thread
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller

if TYPE_CHECKING:
    # These modules import this one; here only their types are named.
    from gobetween.services.access_ports import SellerPolicy
    from gobetween.services.cases import CaseGlance

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware UTC. Tests pass a fixed or stepping clock."""


class SellerRepository(Protocol):
    def find(self, seller_id: str) -> Seller | None: ...
    def find_by_address(self, address: str) -> Seller | None: ...
    def find_by_buyer_id(self, buyer_id: str) -> Seller | None:
        """The seller whose buying identity is `buyer_id` (system.md: a seller who buys)."""
        ...

    def upsert(self, seller: Seller, *, now: datetime) -> None: ...


class BuyerRepository(Protocol):
    def find(self, buyer_id: str) -> Buyer | None: ...
    def find_by_email(self, email: str) -> Buyer | None: ...
    def upsert(self, buyer: Buyer, *, now: datetime) -> None: ...
    def set_opted_out(self, buyer_id: str, opted_out: bool, *, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class OrderParties:
    """An order with its seller and buyer, read together."""

    order: Order
    seller: Seller
    buyer: Buyer


class OrderRepository(Protocol):
    def find(self, order_id: str) -> Order | None: ...
    def find_with_parties(self, order_id: str) -> OrderParties | None:
        """The order, its seller (with addresses) and its buyer in one read; None if no order."""
        ...

    def upsert(self, order: Order, *, now: datetime) -> bool:
        """Insert or update (status, dates, items move); True when the order was new."""
        ...

    def for_pair(self, buyer_id: str, seller_id: str) -> Sequence[Order]: ...
    def count_for_seller_since(self, seller_id: str, since: datetime) -> int: ...


class AliasRepository(Protocol):
    def find(self, local_part: str) -> Alias | None: ...
    def for_pair(self, buyer_id: str, seller_id: str, side: AliasSide) -> Alias | None: ...
    def of_pair(self, buyer_id: str, seller_id: str) -> Sequence[Alias]:
        """Both of the pair's aliases (those that exist), in one read."""
        ...

    def add(self, alias: Alias, *, now: datetime) -> bool:
        """Insert unless the local part or the (pair, side) is taken; True when inserted."""
        ...


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
    created_at: datetime | None = None

    def for_message(self, message_id: int) -> OutboxItem:
        """This delivery of the message `message_id`: its id set, and in the key."""
        key = self.delivery_key.replace(MESSAGE_ID_SLOT, str(message_id))
        return replace(self, message_id=message_id, delivery_key=key)


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How the outbox stands: rows by status, and since when the oldest pending row waits."""

    pending: int
    oldest_pending_since: datetime | None
    done: int
    failed: int


# In the delivery key of an OutboxItem given to MessageRepository.append: the id of the message
# appended with it, which is not known before (e.g. "message-{message_id}-buyer").
MESSAGE_ID_SLOT: Final = "{message_id}"


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


class ThreadRepository(Protocol):
    def find(self, thread_id: int) -> Thread | None: ...
    def find_for_order(self, order_id: str) -> Thread | None: ...
    def lock_for_order(
        self, order_id: str, *, seller_id: str, buyer_id: str, genesis: str, now: datetime
    ) -> Thread:
        """The order's thread, created if missing, locked until commit so chains never fork."""
        ...

    def lock_for_seller_send(
        self, order_id: str, *, seller_id: str, day_start: datetime, window_start: datetime
    ) -> LockedSellerSend | None:
        """The seller's order with its parties, its thread locked until commit, and the send
        facts (`MessageRepository.seller_sending_facts` of that day and window) in one read.

        None when the order is unknown, not this seller's, or has no thread yet, and where the
        store's separate reads cost less than one (SQLite, in process): the caller then takes
        the long way (find_with_parties, lock_for_order, seller_sending_facts).
        """
        ...

    def case_glance(self, thread_id: int) -> CaseGlance | None:
        """What the case hooks read of the thread before a seller's policy check (its newest
        case's state, whether the seller's webhooks are listened to, whether it has a live case
        or a running clock for an answer to change), as this unit of work's
        `lock_for_seller_send` of that thread read it with the facts; handed out once.

        None when that read did not take it (no such read, one that waited for the lock, or a
        store that reads it apart): the hooks then read it themselves.
        """
        ...

    def lock_for_buyer_message(self, order_id: str, *, buyer_id: str) -> LockedBuyerMessage | None:
        """The buyer's order with its parties, its thread locked until commit, and what the
        buyer's message reads before its write (`MessageRepository.awaiting_reply` and
        `AliasRepository.of_pair`) in one read.

        None when the order is unknown, not this buyer's, or has no thread yet: the caller then
        takes the long way (find_with_parties, lock_for_order, awaiting_reply, of_pair).
        """
        ...

    def advance(
        self, thread_id: int, *, head_hash: str, message_count: int, last_message_at: datetime
    ) -> None:
        """Move the chain head after appending message number `message_count`."""
        ...


@dataclass(frozen=True, slots=True)
class SellerSendingFacts:
    """What the send path counts before a seller message, read together in one round trip."""

    awaiting_reply: bool
    sent_today: int
    orders_in_window: int
    buyer_is_seller: bool
    # The order had its review request (SP-API Solicitations): it excludes free-form proactive
    # messages that are not critical (issue 5, spapi-notes.md).
    review_requested: bool
    # The pair's aliases as stored (none, one or both sides), read with the facts.
    aliases: tuple[Alias, ...]
    # The operator's settings for the seller (policy profile, essential link domains, daily
    # limit overrides) as stored, None when there are none: read with the facts so that a send
    # that applies them (services/sending.py) makes no round trip of its own for them.
    seller_policy: SellerPolicy | None = None


@dataclass(frozen=True, slots=True)
class LockedSellerSend:
    """What a seller's send reads before the policy check, in one statement: the order with its
    parties, the order's thread locked until commit, and the send facts.

    `facts` is None when they were read before the lock was granted (another send of the same
    thread committed meanwhile): the caller reads them again with `seller_sending_facts`.
    """

    parties: OrderParties
    thread: Thread
    facts: SellerSendingFacts | None


@dataclass(frozen=True, slots=True)
class BuyerMessageFacts:
    """What a buyer's message reads on its thread before the policy check."""

    # The thread's latest message that was not blocked came from the buyer.
    awaiting_reply: bool
    # The pair's aliases as stored (none, one or both sides).
    aliases: tuple[Alias, ...]


@dataclass(frozen=True, slots=True)
class LockedBuyerMessage:
    """What a buyer's message reads before the policy check, in one statement: the order with its
    parties, the order's thread locked until commit, and the message's facts.

    `facts` is None when they were read before the lock was granted (another message of the
    same thread committed meanwhile): the caller reads them again.
    """

    parties: OrderParties
    thread: Thread
    facts: BuyerMessageFacts | None


class MessageRepository(Protocol):
    def add(self, record: MessageRecord) -> int:
        """Insert the message with its findings and attachments; returns the message id."""
        ...

    def append(
        self, record: MessageRecord, *, deliveries: Sequence[OutboxItem], now: datetime
    ) -> int:
        """Append the message to its (locked) thread's chain and queue its deliveries, as one
        step; returns the message id.

        Inserts the message (findings and attachments too), moves the thread's head from
        seq - 1 to this message (RuntimeError if it had moved), and adds each delivery with
        `OutboxItem.for_message(id)`. On PostgreSQL the common case (no findings, no
        attachments, one delivery) is one statement.
        """
        ...

    def find(self, message_id: int) -> MessageRecord | None: ...
    def for_thread(self, thread_id: int) -> Sequence[MessageRecord]: ...
    def awaiting_reply(self, thread_id: int) -> bool:
        """Whether the thread's latest message that was not blocked came from the buyer."""
        ...

    def count_seller_sent_since(self, seller_id: str, since: datetime) -> int:
        """Seller messages counted against the daily limit (delivered ones) since `since`."""
        ...

    def seller_sending_facts(
        self,
        *,
        thread_id: int,
        order_id: str,
        seller_id: str,
        buyer_id: str,
        day_start: datetime,
        window_start: datetime,
    ) -> SellerSendingFacts:
        """awaiting_reply(thread), count_seller_sent_since(day_start), the seller's orders since
        window_start, whether the buyer is some seller's buying identity, whether the order
        had its review request, and the pair's aliases (uow.aliases.of_pair)."""
        ...


class OutboxRepository(Protocol):
    def add(self, item: OutboxItem, *, now: datetime) -> int: ...
    def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[OutboxItem]:
        """Hold up to `limit` due, unheld rows until lease_until (SKIP LOCKED on PostgreSQL)."""
        ...

    def mark_done(self, item_id: int, *, worker: str, now: datetime) -> bool:
        """Finish a row this worker still holds; False when the lease was lost meanwhile."""
        ...

    def retry_later(
        self, item_id: int, *, worker: str, available_at: datetime, error: str
    ) -> bool: ...
    def mark_failed(self, item_id: int, *, worker: str, now: datetime, error: str) -> bool: ...
    def find(self, item_id: int) -> OutboxItem | None: ...
    def purge_finished(self, *, finished_before: datetime, limit: int) -> int:
        """Delete up to `limit` done or failed rows finished before then; never a pending one."""
        ...

    def counts(self) -> OutboxCounts: ...


class UnitOfWork(Protocol):
    """One transaction. Repositories are attributes (read-only here, so any subtype fits)."""

    @property
    def sellers(self) -> SellerRepository: ...
    @property
    def buyers(self) -> BuyerRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def aliases(self) -> AliasRepository: ...
    @property
    def events(self) -> EventLog: ...
    @property
    def threads(self) -> ThreadRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...

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
class StoredMessage:
    """A message the message service just appended, as hooks see it inside that transaction."""

    message_id: int
    thread_id: int
    order_id: str
    seller_id: str
    buyer_id: str
    direction: str
    disposition: str
    categories: tuple[str, ...]
    subject: str
    text: str
    created_at: datetime


class MessageHooks(Protocol):
    """What other parts (cases, response clocks) do inside the message service's transaction."""

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        """The state of the thread's current case, for SystemFacts.case_state; None if none."""
        ...

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        """Called after the message and its outbox row are written, before the commit."""
        ...


class NoHooks:
    """Hooks that do nothing: a message service without cases (and unit tests)."""

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return None

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        return None


NO_HOOKS: MessageHooks = NoHooks()


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


@dataclass(frozen=True, slots=True)
class ThreadHead:
    """A thread's recorded chain head, as the audit reads it."""

    thread_id: int
    head_hash: str
    message_count: int


class EvidenceReader(Protocol):
    """Reads threads and their messages in seq order, in short read transactions, for the audit."""

    def thread_batches(
        self, *, thread_id: int | None = None, batch_size: int = 1000
    ) -> Iterator[tuple[Sequence[ThreadHead], Iterator[MessageRecord]]]:
        """Yield batches: thread heads (ascending id) and their messages by (thread_id, seq)."""
        ...
