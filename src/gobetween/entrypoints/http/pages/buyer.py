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
    redirect,
    render,
    require,
    sending,
)
from gobetween.services.cases import answer_survey
from gobetween.services.inbox import get_thread, visible_order
from gobetween.services.preferences import set_buyer_opt_out
from gobetween.services.reports import REPORT_REASONS
from gobetween.services.sending import Draft, send_message

router = APIRouter(prefix="/buyer")


@router.get("/orders", response_model=None)
def orders(request: Request) -> Response:
    """The buyer's orders, newest first, each with its conversation."""
    session = require(request, "buyer")
    buyer_id = session.account.buyer_id or ""
    summaries = SqlWebQueries(platform(request).engine).buyer_orders(buyer_id)
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
            uow=access_uow(request),
            alias_domain=platform(request).settings.alias_domain,
        )
    except NotFound:
        raise PageError(404, "There is no such conversation.") from None
    notice = request.query_params.get("notice")
    return redirect(f"/buyer/orders/{view.order.id}", notice=notice)


@router.get("/orders/{order_id}", response_model=None)
def order_page(request: Request, order_id: str, text: str = "", error: str = "") -> Response:
    """One order: its conversation with the seller, the survey, and the message box."""
    session = require(request, "buyer")
    wired = platform(request)
    viewer = principal(session)
    try:
        with access_uow(request) as uow:
            order = visible_order(uow, order_id, viewer)
            buyer = uow.buyers.find(order.buyer_id)
            seller = uow.sellers.find(order.seller_id)
    except NotFound:
        raise PageError(404, "There is no such order among yours.") from None
    queries = SqlWebQueries(wired.engine)
    thread_id = queries.thread_for_order(order.id)
    view = None
    case = None
    if thread_id is not None:
        view = get_thread(
            thread_id,
            viewer=viewer,
            uow=access_uow(request),
            alias_domain=wired.settings.alias_domain,
        )
        with wired.unit_of_work() as uow:
            case = uow.cases.latest_for_thread(thread_id)
    return render(
        request,
        "buyer/order.html",
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
        draft=text,
        error=error or None,
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
        return order_page(request, order_id, text=text, error="Write your message first.")
    try:
        send_message(
            Draft(order_id=order_id, subject=subject.strip() or None, text=text),
            sender=principal(session),
            sending=sending(request),
        )
    except NotFound:
        raise PageError(404, "There is no such order among yours.") from None
    except (InvalidInput, Refused) as error:
        return order_page(request, order_id, text=text, error=str(error))
    return redirect(f"/buyer/orders/{order_id}", notice="Sent to the seller.")


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
    with platform(request).unit_of_work() as uow:
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
