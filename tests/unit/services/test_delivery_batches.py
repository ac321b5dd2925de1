"""A pass over a batch: composed up front when the composer can, marked done in one commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from message_core_fakes import FakeUnitOfWork, RecordingTransport, SteppingClock, Store

from gobetween.services.delivery import (
    DeliveryPolicy,
    DeliveryReport,
    PreparingCompose,
    deliver_pending,
)
from gobetween.services.ports import OutboundMail, OutboxItem, TemporaryDeliveryError

POLICY = DeliveryPolicy(lease=timedelta(seconds=60), batch_size=10)


class Composer:
    """Composes from the row; `prepare` records the batches it was given, or fails if told."""

    def __init__(self, *, prepare_fails: bool = False) -> None:
        self.prepared: list[list[str]] = []
        self.prepare_fails = prepare_fails

    def __call__(self, item: OutboxItem) -> OutboundMail:
        return OutboundMail(item.delivery_key, "bounces@relay.example", item.recipient, b"mail")

    def prepare(self, items: Sequence[OutboxItem]) -> None:
        if self.prepare_fails:
            raise RuntimeError("the database went away")
        self.prepared.append([item.delivery_key for item in items])


def queued(count: int, clock: SteppingClock) -> Store:
    store = Store()
    with FakeUnitOfWork(store) as uow:
        for number in range(count):
            uow.outbox.add(
                OutboxItem("message", f"r{number}@example.com", f"message-{number}-buyer", {}),
                now=clock(),
            )
        uow.commit()
    return store


def drain(
    store: Store, composer: Composer, transport: RecordingTransport, clock: SteppingClock
) -> DeliveryReport:
    return deliver_pending(
        uow_factory=lambda: FakeUnitOfWork(store),
        transport=transport,
        compose=composer,
        worker="w1",
        clock=clock,
        policy=POLICY,
    )


def test_the_claimed_batch_is_prepared_once_then_sent_and_marked_in_one_commit() -> None:
    clock = SteppingClock()
    store = queued(4, clock)
    composer = Composer()
    assert isinstance(composer, PreparingCompose)
    transport = RecordingTransport()
    commits_before = store.commits
    report = drain(store, composer, transport, clock)
    assert (report.claimed, report.delivered) == (4, 4)
    assert composer.prepared == [[f"message-{n}-buyer" for n in range(4)]]
    assert sorted(transport.delivered) == sorted(f"message-{n}-buyer" for n in range(4))
    assert {row["status"] for row in store.outbox.values()} == {"done"}
    # The claim and the batch's "done" marks: two commits for four mails.
    assert store.commits - commits_before == 2


def test_a_failing_prepare_changes_nothing_but_speed() -> None:
    clock = SteppingClock()
    store = queued(3, clock)
    transport = RecordingTransport()
    report = drain(store, Composer(prepare_fails=True), transport, clock)
    assert (report.claimed, report.delivered) == (3, 3)
    assert {row["status"] for row in store.outbox.values()} == {"done"}


def test_a_retried_row_in_the_batch_is_not_marked_done() -> None:
    clock = SteppingClock()
    store = queued(3, clock)
    transport = RecordingTransport()
    transport.failures.append(TemporaryDeliveryError("451 try later"))
    report = drain(store, Composer(), transport, clock)
    assert (report.delivered, report.retried) == (2, 1)
    statuses = [row["status"] for _, row in sorted(store.outbox.items())]
    assert statuses == ["pending", "done", "done"]


class SlowTransport(RecordingTransport):
    """Each delivery takes 20 seconds of the clock: half the lease passes mid-batch."""

    def __init__(self, clock: SteppingClock) -> None:
        super().__init__()
        self.clock = clock
        self.done_at_delivery: list[int] = []
        self.store: Store | None = None

    def deliver(self, mail: OutboundMail) -> None:
        assert self.store is not None
        self.done_at_delivery.append(
            sum(row["status"] == "done" for row in self.store.outbox.values())
        )
        self.clock.advance(seconds=20)
        super().deliver(mail)


def test_rows_are_marked_done_before_half_the_lease_is_gone() -> None:
    clock = SteppingClock()
    store = queued(4, clock)
    transport = SlowTransport(clock)
    transport.store = store
    report = drain(store, Composer(), transport, clock)
    assert report.delivered == 4
    # Two deliveries took 40 s of the 60 s lease: those two are marked then, and from there on
    # each row as soon as it is delivered, as the lease may run out any moment.
    assert transport.done_at_delivery == [0, 0, 2, 3]
    assert {row["status"] for row in store.outbox.values()} == {"done"}
