"""Account-health routes: a seller's response figures over 7, 30 and 90 days, blocks, bounces.

A seller reads its own (another seller's id answers 404); operators and auditors read any seller
and the all-sellers overview. The figures' definitions are in docs/cases.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
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
        reader=SqlMetricsReader(platform.engine),
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
        reader=SqlMetricsReader(services.platform.engine), clock=services.platform.clock
    )
    return [
        SellerFiguresOut(
            seller_id=seller,
            windows={str(days): ResponseFiguresOut.of(f) for days, f in sorted(windows.items())},
        )
        for seller, windows in sorted(figures.items())
    ]
