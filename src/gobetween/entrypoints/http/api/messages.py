"""Acting on one message: mark "No response needed", report it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from gobetween.entrypoints.http.api.callers import Party, SellerOrOperator, Services
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.entrypoints.http.api.schemas import (
    ClockOut,
    ReportIn,
    ReportOut,
    report_out,
)
from gobetween.services.cases import mark_no_response_needed
from gobetween.services.reports import report_message

router = APIRouter(tags=["messages"], route_class=ApiRoute, responses=ERROR_RESPONSES)
MessageId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/messages/{message_id}/no-response-needed", response_model=ClockOut)
def no_response_needed(
    caller: SellerOrOperator, services: Services, message_id: MessageId
) -> ClockOut:
    """Stop the 24-hour clock of a buyer message that needs no answer ("Thanks!")."""
    clock = mark_no_response_needed(
        message_id=message_id,
        actor=caller.actor,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return ClockOut(
        message_id=clock.message_id, stopped_at=clock.stopped_at, stop_reason=clock.stop_reason
    )


@router.post("/messages/{message_id}/report", response_model=ReportOut, status_code=201)
def report(caller: Party, services: Services, message_id: MessageId, body: ReportIn) -> ReportOut:
    """Report a message written to you: it goes to the operator's queue and needs no answer."""
    queued = report_message(
        message_id,
        reason=body.reason,
        note=body.note,
        reporter=caller,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return report_out(queued)
