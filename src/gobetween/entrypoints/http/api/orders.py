"""An order's contact page: the reasons it allows, its templates rendered, and sending."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import Engine

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.entrypoints.http.api.callers import (
    Party,
    SellerOnly,
    SellerOrReader,
    Services,
    bearer,
    caller,
    party,
    wired_services,
    write_batches,
)
from gobetween.entrypoints.http.api.errors import (
    ERROR_RESPONSES,
    ApiRoute,
    DailyLimitError,
    DailyLimitProblem,
)
from gobetween.entrypoints.http.api.schemas import (
    ContactReasonsOut,
    RenderIn,
    RenderOut,
    SendIn,
    SendOut,
    contact_reasons_out,
    send_json,
)
from gobetween.services.inbox import contact_options
from gobetween.services.sending import Draft, SendOutcome, preview_template, send_message

router = APIRouter(tags=["orders"], route_class=ApiRoute, responses=ERROR_RESPONSES)
OrderId = Annotated[str, Path(pattern=r"^\d{3}-\d{7}-\d{7}$", examples=["114-3941689-8772232"])]
TemplateId = Annotated[str, Path(max_length=64)]


@router.get("/orders/{order_id}/contact-reasons", response_model=ContactReasonsOut)
def read_contact_reasons(
    caller: SellerOrReader, services: Services, order_id: OrderId
) -> ContactReasonsOut:
    """Offered reasons, missing ones with the rule that removed them, and the templates."""
    options = contact_options(
        order_id,
        viewer=caller,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
        window_days=services.platform.settings.proactive_window_days,
    )
    return contact_reasons_out(options)


@router.post("/orders/{order_id}/templates/{template_id}/render", response_model=RenderOut)
def render(
    caller: SellerOnly,
    services: Services,
    order_id: OrderId,
    template_id: TemplateId,
    body: RenderIn,
) -> RenderOut:
    """Fill a template in the buyer's language, without sending it (a preview)."""
    rendered = preview_template(
        order_id, template_id, fields=body.fields, viewer=caller, uow=services.unit_of_work()
    )
    return RenderOut(
        template_id=rendered.template_id,
        contact_reason=rendered.reason,
        language=rendered.language,
        subject=rendered.subject,
        text=rendered.text,
    )


def send(
    request: Request, caller: Party, services: Services, order_id: OrderId, body: SendIn
) -> Response:
    """Send a message on an order: checked, stored as evidence, delivered unless blocked.

    A blocked message is stored and not delivered: 201 with `disposition` "blocked" and the
    findings with their spans and suggested rewrites. Over the daily limit: 429.
    """
    draft = Draft(
        order_id=order_id,
        text=body.text,
        subject=body.subject,
        contact_reason=body.contact_reason,
        template_id=body.template_id,
        fields=body.fields,
        attachments=tuple(body.attachments),
        initiation=body.initiation,
    )
    committer = write_batches(request)
    if committer is None:
        # The send reads the order, its parties and the seller's settings in its own transaction.
        outcome = send_message(draft, sender=caller, sending=services.sending)
    else:
        # The whole send runs as one job of the batch: its reads and its write see one
        # connection, and the answer waits for the batch's COMMIT.
        def job(batch: Engine) -> SendOutcome:
            in_batch = replace(services.sending, uow_factory=lambda: SqlAccessUnitOfWork(batch))
            return send_message(draft, sender=caller, sending=in_batch)

        outcome = committer.run(job)
    if outcome.daily_limit is not None:
        raise DailyLimitError(
            limit=outcome.daily_limit.limit,
            count=outcome.daily_limit.count,
            reset=outcome.daily_limit.resets_at,
            message_id=outcome.result.message_id,
        )
    # Already JSON: FastAPI hands a Response over as it is (SendOut documents its shape).
    return Response(send_json(outcome), status_code=201, media_type="application/json")


class SendRoute(ApiRoute):
    """The send route, its common request answered without FastAPI's request handling.

    FastAPI solves a route's dependencies anew for every request, generically (the party gate,
    the caller, the bearer token, the wiring: a cache key, scope checks and a call each), then
    validates the path and the body and hands `send` to the thread pool: 15 % of the event
    loop's time under sends (py-spy). A request with a JSON body that `SendIn` accepts and
    path parameters FastAPI accepts is answered here by the same calls in the order FastAPI
    makes them (the caller's gate, the wiring, `send` in the thread pool), so a bad token is
    still 401 and a foreign order 404: 0.42 M instructions less per send in the server process,
    4.78 -> 4.35 M (callgrind, PostgreSQL). Anything else (another content type, a body or order
    id FastAPI would refuse with its own 422) takes FastAPI's way (`ApiRoute.valid_parameters`).
    """

    async def answer_directly(self, request: Request) -> Response | None:
        parameters = self.valid_parameters(request)
        if parameters is None or request.headers.get("content-type") != "application/json":
            return None
        try:
            raw = await request.body()
        except Exception as error:
            # FastAPI's answer when the body cannot be read (the client went away).
            raise HTTPException(400, "There was an error parsing the body") from error
        try:
            # As FastAPI validates a body model: json.loads, then the model in Python mode.
            body = SendIn.model_validate(json.loads(raw), from_attributes=True)
        except (ValueError, ValidationError):
            return None
        principal = await party(await caller(request, await bearer(request)))
        services = await wired_services(request)
        response: Response = await run_in_threadpool(
            send, request, principal, services, parameters["order_id"], body
        )
        return response


router.add_api_route(
    "/orders/{order_id}/messages",
    send,
    methods=["POST"],
    response_model=SendOut,
    status_code=201,
    responses={429: {"model": DailyLimitProblem, "description": "Daily limit or rate limit"}},
    route_class_override=SendRoute,
)
