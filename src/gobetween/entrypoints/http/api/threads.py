"""GET /threads/{thread_id}: one conversation with its messages, findings and order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from gobetween.entrypoints.http.api.callers import Anyone, Services
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.entrypoints.http.api.schemas import ThreadOut, thread_out
from gobetween.services.inbox import get_thread

router = APIRouter(tags=["threads"], route_class=ApiRoute, responses=ERROR_RESPONSES)


@router.get("/threads/{thread_id}", response_model=ThreadOut)
def read_thread(
    caller: Anyone, services: Services, thread_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> ThreadOut:
    """Buyers see what was delivered to or sent by them; the others see findings too."""
    view = get_thread(
        thread_id,
        viewer=caller,
        uow=services.unit_of_work(),
        alias_domain=services.platform.settings.alias_domain,
    )
    return thread_out(view, viewer=caller)
