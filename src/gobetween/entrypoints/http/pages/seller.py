"""The seller's pages: inbox, thread, contact buyer with the live check, health, settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.response_times import ResponseClock
from gobetween.entrypoints.http.pages import health
from gobetween.entrypoints.http.pages.compose import (
    ComposeState,
    check_draft,
    compose_state,
    send_draft,
)
from gobetween.entrypoints.http.pages.web import (
    CSRF_FIELD,
    PageError,
    access_uow,
    actor,
    check_csrf,
    platform,
    principal,
    read_uow,
    redirect,
    render,
    require,
)
from gobetween.services.access_ports import INBOX_VIEWS
from gobetween.services.cases import mark_no_response_needed, resolve_case
from gobetween.services.inbox import ThreadView, contact_options, get_thread, list_inbox
from gobetween.services.preferences import set_bounce_notices
from gobetween.services.reports import REPORT_REASONS, report_message

router = APIRouter(prefix="/seller")

VIEW_TABS = (
    ("requires_response", "Requires response"),
    ("sent", "Sent"),
    ("blocked", "Blocked"),
    ("all", "All"),
)
PAGE_SIZE = 50


@router.get("/inbox", response_model=None)
def inbox(
    request: Request,
    view: str = "requires_response",
    q: str = "",
    cursor: str | None = None,
) -> Response:
    """The inbox: requires response first (least time left), or sent, blocked, all; search."""
    session = require(request, "seller")
    wired = platform(request)
    if view not in INBOX_VIEWS:
        view = "requires_response"
    query = q.strip()
    order_id = alias = None
    search_error = None
    if query:
        if "@" in query:
            alias = query
        else:
            order_id = query
    try:
        page = list_inbox(
            viewer=principal(session),
            uow=read_uow(request),
            alias_domain=wired.settings.alias_domain,
            view="all" if query else view,
            order_id=order_id,
            alias=alias,
            cursor=cursor,
            limit=PAGE_SIZE,
        )
    except InvalidInput as error:
        search_error = _search_problem(error)
        page = None
    # An order of this seller with no messages yet: offer to contact the buyer.
    contactable = None
    if order_id and page is not None and not page.entries:
        try:
            contactable = contact_options(
                order_id, viewer=principal(session), uow=read_uow(request), clock=wired.clock
            ).order
        except (NotFound, InvalidInput):
            contactable = None
    return render(
        request,
        "seller/inbox.html",
        title="Inbox",
        section="inbox",
        view=view,
        tabs=VIEW_TABS,
        q=query,
        page=page,
        search_error=search_error,
        contactable=contactable,
        notice=request.query_params.get("notice"),
    )


def _search_problem(error: InvalidInput) -> str:
    if error.field == "order_id":
        return "Enter an order id like 114-3941689-8772232, or paste the buyer's alias address."
    if error.field in ("alias", "address"):
        return f"That is not an alias address of this marketplace: {error.problem}"
    return str(error)


@router.get("/threads/{thread_id}", response_model=None)
def thread_page(request: Request, thread_id: int) -> Response:
    """One thread: order panel, messages with verdicts, the answer form."""
    require(request, "seller")
    return _thread(request, session_thread(request, thread_id), compose=None)


def session_thread(request: Request, thread_id: int) -> ThreadView:
    """The thread if it is the signed-in party's, else a 404 page."""
    session = require(request, "seller", "buyer", "operator", "auditor")
    wired = platform(request)
    try:
        return get_thread(
            thread_id,
            viewer=principal(session),
            uow=read_uow(request),
            alias_domain=wired.settings.alias_domain,
        )
    except NotFound:
        raise PageError(404, "There is no such conversation.") from None


def thread_state(request: Request, view: ThreadView) -> dict[str, Any]:
    """The running clocks of the thread's buyer messages and its newest case."""
    uow = read_uow(request)
    with uow:
        clocks: dict[int, ResponseClock] = {}
        for message in view.messages:
            if message.direction == "buyer_to_seller" and message.id is not None:
                clock = uow.response_clocks.find(message.id)
                if clock is not None:
                    clocks[message.id] = clock
        case = uow.cases.latest_for_thread(view.thread.id)
        buyer = uow.buyers.find(view.thread.buyer_id)
    return {"clocks": clocks, "case": case, "buyer_language": buyer.language if buyer else None}


