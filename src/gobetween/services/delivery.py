"""Draining the outbox: claim due rows with a lease, deliver each through the transport, record it.

The claim and the "done" mark are separate transactions with the delivery between them, so a crash
after delivering but before the mark leaves the row claimed; once the lease runs out another worker
delivers it again under the same delivery key, which the transport treats as a replacement. That
is how each recipient gets a message exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from gobetween.services.ports import (
    Clock,
    Event,
    OutboundMail,
    OutboxItem,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    Transport,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

Compose = Callable[[OutboxItem], OutboundMail]
"""Turns an outbox row into the exact bytes to deliver (adapters/mail/compose.py)."""


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
    delivered = retried = failed = lost = 0
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
            delivered += 1
        elif outcome == "retried":
            retried += 1
        elif outcome == "failed":
            failed += 1
        else:
            lost += 1
    return DeliveryReport(len(items), delivered, retried, failed, lost)


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
    with uow_factory() as uow:
        done = uow.outbox.mark_done(item.id, worker=worker, now=clock().astimezone(UTC))
        uow.commit()
    # Not done: the lease ran out mid-delivery and another worker took the row over; it delivers
    # under the same key, so the recipient still gets one copy.
    return "delivered" if done else "lost"


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
