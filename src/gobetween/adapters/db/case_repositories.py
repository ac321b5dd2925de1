"""Repositories for cases, response clocks and webhooks, and the SQL reader behind the metrics.

The repositories work inside the caller's unit of work (one connection, its transaction). The
metrics reader opens its own short read per call. Timestamps are written in UTC; SQLite returns
them without a zone, so reads attach UTC again. Response times are stored in whole microseconds,
computed in Python from the two timestamps, so "exactly 24 hours" is exact on both databases.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    DateTime,
    Engine,
    Row,
    Select,
    String,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from gobetween.adapters.db import case_tables as ct
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement, utc
from gobetween.adapters.db.dialect import utc_or_none as _utc_or_none
from gobetween.domain.cases import Case
from gobetween.domain.response_times import (
    DUE_SOON,
    RESPONSE_LIMIT,
    ResponseClock,
    ResponseFigures,
    StopReason,
    classify,
    outcome,
    window_start,
)
from gobetween.services.cases import CaseGlance, ContinuedCase, LockedCase
from gobetween.services.metrics import SellerReading
from gobetween.services.webhooks import DeliveryAttempt, WebhookSubscription


def _micros(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


# --- The send path's statements ------------------------------------------------------------------
# Every stored message runs some of these (services/case_hooks.py), so they run on the driver's
# cursor (dialect.py DriverStatement) and each does what used to take a read and a write.


class _MicrosecondsBetween(FunctionElement[int]):
    """Whole microseconds from the first timestamp to the second, at least 0, computed exactly.

    PostgreSQL: EXTRACT(EPOCH) of the interval is numeric (exact). SQLite keeps timestamps as
    text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's format): whole seconds come from strftime('%s')
    of the part before the dot and the microseconds are the six digits after it, so no floating
    point and no rounding is involved.
    A stop before its start (clock skew between processes) counts as zero, as in Python before.
    """

    type = BigInteger()
    name = "microseconds_between"
    inherit_cache = True


@compiles(_MicrosecondsBetween, "postgresql")
def _microseconds_on_postgresql(
    element: _MicrosecondsBetween, compiler: SQLCompiler, **kw: Any
) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"GREATEST(0, CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) * 1000000 AS BIGINT))"


@compiles(_MicrosecondsBetween, "sqlite")
def _microseconds_on_sqlite(element: _MicrosecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)

    def seconds(moment: str) -> str:
        # Without the fraction: SQLite keeps times in milliseconds, so '...:00.9999995' would
        # round up to the next second.
        return f"CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER)"

    def micros(moment: str) -> str:
        return f"CAST(substr({moment} || '000000', 21, 6) AS INTEGER)"

    return (
        f"MAX(0, ({seconds(end)} - {seconds(start)}) * 1000000 + {micros(end)} - {micros(start)})"
    )


def _listened(seller_id: Any) -> ColumnElement[bool]:
    """Whether an active webhook subscription covers the seller (or every seller)."""
    subs = ct.webhook_subscriptions
    return (
        exists()
        .where(
            subs.c.active.is_(True), or_(subs.c.seller_id.is_(None), subs.c.seller_id == seller_id)
        )
        .label("listened")
    )


def _moved_activity(at: Any) -> Any:
    """last_activity_at moved to `at`, never back (domain.record_activity)."""
    column = ct.cases.c.last_activity_at
    return case((column < at, at), else_=column)


def case_glance_columns(*, thread: Any, seller: Any) -> list[Any]:
    """What `SqlCaseRepository.glance` reads, as the columns `state`, `listened` and
    `answerable` of the thread and seller given (bound values, or the columns of a statement
    that reads them), so that a seller's send can read them with its thread
    (`SqlThreadRepository`)."""
    c = ct.cases
    # The newest case by max(id) (ix_cases_thread), not ORDER BY ... LIMIT, a bound parameter;
    # its own scan of cases, not correlated with the state's (which would leave it no FROM).
    newest = (
        select(func.max(c.c.id))
        .where(c.c.thread_id == thread)
        .correlate_except(c)
        .scalar_subquery()
    )
    state = select(c.c.state).where(c.c.id == newest)
    return [state.scalar_subquery().label("state"), _listened(seller), _answerable(thread)]


def _answerable(thread: Any) -> ColumnElement[bool]:
    """Whether an answer on the thread has anything to change: a live case whose activity it
    moves, or a running clock it stops (the two partial indexes, one probe each)."""
    c, rc = ct.cases, ct.response_clocks
    # The literal is the partial index's own term, as in _TOUCH_LIVE_CASE_STATEMENT.
    live_case = exists().where(c.c.thread_id == thread, c.c.state != literal_column("'closed'"))
    running = exists().where(rc.c.thread_id == thread, rc.c.stopped_at.is_(None))
    return or_(live_case.correlate_except(c), running.correlate_except(rc)).label("answerable")


def case_glance(row: Any) -> CaseGlance:
    """The glance of a row with the columns of `case_glance_columns`."""
    return CaseGlance(state=row.state, listened=bool(row.listened), answerable=bool(row.answerable))


def _case_glance_statement() -> DriverStatement:
    thread = bindparam("thread", type_=BigInteger())
    seller = select(t.threads.c.seller_id).where(t.threads.c.id == thread)
    return DriverStatement(
        select(*case_glance_columns(thread=thread, seller=seller.scalar_subquery()))
    )


def _newest_case_locked_statement() -> DriverStatement:
    """The thread's newest case, locked FOR UPDATE (PostgreSQL; SQLite's writer lock is already
    held), and whether anyone listens to the seller's webhooks: one row, with or without a case."""
    c = ct.cases
    thread = bindparam("thread", type_=BigInteger())
    newest = select(func.max(c.c.id)).where(c.c.thread_id == thread).scalar_subquery()
    # Locked in a CTE: PostgreSQL cannot lock the nullable side of the outer join below, which
    # keeps the listener check's row when the thread has no case yet.
    locked = select(c).where(c.c.id == newest).with_for_update().cte("locked")
    one_row = select(literal_column("1").label("one")).subquery("one_row")
    listened = _listened(bindparam("seller", type_=c.c.seller_id.type))
    return DriverStatement(
        select(*locked.c, listened).select_from(one_row.outerjoin(locked, true()))
    )


