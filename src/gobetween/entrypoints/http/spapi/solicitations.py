"""Amazon's Solicitations API v1: whether an order may get its review request, and sending it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from gobetween.domain.errors import NotFound
from gobetween.entrypoints.http.spapi.callers import Body, Services, limited, marketplace_id
from gobetween.entrypoints.http.spapi.errors import SpapiRoute, hal
from gobetween.entrypoints.http.spapi.hal import (
    SOLICITATION_SCHEMA,
    schema_document,
    solicitation_actions_document,
)
from gobetween.entrypoints.http.spapi.limits import MESSAGING_PLAN
from gobetween.services.access import Principal
from gobetween.services.spapi import SOLICITATION, request_review, solicitation_actions

router = APIRouter(route_class=SpapiRoute, include_in_schema=False)
OrderId = Annotated[str, Path(alias="amazonOrderId")]
BASE = "/solicitations/v1/orders/{amazonOrderId}"


@router.get(BASE)
def get_solicitation_actions_for_order(
    request: Request,
    services: Services,
    order_id: OrderId,
    caller: Annotated[
        Principal, Depends(limited("getSolicitationActionsForOrder", MESSAGING_PLAN))
    ],
) -> JSONResponse:
    """getSolicitationActionsForOrder: the review request when available, else every reason."""
    marketplace = marketplace_id(request)
    actions = solicitation_actions(
        order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace
    )
    return hal(solicitation_actions_document(actions, marketplace))


@router.post(BASE + "/solicitations/productReviewAndSellerFeedback", status_code=201)
def create_product_review_and_seller_feedback_solicitation(
    request: Request,
    services: Services,
    order_id: OrderId,
    body: Body,
    caller: Annotated[
        Principal,
        Depends(limited("createProductReviewAndSellerFeedbackSolicitation", MESSAGING_PLAN)),
    ],
) -> JSONResponse:
    """Send the order's one review request, in the buyer's language; 403 says which rule refused."""
    marketplace = marketplace_id(request, body)
    request_review(order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace)
    return hal({}, status_code=201)


@router.get(BASE + "/solicitations/{solicitationType}/schema")
def get_solicitation_schema(
    request: Request,
    services: Services,
    order_id: OrderId,
    solicitation_type: Annotated[str, Path(alias="solicitationType")],
    caller: Annotated[Principal, Depends(limited("getSchema", MESSAGING_PLAN))],
) -> JSONResponse:
    """The (empty) body schema of the review request."""
    marketplace = marketplace_id(request)
    if solicitation_type != SOLICITATION:
        raise NotFound("solicitation type", solicitation_type)
    solicitation_actions(order_id, seller=caller, spapi=services.spapi, marketplace_id=marketplace)
    href = f"/solicitations/v1/orders/{order_id}/solicitations/{SOLICITATION}/schema"
    return hal(schema_document(href, SOLICITATION_SCHEMA))
