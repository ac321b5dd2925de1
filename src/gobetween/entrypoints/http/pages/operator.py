"""The operator's pages: the reported-messages queue, sellers with their health, the policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.adapters.db.web_queries import SqlWebQueries
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.entrypoints.http.pages.web import (
    CSRF_FIELD,
    PageError,
    access_uow,
    check_csrf,
    platform,
    principal,
    redirect,
    render,
    require,
)
from gobetween.policy.categories import (
    PROACTIVE_CATEGORIES,
    SELLER_CATEGORIES,
    SYSTEM_CATEGORIES,
    WARNING_CATEGORIES,
)
from gobetween.policy.profiles import get_profile
from gobetween.services.metrics import all_response_figures
from gobetween.services.reports import handle_report, report_queue

router = APIRouter(prefix="/operator")


@router.get("/reports", response_model=None)
def reports(request: Request, status: str = "open") -> Response:
    """Reported messages, oldest first, with the message and a way to close each."""
    require(request, "operator")
    if status not in ("open", "handled"):
        status = "open"
    queue = report_queue(uow=access_uow(request), status=status, limit=100)
    with access_uow(request) as uow:
        messages = {report.message_id: uow.messages.find(report.message_id) for report in queue}
        threads = {
            m.thread_id: uow.threads.find(m.thread_id) for m in messages.values() if m is not None
        }
    return render(
        request,
        "operator/reports.html",
        title="Reported messages",
        section="reports",
        reports=queue,
        messages=messages,
        threads=threads,
        status=status,
        notice=request.query_params.get("notice"),
    )


@router.post("/reports/{report_id}/handle", response_model=None)
def handle(
    request: Request,
    report_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    resolution: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Close a report with what was done about it."""
    session = require(request, "operator")
    check_csrf(session, csrf_token)
    try:
        handle_report(
            report_id,
            resolution=resolution,
            operator=principal(session),
            uow=access_uow(request),
            clock=platform(request).clock,
        )
    except NotFound:
        raise PageError(404, "There is no such report.") from None
    except InvalidInput as error:
        raise PageError(422, f"The report was not closed: {error.problem}") from None
    return redirect("/operator/reports", notice=f"Report {report_id} closed.")


@router.get("/sellers", response_model=None)
def sellers(request: Request) -> Response:
    """Every seller with its response figures over 7, 30 and 90 days."""
    require(request, "operator")
    wired = platform(request)
    figures = all_response_figures(reader=SqlMetricsReader(wired.engine), clock=wired.clock)
    return render(
        request,
        "operator/sellers.html",
        title="Sellers",
        section="sellers",
        sellers=SqlWebQueries(wired.engine).sellers(),
        figures=figures,
    )


@router.get("/policy", response_model=None)
def policy(request: Request) -> Response:
    """The active policy profile: what blocks, what warns, the limits; seller overrides."""
    require(request, "operator")
    wired = platform(request)
    profile = get_profile(wired.messaging_limits.policy_profile)
    with access_uow(request) as uow:
        stored = uow.access.seller_policies.all_profiles()
    return render(
        request,
        "operator/policy.html",
        title="Policy profile",
        section="policy",
        profile=profile,
        stored_profiles=stored,
        limits=wired.messaging_limits,
        groups=(
            ("Every seller message", SELLER_CATEGORIES),
            ("Proactive seller messages", PROACTIVE_CATEGORIES),
            ("Decided from the system's facts", SYSTEM_CATEGORIES),
            ("Warnings (never block)", WARNING_CATEGORIES),
        ),
    )