def _thread(
    request: Request,
    view: ThreadView,
    *,
    compose: ComposeState | None,
    status_code: int = 200,
) -> HTMLResponse:
    state = thread_state(request, view)
    if compose is None:
        compose = compose_state(
            request, view.order.id, mode="reply", reason="other", subject=_reply_subject(view)
        )
    return render(
        request,
        "seller/thread.html",
        status_code=status_code,
        title=f"Order {view.order.id}",
        section="inbox",
        view=view,
        compose=compose,
        report_reasons=REPORT_REASONS,
        notice=request.query_params.get("notice"),
        **state,
    )


def _reply_subject(view: ThreadView) -> str:
    last = next(
        (m for m in reversed(view.messages) if m.direction == "buyer_to_seller"),
        None,
    )
    if last is None or not last.subject:
        return f"Your order {view.order.id}"
    return last.subject if last.subject.lower().startswith("re:") else f"Re: {last.subject}"


@router.post("/threads/{thread_id}/reply", response_model=None)
async def reply(request: Request, thread_id: int) -> Response:
    """Answer the buyer; a blocked answer comes back highlighted, with the draft kept."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items()}
    response: Response = await run_in_threadpool(_reply, request, thread_id, fields)
    return response


def _reply(request: Request, thread_id: int, form: dict[str, str]) -> Response:
    session = require(request, "seller")
    check_csrf(session, form.get(CSRF_FIELD))
    view = session_thread(request, thread_id)
    compose = compose_state(
        request,
        view.order.id,
        mode="reply",
        reason="other",
        template_id=form.get("template_id") or None,
        subject=form.get("subject", ""),
        text=form.get("text", ""),
        fields={k[len("field_") :]: v for k, v in form.items() if k.startswith("field_")},
    )
    if "rewrite" in form:
        # "Use this rewrite": the suggestion replaces the draft; nothing is sent yet.
        return _thread(
            request, view, compose=check_draft(request, compose.with_rewrite(form["rewrite"]))
        )
    if "choose" in form:
        return _thread(request, view, compose=check_draft(request, compose))
    outcome = send_draft(request, compose)
    if outcome.sent:
        return redirect(f"/seller/threads/{thread_id}", notice=outcome.notice)
    return _thread(
        request, session_thread(request, thread_id), compose=outcome.compose, status_code=422
    )


@router.post("/messages/{message_id}/no-response-needed", response_model=None)
def no_response_needed(
    request: Request,
    message_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    thread_id: Annotated[int, Form()] = 0,
) -> Response:
    """Stop the message's 24-hour clock: it needs no answer."""
    session = require(request, "seller")
    check_csrf(session, csrf_token)
    wired = platform(request)
    try:
        mark_no_response_needed(
            message_id=message_id, actor=actor(session), uow=wired.unit_of_work(), clock=wired.clock
        )
    except NotFound:
        raise PageError(404, "There is no such message waiting for you.") from None
    return redirect(f"/seller/threads/{thread_id}", notice="Marked as needing no response.")


