"""The operator's API: sellers, buyers and orders, seller policies, profiles, the reports queue."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query

from gobetween.entrypoints.http.api.callers import Operator, Services
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.entrypoints.http.api.schemas import (
    HandleIn,
    ReportOut,
    ReportQueueOut,
    SellerPolicyIn,
    SellerPolicyOut,
    UpsertOut,
    report_out,
    seller_policy_out,
)
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.administration import (
    RecordKind,
    get_policy_profile,
    get_seller_policy,
    put_policy_profile,
    put_seller_policy,
    upsert_record,
)
from gobetween.services.reports import handle_report, report_queue

router = APIRouter(
    prefix="/operator", tags=["operator"], route_class=ApiRoute, responses=ERROR_RESPONSES
)
PartyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
OrderId = Annotated[str, Path(pattern=r"^\d{3}-\d{7}-\d{7}$")]
Record = Annotated[
    dict[str, Any],
    Body(
        description="The fields of `gobetween import` for this kind of record (docs/api.md);"
        " the id comes from the path.",
        max_length=200,
    ),
]


def _upsert(
    kind: RecordKind, record_id: str, data: dict[str, Any], services: Services
) -> UpsertOut:
    result = upsert_record(
        kind, record_id, data, uow=services.unit_of_work(), clock=services.platform.clock
    )
    return UpsertOut(id=record_id, kind=kind, created=result.created)


@router.put("/sellers/{seller_id}", response_model=UpsertOut)
def put_seller(caller: Operator, services: Services, seller_id: PartyId, body: Record) -> UpsertOut:
    """Create or update a seller, validated exactly as `gobetween import` validates."""
    return _upsert("seller", seller_id, body, services)


@router.put("/buyers/{buyer_id}", response_model=UpsertOut)
def put_buyer(caller: Operator, services: Services, buyer_id: PartyId, body: Record) -> UpsertOut:
    """Create or update a buyer, validated exactly as `gobetween import` validates."""
    return _upsert("buyer", buyer_id, body, services)


@router.put("/orders/{order_id}", response_model=UpsertOut)
def put_order(caller: Operator, services: Services, order_id: OrderId, body: Record) -> UpsertOut:
    """Create or update an order (its status moves), validated as `gobetween import` does."""
    return _upsert("order", order_id, body, services)


@router.get("/sellers/{seller_id}/policy", response_model=SellerPolicyOut)
def read_seller_policy(caller: Operator, services: Services, seller_id: PartyId) -> SellerPolicyOut:
    """The seller's policy profile, essential link domains and daily-limit overrides."""
    return seller_policy_out(get_seller_policy(seller_id, uow=services.unit_of_work()))


@router.put("/sellers/{seller_id}/policy", response_model=SellerPolicyOut)
def write_seller_policy(
    caller: Operator, services: Services, seller_id: PartyId, body: SellerPolicyIn
) -> SellerPolicyOut:
    """Replace the seller's policy settings (null limits: the marketplace's defaults)."""
    stored = put_seller_policy(
        SellerPolicy(
            seller_id=seller_id,
            profile=body.profile,
            allowed_link_domains=tuple(body.allowed_link_domains),
            daily_limit_base=body.daily_limit_base,
            daily_limit_multiplier=body.daily_limit_multiplier,
        ),
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return seller_policy_out(stored)


@router.get("/policy-profiles/{name}", response_model=dict[str, Any])
def read_policy_profile(
    caller: Operator, services: Services, name: Annotated[str, Path(max_length=64)]
) -> dict[str, Any]:
    """A stored operator profile (docs/policy.md describes the format)."""
    return get_policy_profile(name, uow=services.unit_of_work())


@router.put("/policy-profiles/{name}", response_model=dict[str, Any])
def write_policy_profile(
    caller: Operator,
    services: Services,
    name: Annotated[str, Path(max_length=64)],
    body: Annotated[dict[str, Any], Body(max_length=100)],
) -> dict[str, Any]:
    """Store a profile after the checker's own parser accepted it; usable at once."""
    return put_policy_profile(
        name, body, uow=services.unit_of_work(), clock=services.platform.clock
    )


@router.get("/reports", response_model=ReportQueueOut)
def read_reports(
    caller: Operator,
    services: Services,
    status: Literal["open", "handled", "all"] = "open",
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReportQueueOut:
    """The reported-messages queue, oldest first; page on with `after`=`next_after`."""
    reports = report_queue(
        uow=services.unit_of_work(),
        status=None if status == "all" else status,
        after_id=after,
        limit=limit,
    )
    next_after = reports[-1].id if len(reports) == limit else None
    return ReportQueueOut(reports=[report_out(r) for r in reports], next_after=next_after)


@router.post("/reports/{report_id}/handle", response_model=ReportOut)
def handle(
    caller: Operator,
    services: Services,
    report_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: HandleIn,
) -> ReportOut:
    """Close a report, saying what was done."""
    handled = handle_report(
        report_id,
        resolution=body.resolution,
        operator=caller,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return report_out(handled)
