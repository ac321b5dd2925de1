"""Webhook subscription routes: operators manage them, sellers and auditors read.

Operators create, pause and resume subscriptions (the server POSTs events to the URL, so only an
operator chooses where: a seller-chosen URL would let anyone make the server call into its own
network). A subscription may be limited to one seller's events, for that seller's integration;
the seller can then read it and its delivery log (another seller's answers 404), never its
secret, which is shown once, to the operator who created it. Auditors read everything and change
nothing. Subscriptions are never deleted: pausing one stops it for good or for a while, and keeps
what its delivery log refers to. Included by the cases router (cases.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from gobetween.entrypoints.http.api.callers import Operator, Services, allow
from gobetween.entrypoints.http.api.errors import ERROR_RESPONSES, ApiRoute
from gobetween.services import webhooks
from gobetween.services.access import Principal
from gobetween.services.webhooks import DeliveryAttempt, WebhookSubscription

router = APIRouter(route_class=ApiRoute, tags=["webhooks"], responses=ERROR_RESPONSES)
SubscriptionId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Reader = Annotated[Principal, Depends(allow("operator", "auditor", "seller"))]
EventType = Annotated[str, Field(max_length=40, examples=list(webhooks.EVENT_TYPES))]


class SubscriptionIn(BaseModel):
    """A new subscription: where to send which events, for one seller or every seller."""

    url: str = Field(
        max_length=2000,
        description="https:// (plain http:// only to a loopback address).",
        examples=["https://tools.example/hooks"],
    )
    events: list[EventType] = Field(min_length=1, max_length=len(webhooks.EVENT_TYPES))
    seller_id: str | None = Field(
        default=None, max_length=64, description="Only this seller's events; null for all sellers."
    )
    description: str = Field(default="", max_length=200)


class SubscriptionOut(BaseModel):
    """A subscription as listed: never its secret."""

    id: int
    url: str
    events: list[str]
    seller_id: str | None
    description: str
    active: bool
    created_at: datetime | None

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> SubscriptionOut:
        assert subscription.id is not None
        return cls(
            id=subscription.id,
            url=subscription.url,
            events=list(subscription.events),
            seller_id=subscription.seller_id,
            description=subscription.description,
            active=subscription.active,
            created_at=subscription.created_at,
        )


class CreatedSubscriptionOut(SubscriptionOut):
    secret: str = Field(
        description="The HMAC-SHA256 key of the Gobetween-Signature header. Shown this once."
    )


class SubscriptionList(BaseModel):
    items: list[SubscriptionOut]


class DeliveryOut(BaseModel):
    """One attempt at sending one event."""

    id: int | None
    attempted_at: datetime
    event_id: str
    event_type: str
    url: str
    outcome: str = Field(description="delivered, retry or failed")
    status_code: int | None
    error: str | None
    duration_ms: int

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> DeliveryOut:
        return cls(
            id=attempt.id,
            attempted_at=attempt.attempted_at,
            event_id=attempt.event_id,
            event_type=attempt.event_type,
            url=attempt.url,
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
        )


class DeliveryList(BaseModel):
    items: list[DeliveryOut]


@router.post(
    "/webhooks",
    response_model=CreatedSubscriptionOut,
    status_code=201,
    summary="Subscribe an endpoint to events (operators); the secret is shown once",
)
def create_subscription_route(
    body: SubscriptionIn, principal: Operator, services: Services
) -> CreatedSubscriptionOut:
    with services.unit_of_work() as uow:
        created = webhooks.subscribe(
            uow=uow,
            url=body.url,
            events=body.events,
            now=services.platform.clock(),
            seller_id=body.seller_id,
            description=body.description,
        )
        uow.commit()
    return CreatedSubscriptionOut(**SubscriptionOut.of(created).model_dump(), secret=created.secret)


@router.get("/webhooks", response_model=SubscriptionList, summary="List webhook subscriptions")
def list_subscriptions_route(principal: Reader, services: Services) -> SubscriptionList:
    """Operators and auditors see all; a seller sees those limited to its own events."""
    with services.unit_of_work() as uow:
        found = webhooks.visible_subscriptions(uow=uow, viewer=principal.actor)
    return SubscriptionList(items=[SubscriptionOut.of(s) for s in found])


@router.get(
    "/webhooks/{subscription_id}", response_model=SubscriptionOut, summary="A webhook subscription"
)
def get_subscription_route(
    subscription_id: SubscriptionId, principal: Reader, services: Services
) -> SubscriptionOut:
    with services.unit_of_work() as uow:
        found = webhooks.visible_subscription(
            uow=uow, subscription_id=subscription_id, viewer=principal.actor
        )
    return SubscriptionOut.of(found)


def _set_active(services: Services, subscription_id: int, active: bool) -> SubscriptionOut:
    with services.unit_of_work() as uow:
        changed = webhooks.set_subscription_active(
            uow=uow, subscription_id=subscription_id, active=active, now=services.platform.clock()
        )
        uow.commit()
    return SubscriptionOut.of(changed)


@router.post(
    "/webhooks/{subscription_id}/pause",
    response_model=SubscriptionOut,
    summary="Stop sending to a subscription (operators); queued events to it fail",
)
def pause_subscription_route(
    subscription_id: SubscriptionId, principal: Operator, services: Services
) -> SubscriptionOut:
    return _set_active(services, subscription_id, False)


@router.post(
    "/webhooks/{subscription_id}/resume",
    response_model=SubscriptionOut,
    summary="Send to a paused subscription again (operators)",
)
def resume_subscription_route(
    subscription_id: SubscriptionId, principal: Operator, services: Services
) -> SubscriptionOut:
    return _set_active(services, subscription_id, True)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response_model=DeliveryList,
    summary="The latest delivery attempts to a subscription, newest first",
)
def deliveries_route(
    subscription_id: SubscriptionId,
    principal: Reader,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> DeliveryList:
    with services.unit_of_work() as uow:
        attempts = webhooks.delivery_log(
            uow=uow, subscription_id=subscription_id, viewer=principal.actor, limit=limit
        )
    return DeliveryList(items=[DeliveryOut.of(a) for a in attempts])
