"""GET /inbox: the caller's messages by view, filtered by order or alias, in cursor pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from gobetween.entrypoints.http.api.callers import Anyone, ReadOnly, Services
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.entrypoints.http.api.schemas import InboxOut, inbox_json
from gobetween.services.inbox import MAX_PAGE, list_inbox

router = APIRouter(tags=["inbox"], route_class=ApiRoute, responses=ERROR_RESPONSES)


@router.get("/inbox", response_model=InboxOut)
def get_inbox(
    caller: Anyone,
    services: Services,
    reads: ReadOnly,
    view: Annotated[
        Literal["requires_response", "sent", "blocked", "bounced", "all"] | None,
        Query(description="Sellers default to requires_response, everyone else to all"),
    ] = None,
    order_id: Annotated[str | None, Query(max_length=19)] = None,
    alias: Annotated[
        str | None, Query(max_length=320, description="Either alias of a pair, as in From:")
    ] = None,
    seller_id: Annotated[
        str | None, Query(max_length=64, description="Operators and auditors only")
    ] = None,
    buyer_id: Annotated[
        str | None, Query(max_length=64, description="Operators and auditors only")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> Response:
    """Requires response: least time left on the 24-hour clock first; other views newest first."""
    page = list_inbox(
        viewer=caller,
        uow=reads.unit_of_work(),
        alias_domain=services.platform.settings.alias_domain,
        view=view,
        order_id=order_id,
        alias=alias,
        seller_id=seller_id,
        buyer_id=buyer_id,
        cursor=cursor,
        limit=limit,
    )
    # Already JSON: FastAPI hands a Response over as it is (InboxOut documents its shape).
    return Response(inbox_json(page), media_type="application/json")
