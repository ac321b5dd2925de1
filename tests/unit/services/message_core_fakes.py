"""Hand-written in-memory fakes of the service ports, for unit tests of the message core."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.messages import MessageRecord, Thread
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.cases import CaseGlance
from gobetween.services.ports import (
    BuyerMessageFacts,
    Event,
    LockedBuyerMessage,
    LockedSellerSend,
    OrderParties,
    OutboundMail,
    OutboxItem,
    SellerSendingFacts,
)

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass
class Store:
    """Committed state, shared by every FakeUnitOfWork made from it."""

    sellers: dict[str, Seller] = field(default_factory=dict)
    buyers: dict[str, Buyer] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    threads: dict[int, Thread] = field(default_factory=dict)
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    outbox: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Orders that had their review request (the SP-API store's solicitations).
    review_requested: set[str] = field(default_factory=set)
    commits: int = 0


class _Repo:
    def __init__(self, state: Store) -> None:
        self.s = state


class FakeSellers(_Repo):
    def find(self, seller_id: str) -> Seller | None:
        return self.s.sellers.get(seller_id)

    def find_by_address(self, address: str) -> Seller | None:
        return next(
            (x for x in self.s.sellers.values() if address.lower() in x.sending_addresses), None
        )

    def find_by_buyer_id(self, buyer_id: str) -> Seller | None:
        return next((x for x in self.s.sellers.values() if x.buyer_id == buyer_id), None)

    def upsert(self, seller: Seller, *, now: datetime) -> None:
        self.s.sellers[seller.id] = seller


class FakeBuyers(_Repo):
    def find(self, buyer_id: str) -> Buyer | None:
        return self.s.buyers.get(buyer_id)

    def find_by_email(self, email: str) -> Buyer | None:
        return next((x for x in self.s.buyers.values() if x.email == email.lower()), None)

    def upsert(self, buyer: Buyer, *, now: datetime) -> None:
        self.s.buyers[buyer.id] = buyer

    def set_opted_out(self, buyer_id: str, opted_out: bool, *, now: datetime) -> None:
        self.s.buyers[buyer_id] = replace(self.s.buyers[buyer_id], opted_out=opted_out)


class FakeOrders(_Repo):
    def find(self, order_id: str) -> Order | None:
        return self.s.orders.get(order_id)

    def find_with_parties(self, order_id: str) -> OrderParties | None:
        order = self.s.orders.get(order_id)
        if order is None:
            return None
        return OrderParties(order, self.s.sellers[order.seller_id], self.s.buyers[order.buyer_id])

    def upsert(self, order: Order, *, now: datetime) -> bool:
        new = order.id not in self.s.orders
        self.s.orders[order.id] = order
        return new

    def for_pair(self, buyer_id: str, seller_id: str) -> Sequence[Order]:
        return [
            o for o in self.s.orders.values() if o.buyer_id == buyer_id and o.seller_id == seller_id
        ]

    def count_for_seller_since(self, seller_id: str, since: datetime) -> int:
        return sum(
            1
            for o in self.s.orders.values()
            if o.seller_id == seller_id and o.purchased_at >= since
        )


class FakeAliases(_Repo):
    def find(self, local_part: str) -> Alias | None:
        return self.s.aliases.get(local_part.lower())

    def for_pair(self, buyer_id: str, seller_id: str, side: AliasSide) -> Alias | None:
        return next(
            (
                a
                for a in self.s.aliases.values()
                if (a.buyer_id, a.seller_id, a.side) == (buyer_id, seller_id, side)
            ),
            None,
        )

    def of_pair(self, buyer_id: str, seller_id: str) -> Sequence[Alias]:
        return [
            a for a in self.s.aliases.values() if (a.buyer_id, a.seller_id) == (buyer_id, seller_id)
        ]

    def add(self, alias: Alias, *, now: datetime) -> bool:
        if alias.local_part in self.s.aliases or self.for_pair(
            alias.buyer_id, alias.seller_id, alias.side
        ):
            return False
        self.s.aliases[alias.local_part] = alias
        return True


class FakeEvents(_Repo):
    def append(self, event: Event, *, now: datetime) -> None:
        self.s.events.append(replace(event, created_at=event.created_at or now))

    def for_subject(self, subject_type: str, subject_id: str) -> Sequence[Event]:
        return [
            e for e in self.s.events if (e.subject_type, e.subject_id) == (subject_type, subject_id)
        ]


class FakeThreads(_Repo):
    def find(self, thread_id: int) -> Thread | None:
        return self.s.threads.get(thread_id)

    def find_for_order(self, order_id: str) -> Thread | None:
        return next((x for x in self.s.threads.values() if x.order_id == order_id), None)

    def lock_for_order(
        self, order_id: str, *, seller_id: str, buyer_id: str, genesis: str, now: datetime
    ) -> Thread:
        found = self.find_for_order(order_id)
        if found is None:
            found = Thread(len(self.s.threads) + 1, order_id, seller_id, buyer_id, 0, genesis)
            self.s.threads[found.id] = found
        return found

    def lock_for_seller_send(
        self, order_id: str, *, seller_id: str, day_start: datetime, window_start: datetime
    ) -> LockedSellerSend | None:
        parties = FakeOrders(self.s).find_with_parties(order_id)
        thread = self.find_for_order(order_id)
        if parties is None or parties.seller.id != seller_id or thread is None:
            return None
        facts = FakeMessages(self.s).seller_sending_facts(
            thread_id=thread.id,
            order_id=order_id,
            seller_id=seller_id,
            buyer_id=parties.buyer.id,
            day_start=day_start,
            window_start=window_start,
        )
        return LockedSellerSend(parties, thread, facts)

    def case_glance(self, thread_id: int) -> CaseGlance | None:
        return None  # the hooks read it themselves

    def lock_for_buyer_message(self, order_id: str, *, buyer_id: str) -> LockedBuyerMessage | None:
        parties = FakeOrders(self.s).find_with_parties(order_id)
        thread = self.find_for_order(order_id)
        if parties is None or parties.buyer.id != buyer_id or thread is None:
            return None
        facts = BuyerMessageFacts(
            awaiting_reply=FakeMessages(self.s).awaiting_reply(thread.id),
            aliases=tuple(FakeAliases(self.s).of_pair(buyer_id, parties.seller.id)),
        )
        return LockedBuyerMessage(parties, thread, facts)

    def advance(
        self, thread_id: int, *, head_hash: str, message_count: int, last_message_at: datetime
    ) -> None:
        thread = self.s.threads[thread_id]
        assert thread.message_count == message_count - 1
        self.s.threads[thread_id] = replace(
            thread,
            head_hash=head_hash,
            message_count=message_count,
            last_message_at=last_message_at,
        )


class FakeMessages(_Repo):
    # The unit of work's own thread and outbox repositories (set by FakeUnitOfWork).
    threads: FakeThreads
    outbox: FakeOutbox

    def add(self, record: MessageRecord) -> int:
        message_id = len(self.s.messages) + 1
        self.s.messages[message_id] = replace(record, id=message_id)
        return message_id

    def append(
        self, record: MessageRecord, *, deliveries: Sequence[OutboxItem], now: datetime
    ) -> int:
        message_id = self.add(record)
        self.threads.advance(
            record.thread_id,
            head_hash=record.hash,
            message_count=record.seq,
            last_message_at=record.created_at,
        )
        for delivery in deliveries:
            self.outbox.add(delivery.for_message(message_id), now=now)
        return message_id

    def find(self, message_id: int) -> MessageRecord | None:
        return self.s.messages.get(message_id)

    def for_thread(self, thread_id: int) -> Sequence[MessageRecord]:
        return sorted(
            (m for m in self.s.messages.values() if m.thread_id == thread_id), key=lambda m: m.seq
        )

    def awaiting_reply(self, thread_id: int) -> bool:
        shown = [m for m in self.for_thread(thread_id) if m.disposition != "blocked"]
        return bool(shown) and shown[-1].direction == "buyer_to_seller"

    def count_seller_sent_since(self, seller_id: str, since: datetime) -> int:
        return sum(
            1
            for m in self.s.messages.values()
            if m.sender_id == seller_id
            and m.direction == "seller_to_buyer"
            and m.disposition == "delivered"
            and m.created_at >= since
        )

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
        return SellerSendingFacts(
            awaiting_reply=self.awaiting_reply(thread_id),
            sent_today=self.count_seller_sent_since(seller_id, day_start),
            orders_in_window=FakeOrders(self.s).count_for_seller_since(seller_id, window_start),
            buyer_is_seller=FakeSellers(self.s).find_by_buyer_id(buyer_id) is not None,
            review_requested=order_id in self.s.review_requested,
            aliases=tuple(FakeAliases(self.s).of_pair(buyer_id, seller_id)),
        )


class FakeOutbox(_Repo):
    fail_on_add = False

    def add(self, item: OutboxItem, *, now: datetime) -> int:
        if self.fail_on_add:
            raise RuntimeError("outbox write failed")
        item_id = len(self.s.outbox) + 1
        self.s.outbox[item_id] = {
            "item": replace(item, id=item_id, created_at=now),
            "status": "pending",
            "available_at": now,
            "claimed_by": None,
            "claimed_until": None,
            "error": None,
        }
        return item_id

    def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[OutboxItem]:
        due = [
            row
            for row in self.s.outbox.values()
            if row["status"] == "pending"
            and row["available_at"] <= now
            and (row["claimed_until"] is None or row["claimed_until"] < now)
        ][:limit]
        for row in due:
            row["claimed_by"], row["claimed_until"] = worker, lease_until
        return [row["item"] for row in due]

    def _held(self, item_id: int, worker: str) -> dict[str, Any] | None:
        row = self.s.outbox.get(item_id)
        if row is None or row["claimed_by"] != worker or row["status"] != "pending":
            return None
        return row

    def mark_done(self, item_id: int, *, worker: str, now: datetime) -> bool:
        row = self._held(item_id, worker)
        if row is None:
            return False
        row["status"] = "done"
        return True

    def retry_later(self, item_id: int, *, worker: str, available_at: datetime, error: str) -> bool:
        row = self._held(item_id, worker)
        if row is None:
            return False
        item = row["item"]
        row.update(
            item=replace(item, attempts=item.attempts + 1),
            available_at=available_at,
            claimed_by=None,
            claimed_until=None,
            error=error,
        )
        return True

    def mark_failed(self, item_id: int, *, worker: str, now: datetime, error: str) -> bool:
        row = self._held(item_id, worker)
        if row is None:
            return False
        row.update(status="failed", error=error)
        return True

    def find(self, item_id: int) -> OutboxItem | None:
        row = self.s.outbox.get(item_id)
        return None if row is None else row["item"]


class FakeUnitOfWork:
    """Works on a private copy of the store; commit() publishes it, leaving without discards it."""

    def __init__(self, store: Store, *, fail_outbox: bool = False) -> None:
        self.store = store
        self.fail_outbox = fail_outbox

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self.store)
        self.sellers = FakeSellers(self._work)
        self.buyers = FakeBuyers(self._work)
        self.orders = FakeOrders(self._work)
        self.aliases = FakeAliases(self._work)
        self.events = FakeEvents(self._work)
        self.threads = FakeThreads(self._work)
        self.messages = FakeMessages(self._work)
        self.outbox = FakeOutbox(self._work)
        self.outbox.fail_on_add = self.fail_outbox
        self.messages.threads = self.threads
        self.messages.outbox = self.outbox
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        del self._work

    def commit(self) -> None:
        self._work.commits = self.store.commits + 1
        self.store.__dict__.update(copy.deepcopy(self._work).__dict__)


class SteppingClock:
    """A clock that starts at `start` and moves only when told."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RecordingTransport:
    """Keeps delivered mail by delivery key; can be told to fail the next deliveries."""

    def __init__(self) -> None:
        self.delivered: dict[str, OutboundMail] = {}
        self.calls = 0
        self.failures: list[Exception] = []

    def deliver(self, mail: OutboundMail) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.delivered[mail.delivery_key] = mail
