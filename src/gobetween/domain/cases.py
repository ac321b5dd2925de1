"""Cases: the customer-service matters on an order, their states and who may move them.

A case groups the messages about one matter on one order (system.md, Cases):

    opened  --resolve-->  resolved  --confirm-->  closed
                          resolved  --expire--->  closed
                          resolved  --reopen--->  opened
    opened  --close---->  closed
                          resolved  --close---->  closed

Every allowed move is one line of `TRANSITIONS`, with the roles that may take it. Each move returns
a `CaseChange`, which the services store as an append-only event. A closed case is final: the
buyer's follow-up opens a new case that links back to it (`previous_case_id`).

The survey "Did this solve your problem?" is asked once a case is resolved. "Yes" closes the case
(the buyer confirms); "No" sets `buyer_reported_unresolved` and leaves the case resolved, so the
seller can answer again or mark "No response needed". The flag is shown, never counted in account
health.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from gobetween.domain.errors import InvalidInput, Refused

CaseState = Literal["opened", "resolved", "closed"]
CaseAction = Literal["open", "resolve", "confirm", "expire", "reopen", "close"]
Role = Literal["buyer", "seller", "operator", "auditor", "system"]

CASE_STATES: tuple[CaseState, ...] = ("opened", "resolved", "closed")
ROLES: tuple[Role, ...] = ("buyer", "seller", "operator", "auditor", "system")


@dataclass(frozen=True, slots=True)
class Transition:
    """One edge of the case state table: from a state, by an action, to a state, for some roles."""

    source: CaseState
    action: CaseAction
    target: CaseState
    roles: frozenset[Role]
    meaning: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("opened", "resolve", "resolved", frozenset({"seller", "operator"}),
               "the seller marks the matter solved; the buyer is asked to confirm"),
    Transition("resolved", "confirm", "closed", frozenset({"buyer"}),
               "the buyer answers 'Yes' to 'Did this solve your problem?'"),
    Transition("resolved", "expire", "closed", frozenset({"system"}),
               "no activity for the configured number of idle days"),
    Transition("resolved", "reopen", "opened", frozenset({"buyer"}),
               "the buyer writes again before the case closed"),
    Transition("opened", "close", "closed", frozenset({"operator"}),
               "an operator closes a case that needs nothing more (spam, duplicate)"),
    Transition("resolved", "close", "closed", frozenset({"operator"}),
               "an operator closes a resolved case without waiting for the buyer or the idle days"),
)  # fmt: skip
MAX_REASON_CHARS = 500

_EDGES: dict[tuple[CaseState, CaseAction], Transition] = {
    (edge.source, edge.action): edge for edge in TRANSITIONS
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who takes an action: a role and, for parties, their id."""

    role: Role
    id: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InvalidInput(
                "actor.role", f"must be one of {', '.join(ROLES)}; got {self.role!r}"
            )

    def __str__(self) -> str:
        return f"{self.role}:{self.id}" if self.id else self.role


SYSTEM = Actor("system")


@dataclass(frozen=True, slots=True)
class Case:
    """One case. `last_activity_at` is the last message or change: idle days count from it."""

    id: int | None
    order_id: str
    thread_id: int
    seller_id: str
    buyer_id: str
    state: CaseState
    opened_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    previous_case_id: int | None = None
    buyer_reported_unresolved: bool = False
    survey_answered_at: datetime | None = None

    @property
    def survey_pending(self) -> bool:
        """Whether the buyer should now be asked "Did this solve your problem?"."""
        return self.state == "resolved" and self.survey_answered_at is None