_NEWEST_CASE_LOCKED = _newest_case_locked_statement()
_CASE_KEYS = (
    "order_id",
    "thread_id",
    "seller_id",
    "buyer_id",
    "state",
    "opened_at",
    "last_activity_at",
    "resolved_at",
    "closed_at",
    "survey_answered_at",
    "previous_case_id",
    "buyer_reported_unresolved",
)
_ADD_CASE = DriverStatement(ct.cases.insert().returning(ct.cases.c.id), column_keys=_CASE_KEYS)
_SAVE_CASE = DriverStatement(
    update(ct.cases).where(ct.cases.c.id == bindparam("case_id", type_=BigInteger())),
    column_keys=_CASE_KEYS,
)
_CLOCK_KEYS = ("message_id", "thread_id", "seller_id", "case_id", "started_at")
_START_CLOCK = DriverStatement(ct.response_clocks.insert(), column_keys=_CLOCK_KEYS)


def _continue_open_case_statements() -> tuple[DriverStatement, DriverStatement]:
    """Move the opened case's activity, returning it and whether anyone listens; and the same
    with the clock's start in the same statement, for PostgreSQL (data-modifying CTEs)."""
    c, rc = ct.cases.c, ct.response_clocks
    at = bindparam("at", type_=c.last_activity_at.type)
    seller = bindparam("seller", type_=c.seller_id.type)
    touch = (
        update(ct.cases)
        .where(
            c.thread_id == bindparam("thread", type_=BigInteger()),
            # The partial index's own term, as a literal: SQLite then finds the one live case
            # of the thread by uq_cases_live_thread, instead of every opened case by state.
            c.state != literal_column("'closed'"),
            c.state == literal_column("'opened'"),
        )
        .values(last_activity_at=_moved_activity(at))
        .returning(*ct.cases.c, _listened(seller))
    )
    touched = touch.cte("touched")
    started = (
        insert(rc)
        .from_select(
            list(_CLOCK_KEYS),
            select(
                bindparam("message", type_=BigInteger()),
                touched.c.thread_id,
                seller,
                touched.c.id,
                at,
            ).select_from(touched),
        )
        .returning(rc.c.message_id)
        .cte("started")
    )
    return DriverStatement(touch), DriverStatement(select(touched).add_cte(started))


_TOUCH_OPEN_CASE, _CONTINUE_OPEN_CASE_ON_POSTGRESQL = _continue_open_case_statements()


def _stop_clocks_statement(condition: ColumnElement[bool]) -> Any:
    rc = ct.response_clocks
    at = bindparam("at", type_=rc.c.stopped_at.type)
    return (
        update(rc)
        .where(condition, rc.c.stopped_at.is_(None))
        .values(
            stopped_at=at,
            stop_reason=bindparam("reason", type_=rc.c.stop_reason.type),
            response_us=_MicrosecondsBetween(rc.c.started_at, at),
            stopped_by_message_id=bindparam("by", type_=BigInteger()),
        )
        .returning(rc.c.message_id, rc.c.seller_id, rc.c.started_at, rc.c.response_us)
    )


_TOUCH_LIVE_CASE_STATEMENT = (
    update(ct.cases)
    .where(
        ct.cases.c.thread_id == bindparam("thread", type_=BigInteger()),
        # A literal, the partial index's own term: SQLite uses uq_cases_live_thread for it.
        ct.cases.c.state != literal_column("'closed'"),
    )
    .values(
        last_activity_at=_moved_activity(bindparam("at", type_=ct.cases.c.last_activity_at.type))
    )
)
_STOP_ON_THREAD_STATEMENT = _stop_clocks_statement(
    ct.response_clocks.c.thread_id == bindparam("thread", type_=BigInteger())
)
# An answer: the live case's activity moves and the thread's running clocks stop. SQLite runs the
# two statements; PostgreSQL one, the case's UPDATE as a data-modifying CTE of the clocks' one.
_TOUCH_LIVE_CASE = DriverStatement(_TOUCH_LIVE_CASE_STATEMENT)
_STOP_ON_THREAD = DriverStatement(_STOP_ON_THREAD_STATEMENT)
_ANSWERED_ON_POSTGRESQL = DriverStatement(
    _STOP_ON_THREAD_STATEMENT.add_cte(
        _TOUCH_LIVE_CASE_STATEMENT.returning(ct.cases.c.id).cte("touched")
    )
)
_STOP_ONE = DriverStatement(
    _stop_clocks_statement(
        ct.response_clocks.c.message_id == bindparam("message", type_=BigInteger())
    )
)
_ROLL_UP_KEYS = ("seller_id", "day", "outcome", "clocks", "total_us")


def _roll_up_statement(insert_for: Any) -> DriverStatement:
    daily = ct.response_daily
    statement = insert_for(daily)
    return DriverStatement(
        statement.on_conflict_do_update(
            index_elements=[daily.c.seller_id, daily.c.day, daily.c.outcome],
            set_={
                "clocks": daily.c.clocks + statement.excluded.clocks,
                "total_us": daily.c.total_us + statement.excluded.total_us,
            },
        ),
        column_keys=_ROLL_UP_KEYS,
    )


_ROLL_UP = {
    "postgresql": _roll_up_statement(postgresql.insert),
    "sqlite": _roll_up_statement(sqlite.insert),
}


