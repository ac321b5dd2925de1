"""Case routes: list and read cases, resolve them, and the buyer's "Did this solve your problem?".

Everyone sees only the cases they are a party to (operators and auditors see all); another
party's case answers 404. Changing a case: the seller (or an operator) resolves, the buyer answers
the survey, an operator closes a live case that needs nothing more (with a reason), and idle
resolved cases close by themselves. Auditors read, never write. The webhook subscription routes
(webhooks.py) are included here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from gobetween.domain.cases import MAX_REASON_CHARS, Actor, Case
from gobetween.entrypoints.http.api import webhooks
from gobetween.entrypoints.http.api.callers import (
    Anyone,
    BuyerOnly,
    Operator,
    SellerOrOperator,
    Services,
)
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.services import cases
from gobetween.services.access import Principal

router = APIRouter(route_class=ApiRoute, tags=["cases"], responses=ERROR_RESPONSES)
# Ids are 64-bit in the database: anything larger cannot name a case.
CaseId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class CaseOut(BaseModel):
    """A case: one customer-service matter on one order."""

    id: int
    order_id: str
    thread_id: int
    seller_id: str
    buyer_id: str
    state: Literal["opened", "resolved", "closed"]
    opened_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    previous_case_id: int | None = Field(description="The closed case this follow-up continues.")
    buyer_reported_unresolved: bool = Field(
        description="The buyer answered 'No' to 'Did this solve your problem?'. Shown, never "
        "counted in account health."
    )
    survey_pending: bool = Field(description="Resolved, and the buyer has not answered yet.")

    @classmethod
    def of(cls, case: Case) -> CaseOut:
        assert case.id is not None
        return cls(
            id=case.id,
            order_id=case.order_id,
            thread_id=case.thread_id,
            seller_id=case.seller_id,
            buyer_id=case.buyer_id,
            state=case.state,
            opened_at=case.opened_at,
            last_activity_at=case.last_activity_at,
            resolved_at=case.resolved_at,
            closed_at=case.closed_at,
            previous_case_id=case.previous_case_id,
            buyer_reported_unresolved=case.buyer_reported_unresolved,
            survey_pending=case.survey_pending,
        )


class CaseChangeOut(BaseModel):
    """One change of a case, from the append-only event log."""

    at: datetime
    action: str
    actor: str
    from_state: str | None
    to_state: str
    reason: str | None = Field(default=None, description="Why, when the actor said (closing).")


class CaseDetailOut(CaseOut):
    history: list[CaseChangeOut]


class CasePage(BaseModel):
    items: list[CaseOut]
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )


class CloseRequest(BaseModel):
    """Why an operator closes the case; recorded in its history with who and when."""

    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, examples=["Duplicate of 4711."])


class SurveyAnswer(BaseModel):
    """The buyer's answer to "Did this solve your problem?"."""

    solved: bool


@router.get("/cases", response_model=CasePage, summary="List cases, newest first")
def list_cases_route(
    principal: Anyone,
    services: Services,
    state: Literal["opened", "resolved", "closed"] | None = None,
    order_id: Annotated[str | None, Query(max_length=19)] = None,
    seller_id: Annotated[
        str | None, Query(max_length=64, description="Operators and auditors only.")
    ] = None,
    before: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Cursor: ids below this.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CasePage:
    found = cases.list_cases(
        viewer=principal.actor,
        uow=services.unit_of_work(),
        state=state,
        order_id=order_id,
        seller_id=seller_id,
        before_id=before,
        limit=limit,
    )
    items = [CaseOut.of(case) for case in found]
    return CasePage(items=items, next_before=items[-1].id if len(items) == limit else None)


@router.get("/cases/{case_id}", response_model=CaseDetailOut, summary="A case and its history")
def get_case_route(case_id: CaseId, principal: Anyone, services: Services) -> CaseDetailOut:
    detail = cases.get_case(case_id=case_id, viewer=principal.actor, uow=services.unit_of_work())
    history = [
        CaseChangeOut(
            at=datetime.fromisoformat(str(event.data["at"])),
            action=str(event.data["action"]),
            actor=event.actor,
            from_state=event.data.get("from"),
            to_state=str(event.data["to"]),
            reason=event.data.get("reason"),
        )
        for event in detail.history
    ]
    return CaseDetailOut(**CaseOut.of(detail.case).model_dump(), history=history)


@router.post("/cases/{case_id}/resolve", response_model=CaseOut, summary="Mark a case resolved")
def resolve_case_route(case_id: CaseId, principal: SellerOrOperator, services: Services) -> CaseOut:
    """The buyer is then asked "Did this solve your problem?"; 409 when the case is not opened."""
    resolved = cases.resolve_case(
        case_id=case_id,
        actor=principal.actor,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return CaseOut.of(resolved)


@router.post(
    "/cases/{case_id}/survey",
    response_model=CaseOut,
    summary='Answer "Did this solve your problem?"',
)
def answer_survey_route(
    case_id: CaseId, answer: SurveyAnswer, principal: BuyerOnly, services: Services
) -> CaseOut:
    """Yes closes the case; No flags it `buyer_reported_unresolved` and keeps it resolved."""
    answered = cases.answer_survey(
        case_id=case_id,
        solved=answer.solved,
        actor=principal.actor,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return CaseOut.of(answered)


def operator_actor(principal: Principal) -> Actor:
    """An operator as the event log names it: which token acted, so the history says who."""
    if principal.token_id is None:
        return principal.actor
    return Actor("operator", f"token-{principal.token_id}")


@router.post(
    "/operator/cases/{case_id}/close",
    response_model=CaseOut,
    summary="Close a live case that needs nothing more (operators)",
)
def close_case_route(
    case_id: CaseId, body: CloseRequest, principal: Operator, services: Services
) -> CaseOut:
    """An opened or resolved case is closed at once (spam, a duplicate, settled elsewhere); the
    reason goes into its history. A closed case is final: 409 `case_closed`."""
    closed = cases.close_case(
        case_id=case_id,
        reason=body.reason,
        actor=operator_actor(principal),
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return CaseOut.of(closed)


router.include_router(webhooks.router)