@dataclass(frozen=True, slots=True)
class CaseChange:
    """What happened to a case: the event the services store and announce (`case.changed`)."""

    action: CaseAction | Literal["survey_no"]
    source: CaseState | None
    target: CaseState
    actor: Actor
    at: datetime
    # Why, when the actor gave a reason (an operator closing a case must).
    reason: str | None = None

    def as_data(self) -> dict[str, str | None]:
        """The event payload: plain JSON types (`reason` only when one was given)."""
        data = {
            "action": self.action,
            "from": self.source,
            "to": self.target,
            "actor": str(self.actor),
            "at": self.at.isoformat(),
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return data


def check_reason(reason: object) -> str:
    """A reason for a case change: text of 1 to MAX_REASON_CHARS characters, trimmed."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("reason", "must say why, in 1 to 500 characters")
    if len(reason.strip()) > MAX_REASON_CHARS:
        raise InvalidInput(
            "reason", f"must be at most {MAX_REASON_CHARS} characters; got {len(reason.strip())}"
        )
    return reason.strip()


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("at", f"must be a timezone-aware UTC time; got {at!r}")


def open_case(
    *,
    order_id: str,
    thread_id: int,
    seller_id: str,
    buyer_id: str,
    at: datetime,
    actor: Actor,
    previous_case_id: int | None = None,
) -> tuple[Case, CaseChange]:
    """Open a new case because a buyer wrote (or an operator opened one by hand)."""
    _check_aware(at)
    if actor.role not in ("buyer", "operator"):
        raise Refused(
            "case_transition", f"a {actor.role} may not open a case; the buyer's message does"
        )
    case = Case(
        id=None,
        order_id=order_id,
        thread_id=thread_id,
        seller_id=seller_id,
        buyer_id=buyer_id,
        state="opened",
        opened_at=at,
        last_activity_at=at,
        previous_case_id=previous_case_id,
    )
    return case, CaseChange("open", None, "opened", actor, at)


def find_transition(state: CaseState, action: CaseAction) -> Transition | None:
    """The edge leaving `state` by `action`, or None when the table has no such line."""
    return _EDGES.get((state, action))


def transition(
    case: Case, action: CaseAction, *, actor: Actor, at: datetime, reason: str | None = None
) -> tuple[Case, CaseChange]:
    """Take one edge of the state table; Refused when no such edge or the actor may not take it.

    `reason`, if given, is checked (`check_reason`) and recorded with the change.
    """
    _check_aware(at)
    if reason is not None:
        reason = check_reason(reason)
    edge = find_transition(case.state, action)
    if edge is None:
        allowed = sorted(e.action for e in TRANSITIONS if e.source == case.state)
        hint = f"allowed: {', '.join(allowed)}" if allowed else "a closed case is final"
        code = "case_closed" if case.state == "closed" else "case_transition"
        raise Refused(code, f"cannot {action} a case that is {case.state} ({hint})")
    if actor.role not in edge.roles:
        who = " or ".join(sorted(edge.roles))
        raise Refused("case_transition", f"only the {who} may {action} a case that is {case.state}")
    changed = replace(case, state=edge.target, last_activity_at=max(at, case.last_activity_at))
    if edge.target == "resolved":
        # A new resolution asks the survey afresh; an earlier "No" stays visible until then.
        changed = replace(changed, resolved_at=at, survey_answered_at=None)
    elif edge.target == "closed":
        changed = replace(changed, closed_at=at)
    elif edge.target == "opened":
        changed = replace(changed, resolved_at=None)
    return changed, CaseChange(action, case.state, edge.target, actor, at, reason)


def answer_survey(
    case: Case, *, solved: bool, actor: Actor, at: datetime
) -> tuple[Case, CaseChange]:
    """Record the buyer's answer to "Did this solve your problem?".

    Yes confirms the resolution and closes the case. No sets `buyer_reported_unresolved` and keeps
    the case resolved: the seller may answer again or mark "No response needed".
    """
    _check_aware(at)
    if actor.role != "buyer":
        raise Refused("case_transition", "only the buyer answers 'Did this solve your problem?'")
    if case.state != "resolved":
        raise Refused(
            "case_transition",
            f"the survey is asked once a case is resolved; this one is {case.state}",
        )
    if case.survey_answered_at is not None:
        raise Refused("case_transition", "the survey for this resolution was already answered")
    if solved:
        closed, change = transition(case, "confirm", actor=actor, at=at)
        return replace(closed, survey_answered_at=at), change
    flagged = replace(
        case,
        buyer_reported_unresolved=True,
        survey_answered_at=at,
        last_activity_at=max(at, case.last_activity_at),
    )
    return flagged, CaseChange("survey_no", "resolved", "resolved", actor, at)


def record_activity(case: Case, *, at: datetime) -> Case:
    """Note a message on the case: idle days restart from it. A closed case takes no messages."""
    _check_aware(at)
    if case.state == "closed":
        raise Refused("case_closed", f"case {case.id} is closed; a follow-up opens a new case")
    return replace(case, last_activity_at=max(at, case.last_activity_at))


def is_idle(case: Case, *, now: datetime, idle_days: int) -> bool:
    """Whether a resolved case has had no activity for `idle_days` (exactly N days is idle)."""
    if idle_days <= 0:
        raise InvalidInput("idle_days", f"must be greater than 0; got {idle_days}")
    return case.state == "resolved" and now - case.last_activity_at >= timedelta(days=idle_days)
