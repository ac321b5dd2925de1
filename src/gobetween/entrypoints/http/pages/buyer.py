"""The buyer's pages: orders, a thread with the answer box, the survey, the opt-out switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gobetween.adapters.db.web_queries import SqlWebQueries
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.entrypoints.http.pages.web import (
    CSRF_FIELD,
    PageError,
    access_uow,
    actor,
    check_csrf,
    platform,
    principal,
    read_engine,
    read_uow,
    redirect,
    render,
    require,
    sending,
)
from gobetween.services.cases import answer_survey
from gobetween.services.inbox import get_thread, visible_message, visible_order
from gobetween.services.preferences import set_buyer_opt_out
from gobetween.services.reports import REPORT_REASONS, report_message
from gobetween.services.sending import Draft, send_message

router = APIRouter(prefix="/buyer")


@router.get("/orders", response_model=None)
def orders(request: Request) -> Response:
    """The buyer's orders, newest first, each with its conversation."""
    session = require(request, "buyer")
    buyer_id = session.account.buyer_id or ""
    summaries = SqlWebQueries(read_engine(request)).buyer_orders(buyer_id)
    return render(
        request,
        "buyer/orders.html",
        title="Your orders",
        section="orders",
        orders=summaries,
        notice=request.query_params.get("notice"),
    )


@router.get("/threads/{thread_id}", response_model=None)
def thread_redirect(request: Request, thread_id: int) -> Response:
    """Threads are shown on their order's page."""
    session = require(request, "buyer")
    try:
        view = get_thread(
            thread_id,
            viewer=principal(session),
            uow=read_uow(request),
            alias_domain=platform(request).settings.alias_domain,
        )
    except NotFound:
        raise PageError(404, "There is no such conversation.") from None
    notice = request.query_params.get("notice")
    return redirect(f"/buyer/orders/{view.order.id}", notice=notice)


@router.get("/orders/{order_id}", response_model=None)
def order_page(request: Request, order_id: str) -> Response:
    """One order: its conversation with the seller, the survey, and the message box."""
    # Errors and drafts come only from this site's own form handlers, never from the query
    # string, so that a link cannot put words in the page's error box.
    return _order_page(request, order_id)


def _order_page(
    request: Request,
    order_id: str,
    *,
    draft: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    session = require(request, "buyer")
    wired = platform(request)
    viewer = principal(session)
    try:
        with read_uow(request) as uow:
            order = visible_order(uow, order_id, viewer)
            buyer = uow.buyers.find(order.buyer_id)
            seller = uow.sellers.find(order.seller_id)
    except NotFound:
        raise PageError(404, "There is no such order among yours.") from None
    queries = SqlWebQueries(read_engine(request))
    thread_id = queries.thread_for_order(order.id)
    view = None
    case = None
    reported: frozenset[int] = frozenset()
    if thread_id is not None:
        view = get_thread(
            thread_id,
            viewer=viewer,
            uow=read_uow(request),
            alias_domain=wired.settings.alias_domain,
        )
        with read_uow(request) as uow:
            case = uow.cases.latest_for_thread(thread_id)
        reported = queries.reported_message_ids(
            [m.id for m in view.messages if m.id is not None and m.direction == "seller_to_buyer"]
        )
    return render(
        request,
        "buyer/order.html",
        status_code=status_code,
        title=f"Order {order.id}",
        section="orders",
        order=order,
        seller=seller,
        buyer=buyer,
        view=view,
        case=case,
        clocks={},
        buyer_language=buyer.language if buyer else None,
        report_reasons=REPORT_REASONS,
        reported=reported,
        draft=draft,
        error=error,
        notice=request.query_params.get("notice"),
    )


@router.post("/orders/{order_id}/messages", response_model=None)
def write(
    request: Request,
    order_id: str,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    subject: Annotated[str, Form(max_length=500)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Send the buyer's message to the seller."""
    session = require(request, "buyer")
    check_csrf(session, csrf_token)
    if not text.strip():
        return _order_page(
            request, order_id, draft=text, error="Write your message first.", status_code=422
        )
    try:
        send_message(
            Draft(order_id=order_id, subject=subject.strip() or None, text=text),
            sender=principal(session),
            sending=sending(request),
        )
    except NotFound:
        raise PageError(404, "There is no such order among yours.") from None
    except (InvalidInput, Refused) as error:
        return _order_page(request, order_id, draft=text, error=str(error), status_code=422)
    return redirect(f"/buyer/orders/{order_id}", notice="Sent to the seller.")


@router.post("/messages/{message_id}/report", response_model=None)
def report(
    request: Request,
    message_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    reason: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Report the seller's message to the marketplace: it goes to the operator's queue."""
    session = require(request, "buyer")
    check_csrf(session, csrf_token)
    reporter = principal(session)
    try:
        # The order to come back to; the same party check the report itself makes.
        with read_uow(request) as uow:
            _message, thread = visible_message(uow, message_id, reporter)
    except NotFound:
        raise PageError(404, "There is no such message among yours.") from None
    try:
        report_message(
            message_id,
            reason=reason,
            note=note,
            reporter=reporter,
            uow=access_uow(request),
            clock=platform(request).clock,
        )
    except InvalidInput as error:
        return _order_page(
            request, thread.order_id, error=f"The report was not sent: {error}", status_code=422
        )
    return redirect(
        f"/buyer/orders/{thread.order_id}", notice="Reported. The marketplace will review it."
    )


@router.post("/cases/{case_id}/survey", response_model=None)
def survey(
    request: Request,
    case_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    order_id: Annotated[str, Form(max_length=19)] = "",
    solved: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Answer "Did this solve your problem?"."""
    session = require(request, "buyer")
    check_csrf(session, csrf_token)
    if solved not in ("yes", "no"):
        raise PageError(422, "Answer yes or no.")
    wired = platform(request)
    try:
        answer_survey(
            case_id=case_id,
            solved=solved == "yes",
            actor=actor(session),
            uow=wired.unit_of_work(),
            clock=wired.clock,
        )
    except NotFound:
        raise PageError(404, "There is no such case.") from None
    except (Refused, InvalidInput) as error:
        raise PageError(409, f"The answer was not recorded: {error}") from None
    notice = (
        "Thank you. The case is closed."
        if solved == "yes"
        else "Thank you. The seller is told the problem is not solved."
    )
    return redirect(f"/buyer/orders/{order_id}", notice=notice)


@router.get("/settings", response_model=None)
def settings_page(request: Request) -> Response:
    """Message settings: the opt-out switch."""
    session = require(request, "buyer")
    with read_uow(request) as uow:
        buyer = uow.buyers.find(session.account.buyer_id or "")
    if buyer is None:
        raise PageError(404, "This account's buyer is not known to the marketplace.")
    return render(
        request,
        "buyer/settings.html",
        title="Message settings",
        section="settings",
        buyer=buyer,
        notice=request.query_params.get("notice"),
    )


@router.post("/settings/opt-out", response_model=None)
def opt_out(
    request: Request,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    opted_out: Annotated[str | None, Form()] = None,
) -> Response:
    """Opt out of (or back into) sellers' non-critical messages."""
    session = require(request, "buyer")
    check_csrf(session, csrf_token)
    wired = platform(request)
    choice = opted_out == "on"
    set_buyer_opt_out(
        session.account.buyer_id or "", choice, uow=wired.unit_of_work(), clock=wired.clock
    )
    notice = (
        "You are opted out: sellers can still send messages needed to complete your orders."
        if choice
        else "You receive all messages from sellers again."
    )
    return redirect("/buyer/settings", notice=notice)
