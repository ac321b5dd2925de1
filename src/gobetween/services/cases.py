"""Cases and response clocks as use cases: what happens when people write, resolve and answer.

The message service calls `note_buyer_message` and `note_seller_message` inside its own
transaction, so a message, its case change, its clock and its webhooks commit together. The other
verbs here (resolve, answer the survey, close, "No response needed", the sweeps) open their own
unit of work. Every case change is appended to the event log (`case.changed`, append-only) and
announced to webhook subscribers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from gobetween.domain import cases as domain
from gobetween.domain.cases import Actor, Case, CaseChange, CaseState
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.response_times import (
    ResponseClock,
    StopReason,
    start_clock,
)
from gobetween.services import webhooks
from gobetween.services.ports import Clock, Event, EventLog, OutboxRepository
from gobetween.services.webhooks import WebhookRepository

EVENT_KIND = "case.changed"
SUBJECT_TYPE = "case"


@dataclass(frozen=True, slots=True)
class CaseGlance:
    """What a send reads of its thread before the policy check, in one statement."""

    state: CaseState | None  # the newest case's state; None when the thread never had one
    # Whether an active webhook subscription covers the thread's seller (for any event type):
    # when none does, the hooks skip asking which subscriptions match each event.
    listened: bool
    # Whether the thread has a live case or a running clock, so that a seller's answer has
    # something to change; when it has neither, the answer writes nothing and is not sent.
    answerable: bool = True


@dataclass(frozen=True, slots=True)
class LockedCase:
    """The thread's newest case (None if it never had one), locked for this transaction."""

    case: Case | None
    listened: bool  # as CaseGlance.listened, read in the same statement


@dataclass(frozen=True, slots=True)
class ContinuedCase:
    """The thread's open case, after a buyer message moved its activity and started a clock."""

    case: Case
    listened: bool  # as CaseGlance.listened, read in the same statement


