"""The auditor's pages (operators may use them too): any thread, read-only, with its evidence."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.adapters.db.web_queries import SqlWebQueries
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.orders import check_order_id
from gobetween.entrypoints.http.pages.web import (
    PageError,
    platform,
    principal,
    read_engine,
    read_uow,
    redirect,
    render,
    require,
    secure,
)
from gobetween.services.audit import verify_chains
from gobetween.services.cases import get_case
from gobetween.services.evidence import export_thread_evidence
from gobetween.services.inbox import get_thread

router = APIRouter(prefix="/auditor")


@router.get("/threads", response_model=None)
def threads(request: Request, order_id: str = "") -> Response:
    """Find a thread by order id, or pick one of the latest."""
    require(request, "auditor", "operator")
    queries = SqlWebQueries(read_engine(request))
    error = None
    wanted = order_id.strip()
    if wanted:
        try:
            check_order_id(wanted)
        except InvalidInput:
            error = "Enter an order id like 114-3941689-8772232."
        else:
            thread_id = queries.thread_for_order(wanted)
            if thread_id is not None:
                return redirect(f"/auditor/threads/{thread_id}")
            error = f"Order {wanted} has no messages."
    return render(
        request,
        "auditor/threads.html",
        title="Threads",
        section="threads",
        threads=queries.recent_threads(limit=50),
        order_id=wanted,
        error=error,
    )


@router.get("/threads/{thread_id}", response_model=None)
def thread(request: Request, thread_id: int, verify: str = "") -> Response:
    """A thread read-only: order, messages with verdicts and findings, cases, chain status."""
    session = require(request, "auditor", "operator")
    wired = platform(request)
    try:
        view = get_thread(
            thread_id,
            viewer=principal(session),
            uow=read_uow(request),
            alias_domain=wired.settings.alias_domain,
        )
    except NotFound:
        raise PageError(404, "There is no such thread.") from None
    reading = read_engine(request)
    report = None
    if verify:
        report = verify_chains(reader=SqlEvidenceReader(reading), thread_id=thread_id)
    cases = [
        get_case(case_id=case_id, viewer=principal(session).actor, uow=read_uow(request))
        for case_id in SqlWebQueries(reading).case_ids(thread_id)
    ]
    with read_uow(request) as uow:
        buyer = uow.buyers.find(view.thread.buyer_id)
    return render(
        request,
        "auditor/thread.html",
        title=f"Thread {thread_id}",
        section="threads",
        view=view,
        clocks={},
        cases=cases,
        report=report,
        buyer_language=buyer.language if buyer else None,
    )


@router.get("/threads/{thread_id}/evidence.json", response_model=None)
def evidence(request: Request, thread_id: int) -> Response:
    """The thread's evidence file: one JSON document to attach to a claim or a chargeback."""
    session = require(request, "auditor", "operator")
    wired = platform(request)
    reading = read_engine(request)
    queries = SqlWebQueries(reading)
    try:
        document = export_thread_evidence(
            thread_id,
            viewer=principal(session),
            uow=read_uow(request),
            reader=SqlEvidenceReader(reading),
            clock=wired.clock,
            case_ids=queries.case_ids,
        )
    except NotFound:
        raise PageError(404, "There is no such thread.") from None
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    filename = f"evidence-{document['order']['id']}-thread-{thread_id}.json"
    response = Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    return secure(response)
