"""Draining the outbox: claim due rows with a lease, deliver each through the transport, record it.

The claim and the "done" marks are separate transactions with the deliveries between them, so a
crash after delivering but before the marks leaves the rows claimed; once the lease runs out
another worker delivers them again under the same delivery keys (the same stored bytes, the same
Message-ID), which the transport and the receiver treat as a replacement. That is how each
recipient gets a message exactly once.

The "done" marks of a batch are written together, in one transaction after its last delivery:
one commit per batch instead of one per mail. Once half the lease has gone by (a slow smarthost),
the marks so far are written at once and every later row is marked as soon as it is delivered,
so no other worker takes over a row that was delivered. A crash before the marks re-sends at
most the mails of that batch the smarthost already took, each under its own key, as a crash
between one delivery and its mark always did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Protocol, runtime_checkable

from gobetween.domain.errors import InvalidInput
from gobetween.services.ports import (
    Clock,
    Event,
    OutboundMail,
    OutboxCounts,
    OutboxItem,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    Transport,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

Compose = Callable[[OutboxItem], OutboundMail]
"""Turns an outbox row into the exact bytes to deliver (adapters/mail/compose.py)."""


@runtime_checkable
class PreparingCompose(Protocol):
    """A composer that can also compose a whole claimed batch up front, in few transactions.

    `prepare` is only a speed-up: whatever it leaves out, the call for that item composes on
    its own, and its outcome (including its error) is what counts.
    """

    def __call__(self, item: OutboxItem) -> OutboundMail: ...

    def prepare(self, items: Sequence[OutboxItem]) -> None: ...


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How long a claim lasts, how retries back off, and when to give up."""

    lease: timedelta = timedelta(seconds=60)
    retry_window: timedelta = timedelta(hours=120)
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)
    batch_size: int = 50

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt number `attempts + 1`: doubling from first_backoff, capped."""
        exponent = min(max(attempts - 1, 0), 30)
        delay: timedelta = self.first_backoff * (2**exponent)
        return min(delay, self.max_backoff)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0


def claim_batch(
    *, uow_factory: UnitOfWorkFactory, worker: str, clock: Clock, policy: DeliveryPolicy
) -> Sequence[OutboxItem]:
    """Claim up to a batch of due rows for `worker` until the lease ends; commits the claim."""
    now = clock().astimezone(UTC)
    with uow_factory() as uow:
        items = uow.outbox.claim(
            worker=worker, now=now, lease_until=now + policy.lease, limit=policy.batch_size
        )
        uow.commit()
    return items


def deliver_pending(
    *,
    uow_factory: UnitOfWorkFactory,
    transport: Transport,
    compose: Compose,
    worker: str,
    clock: Clock,
    policy: DeliveryPolicy,
) -> DeliveryReport:
    """Claim one batch and deliver it; returns counts (claimed 0 means the outbox was idle)."""
    items = claim_batch(uow_factory=uow_factory, worker=worker, clock=clock, policy=policy)
    claimed_at = clock()
    if items and isinstance(compose, PreparingCompose):
        try:
            compose.prepare(items)
        except Exception:
            # Each item is composed on its own below, where its error is handled as always.
            log.exception("composing the claimed batch at once failed; composing one by one")
    delivered = retried = failed = lost = 0
    # Delivered, not yet marked done: written in one transaction (see the module's docstring).
    unmarked: list[OutboxItem] = []
    for item in items:
        outcome = _deliver_one(
            item,
            uow_factory=uow_factory,
            transport=transport,
            compose=compose,
            worker=worker,
            clock=clock,
            policy=policy,
        )
        if outcome == "delivered":
            unmarked.append(item)
            # Marked well before the lease ends, so no other worker takes a delivered row over.
            if clock() - claimed_at >= policy.lease / 2:
                marked = _mark_done(unmarked, uow_factory, worker, clock)
                delivered += marked
                lost += len(unmarked) - marked
                unmarked = []
        elif outcome == "retried":
            retried += 1
        elif outcome == "failed":
            failed += 1
        else:
            lost += 1
    if unmarked:
        marked = _mark_done(unmarked, uow_factory, worker, clock)
        delivered += marked
        lost += len(unmarked) - marked
    return DeliveryReport(len(items), delivered, retried, failed, lost)


def _mark_done(
    items: Sequence[OutboxItem], uow_factory: UnitOfWorkFactory, worker: str, clock: Clock
) -> int:
    """Mark delivered rows done in one transaction; returns how many this worker still held.

    A row no longer held was taken over by another worker after the lease ran out; that worker
    delivers it under the same key, so its recipient still gets one copy.
    """
    now = clock().astimezone(UTC)
    with uow_factory() as uow:
        marked = 0
        for item in items:
            assert item.id is not None, "claimed outbox items always have an id"
            marked += int(uow.outbox.mark_done(item.id, worker=worker, now=now))
        uow.commit()
    return marked


def _deliver_one(
    item: OutboxItem,
    *,
    uow_factory: UnitOfWorkFactory,
    transport: Transport,
    compose: Compose,
    worker: str,
    clock: Clock,
    policy: DeliveryPolicy,
) -> str:
    """Compose and send one row: "delivered" (not yet marked done), "retried", "failed", "lost"."""
    assert item.id is not None, "claimed outbox items always have an id"
    try:
        mail = compose(item)
    except (ValueError, LookupError, TypeError) as error:
        # The row's data cannot make a mail (unknown kind, its message gone): it never will, and
        # retrying would only delay telling the sender.
        log.exception("outbox %s: cannot compose", item.id)
        return _fail(item, uow_factory, worker, clock, f"cannot compose: {error}")
    except Exception as error:
        # Anything else (the database the composer reads went away, say) may pass: retry with
        # backoff, so one bad row cannot hold up the rest of the outbox.
        log.exception("outbox %s: composing failed; will retry", item.id)
        return _retry(item, uow_factory, worker, clock, policy, f"composing failed: {error}")
    try:
        transport.deliver(mail)
    except PermanentDeliveryError as error:
        return _fail(item, uow_factory, worker, clock, f"refused: {error}")
    except (TemporaryDeliveryError, OSError) as error:
        return _retry(item, uow_factory, worker, clock, policy, str(error) or type(error).__name__)
    return "delivered"


def _retry(
    item: OutboxItem,
    uow_factory: UnitOfWorkFactory,
    worker: str,
    clock: Clock,
    policy: DeliveryPolicy,
    error: str,
) -> str:
    assert item.id is not None
    now = clock().astimezone(UTC)
    next_try = now + policy.backoff(item.attempts + 1)
    started = item.created_at or now
    if next_try - started > policy.retry_window:
        return _fail(item, uow_factory, worker, clock, f"gave up after retries: {error}")
    with uow_factory() as uow:
        kept = uow.outbox.retry_later(item.id, worker=worker, available_at=next_try, error=error)
        uow.commit()
    return "retried" if kept else "lost"


def _fail(
    item: OutboxItem, uow_factory: UnitOfWorkFactory, worker: str, clock: Clock, error: str
) -> str:
    assert item.id is not None
    now = clock().astimezone(UTC)
    with uow_factory() as uow:
        if not uow.outbox.mark_failed(item.id, worker=worker, now=now, error=error):
            return "lost"
        # The sender is told through the event log; the recipient's real address stays out of it.
        uow.events.append(
            Event(
                kind="delivery_failed",
                subject_type="message" if item.message_id is not None else "outbox",
                subject_id=str(item.message_id if item.message_id is not None else item.id),
                actor="delivery",
                data={"outbox_id": item.id, "kind": item.kind, "error": error[:500]},
            ),
            now=now,
        )
        uow.commit()
    return "failed"


# Outbox housekeeping ------------------------------------------------------------------------

DEFAULT_RETENTION = timedelta(days=30)
# Rows deleted per transaction: a purge of millions never holds the write lock for long.
PURGE_CHUNK = 5000


def purge_finished(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    older_than: timedelta = DEFAULT_RETENTION,
    chunk: int = PURGE_CHUNK,
) -> int:
    """Delete done and failed outbox rows finished more than `older_than` ago; return how many.

    Pending rows are never touched, however old. Messages, findings and events are evidence
    and live in their own tables; nothing here reaches them. Deletes in chunks, one transaction
    each, so delivery workers keep going meanwhile.
    """
    if older_than < timedelta(days=1):
        raise InvalidInput("older_than", f"must be at least 1 day; got {older_than}")
    if chunk < 1:
        raise InvalidInput("chunk", f"must be at least 1; got {chunk}")
    finished_before = clock().astimezone(UTC) - older_than
    removed = 0
    while True:
        with uow_factory() as uow:
            deleted = uow.outbox.purge_finished(finished_before=finished_before, limit=chunk)
            uow.commit()
        removed += deleted
        if deleted < chunk:
            return removed


def outbox_counts(*, uow_factory: UnitOfWorkFactory) -> OutboxCounts:
    """Rows by status and the oldest pending row's enqueue time."""
    with uow_factory() as uow:
        return uow.outbox.counts()
