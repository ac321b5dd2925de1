"""Account-health routes: a seller's response figures over 7, 30 and 90 days, blocks, bounces;
and who may scrape the service's Prometheus figures.

A seller reads its own (another seller's id answers 404); operators and auditors read any seller
and the all-sellers overview. The figures' definitions are in docs/cases.md.

`GET /metrics` (Prometheus' text format, observability.py) is for operators and auditors too:
`add_scrape_route` serves it behind `metrics_scraper`. Prometheus sends the token as
`Authorization: Bearer <token>` (the scrape job's `authorization` setting); no token or an unknown
one answers 401, a seller's or a buyer's 403, each as a problem document like every API error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, Depends, FastAPI, Path, Response
from pydantic import BaseModel, Field

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.domain.errors import NotFound
from gobetween.domain.response_times import ResponseFigures
from gobetween.entrypoints.http.api.callers import SellerOrReader, Services, allow
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.services import metrics
from gobetween.services.access import Principal

router = APIRouter(route_class=ApiRoute, tags=["metrics"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(allow("operator", "auditor"))]
# The counts of GET /metrics show no message content or ids, but they do show the marketplace's
# volume and the policy's blocks: the same readers as the all-sellers overview.
SCRAPER_ROLES: Final = ("operator", "auditor")
metrics_scraper = allow(*SCRAPER_ROLES)
SCRAPE_PATH: Final = "/metrics"


def add_scrape_route(
    app: FastAPI,
    endpoint: Callable[[], Awaitable[Response]],
    *,
    path: str = SCRAPE_PATH,
) -> None:
    """Serve `endpoint` (the Prometheus figures) at GET `path` to operators and auditors only.

    An ApiRoute, so that a missing, unknown or wrong-role token is answered as a problem document
    with the request id, like every API error; left out of the API's OpenAPI document.
    """
    app.router.add_api_route(
        path,
        endpoint,
        methods=["GET"],
        include_in_schema=False,
        dependencies=[Depends(metrics_scraper)],
        route_class_override=ApiRoute,
    )


class WindowOut(BaseModel):
    """One window's figures; percentages and averages are null when there is nothing to measure."""

    days: int
    answered_within_24h_percent: float | None = Field(
        description="On time / (on time + late + overdue), in percent."
    )
    answered_on_time: int
    answered_late: int
    unanswered: int
    unanswered_overdue: int
    unanswered_with_time_left: int
    excluded: int = Field(description='"No response needed" or reported: outside the figures.')
    average_response_seconds: float | None
    blocked: int
    blocked_by_category: dict[str, int]
    bounces: int
    buyer_reported_unresolved: int = Field(description="Shown for information, never counted.")


class DailyLimitOut(BaseModel):
    sent_today: int
    limit: int
    use_percent: float
    resets_at: datetime


class SellerMetricsOut(BaseModel):
    seller_id: str
    as_of: datetime
    windows: dict[str, WindowOut] = Field(description="Keyed by the window's length in days.")
    daily_limit: DailyLimitOut


class ResponseFiguresOut(BaseModel):
    """The response figures alone, for the all-sellers overview."""

    days: int
    answered_within_24h_percent: float | None
    answered_on_time: int
    answered_late: int
    unanswered_overdue: int
    unanswered_with_time_left: int
    excluded: int
    average_response_seconds: float | None

    @classmethod
    def of(cls, figures: ResponseFigures) -> ResponseFiguresOut:
        percent, average = figures.on_time_percent, figures.average_response_seconds
        return cls(
            days=figures.window_days,
            answered_within_24h_percent=None if percent is None else round(percent, 2),
            answered_on_time=figures.on_time,
            answered_late=figures.late,
            unanswered_overdue=figures.overdue,
            unanswered_with_time_left=figures.pending,
            excluded=figures.excluded,
            average_response_seconds=None if average is None else round(average, 1),
        )


class SellerFiguresOut(BaseModel):
    seller_id: str
    windows: dict[str, ResponseFiguresOut]


@router.get(
    "/metrics/sellers/{seller_id}",
    response_model=SellerMetricsOut,
    summary="A seller's account health",
)
def seller_metrics_route(
    seller_id: Annotated[str, Path(max_length=64)], principal: SellerOrReader, services: Services
) -> SellerMetricsOut:
    if principal.role == "seller" and principal.seller_id != seller_id:
        raise NotFound("seller", seller_id)
    platform = services.platform
    health = metrics.seller_metrics(
        seller_id,
        reader=SqlMetricsReader(platform.read_engine),
        clock=platform.clock,
        limits=platform.messaging_limits,
    )
    return SellerMetricsOut.model_validate(health.as_dict())


@router.get(
    "/metrics/sellers",
    response_model=list[SellerFiguresOut],
    summary="Every seller's response figures (operators and auditors)",
)
def all_sellers_route(principal: Reader, services: Services) -> list[SellerFiguresOut]:
    figures = metrics.all_response_figures(
        reader=SqlMetricsReader(services.platform.read_engine), clock=services.platform.clock
    )
    return [
        SellerFiguresOut(
            seller_id=seller,
            windows={str(days): ResponseFiguresOut.of(f) for days, f in sorted(windows.items())},
        )
        for seller, windows in sorted(figures.items())
    ]