class CaseRepository(Protocol):
    def add(self, case: Case) -> int: ...
    def save(self, case: Case) -> None: ...
    def find(self, case_id: int, *, for_update: bool = False) -> Case | None: ...
    def latest_for_thread(self, thread_id: int, *, for_update: bool = False) -> Case | None:
        """The thread's newest case (live or closed), or None when it never had one."""
        ...

    def glance(self, thread_id: int) -> CaseGlance:
        """The newest case's state and whether anyone listens to the thread seller's webhooks."""
        ...

    def lock_newest(self, thread_id: int, seller_id: str) -> LockedCase:
        """The thread's newest case, locked (FOR UPDATE), and whether anyone listens to the
        seller's webhooks, in one statement."""
        ...

    def continue_open_case(self, clock: ResponseClock) -> ContinuedCase | None:
        """A buyer message on a thread whose newest case is opened: the case's last activity
        moves to the clock's start (never back) and the clock starts on it, at once.

        None, with nothing written, when the thread has no opened case (none, resolved, closed).
        """
        ...

    def idle_resolved(self, *, quiet_since: datetime, limit: int) -> Sequence[Case]:
        """Resolved cases whose last activity is at or before `quiet_since`, oldest first."""
        ...

    def search(
        self,
        *,
        seller_id: str | None = None,
        buyer_id: str | None = None,
        order_id: str | None = None,
        state: CaseState | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> Sequence[Case]:
        """Cases matching every given filter, newest first, ids below `before_id` (a cursor)."""
        ...


class ResponseClockRepository(Protocol):
    def start(self, clock: ResponseClock, *, case_id: int | None) -> None: ...
    def find(self, message_id: int) -> ResponseClock | None: ...
    def stop_running_on_thread(
        self, thread_id: int, *, reason: StopReason, at: datetime, by_message_id: int | None
    ) -> int:
        """Stop every running clock of the thread; returns how many were stopped."""
        ...

    def stop(self, message_id: int, *, reason: StopReason, at: datetime) -> bool:
        """Stop one clock if it is running; False when it had already stopped."""
        ...

    def answered(self, thread_id: int, *, at: datetime, by_message_id: int) -> int:
        """A delivered seller answer: the thread's live case (opened or resolved) has activity
        at `at` (never moved back) and its running clocks stop as answered, at once. Returns how
        many clocks stopped."""
        ...

    def running_for_seller(self, seller_id: str, *, limit: int) -> Sequence[ResponseClock]:
        """The seller's running clocks, least time left first."""
        ...

    def claim_due_soon(self, *, now: datetime, limit: int) -> Sequence[ResponseClock]:
        """Running clocks with less than 4 hours left, not yet announced; marks them announced."""
        ...


class CaseUnitOfWork(Protocol):
    """What these services need from a unit of work (the SQL one has all of it)."""

    cases: CaseRepository
    response_clocks: ResponseClockRepository
    webhooks: WebhookRepository
    events: EventLog
    outbox: OutboxRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class CaseUnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work (one transaction) for the sweeps."""

    def __call__(self) -> CaseUnitOfWork: ...


def _utc(clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise InvalidInput("clock", "must return timezone-aware UTC time")
    return now.astimezone(UTC)


def _record(uow: CaseUnitOfWork, case: Case, change: CaseChange, *, listened: bool = True) -> None:
    """Append the change to the evidence log and announce it to subscribers (unless a read in
    this transaction said none covers the seller: `listened=False`)."""
    assert case.id is not None
    data = change.as_data() | {"case_id": case.id, "order_id": case.order_id}
    uow.events.append(
        Event(
            kind=EVENT_KIND,
            subject_type=SUBJECT_TYPE,
            subject_id=str(case.id),
            actor=str(change.actor),
            data=data,
        ),
        now=change.at,
    )
    if listened:
        webhooks.announce(
            uow=uow,
            event_type="case.changed",
            data=case_payload(case) | {"change": change.as_data()},
            seller_id=case.seller_id,
            now=change.at,
        )


def case_payload(case: Case) -> dict[str, Any]:
    """A case as plain JSON types (webhooks, API, CLI --json)."""

    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {
        "id": case.id,
        "order_id": case.order_id,
        "thread_id": case.thread_id,
        "seller_id": case.seller_id,
        "buyer_id": case.buyer_id,
        "state": case.state,
        "opened_at": iso(case.opened_at),
        "last_activity_at": iso(case.last_activity_at),
        "resolved_at": iso(case.resolved_at),
        "closed_at": iso(case.closed_at),
        "previous_case_id": case.previous_case_id,
        "buyer_reported_unresolved": case.buyer_reported_unresolved,
        "survey_pending": case.survey_pending,
    }


# --- Hooks the message service calls inside its transaction -------------------------------------


def case_state_for_thread(uow: CaseUnitOfWork, thread_id: int) -> CaseState | None:
    """The state of the thread's newest case, for SystemFacts.case_state (policy: case_closed)."""
    return uow.cases.glance(thread_id).state


def glance_at_thread(uow: CaseUnitOfWork, thread_id: int) -> CaseGlance:
    """The newest case's state and whether anyone listens to the seller's webhooks (one read)."""
    return uow.cases.glance(thread_id)


def note_buyer_message(
    uow: CaseUnitOfWork,
    *,
    message_id: int,
    order_id: str,
    thread_id: int,
    seller_id: str,
    buyer_id: str,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> Case:
    """A delivered buyer message: open, reopen or extend the case, start its 24-hour clock.

    A closed case takes no more messages, so a follow-up opens a new case linked to it. Announces
    `message.received` (with `data`, e.g. subject and text) and any `case.changed`.
    """
    clock = start_clock(message_id=message_id, seller_id=seller_id, thread_id=thread_id, at=at)
    # The usual message joins an opened case: one statement moves its activity and starts the
    # clock. Opening and reopening (events, announcements) take the general way below.
    continued = uow.cases.continue_open_case(clock)
    if continued is not None:
        case, listened = continued.case, continued.listened
    else:
        case, listened = _open_or_reopen(uow, order_id, thread_id, seller_id, buyer_id, at)
        uow.response_clocks.start(clock, case_id=case.id)
    if listened:
        webhooks.announce(
            uow=uow,
            event_type="message.received",
            data={
                "message_id": message_id,
                "order_id": order_id,
                "thread_id": thread_id,
                "case_id": case.id,
                "seller_id": seller_id,
                "received_at": at.isoformat(),
                "due_at": clock.due_at.isoformat(),
            }
            | (data or {}),
            seller_id=seller_id,
            now=at,
        )
    return case


def _open_or_reopen(
    uow: CaseUnitOfWork,
    order_id: str,
    thread_id: int,
    seller_id: str,
    buyer_id: str,
    at: datetime,
) -> tuple[Case, bool]:
    """The thread's case for a buyer message when it has no opened one, under the case's lock;
    and whether anyone listens to the seller's webhooks."""
    actor = Actor("buyer", buyer_id)
    locked = uow.cases.lock_newest(thread_id, seller_id)
    latest, listened = locked.case, locked.listened
    if latest is None or latest.state == "closed":
        case, change = domain.open_case(
            order_id=order_id,
            thread_id=thread_id,
            seller_id=seller_id,
            buyer_id=buyer_id,
            at=at,
            actor=actor,
            previous_case_id=None if latest is None else latest.id,
        )
        case = _with_id(case, uow.cases.add(case))
        _record(uow, case, change, listened=listened)
    elif latest.state == "resolved":
        case, change = domain.transition(latest, "reopen", actor=actor, at=at)
        uow.cases.save(case)
        _record(uow, case, change, listened=listened)
    else:
        # Opened since continue_open_case looked (not possible under the thread's lock, but the
        # rule stays whole): the message is activity on it.
        case = domain.record_activity(latest, at=at)
        uow.cases.save(case)
    return case, listened


def note_seller_message(
    uow: CaseUnitOfWork,
    *,
    message_id: int,
    order_id: str,
    thread_id: int,
    seller_id: str,
    disposition: str,
    categories: Sequence[str],
    at: datetime,
    listened: bool = True,
    answerable: bool = True,
) -> int:
    """A seller message was stored: a delivered one answers; a blocked one is announced.

    Returns how many running clocks the answer stopped. Only a delivered message is an answer:
    a blocked or bounced one never reached the buyer. `listened=False` (from a CaseGlance read in
    the same transaction) says no subscription covers the seller, so nothing is announced;
    `answerable=False` (from the same glance, under the thread's lock) says the thread has no
    live case and no running clock, so the answer would change nothing and is not written.
    """
    if disposition == "blocked":
        if listened:
            webhooks.announce(
                uow=uow,
                event_type="message.blocked",
                data={
                    "message_id": message_id,
                    "order_id": order_id,
                    "thread_id": thread_id,
                    "seller_id": seller_id,
                    "categories": list(categories),
                    "blocked_at": at.isoformat(),
                },
                seller_id=seller_id,
                now=at,
            )
        return 0
    if disposition != "delivered":
        return 0
    if at.tzinfo is None:
        raise InvalidInput("at", "must be timezone-aware")
    if not answerable:
        return 0
    return uow.response_clocks.answered(thread_id, at=at, by_message_id=message_id)


def note_report(uow: CaseUnitOfWork, *, message_id: int, at: datetime) -> bool:
    """A buyer message was reported: its clock stops and it leaves the response-time figures."""
    return uow.response_clocks.stop(message_id, reason="reported", at=at)


# --- Verbs with their own transaction ------------------------------------------------------------


def _with_id(case: Case, case_id: int) -> Case:
    return replace(case, id=case_id)


def _visible_case(uow: CaseUnitOfWork, case_id: int, viewer: Actor, *, lock: bool) -> Case:
    """The case if `viewer` may see it; NotFound otherwise (other parties' cases do not leak)."""
    case = uow.cases.find(case_id, for_update=lock)
    if case is None or not may_see(viewer, case):
        raise NotFound("case", case_id)
    return case


def may_see(viewer: Actor, case: Case) -> bool:
    """Operators and auditors see every case; sellers and buyers only their own."""
    if viewer.role in ("operator", "auditor", "system"):
        return True
    if viewer.role == "seller":
        return case.seller_id == viewer.id
    return viewer.role == "buyer" and case.buyer_id == viewer.id


def resolve_case(*, case_id: int, actor: Actor, uow: CaseUnitOfWork, clock: Clock) -> Case:
    """The seller (or an operator) marks a case resolved; the buyer is then asked the survey."""
    return _take(case_id, "resolve", actor=actor, uow=uow, clock=clock)


def close_case(
    *, case_id: int, reason: str, actor: Actor, uow: CaseUnitOfWork, clock: Clock
) -> Case:
    """An operator closes a live case that needs nothing more (spam, duplicate), saying why.

    The reason is recorded with the change in the event log, beside who closed it and when.
    """
    return _take(
        case_id, "close", actor=actor, uow=uow, clock=clock, reason=domain.check_reason(reason)
    )


def _take(
    case_id: int,
    action: domain.CaseAction,
    *,
    actor: Actor,
    uow: CaseUnitOfWork,
    clock: Clock,
    reason: str | None = None,
) -> Case:
    now = _utc(clock)
    with uow:
        case = _visible_case(uow, case_id, actor, lock=True)
        changed, change = domain.transition(case, action, actor=actor, at=now, reason=reason)
        uow.cases.save(changed)
        _record(uow, changed, change)
        uow.commit()
    return changed


def answer_survey(
    *, case_id: int, solved: bool, actor: Actor, uow: CaseUnitOfWork, clock: Clock
) -> Case:
    """The buyer answers "Did this solve your problem?": yes closes, no flags the case."""
    now = _utc(clock)
    with uow:
        case = _visible_case(uow, case_id, actor, lock=True)
        changed, change = domain.answer_survey(case, solved=solved, actor=actor, at=now)
        uow.cases.save(changed)
        _record(uow, changed, change)
        uow.commit()
    return changed


def mark_no_response_needed(
    *, message_id: int, actor: Actor, uow: CaseUnitOfWork, clock: Clock
) -> ResponseClock:
    """The seller marks a buyer message "No response needed": its clock stops, leaving the figures.

    Idempotent: marking a message whose clock already stopped keeps the first stop.
    """
    now = _utc(clock)
    with uow:
        running = uow.response_clocks.find(message_id)
        # Only the seller the message was written to (or an operator) may triage it.
        owner = running is not None and actor == Actor("seller", running.seller_id)
        if running is None or not (owner or actor.role == "operator"):
            raise NotFound("buyer message", message_id)
        uow.response_clocks.stop(message_id, reason="no_response_needed", at=now)
        uow.events.append(
            Event(
                kind="response.no_response_needed",
                subject_type="message",
                subject_id=str(message_id),
                actor=str(actor),
            ),
            now=now,
        )
        stopped = uow.response_clocks.find(message_id)
        uow.commit()
    assert stopped is not None
    return stopped


def get_case(*, case_id: int, viewer: Actor, uow: CaseUnitOfWork) -> CaseDetail:
    """One case with its history of changes, if the viewer may see it."""
    with uow:
        case = _visible_case(uow, case_id, viewer, lock=False)
        history = uow.events.for_subject(SUBJECT_TYPE, str(case_id))
    return CaseDetail(case=case, history=tuple(e for e in history if e.kind == EVENT_KIND))


def list_cases(
    *,
    viewer: Actor,
    uow: CaseUnitOfWork,
    state: CaseState | None = None,
    order_id: str | None = None,
    seller_id: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[Case]:
    """Cases the viewer may see, newest first, with optional filters and a cursor."""
    if state is not None and state not in domain.CASE_STATES:
        raise InvalidInput("state", f"must be one of {', '.join(domain.CASE_STATES)}")
    if not 1 <= limit <= 500:
        raise InvalidInput("limit", f"must be between 1 and 500; got {limit}")
    buyer_id = None
    if viewer.role == "seller":
        seller_id = viewer.id
    elif viewer.role == "buyer":
        buyer_id, seller_id = viewer.id, None
    elif viewer.role not in ("operator", "auditor"):
        raise Refused("forbidden", f"a {viewer.role} cannot list cases")
    with uow:
        return uow.cases.search(
            seller_id=seller_id,
            buyer_id=buyer_id,
            order_id=order_id,
            state=state,
            before_id=before_id,
            limit=limit,
        )


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case with its history of changes, oldest first."""

    case: Case
    history: tuple[Event, ...]


# --- Sweeps the delivery worker runs -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What one pass of the sweeps did."""

    closed: int = 0
    announced_due_soon: int = 0


def close_idle_cases(
    *, uow_factory: CaseUnitOfWorkFactory, clock: Clock, idle_days: int, batch_size: int = 200
) -> int:
    """Close resolved cases quiet for `idle_days` (exactly N days counts), in small batches."""
    if idle_days <= 0:
        raise InvalidInput("case_idle_days", f"must be greater than 0; got {idle_days}")
    closed = 0
    while True:
        now = _utc(clock)
        with uow_factory() as uow:
            idle = uow.cases.idle_resolved(
                quiet_since=now - timedelta(days=idle_days), limit=batch_size
            )
            for stale in idle:
                # Re-read under lock: a buyer may have written since the list was taken.
                assert stale.id is not None
                case = uow.cases.find(stale.id, for_update=True)
                if case is None or not domain.is_idle(case, now=now, idle_days=idle_days):
                    continue
                changed, change = domain.transition(case, "expire", actor=domain.SYSTEM, at=now)
                uow.cases.save(changed)
                _record(uow, changed, change)
                closed += 1
            uow.commit()
        if len(idle) < batch_size:
            return closed


def announce_due_soon(
    *, uow_factory: CaseUnitOfWorkFactory, clock: Clock, batch_size: int = 500
) -> int:
    """Announce `response.due_soon` once for each running clock with under 4 hours left."""
    announced = 0
    while True:
        now = _utc(clock)
        with uow_factory() as uow:
            due = uow.response_clocks.claim_due_soon(now=now, limit=batch_size)
            for running in due:
                webhooks.announce(
                    uow=uow,
                    event_type="response.due_soon",
                    data={
                        "message_id": running.message_id,
                        "thread_id": running.thread_id,
                        "seller_id": running.seller_id,
                        "started_at": running.started_at.isoformat(),
                        "due_at": running.due_at.isoformat(),
                        "seconds_left": max(0, int(running.time_left(now).total_seconds())),
                    },
                    seller_id=running.seller_id,
                    now=now,
                )
            uow.commit()
        announced += len(due)
        if len(due) < batch_size:
            return announced


def run_sweeps(*, uow_factory: CaseUnitOfWorkFactory, clock: Clock, idle_days: int) -> SweepReport:
    """What the worker calls every poll: idle cases close, due-soon clocks are announced."""
    return SweepReport(
        closed=close_idle_cases(uow_factory=uow_factory, clock=clock, idle_days=idle_days),
        announced_due_soon=announce_due_soon(uow_factory=uow_factory, clock=clock),
    )
