"""The caller's own account: who the token is, a buyer's opt-out, a seller's notifications."""

from __future__ import annotations

from fastapi import APIRouter

from gobetween.entrypoints.http.api.callers import Anyone, BuyerOnly, SellerOnly, Services
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.entrypoints.http.api.schemas import (
    MeOut,
    NotificationsIn,
    NotificationsOut,
    OptOutIn,
    OptOutOut,
)
from gobetween.services.preferences import (
    get_bounce_notices,
    set_bounce_notices,
    set_buyer_opt_out,
)

router = APIRouter(tags=["me"], route_class=ApiRoute, responses=ERROR_RESPONSES)


@router.get("/me", response_model=MeOut)
def me(caller: Anyone) -> MeOut:
    """The role and party the token stands for."""
    return MeOut(role=caller.role, seller_id=caller.seller_id, buyer_id=caller.buyer_id)


@router.put("/me/opt-out", response_model=OptOutOut)
def put_opt_out(caller: BuyerOnly, services: Services, body: OptOutIn) -> OptOutOut:
    """Refuse (or accept again) non-critical messages; critical ones still arrive."""
    assert caller.buyer_id is not None
    buyer = set_buyer_opt_out(
        caller.buyer_id, body.opted_out, uow=services.unit_of_work(), clock=services.platform.clock
    )
    return OptOutOut(buyer_id=buyer.id, opted_out=buyer.opted_out)


@router.get("/me/notifications", response_model=NotificationsOut)
def read_notifications(caller: SellerOnly, services: Services) -> NotificationsOut:
    """Whether bounce notices for opted-out buyers are sent to you."""
    assert caller.seller_id is not None
    seller = get_bounce_notices(caller.seller_id, uow=services.unit_of_work())
    return NotificationsOut(
        seller_id=seller.id, opt_out_bounce_notices=seller.opt_out_bounce_notices
    )


@router.put("/me/notifications", response_model=NotificationsOut)
def put_notifications(
    caller: SellerOnly, services: Services, body: NotificationsIn
) -> NotificationsOut:
    """Settings › Notifications › Messaging › Buyer opt-out: bounce notices on or off."""
    assert caller.seller_id is not None
    seller = set_bounce_notices(
        caller.seller_id,
        body.opt_out_bounce_notices,
        uow=services.unit_of_work(),
        clock=services.platform.clock,
    )
    return NotificationsOut(
        seller_id=seller.id, opt_out_bounce_notices=seller.opt_out_bounce_notices
    )