class SqlCaseRepository:
    """Cases: their current state (their history is in the append-only event log)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _values(self, case: Case) -> dict[str, Any]:
        return {
            "order_id": case.order_id,
            "thread_id": case.thread_id,
            "seller_id": case.seller_id,
            "buyer_id": case.buyer_id,
            "state": case.state,
            "opened_at": utc(case.opened_at),
            "last_activity_at": utc(case.last_activity_at),
            "resolved_at": _utc_or_none(case.resolved_at),
            "closed_at": _utc_or_none(case.closed_at),
            "survey_answered_at": _utc_or_none(case.survey_answered_at),
            "previous_case_id": case.previous_case_id,
            "buyer_reported_unresolved": case.buyer_reported_unresolved,
        }

    def add(self, case: Case) -> int:
        row = _ADD_CASE.first(self._c, self._values(case))
        assert row is not None  # INSERT ... RETURNING returns the new row
        return int(row.id)

    def save(self, case: Case) -> None:
        if case.id is None:
            raise ValueError("save() needs a stored case; use add() for a new one")
        _SAVE_CASE.rowcount(self._c, self._values(case) | {"case_id": case.id})

    def lock_newest(self, thread_id: int, seller_id: str) -> LockedCase:
        row = _NEWEST_CASE_LOCKED.first(self._c, {"thread": thread_id, "seller": seller_id})
        assert row is not None  # one row, with or without a case
        return LockedCase(case=None if row.id is None else _case(row), listened=bool(row.listened))

    def _one(self, query: Any, for_update: bool) -> Case | None:
        if for_update and self._c.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self._c.execute(query).first()
        return None if row is None else _case(row)

    def find(self, case_id: int, *, for_update: bool = False) -> Case | None:
        return self._one(select(ct.cases).where(ct.cases.c.id == case_id), for_update)

    def latest_for_thread(self, thread_id: int, *, for_update: bool = False) -> Case | None:
        query = (
            select(ct.cases)
            .where(ct.cases.c.thread_id == thread_id)
            .order_by(ct.cases.c.id.desc())
            .limit(1)
        )
        return self._one(query, for_update)

    def glance(self, thread_id: int) -> CaseGlance:
        row = _CASE_GLANCE.first(self._c, {"thread": thread_id})
        assert row is not None  # a SELECT without FROM has its one row
        return case_glance(row)

    def continue_open_case(self, clock: ResponseClock) -> ContinuedCase | None:
        params = {
            "thread": clock.thread_id,
            "at": utc(clock.started_at),
            "seller": clock.seller_id,
            "message": clock.message_id,
        }
        on_postgresql = self._c.dialect.name == "postgresql"
        statement = _CONTINUE_OPEN_CASE_ON_POSTGRESQL if on_postgresql else _TOUCH_OPEN_CASE
        row = statement.first(self._c, params)
        if row is None:
            return None
        if not on_postgresql:
            _START_CLOCK.rowcount(
                self._c,
                {
                    "message_id": clock.message_id,
                    "thread_id": clock.thread_id,
                    "seller_id": clock.seller_id,
                    "case_id": row.id,
                    "started_at": utc(clock.started_at),
                },
            )
        return ContinuedCase(case=_case(row), listened=bool(row.listened))

    def idle_resolved(self, *, quiet_since: datetime, limit: int) -> Sequence[Case]:
        rows = self._c.execute(
            select(ct.cases)
            .where(ct.cases.c.state == "resolved", ct.cases.c.last_activity_at <= utc(quiet_since))
            .order_by(ct.cases.c.last_activity_at, ct.cases.c.id)
            .limit(limit)
        ).all()
        return [_case(row) for row in rows]

    def search(
        self,
        *,
        seller_id: str | None = None,
        buyer_id: str | None = None,
        order_id: str | None = None,
        state: str | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> Sequence[Case]:
        query = select(ct.cases)
        for column, value in (
            (ct.cases.c.seller_id, seller_id),
            (ct.cases.c.buyer_id, buyer_id),
            (ct.cases.c.order_id, order_id),
            (ct.cases.c.state, state),
        ):
            if value is not None:
                query = query.where(column == value)
        if before_id is not None:
            query = query.where(ct.cases.c.id < before_id)
        rows = self._c.execute(query.order_by(ct.cases.c.id.desc()).limit(limit)).all()
        return [_case(row) for row in rows]


_CASE_GLANCE = _case_glance_statement()


def _case(row: Any) -> Case:
    return Case(
        id=row.id,
        order_id=row.order_id,
        thread_id=row.thread_id,
        seller_id=row.seller_id,
        buyer_id=row.buyer_id,
        state=row.state,
        opened_at=utc(row.opened_at),
        last_activity_at=utc(row.last_activity_at),
        resolved_at=_utc_or_none(row.resolved_at),
        closed_at=_utc_or_none(row.closed_at),
        previous_case_id=row.previous_case_id,
        buyer_reported_unresolved=bool(row.buyer_reported_unresolved),
        survey_answered_at=_utc_or_none(row.survey_answered_at),
    )


class SqlResponseClockRepository:
    """The 24-hour clocks: started with a buyer message, stopped with the answer."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def start(self, clock: ResponseClock, *, case_id: int | None) -> None:
        _START_CLOCK.rowcount(
            self._c,
            {
                "message_id": clock.message_id,
                "thread_id": clock.thread_id,
                "seller_id": clock.seller_id,
                "case_id": case_id,
                "started_at": utc(clock.started_at),
            },
        )

    def find(self, message_id: int) -> ResponseClock | None:
        row = self._c.execute(
            select(ct.response_clocks).where(ct.response_clocks.c.message_id == message_id)
        ).first()
        return None if row is None else _clock(row)

    def _rolled_up(self, rows: Sequence[Any], *, reason: StopReason, at: datetime) -> int:
        """Add the clocks just stopped to their sellers' daily roll-up, in the stop's transaction;
        returns how many there were."""
        groups: dict[tuple[str, Any, str], list[int]] = {}
        for row in rows:
            started = utc(row.started_at)
            finished = ResponseClock(row.message_id, row.seller_id, 0, started, at, reason)
            ended = outcome(finished)
            total = row.response_us if ended != "excluded" else 0
            group = groups.setdefault((row.seller_id, started.date(), ended), [0, 0])
            group[0] += 1
            group[1] += total
        roll_up = _ROLL_UP[self._c.dialect.name]
        for (seller_id, day, ended), (clocks, total) in groups.items():
            roll_up.rowcount(
                self._c,
                {
                    "seller_id": seller_id,
                    "day": day,
                    "outcome": ended,
                    "clocks": clocks,
                    "total_us": total,
                },
            )
        return len(rows)

    def stop_running_on_thread(
        self, thread_id: int, *, reason: StopReason, at: datetime, by_message_id: int | None
    ) -> int:
        at = utc(at)
        params = {"thread": thread_id, "at": at, "reason": reason, "by": by_message_id}
        return self._rolled_up(_STOP_ON_THREAD.rows(self._c, params), reason=reason, at=at)

    def stop(self, message_id: int, *, reason: StopReason, at: datetime) -> bool:
        at = utc(at)
        params = {"message": message_id, "at": at, "reason": reason, "by": None}
        return self._rolled_up(_STOP_ONE.rows(self._c, params), reason=reason, at=at) > 0

    def answered(self, thread_id: int, *, at: datetime, by_message_id: int) -> int:
        at = utc(at)
        params = {"thread": thread_id, "at": at, "reason": "answered", "by": by_message_id}
        if self._c.dialect.name == "postgresql":
            stopped = _ANSWERED_ON_POSTGRESQL.rows(self._c, params)
        else:
            _TOUCH_LIVE_CASE.rowcount(self._c, params)
            stopped = _STOP_ON_THREAD.rows(self._c, params)
        return self._rolled_up(stopped, reason="answered", at=at)

    def running_for_seller(self, seller_id: str, *, limit: int) -> Sequence[ResponseClock]:
        rows = self._c.execute(
            select(ct.response_clocks)
            .where(
                ct.response_clocks.c.seller_id == seller_id,
                ct.response_clocks.c.stopped_at.is_(None),
            )
            .order_by(ct.response_clocks.c.started_at, ct.response_clocks.c.message_id)
            .limit(limit)
        ).all()
        return [_clock(row) for row in rows]

    def claim_due_soon(self, *, now: datetime, limit: int) -> Sequence[ResponseClock]:
        now = utc(now)
        rc = ct.response_clocks
        # Time left in [0, 4 h): started in [now - 24 h, now - 20 h).
        query = (
            select(rc)
            .where(
                rc.c.stopped_at.is_(None),
                rc.c.due_soon_at.is_(None),
                rc.c.started_at >= now - RESPONSE_LIMIT,
                rc.c.started_at < now - (RESPONSE_LIMIT - DUE_SOON),
            )
            .order_by(rc.c.started_at)
            .limit(limit)
        )
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = self._c.execute(query).all()
        if rows:
            self._c.execute(
                update(rc)
                .where(rc.c.message_id.in_([row.message_id for row in rows]))
                .values(due_soon_at=now)
            )
        return [_clock(row) for row in rows]


