"""Who calls the SP-API surface and with what: the seller, the marketplace id, the JSON body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from gobetween.bootstrap.spapi import SpapiServices, build_spapi_services
from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.http.api.callers import api_services
from gobetween.entrypoints.http.app_state import kept_on_app
from gobetween.entrypoints.http.spapi.errors import (
    MAX_BODY_BYTES,
    BodyTooLargeError,
    UnsupportedMediaTypeError,
)
from gobetween.entrypoints.http.spapi.limits import UsagePlan, UsagePlans
from gobetween.services.access import Principal
from gobetween.services.spapi import MARKETPLACE_IDS
from gobetween.services.spapi_credentials import authenticate_seller


def spapi_services(request: Request) -> SpapiServices:
    """The SP-API wiring, built on first use from the app's platform and kept on the app."""
    return kept_on_app(
        request, "spapi_services", lambda: build_spapi_services(api_services(request))
    )


def usage_plans(request: Request) -> UsagePlans:
    scale = request.app.state.platform.settings.spapi_rate_limit_scale
    return kept_on_app(request, "spapi_usage_plans", lambda: UsagePlans(scale))


Services = Annotated[SpapiServices, Depends(spapi_services)]


def seller(
    services: Services,
    x_amz_access_token: Annotated[str | None, Header()] = None,
) -> Principal:
    """The seller an `x-amz-access-token` stands for (403 Unauthorized without a valid one).

    The `Authorization` header of old SigV4-signing clients is ignored, as is `Host`.
    """
    return authenticate_seller(
        x_amz_access_token, uow=services.unit_of_work(), clock=services.api.platform.clock
    )


Seller = Annotated[Principal, Depends(seller)]


def limited(operation: str, plan: UsagePlan) -> Callable[..., Principal]:
    """A dependency: the seller, after spending one request of `operation`'s usage plan."""

    def dependency(request: Request, caller: Seller) -> Principal:
        plans = usage_plans(request)
        request.state.spapi_rate = plans.header(plan)
        # One bucket per operation, as Amazon's usage plans are; each message type is one.
        key = f"{operation}:{request.path_params.get('messageType', '')}"
        plans.take(caller.party_id, key, plan)
        return caller

    return dependency


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object the client sent ({} for an empty body); extra keys are kept, not refused."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLargeError(f"The request body is larger than {MAX_BODY_BYTES:,} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}
    content_type = request.headers.get("content-type", "application/json").lower()
    if "json" not in content_type and not content_type.startswith("text/plain"):
        raise UnsupportedMediaTypeError(f"The body must be application/json; got {content_type}.")
    try:
        body = await run_in_threadpool(json.loads, raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput("body", f"is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise InvalidInput("body", f"must be a JSON object; got {type(body).__name__}")
    return body


Body = Annotated[dict[str, Any], Depends(json_body)]


def marketplace_id(request: Request, body: dict[str, Any] | None = None) -> str:
    """The one marketplace id of the request: from the query, else from the body.

    Clients differ (python-amazon-sp-api sends it in the body of POSTs and under several query
    names); `marketplaceIds` is read from the query (repeated or comma-separated), then the body.
    """
    values = [
        part.strip()
        for value in request.query_params.getlist("marketplaceIds")
        for part in value.split(",")
        if part.strip()
    ]
    if not values and body is not None:
        found = body.get("marketplaceIds")
        if isinstance(found, str):
            values = [found]
        elif isinstance(found, list):
            values = [v for v in found if isinstance(v, str) and v]
    if not values:
        raise InvalidInput("marketplaceIds", "Missing or invalid request parameter: marketplaceId")
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        raise InvalidInput("marketplaceIds", f"only one marketplace may be given; got {distinct}")
    if distinct[0] not in MARKETPLACE_IDS:
        raise InvalidInput("marketplaceIds", f"{distinct[0]!r} is not a marketplace id we know")
    return distinct[0]
