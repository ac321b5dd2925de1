"""Draining the outbox against fakes: leases, retries with backoff, permanent failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from message_core_fakes import FakeUnitOfWork, RecordingTransport, SteppingClock, Store

from gobetween.services.delivery import DeliveryPolicy, claim_batch, deliver_pending
from gobetween.services.ports import (
    OutboundMail,
    OutboxItem,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)

POLICY = DeliveryPolicy(
    lease=timedelta(seconds=60),
    retry_window=timedelta(hours=1),
    first_backoff=timedelta(seconds=30),
    max_backoff=timedelta(minutes=10),
    batch_size=10,
)


def compose(item: OutboxItem) -> OutboundMail:
    return OutboundMail(item.delivery_key, "alias@relay.example", item.recipient, b"mail")


def queued(count: int, clock: SteppingClock) -> Store:
    store = Store()
    with FakeUnitOfWork(store) as uow:
        for number in range(count):
            uow.outbox.add(
                OutboxItem(
                    "message", f"r{number}@example.com", f"message-{number}-buyer", {}, number
                ),
                now=clock(),
            )
        uow.commit()
    return store


def drain(
    store: Store, transport: RecordingTransport, clock: SteppingClock, worker: str = "w1"
) -> tuple[int, int, int, int]:
    report = deliver_pending(
        uow_factory=lambda: FakeUnitOfWork(store),
        transport=transport,
        compose=compose,
        worker=worker,
        clock=clock,
        policy=POLICY,
    )
    return report.delivered, report.retried, report.failed, report.lost


def test_every_due_row_is_delivered_once_and_marked_done() -> None:
    clock = SteppingClock()
    store = queued(3, clock)
    transport = RecordingTransport()
    assert drain(store, transport, clock) == (3, 0, 0, 0)
    assert sorted(transport.delivered) == [f"message-{n}-buyer" for n in range(3)]
    assert {row["status"] for row in store.outbox.values()} == {"done"}
    assert drain(store, transport, clock) == (0, 0, 0, 0)
    assert transport.calls == 3


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends() -> None:
    clock = SteppingClock()
    store = queued(1, clock)
    factory = lambda: FakeUnitOfWork(store)  # noqa: E731
    first = claim_batch(uow_factory=factory, worker="w1", clock=clock, policy=POLICY)
    assert len(first) == 1
    assert claim_batch(uow_factory=factory, worker="w2", clock=clock, policy=POLICY) == []
    clock.advance(seconds=61)
    again = claim_batch(uow_factory=factory, worker="w2", clock=clock, policy=POLICY)
    assert [item.id for item in again] == [item.id for item in first]


def test_a_worker_that_lost_its_lease_does_not_mark_the_row() -> None:
    clock = SteppingClock()
    store = queued(1, clock)
    factory = lambda: FakeUnitOfWork(store)  # noqa: E731
    claim_batch(uow_factory=factory, worker="slow", clock=clock, policy=POLICY)
    clock.advance(seconds=61)
    transport = RecordingTransport()
    assert drain(store, transport, clock, worker="fast") == (1, 0, 0, 0)
    with FakeUnitOfWork(store) as uow:
        assert uow.outbox.mark_done(1, worker="slow", now=clock()) is False


def test_temporary_failures_back_off_exponentially_then_deliver() -> None:
    clock = SteppingClock()
    store = queued(1, clock)
    transport = RecordingTransport()
    transport.failures = [TemporaryDeliveryError("451 try later"), OSError("disk full")]
    assert drain(store, transport, clock) == (0, 1, 0, 0)
    row = store.outbox[1]
    assert row["available_at"] == clock() + timedelta(seconds=30)
    assert row["error"] == "451 try later"
    clock.advance(seconds=29)
    assert drain(store, transport, clock) == (0, 0, 0, 0)
    clock.advance(seconds=1)
    assert drain(store, transport, clock) == (0, 1, 0, 0)
    assert store.outbox[1]["available_at"] == clock() + timedelta(seconds=60)
    clock.advance(seconds=60)
    assert drain(store, transport, clock) == (1, 0, 0, 0)
    assert store.outbox[1]["status"] == "done"


def test_backoff_doubles_and_is_capped() -> None:
    assert [POLICY.backoff(n).total_seconds() for n in range(1, 7)] == [
        30,
        60,
        120,
        240,
        480,
        600,
    ]


def test_temporary_failures_give_up_after_the_retry_window() -> None:
    clock = SteppingClock()
    store = queued(1, clock)
    transport = RecordingTransport()
    transport.failures = [TemporaryDeliveryError("451")] * 100
    outcomes = []
    for _ in range(100):
        outcomes.append(drain(store, transport, clock))
        if store.outbox[1]["status"] != "pending":
            break
        clock.advance(minutes=10)
    assert store.outbox[1]["status"] == "failed"
    assert outcomes[-1] == (0, 0, 1, 0)
    assert clock() - store.outbox[1]["item"].created_at <= POLICY.retry_window
    [event] = store.events
    assert event.kind == "delivery_failed"
    assert "gave up" in event.data["error"]


def test_a_permanent_failure_is_recorded_without_retry() -> None:
    clock = SteppingClock()
    store = queued(1, clock)
    transport = RecordingTransport()
    transport.failures = [PermanentDeliveryError("550 no such user")]
    assert drain(store, transport, clock) == (0, 0, 1, 0)
    assert store.outbox[1]["status"] == "failed"
    [event] = store.events
    assert (event.subject_type, event.subject_id) == ("message", "0")
    assert "550" in event.data["error"]
    assert "r0@example.com" not in str(event.data)


def test_a_row_that_cannot_be_composed_fails_at_once() -> None:
    clock = SteppingClock()
    store = queued(1, clock)

    def broken(item: OutboxItem) -> OutboundMail:
        raise ValueError("unknown kind")

    report = deliver_pending(
        uow_factory=lambda: FakeUnitOfWork(store),
        transport=RecordingTransport(),
        compose=broken,
        worker="w",
        clock=clock,
        policy=POLICY,
    )
    assert report.failed == 1
    assert store.outbox[1]["status"] == "failed"


@pytest.mark.parametrize("batch", [1, 3])
def test_a_pass_claims_at_most_one_batch(batch: int) -> None:
    clock = SteppingClock()
    store = queued(5, clock)
    report = deliver_pending(
        uow_factory=lambda: FakeUnitOfWork(store),
        transport=RecordingTransport(),
        compose=compose,
        worker="w",
        clock=clock,
        policy=DeliveryPolicy(batch_size=batch),
    )
    assert report.claimed == batch


def test_a_composer_that_fails_for_another_reason_is_retried() -> None:
    clock = SteppingClock()
    store = queued(1, clock)

    def flaky(item: OutboxItem) -> OutboundMail:
        raise ConnectionError("database went away")

    report = deliver_pending(
        uow_factory=lambda: FakeUnitOfWork(store),
        transport=RecordingTransport(),
        compose=flaky,
        worker="w",
        clock=clock,
        policy=POLICY,
    )
    assert report.retried == 1
    assert store.outbox[1]["status"] == "pending"
    assert "database went away" in store.outbox[1]["error"]