def _tier_of(column: Any, lows: Sequence[Any]) -> Any:
    """The index of the narrowest window whose (exclusive) lower bound `column` is above.

    `lows` go from the narrowest window to the widest; the query's WHERE keeps `column` above the
    last one, so what fails every test is in the widest window.
    """
    if len(lows) == 1:
        return literal(0).label("tier")
    return case(
        *[(column > low, index) for index, low in enumerate(lows[:-1])], else_=len(lows) - 1
    ).label("tier")


def _answered_us(clock: ResponseClock) -> int:
    elapsed = clock.response_time
    return 0 if elapsed is None or clock.stop_reason != "answered" else _micros(elapsed)


def _clock(row: Row[Any]) -> ResponseClock:
    return ResponseClock(
        message_id=row.message_id,
        seller_id=row.seller_id,
        thread_id=row.thread_id,
        started_at=utc(row.started_at),
        stopped_at=_utc_or_none(row.stopped_at),
        stop_reason=row.stop_reason,
    )


class SqlWebhookRepository:
    """Webhook subscriptions (operator-managed) and the log of delivery attempts."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_subscription(self, subscription: WebhookSubscription, *, now: datetime) -> int:
        now = utc(now)
        return int(
            self._c.execute(
                ct.webhook_subscriptions.insert()
                .values(
                    url=subscription.url,
                    secret=subscription.secret,
                    events=list(subscription.events),
                    seller_id=subscription.seller_id,
                    description=subscription.description,
                    active=subscription.active,
                    created_at=now,
                    updated_at=now,
                )
                .returning(ct.webhook_subscriptions.c.id)
            ).scalar_one()
        )

    def find_subscription(self, subscription_id: int) -> WebhookSubscription | None:
        row = self._c.execute(
            select(ct.webhook_subscriptions).where(ct.webhook_subscriptions.c.id == subscription_id)
        ).first()
        return None if row is None else _subscription(row)

    def list_subscriptions(self) -> Sequence[WebhookSubscription]:
        rows = self._c.execute(
            select(ct.webhook_subscriptions).order_by(ct.webhook_subscriptions.c.id)
        ).all()
        return [_subscription(row) for row in rows]

    def set_active(self, subscription_id: int, active: bool, *, now: datetime) -> bool:
        result = self._c.execute(
            update(ct.webhook_subscriptions)
            .where(ct.webhook_subscriptions.c.id == subscription_id)
            .values(active=active, updated_at=utc(now))
        )
        return bool(result.rowcount)

    def matching(self, event_type: str, seller_id: str | None) -> Sequence[WebhookSubscription]:
        subs = ct.webhook_subscriptions
        scope: ColumnElement[bool] = subs.c.seller_id.is_(None)
        if seller_id is not None:
            scope = or_(scope, subs.c.seller_id == seller_id)
        rows = self._c.execute(
            select(subs).where(subs.c.active.is_(True), scope).order_by(subs.c.id)
        ).all()
        # Event lists are short JSON arrays; filtering here keeps the SQL the same on both backends.
        return [s for s in map(_subscription, rows) if event_type in s.events]

    def log_attempt(self, attempt: DeliveryAttempt) -> None:
        self._c.execute(
            ct.webhook_deliveries.insert().values(
                delivery_key=attempt.delivery_key,
                subscription_id=attempt.subscription_id,
                event_id=attempt.event_id,
                event_type=attempt.event_type,
                url=attempt.url,
                outcome=attempt.outcome,
                status_code=attempt.status_code,
                error=attempt.error,
                duration_ms=attempt.duration_ms,
                attempted_at=utc(attempt.attempted_at),
            )
        )

    def attempts(self, *, subscription_id: int | None, limit: int) -> Sequence[DeliveryAttempt]:
        log = ct.webhook_deliveries
        query = select(log).order_by(log.c.id.desc()).limit(limit)
        if subscription_id is not None:
            query = query.where(log.c.subscription_id == subscription_id)
        return [
            DeliveryAttempt(
                delivery_key=row.delivery_key,
                subscription_id=row.subscription_id,
                event_id=row.event_id,
                event_type=row.event_type,
                url=row.url,
                outcome=row.outcome,
                status_code=row.status_code,
                error=row.error,
                duration_ms=row.duration_ms,
                attempted_at=utc(row.attempted_at),
                id=row.id,
            )
            for row in self._c.execute(query).all()
        ]


def _subscription(row: Row[Any]) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        url=row.url,
        secret=row.secret,
        events=tuple(row.events),
        seller_id=row.seller_id,
        description=row.description,
        active=bool(row.active),
        created_at=utc(row.created_at),
    )


@dataclass
class _Parts:
    """One seller's pieces of the figures before folding them into windows."""

    # (first window index, bucket, clocks, answered microseconds): counts in that window and up.
    cumulative: list[tuple[int, str, int, int]] = field(default_factory=list)
    # (window index, bucket, clocks, answered microseconds): counts in that window only.
    single: list[tuple[int, str, int, int]] = field(default_factory=list)
    # Clocks stopped after `now`, classified one by one.
    later: list[ResponseClock] = field(default_factory=list)