@router.post("/messages/{message_id}/report", response_model=None)
def report(
    request: Request,
    message_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    thread_id: Annotated[int, Form()] = 0,
    reason: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Report the buyer's message to the marketplace; it leaves the response-time figures."""
    session = require(request, "seller")
    check_csrf(session, csrf_token)
    wired = platform(request)
    try:
        report_message(
            message_id,
            reason=reason,
            note=note,
            reporter=principal(session),
            uow=access_uow(request),
            clock=wired.clock,
        )
    except NotFound:
        raise PageError(404, "There is no such message.") from None
    except InvalidInput as error:
        raise PageError(422, f"The report was not sent: {error.problem}") from None
    return redirect(
        f"/seller/threads/{thread_id}", notice="Reported. The marketplace will review it."
    )


@router.post("/cases/{case_id}/resolve", response_model=None)
def resolve(
    request: Request,
    case_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    thread_id: Annotated[int, Form()] = 0,
) -> Response:
    """Mark the case resolved; the buyer is asked whether it solved the problem."""
    session = require(request, "seller")
    check_csrf(session, csrf_token)
    wired = platform(request)
    try:
        resolve_case(
            case_id=case_id, actor=actor(session), uow=wired.unit_of_work(), clock=wired.clock
        )
    except NotFound:
        raise PageError(404, "There is no such case.") from None
    except Refused as error:
        raise PageError(409, f"The case cannot be resolved now: {error.reason}") from None
    return redirect(
        f"/seller/threads/{thread_id}",
        notice="Marked resolved. The buyer is asked whether this solved the problem.",
    )


@router.get("/orders/{order_id}/contact", response_model=None)
def contact_page(request: Request, order_id: str, reason: str = "", template: str = "") -> Response:
    """Contact buyer: the reasons this order allows, a template or free text, the live check."""
    require(request, "seller")
    compose = compose_state(
        request, order_id, mode="contact", reason=reason or None, template_id=template or None
    )
    return _contact(request, compose)


def _contact(request: Request, compose: ComposeState, *, status_code: int = 200) -> HTMLResponse:
    return render(
        request,
        "seller/contact.html",
        status_code=status_code,
        title=f"Contact buyer · {compose.order.id}",
        section="inbox",
        compose=compose,
    )


@router.post("/orders/{order_id}/contact", response_model=None)
async def contact_send(request: Request, order_id: str) -> Response:
    """Send a proactive message (or apply a rewrite); a blocked one comes back highlighted."""
    form = await request.form()
    return await _in_thread(request, _contact_send, order_id, {k: str(v) for k, v in form.items()})


def _contact_send(request: Request, order_id: str, form: dict[str, str]) -> Response:
    session = require(request, "seller")
    check_csrf(session, form.get(CSRF_FIELD))
    compose = compose_state(
        request,
        order_id,
        mode="contact",
        reason=form.get("reason") or None,
        template_id=form.get("template_id") or None,
        subject=form.get("subject", ""),
        text=form.get("text", ""),
        fields={k[len("field_") :]: v for k, v in form.items() if k.startswith("field_")},
    )
    if "rewrite" in form:
        compose = check_draft(request, compose.with_rewrite(form["rewrite"]))
        return _contact(request, compose)
    if "choose" in form:
        return _contact(request, check_draft(request, compose))
    outcome = send_draft(request, compose)
    if outcome.sent and outcome.thread_id is not None:
        return redirect(f"/seller/threads/{outcome.thread_id}", notice=outcome.notice)
    return _contact(request, outcome.compose, status_code=422)


@router.post("/orders/{order_id}/check", response_model=None)
async def live_check(request: Request, order_id: str) -> Response:
    """The live compliance check (htmx): findings with highlighted spans, rewrite, preview."""
    form = await request.form()
    return await _in_thread(request, _live_check, order_id, {k: str(v) for k, v in form.items()})


def _live_check(request: Request, order_id: str, form: dict[str, str]) -> Response:
    session = require(request, "seller")
    check_csrf(session, form.get(CSRF_FIELD))
    compose = compose_state(
        request,
        order_id,
        mode=form.get("mode", "contact"),
        reason=form.get("reason") or None,
        template_id=form.get("template_id") or None,
        subject=form.get("subject", ""),
        text=form.get("text", ""),
        fields={k[len("field_") :]: v for k, v in form.items() if k.startswith("field_")},
    )
    return render(request, "seller/_check.html", compose=check_draft(request, compose))


async def _in_thread(
    request: Request, handler: Any, order_id: str, form: dict[str, str]
) -> Response:
    # The handlers read the database; keep them off the event loop like the plain `def` pages.
    response: Response = await run_in_threadpool(handler, request, order_id, form)
    return response


@router.get("/health", response_model=None)
def health_page(request: Request) -> Response:
    """Account health: response figures, trend chart, blocked by category, daily limit."""
    session = require(request, "seller")
    seller_id = session.account.seller_id
    assert seller_id is not None
    return render(
        request,
        "seller/health.html",
        title="Account health",
        section="health",
        **health.seller_health(request, seller_id),
    )


@router.get("/settings", response_model=None)
def settings_page(request: Request) -> Response:
    """Notification settings: bounce notices for opted-out buyers."""
    session = require(request, "seller")
    seller_id = session.account.seller_id
    with read_uow(request) as uow:
        seller = uow.sellers.find(seller_id or "")
    if seller is None:
        raise PageError(404, "This account's seller is not known to the marketplace.")
    return render(
        request,
        "seller/settings.html",
        title="Settings",
        section="settings",
        seller=seller,
        notice=request.query_params.get("notice"),
    )


@router.post("/settings/notifications", response_model=None)
def save_notifications(
    request: Request,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    bounce_notices: Annotated[str | None, Form()] = None,
) -> Response:
    """Switch the opt-out bounce notices on or off."""
    session = require(request, "seller")
    check_csrf(session, csrf_token)
    wired = platform(request)
    set_bounce_notices(
        session.account.seller_id or "",
        bounce_notices == "on",
        uow=wired.unit_of_work(),
        clock=wired.clock,
    )
    return redirect("/seller/settings", notice="Notification settings saved.")
