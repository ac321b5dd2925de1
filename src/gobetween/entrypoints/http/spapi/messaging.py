"""Amazon's Messaging API v1: the actions an order offers, buyer attributes, every message type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse

from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.http.spapi.callers import (
    Body,
    Services,
    limited,
    marketplace_id,
)
from gobetween.entrypoints.http.spapi.errors import SpapiRoute, hal
from gobetween.entrypoints.http.spapi.hal import (
    message_schema,
    messaging_actions_document,
    schema_document,
)
from gobetween.entrypoints.http.spapi.limits import MESSAGING_PLAN
from gobetween.services.access import Principal
from gobetween.services.spapi import (
    Attached,
    buyer_attributes,
    get_message_type,
    messaging_actions,
    send_spapi_message,
)

router = APIRouter(route_class=SpapiRoute, include_in_schema=False)
OrderId = Annotated[str, Path(alias="amazonOrderId")]
TypeName = Annotated[str, Path(alias="messageType")]
BASE = "/messaging/v1/orders/{amazonOrderId}"


@router.get(BASE)
def get_messaging_actions_for_order(
    request: Request,
    services: Services,
    order_id: OrderId,
    caller: Annotated[Principal, Depends(limited("getMessagingActionsForOrder", MESSAGING_PLAN))],
) -> JSONResponse:
    """getMessagingActionsForOrder: offered types as HAL, the others with their rule."""
    marketplace = marketplace_id(request)
    actions = messaging_actions(
        order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace
    )
    return hal(messaging_actions_document(actions, marketplace))


@router.get(BASE + "/attributes")
def get_attributes(
    request: Request,
    services: Services,
    order_id: OrderId,
    caller: Annotated[Principal, Depends(limited("GetAttributes", MESSAGING_PLAN))],
) -> JSONResponse:
    """GetAttributes: the buyer's preferred locale, the language every text must be in."""
    marketplace = marketplace_id(request)
    locale = buyer_attributes(
        order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace
    )
    return hal({"buyer": {"locale": locale}})


@router.get(BASE + "/messages/{messageType}/schema")
def get_message_schema(
    request: Request,
    services: Services,
    order_id: OrderId,
    type_name: TypeName,
    caller: Annotated[Principal, Depends(limited("getSchema", MESSAGING_PLAN))],
) -> JSONResponse:
    """The JSON schema of a message type's body (the `_links.schema` of each action)."""
    marketplace = marketplace_id(request)
    message_type = get_message_type(type_name)
    # The order must be the caller's, like every other route; whether it offers the type is not
    # a question of the schema.
    buyer_attributes(order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace)
    href = f"/messaging/v1/orders/{order_id}/messages/{message_type.name}/schema"
    return hal(schema_document(href, message_schema(message_type)))


@router.post(BASE + "/messages/{messageType}", status_code=201)
def create_message(
    request: Request,
    services: Services,
    order_id: OrderId,
    type_name: TypeName,
    body: Body,
    caller: Annotated[Principal, Depends(limited("createMessage", MESSAGING_PLAN))],
) -> Response:
    """Every message type of messaging.json: checked, stored, delivered unless blocked."""
    marketplace = marketplace_id(request, body)
    message_type = get_message_type(type_name)
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise InvalidInput("text", f"must be a string; got {type(text).__name__}")
    attachments = _attachments(body.get("attachments"))
    coverage = None
    if message_type.coverage_dates:
        start = _date_time(body.get("coverageStartDate"), "coverageStartDate")
        end = _date_time(body.get("coverageEndDate"), "coverageEndDate")
        coverage = (start, end) if start is not None and end is not None else None
    send_spapi_message(
        message_type.name,
        order_id,
        text=text,
        attachments=attachments,
        coverage=coverage,
        seller=caller,
        spapi=services.spapi,
        marketplace_id=marketplace,
    )
    return hal({}, status_code=201)


def _attachments(value: Any) -> tuple[Attached, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidInput("attachments", "must be a list of {uploadDestinationId, fileName}")
    attached: list[Attached] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidInput(f"attachments[{index}]", "must be {uploadDestinationId, fileName}")
        destination, name = item.get("uploadDestinationId"), item.get("fileName")
        if not isinstance(destination, str) or not destination:
            raise InvalidInput(f"attachments[{index}].uploadDestinationId", "is required")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"attachments[{index}].fileName", "is required")
        attached.append(Attached(destination, name))
    return tuple(attached)


def _date_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(field, "must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, f"is not an ISO 8601 date-time: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