# What a row of the metrics' one statement is part of (the `part` column of `_row`).
PART_CUMULATIVE = "cumulative"  # response figures counted in the row's tier and every wider one
PART_SINGLE = "single"  # response figures counted in the row's tier only (a window's first day)
PART_LATER = "later"  # one clock stopped after `now`
PART_BLOCKED, PART_BOUNCES, PART_UNRESOLVED = "blocked", "bounces", "unresolved"
PART_SELLER, PART_SENT, PART_ORDERS = "seller", "sent", "orders"


def _row(
    part: str,
    seller: Any,
    tier: Any,
    *,
    n: Any,
    bucket: Any = None,
    us: Any = None,
    started: Any = None,
    stopped: Any = None,
) -> Select[Any]:
    """A SELECT of the one shape every part of the metrics has, so they can be UNIONed.

    Columns: part, seller, tier (the narrowest window index), bucket (an outcome or a category),
    n (a count, or a clock's message id), us (microseconds, or a clock's thread id), started and
    stopped (a clock's times, for PART_LATER). Types are explicit so both databases agree.
    """
    moment = DateTime(timezone=True)
    return select(
        literal(part, String).label("part"),
        seller.label("seller"),
        tier.label("tier"),
        (literal(None, String) if bucket is None else bucket).label("bucket"),
        cast(n, BigInteger).label("n"),
        (literal(None, BigInteger) if us is None else cast(us, BigInteger)).label("us"),
        (literal(None, moment) if started is None else started).label("started"),
        (literal(None, moment) if stopped is None else stopped).label("stopped"),
    )


# Every time in the metrics' statements is a parameter, so that a statement is built once per set
# of window lengths and reused (`SqlMetricsReader._read`): building and hashing a SQLAlchemy
# construct of a dozen UNIONed SELECTs costs more client CPU than the database spends on it.
SELLER_ID = bindparam("seller_id", type_=String())
_STATEMENTS: dict[tuple[str, tuple[int, ...]], Any] = {}


def _moment(name: str) -> Any:
    """A timestamp parameter of the metrics' statements (values: `SqlMetricsReader._values`)."""
    return bindparam(name, type_=DateTime(timezone=True))


def _day(name: str) -> Any:
    """A date parameter of the metrics' statements."""
    return bindparam(name, type_=Date())


def _sent_part(*, day_counters: bool) -> Select[Any]:
    """The seller's delivered messages since `sent_since` (the daily limit's count).

    With `day_counters` (PostgreSQL), from the seller's counters of the days from `sent_day` on
    (kept with each message, migrations 0010 and 0014): a few rows, where the count read the heap
    row of each of the day's messages (today's index entries are not all-visible yet), one page
    each, a cost growing with the seller's traffic. `>=` as in the count: a message stamped after
    today (a clock ahead) counts. SQLite counts the day's entries of
    `ix_messages_sender_disposition`, a few dense index pages with no visibility check, and keeps
    no counters.
    """
    if day_counters:
        d = t.seller_daily_sends
        total = func.coalesce(func.sum(d.c.sent), 0)
        return _row(PART_SENT, SELLER_ID, literal(0), n=total).where(
            d.c.seller_id == SELLER_ID, d.c.day >= _day("sent_day")
        )
    m = t.messages
    return _row(PART_SENT, SELLER_ID, literal(0), n=func.count()).where(
        m.c.sender_id == SELLER_ID,
        m.c.disposition == "delivered",
        m.c.created_at >= _moment("sent_since"),
        m.c.direction == "seller_to_buyer",
    )


class _Reading:
    """The rows of one metrics statement, sorted by part and seller."""

    def __init__(self) -> None:
        self.parts: defaultdict[str, _Parts] = defaultdict(_Parts)
        self.totals: defaultdict[str, dict[str, int]] = defaultdict(dict)
        # part -> (seller, tier, bucket, n)
        self._rows: defaultdict[str, list[tuple[str, int, str | None, int]]] = defaultdict(list)

    def add(self, row: Row[Any]) -> None:
        part, seller = row.part, row.seller
        if part in (PART_CUMULATIVE, PART_SINGLE):
            entry = (int(row.tier), row.bucket, int(row.n), int(row.us or 0))
            target = self.parts[seller]
            (target.cumulative if part == PART_CUMULATIVE else target.single).append(entry)
        elif part == PART_LATER:
            self.parts[seller].later.append(
                ResponseClock(
                    message_id=int(row.n),
                    seller_id=seller,
                    thread_id=int(row.us),
                    started_at=utc(row.started),
                    stopped_at=_utc_or_none(row.stopped),
                    stop_reason=row.bucket,
                )
            )
        elif part in (PART_SELLER, PART_SENT, PART_ORDERS):
            self.totals[part][seller] = self.totals[part].get(seller, 0) + int(row.n)
        else:
            self._rows[part].append((seller, int(row.tier), row.bucket, int(row.n)))

    def by_window(self, part: str, ordered: Sequence[int]) -> dict[str, dict[int, int]]:
        """Per seller, per window (days, narrowest first): the part's counts."""
        result: dict[str, dict[int, int]] = {}
        for seller, tier, _, n in self._rows[part]:
            per_window = result.setdefault(seller, dict.fromkeys(ordered, 0))
            for days in ordered[tier:]:
                per_window[days] += n
        return result

    def blocked_by_window(self, ordered: Sequence[int]) -> dict[str, dict[int, dict[str, int]]]:
        """Per seller, per window: blocked messages per category."""
        result: dict[str, dict[int, dict[str, int]]] = {}
        for seller, tier, category, n in self._rows[PART_BLOCKED]:
            per_window = result.setdefault(seller, {days: {} for days in ordered})
            assert category is not None
            for days in ordered[tier:]:
                per_window[days][category] = per_window[days].get(category, 0) + n
        return result


class SqlMetricsReader:
    """The SQL behind the metrics: small grouped index scans, sent as one statement per request.

    Every part is a grouped query over a narrow index range, each row tagged with its tier: the
    narrowest window it falls in; wider windows are the cumulative sums of the narrower tiers.
    One seller's account health (`seller_health`) is all of its parts in one UNION ALL, hence one
    snapshot and one round trip. Inside `snapshot()` several reads share one connection and
    transaction, so they agree with each other (the all-sellers overview).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pinned = threading.local()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run the reads inside the block on one connection, as one consistent read."""
        if getattr(self._pinned, "connection", None) is not None:
            yield
            return
        with self._engine.connect() as connection:
            self._pinned.connection = connection
            try:
                yield
            finally:
                self._pinned.connection = None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        pinned = getattr(self._pinned, "connection", None)
        if pinned is not None:
            yield pinned
            return
        with self._engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # Outside snapshot() each read is one statement, which PostgreSQL answers from
                # one snapshot of its own: autocommit spares the BEGIN and ROLLBACK round trips.
                # (SQLite keeps its transaction: the engine's BEGIN IMMEDIATE is not optional.)
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    # --- Response figures: aggregates over small index ranges, folded per window. ---
    #
    # A window (now - d, now] is split into parts that each have a cheap exact answer:
    # - whole UTC days strictly inside it: finished clocks from the daily roll-up;
    # - its first, partial day, and today: finished clocks aggregated over that started_at range;
    # - running clocks, anywhere in it: overdue or pending, from the partial index of open clocks;
    # - clocks stopped after `now` (only when asking about the past): classified one by one,
    #   taking back what the roll-up counted for them.
    #
    # Every part, and every other measure of account health, is one small grouped SELECT with the
    # same columns (`_row`); a request sends them all as one UNION ALL, so one seller's whole
    # account health is one statement and one round trip to the database.

    @staticmethod
    def _plan(now: datetime, windows: Sequence[int]) -> tuple[list[datetime], list[Any]]:
        """The windows' lower bounds, narrowest first, and the edge ranges: one each, then today."""
        lows = [window_start(now, days) for days in sorted(windows)]
        edges = []
        for low in lows:
            midnight = datetime.combine(low.date() + timedelta(days=1), time(), tzinfo=UTC)
            edges.append((low, midnight))
        edges.append((datetime.combine(now.date(), time(), tzinfo=UTC), now))
        return lows, edges

    @classmethod
    def _values(cls, now: datetime, windows: Sequence[int]) -> dict[str, Any]:
        """The values of the statements' time parameters (see `_moment`, `_day`) as of `now`."""
        lows, edges = cls._plan(now, windows)
        values: dict[str, Any] = {
            "now": now,
            "today": now.date(),
            "overdue_before": now - RESPONSE_LIMIT,
        }
        for i, low in enumerate(lows):
            values[f"low_{i}"] = low
            values[f"low_day_{i}"] = low.date()
        for k, (start, end) in enumerate(edges):
            values[f"edge_start_{k}"] = start
            values[f"edge_end_{k}"] = end
        return values

    @staticmethod
    def _response_parts(scoped: bool, windows: Sequence[int]) -> list[Select[Any]]:
        """The SELECTs of the response figures' parts, in the shape of `_row`.

        Their shape depends only on the window lengths: every time is a parameter (`_values`).
        """
        rc, daily = ct.response_clocks, ct.response_daily
        days = sorted(windows)
        last = len(days) - 1
        lows = [_moment(f"low_{i}") for i in range(len(days))]
        low_days = [_day(f"low_day_{i}") for i in range(len(days))]
        now, today = _moment("now"), _day("today")
        queries: list[Select[Any]] = []

        def of_seller(query: Select[Any], column: Any) -> Select[Any]:
            return query.where(column == SELLER_ID) if scoped else query

        # Whole days: tier k holds the days inside every window from k up.
        rollup = (
            _row(PART_CUMULATIVE, daily.c.seller_id, _tier_of(daily.c.day, low_days),
                 bucket=daily.c.outcome, n=func.sum(daily.c.clocks),
                 us=func.sum(daily.c.total_us))
            .where(daily.c.day > low_days[-1], daily.c.day < today)
            .group_by(daily.c.seller_id, "tier", daily.c.outcome)
        )  # fmt: skip
        queries.append(of_seller(rollup, daily.c.seller_id))

        # Edge ranges: finished (as of now) clocks by outcome. Edge k < last belongs to window k
        # only (wider windows hold that day whole); today's edge belongs to every window.
        ended_as = case(
            (rc.c.stop_reason != "answered", "excluded"),
            (rc.c.response_us <= RESPONSE_LIMIT // timedelta(microseconds=1), "on_time"),
            else_="late",
        )
        answered_us = case((rc.c.stop_reason == "answered", rc.c.response_us), else_=0)
        for k in range(len(days) + 1):
            start, end = _moment(f"edge_start_{k}"), _moment(f"edge_end_{k}")
            today_edge = k == len(days)
            edge = (
                _row(PART_CUMULATIVE if today_edge else PART_SINGLE, rc.c.seller_id,
                     literal(0 if today_edge else k), bucket=ended_as, n=func.count(),
                     us=func.sum(answered_us))
                .where(
                    rc.c.started_at >= start if today_edge else rc.c.started_at > start,
                    rc.c.started_at <= end if today_edge else rc.c.started_at < end,
                    rc.c.stopped_at <= now,
                )
                .group_by(rc.c.seller_id, "bucket")
            )  # fmt: skip
            queries.append(of_seller(edge, rc.c.seller_id))

        # Running clocks: overdue once more than 24 hours old. Counted per started_at range, each
        # a plain count over the partial index of open clocks (no per-row expressions).
        overdue_before = _moment("overdue_before")
        widest_first = list(reversed(days))
        bounds = [*reversed(lows), now]
        for k in range(len(days)):
            # The tier's own started_at range is (low, high]; overdue means started_at < now - 24 h,
            # possible only if the range starts more than a day ago; pending (24 h or less old)
            # only if it reaches into the last day.
            low, high, tier = bounds[k], bounds[k + 1], last - k
            in_tier = (rc.c.started_at > low, rc.c.started_at <= high)
            reaches_last_day = k == last or widest_first[k + 1] <= 1
            for bucket, split, possible in (
                ("overdue", rc.c.started_at < overdue_before, widest_first[k] > 1),
                ("pending", rc.c.started_at >= overdue_before, reaches_last_day),
            ):
                if not possible:
                    continue
                running = (
                    _row(PART_CUMULATIVE, rc.c.seller_id, literal(tier), bucket=literal(bucket),
                         n=func.count())
                    .where(rc.c.stopped_at.is_(None), *in_tier, split)
                    .group_by(rc.c.seller_id)
                )  # fmt: skip
                queries.append(of_seller(running, rc.c.seller_id))

        # Stopped after `now`: none at the present time. Only the stopped_at condition, so that
        # the partial index of stopped clocks is the one to use; the few rows found are filtered
        # by window in _fold. One row per clock: n carries the message id, us the thread id.
        later = _row(
            PART_LATER, rc.c.seller_id, literal(0), bucket=rc.c.stop_reason, n=rc.c.message_id,
            us=rc.c.thread_id, started=rc.c.started_at, stopped=rc.c.stopped_at,
        ).where(rc.c.stopped_at > now)  # fmt: skip
        queries.append(of_seller(later, rc.c.seller_id))
        return queries

    @staticmethod
    def _tier(column: Any, windows: Sequence[int]) -> tuple[Any, Any]:
        """A CASE giving the narrowest window (index) `column` falls in, and the widest bound."""
        lows = [_moment(f"low_{i}") for i in range(len(windows))]
        return _tier_of(column, lows), lows[-1]

    @classmethod
    def _blocked_part(cls, scoped: bool, windows: Sequence[int]) -> Select[Any]:
        """Blocked seller messages per blocking category, per seller and tier."""
        m, f = t.messages, t.findings
        tier, low = cls._tier(m.c.created_at, windows)
        query = (
            _row(PART_BLOCKED, m.c.sender_id, tier, bucket=f.c.category,
                 n=func.count(func.distinct(m.c.id)))
            .select_from(m.join(f, f.c.message_id == m.c.id))
            .where(
                m.c.disposition == "blocked",
                m.c.created_at > low,
                m.c.created_at <= _moment("now"),
                m.c.direction == "seller_to_buyer",
                f.c.severity == "block",
            )
            .group_by(m.c.sender_id, f.c.category, "tier")
        )  # fmt: skip
        return query.where(m.c.sender_id == SELLER_ID) if scoped else query

    @classmethod
    def _bounces_part(cls, scoped: bool, windows: Sequence[int]) -> Select[Any]:
        """Messages bounced because the buyer opted out, per seller and tier."""
        m = t.messages
        tier, low = cls._tier(m.c.created_at, windows)
        query = (
            _row(PART_BOUNCES, m.c.sender_id, tier, n=func.count())
            .where(
                m.c.disposition == "bounced",
                m.c.created_at > low,
                m.c.created_at <= _moment("now"),
                m.c.direction == "seller_to_buyer",
            )
            .group_by(m.c.sender_id, "tier")
        )
        return query.where(m.c.sender_id == SELLER_ID) if scoped else query

    @classmethod
    def _unresolved_part(cls, scoped: bool, windows: Sequence[int]) -> Select[Any]:
        """Cases the buyer reported unresolved (shown, never counted), per seller and tier."""
        c = ct.cases
        tier, low = cls._tier(c.c.opened_at, windows)
        query = (
            _row(PART_UNRESOLVED, c.c.seller_id, tier, n=func.count())
            .where(
                c.c.buyer_reported_unresolved.is_(True),
                c.c.opened_at > low,
                c.c.opened_at <= _moment("now"),
            )
            .group_by(c.c.seller_id, "tier")
        )
        return query.where(c.c.seller_id == SELLER_ID) if scoped else query

    @classmethod
    def _health_parts(cls, windows: Sequence[int], *, day_counters: bool) -> list[Select[Any]]:
        """One seller's whole account health: the seller, every measure, the daily limit."""
        o, s = t.orders, t.sellers
        exists = _row(PART_SELLER, s.c.id, literal(0), n=literal(1)).where(s.c.id == SELLER_ID)
        sent = _sent_part(day_counters=day_counters)
        orders = _row(PART_ORDERS, SELLER_ID, literal(0), n=func.count()).where(
            o.c.seller_id == SELLER_ID, o.c.purchased_at >= _moment("orders_since")
        )
        return [
            exists,
            *cls._response_parts(True, windows),
            cls._blocked_part(True, windows),
            cls._bounces_part(True, windows),
            cls._unresolved_part(True, windows),
            sent,
            orders,
        ]

    def _read(
        self,
        name: str,
        build: Callable[[], Sequence[Select[Any]]],
        windows: Sequence[int],
        values: dict[str, Any],
    ) -> _Reading:
        """Run the named statement (built once per window lengths) in one round trip."""
        key = (name, tuple(sorted(windows)))
        statement = _STATEMENTS.get(key)
        if statement is None:
            queries = build()
            statement = queries[0] if len(queries) == 1 else union_all(*queries)
            # Built once and kept: SQLAlchemy then reuses its cache key and compiled form. The
            # callers use a few fixed sets of windows; the bound only guards against odd ones.
            if len(_STATEMENTS) >= 64:
                _STATEMENTS.clear()
            _STATEMENTS[key] = statement
        reading = _Reading()
        with self._connect() as connection:
            for row in connection.execute(statement, values):
                reading.add(row)
        return reading

    @staticmethod
    def _fold(
        parts: _Parts, *, now: datetime, windows: Sequence[int]
    ) -> dict[int, ResponseFigures]:
        ordered = sorted(windows)
        counts: list[defaultdict[str, int]] = [defaultdict(int) for _ in ordered]
        totals = [0] * len(ordered)
        for tier, bucket, n, us in parts.cumulative:
            for index in range(tier, len(ordered)):
                counts[index][bucket] += n
                totals[index] += us
        for index, bucket, n, us in parts.single:
            counts[index][bucket] += n
            totals[index] += us
        today = now.date()
        for clock in parts.later:
            for index, days in enumerate(ordered):
                low = window_start(now, days)
                if not low < clock.started_at <= now:
                    continue
                if low.date() < clock.started_at.date() < today:
                    # The roll-up counted a stop that, as of `now`, has not happened yet.
                    counts[index][outcome(clock)] -= 1
                    totals[index] -= _answered_us(clock)
                counts[index][classify(clock, now)] += 1
        return {
            days: ResponseFigures(
                window_days=days,
                on_time=counts[i]["on_time"],
                late=counts[i]["late"],
                overdue=counts[i]["overdue"],
                pending=counts[i]["pending"],
                excluded=counts[i]["excluded"],
                total_response_seconds=totals[i] / 1_000_000,
            )
            for i, days in enumerate(ordered)
        }

    def response_figures(
        self, seller_id: str, *, now: datetime, windows: Sequence[int]
    ) -> dict[int, ResponseFigures]:
        now = utc(now)
        reading = self._read(
            "response_figures:seller",
            lambda: self._response_parts(True, windows),
            windows,
            self._values(now, windows) | {"seller_id": seller_id},
        )
        return self._fold(reading.parts.get(seller_id, _Parts()), now=now, windows=windows)

    def response_figures_for_all(
        self, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, ResponseFigures]]:
        now = utc(now)
        reading = self._read(
            "response_figures:all",
            lambda: self._response_parts(False, windows),
            windows,
            self._values(now, windows),
        )
        figures = {
            seller: self._fold(p, now=now, windows=windows) for seller, p in reading.parts.items()
        }
        # Sellers whose clocks all fell outside every window are not reported.
        return {
            seller: f
            for seller, f in figures.items()
            if any(w.due + w.pending + w.excluded for w in f.values())
        }

    def seller_health(
        self,
        seller_id: str,
        *,
        now: datetime,
        windows: Sequence[int],
        sent_since: datetime,
        orders_since: datetime,
    ) -> SellerReading | None:
        """One seller's whole account health in one statement; None for an unknown seller."""
        now = utc(now)
        values = self._values(now, windows) | {
            "seller_id": seller_id,
            "sent_since": utc(sent_since),
            "orders_since": utc(orders_since),
        }
        day_counters = self._counts_by_day(sent_since)
        if day_counters:
            values["sent_day"] = utc(sent_since).date()
        reading = self._read(
            "health:day counters" if day_counters else "health",
            lambda: self._health_parts(windows, day_counters=day_counters),
            windows,
            values,
        )
        if not reading.totals[PART_SELLER].get(seller_id):
            return None
        ordered = sorted(windows)
        return SellerReading(
            figures=self._fold(reading.parts.get(seller_id, _Parts()), now=now, windows=windows),
            blocked=reading.blocked_by_window(ordered).get(seller_id, {}),
            bounces=reading.by_window(PART_BOUNCES, ordered).get(seller_id, {}),
            reported_unresolved=reading.by_window(PART_UNRESOLVED, ordered).get(seller_id, {}),
            sent=reading.totals[PART_SENT].get(seller_id, 0),
            orders=reading.totals[PART_ORDERS].get(seller_id, 0),
        )

    def seller_exists(self, seller_id: str) -> bool:
        with self._connect() as connection:
            found = connection.execute(
                select(t.sellers.c.id).where(t.sellers.c.id == seller_id)
            ).first()
        return found is not None

    def sent_since(self, seller_id: str, since: datetime) -> int:
        day_counters = self._counts_by_day(since)
        values: dict[str, Any] = {"seller_id": seller_id, "sent_since": utc(since)}
        if day_counters:
            values["sent_day"] = utc(since).date()
        with self._connect() as connection:
            row = connection.execute(_sent_part(day_counters=day_counters), values).one()
        return int(row.n)

    def _counts_by_day(self, since: datetime) -> bool:
        """Whether the day's counters answer "delivered since `since`": on PostgreSQL, which
        keeps them (migration 0010), for a count from a UTC midnight on (they hold whole days)."""
        return self._engine.dialect.name == "postgresql" and utc(since).time() == time()

    def orders_since(self, seller_id: str, since: datetime) -> int:
        o = t.orders
        query = (
            select(func.count())
            .select_from(o)
            .where(o.c.seller_id == seller_id, o.c.purchased_at >= utc(since))
        )
        with self._connect() as connection:
            return int(connection.execute(query).scalar_one())

    # --- Blocks, bounces, the survey flag: per seller (or every seller) and window. ---

    def _one_measure(
        self,
        name: str,
        build: Callable[[bool, Sequence[int]], Select[Any]],
        seller_id: str | None,
        now: datetime,
        windows: Sequence[int],
    ) -> _Reading:
        scoped = seller_id is not None
        values = self._values(utc(now), windows) | ({"seller_id": seller_id} if scoped else {})
        return self._read(
            f"{name}:{'seller' if scoped else 'all'}",
            lambda: [build(scoped, windows)],
            windows,
            values,
        )

    def blocked_by_category(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, dict[str, int]]]:
        """Per seller, per window: blocked messages per blocking category."""
        reading = self._one_measure("blocked", self._blocked_part, seller_id, now, windows)
        return reading.blocked_by_window(sorted(windows))

    def bounces(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, int]]:
        """Per seller, per window: messages bounced because the buyer opted out."""
        reading = self._one_measure("bounces", self._bounces_part, seller_id, now, windows)
        return reading.by_window(PART_BOUNCES, sorted(windows))

    def reported_unresolved(
        self, seller_id: str | None, *, now: datetime, windows: Sequence[int]
    ) -> dict[str, dict[int, int]]:
        """Per seller, per window: cases the buyer reported unresolved (shown, never counted)."""
        reading = self._one_measure("unresolved", self._unresolved_part, seller_id, now, windows)
        return reading.by_window(PART_UNRESOLVED, sorted(windows))


class SqlSubscriptionLookup:
    """Reads one webhook subscription in its own short transaction (the worker's composer)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __call__(self, subscription_id: int) -> WebhookSubscription | None:
        with self._engine.connect() as connection:
            return SqlWebhookRepository(connection).find_subscription(subscription_id)


class SqlDeliveryLog:
    """Writes one webhook delivery attempt in its own transaction (the webhook transport)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __call__(self, attempt: DeliveryAttempt) -> None:
        with self._engine.begin() as connection:
            SqlWebhookRepository(connection).log_attempt(attempt)
