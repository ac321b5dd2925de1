"""Webhooks for integrators: events queued through the outbox, signed when they are sent.

Event types: `message.received`, `message.blocked`, `case.changed`, `response.due_soon`.

An event is queued in the same transaction as the change it reports, as one outbox row (kind
`webhook`) per matching subscription, so a crash never loses or invents one. The delivery worker
sends it: `compose_webhook` turns the row into a signed HTTP request at the moment of sending (so
every retry carries a fresh timestamp) and the webhook transport POSTs it, retried with the
worker's backoff. Every attempt is logged (`webhook_deliveries`).

Signature (documented for integrators in docs/cases.md):

    Gobetween-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
    Gobetween-Event-Id: <event id, the same on every retry: deduplicate on it>
    Gobetween-Event-Type: <event type>

A receiver recomputes the HMAC over the timestamp, a dot and the exact body bytes, compares in
constant time, and refuses timestamps more than `REPLAY_WINDOW` away from its clock.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

from gobetween.domain.cases import Actor
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.services.ports import OutboundMail, OutboxItem, OutboxRepository, SellerRepository

EVENT_TYPES: Final = ("message.received", "message.blocked", "case.changed", "response.due_soon")
OUTBOX_KIND: Final = "webhook"
SIGNATURE_HEADER: Final = "Gobetween-Signature"
EVENT_ID_HEADER: Final = "Gobetween-Event-Id"
EVENT_TYPE_HEADER: Final = "Gobetween-Event-Type"
REPLAY_WINDOW: Final = timedelta(minutes=5)
# The webhook "recipient" in an OutboundMail is the URL; the sender names the kind so a routing
# transport can tell webhooks from mail.
WEBHOOK_SENDER: Final = "gobetween-webhook"
_SIGNATURE = re.compile(r"t=(\d{1,12}),v1=([0-9a-f]{64})")


class SubscriptionGoneError(LookupError):
    """A queued webhook's subscription was removed or paused: the delivery fails for good.

    A LookupError, so the delivery worker marks the row failed at once instead of retrying.
    """

    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"webhook subscription {subscription_id} was removed or paused")
        self.subscription_id = subscription_id


@dataclass(frozen=True, slots=True)
class WebhookSubscription:
    """An operator-managed endpoint that receives some event types, for one seller or all."""

    id: int | None
    url: str
    secret: str
    events: tuple[str, ...]
    seller_id: str | None = None
    description: str = ""
    active: bool = True
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One try at sending one webhook, as logged."""

    delivery_key: str
    subscription_id: int | None
    event_id: str
    event_type: str
    url: str
    outcome: str  # delivered | retry | failed
    status_code: int | None
    error: str | None
    duration_ms: int
    attempted_at: datetime
    id: int | None = None


class WebhookRepository(Protocol):
    def add_subscription(self, subscription: WebhookSubscription, *, now: datetime) -> int: ...
    def find_subscription(self, subscription_id: int) -> WebhookSubscription | None: ...
    def list_subscriptions(self) -> Sequence[WebhookSubscription]: ...
    def set_active(self, subscription_id: int, active: bool, *, now: datetime) -> bool: ...
    def matching(self, event_type: str, seller_id: str | None) -> Sequence[WebhookSubscription]:
        """Active subscriptions to `event_type` for this seller (or for every seller)."""
        ...

    def log_attempt(self, attempt: DeliveryAttempt) -> None: ...
    def attempts(self, *, subscription_id: int | None, limit: int) -> Sequence[DeliveryAttempt]: ...


class WebhookUnitOfWork(Protocol):
    outbox: OutboxRepository
    webhooks: WebhookRepository


class SubscriptionUnitOfWork(WebhookUnitOfWork, Protocol):
    """What creating a subscription needs: the seller it is limited to must exist."""

    sellers: SellerRepository


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """What an integrator receives: an envelope with a stable id around the event's data."""

    type: str
    data: dict[str, Any]
    created_at: datetime
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def envelope(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "data": self.data,
        }


def check_url(url: object) -> str:
    """Return a webhook URL if it is absolute https, or http to this machine; else InvalidInput.

    Events carry buyers' messages (personal data), so they travel only over TLS, except to a
    loopback address (an integration running beside gobetween, and the tests): that traffic never
    leaves the machine, as RFC 8252 reasons for OAuth redirects.
    """
    if not isinstance(url, str) or len(url) > 2000:
        raise InvalidInput("url", "must be an https:// URL of at most 2000 characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise InvalidInput("url", f"is not a valid URL ({error}); got {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput("url", f"must be an absolute https:// URL; got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(
            "url", "must not carry a user name or password; the signature is the proof"
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InvalidInput(
            "url", f"must use https:// (plain http:// only to a loopback address); got {url!r}"
        )
    return url


def is_loopback_host(host: str) -> bool:
    """Whether `host` names this machine: `localhost` or a loopback IP address."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_event_types(events: Sequence[str]) -> tuple[str, ...]:
    """Return the event types, refusing unknown ones and an empty list."""
    if not events:
        raise InvalidInput("events", f"must name at least one of {', '.join(EVENT_TYPES)}")
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise InvalidInput("events", f"unknown {unknown[0]!r}; known: {', '.join(EVENT_TYPES)}")
    return tuple(dict.fromkeys(events))


def subscribe(
    *,
    uow: SubscriptionUnitOfWork,
    url: str,
    events: Sequence[str],
    now: datetime,
    seller_id: str | None = None,
    description: str = "",
) -> WebhookSubscription:
    """Create a subscription with a fresh secret; the caller shows the secret once."""
    if seller_id is not None and uow.sellers.find(seller_id) is None:
        raise InvalidInput("seller_id", f"no seller {seller_id!r}")
    subscription = WebhookSubscription(
        id=None,
        url=check_url(url),
        secret=secrets.token_urlsafe(32),
        events=check_event_types(events),
        seller_id=seller_id,
        description=description[:200],
        created_at=now,
    )
    new_id = uow.webhooks.add_subscription(subscription, now=now)
    return WebhookSubscription(
        new_id,
        subscription.url,
        subscription.secret,
        subscription.events,
        seller_id,
        subscription.description,
        True,
        now,
    )


def set_subscription_active(
    *, uow: WebhookUnitOfWork, subscription_id: int, active: bool, now: datetime
) -> WebhookSubscription:
    """Pause or resume a subscription; queued deliveries to a paused one are dropped as failed.

    Returns the subscription as changed; the caller commits.
    """
    changed = (
        uow.webhooks.find_subscription(subscription_id)
        if uow.webhooks.set_active(subscription_id, active, now=now)
        else None
    )
    if changed is None:
        raise NotFound("webhook subscription", subscription_id)
    return changed


def may_see(viewer: Actor, subscription: WebhookSubscription) -> bool:
    """Operators and auditors see every subscription; a seller those limited to its own events."""
    if viewer.role in ("operator", "auditor"):
        return True
    return viewer.role == "seller" and subscription.seller_id == viewer.id


def visible_subscriptions(
    *, uow: WebhookUnitOfWork, viewer: Actor
) -> Sequence[WebhookSubscription]:
    """The subscriptions `viewer` may see, oldest first (their secrets are the caller's to hide)."""
    return [s for s in uow.webhooks.list_subscriptions() if may_see(viewer, s)]


def visible_subscription(
    *, uow: WebhookUnitOfWork, subscription_id: int, viewer: Actor
) -> WebhookSubscription:
    """One subscription if `viewer` may see it; NotFound otherwise (others' do not leak)."""
    found = uow.webhooks.find_subscription(subscription_id)
    if found is None or not may_see(viewer, found):
        raise NotFound("webhook subscription", subscription_id)
    return found


def delivery_log(
    *, uow: WebhookUnitOfWork, subscription_id: int, viewer: Actor, limit: int = 50
) -> Sequence[DeliveryAttempt]:
    """The latest delivery attempts to one subscription, newest first, if `viewer` may see it."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", f"must be between 1 and 1000; got {limit}")
    visible_subscription(uow=uow, subscription_id=subscription_id, viewer=viewer)
    return uow.webhooks.attempts(subscription_id=subscription_id, limit=limit)


def announce(
    *,
    uow: WebhookUnitOfWork,
    event_type: str,
    data: Mapping[str, Any],
    seller_id: str | None,
    now: datetime,
) -> WebhookEvent:
    """Queue an event for every matching subscription, in the caller's transaction."""
    if event_type not in EVENT_TYPES:
        raise InvalidInput("event_type", f"must be one of {', '.join(EVENT_TYPES)}")
    event = WebhookEvent(type=event_type, data=dict(data), created_at=now)
    for subscription in uow.webhooks.matching(event_type, seller_id):
        assert subscription.id is not None
        uow.outbox.add(
            OutboxItem(
                kind=OUTBOX_KIND,
                recipient=subscription.url,
                delivery_key=f"webhook-{event.id}-{subscription.id}",
                payload={"subscription_id": subscription.id, "event": event.envelope()},
            ),
            now=now,
        )
    return event


def body_of(envelope: Mapping[str, Any]) -> bytes:
    """The exact bytes sent: compact, key-sorted JSON, UTF-8."""
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Gobetween-Signature` header value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: datetime,
    window: timedelta = REPLAY_WINDOW,
) -> int:
    """Check a received signature; returns its timestamp, raises Refused naming what is wrong.

    Receivers in Python can use this function as is; the algorithm is in the module docstring.
    """
    if not header:
        raise Refused("webhook_signature", f"the {SIGNATURE_HEADER} header is missing")
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        raise Refused("webhook_signature", "the signature header is not t=<seconds>,v1=<hex>")
    timestamp = int(match.group(1))
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, f"t={timestamp},v1={match.group(2)}"):
        raise Refused("webhook_signature", "the signature does not match the body")
    skew = abs(now.timestamp() - timestamp)
    if skew > window.total_seconds():
        raise Refused(
            "webhook_replay", f"the timestamp is {skew:.0f} s away; the window is {window}"
        )
    return timestamp


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """The HTTP request a webhook delivery makes; serialised as the OutboundMail's data."""

    url: str
    headers: dict[str, str]
    body: bytes
    subscription_id: int
    event_id: str
    event_type: str

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "url": self.url,
                "headers": self.headers,
                "body": self.body.decode(),
                "subscription_id": self.subscription_id,
                "event_id": self.event_id,
                "event_type": self.event_type,
            }
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> WebhookRequest:
        raw = json.loads(data)
        return cls(
            url=raw["url"],
            headers=dict(raw["headers"]),
            body=raw["body"].encode(),
            subscription_id=int(raw["subscription_id"]),
            event_id=raw["event_id"],
            event_type=raw["event_type"],
        )


def compose_webhook(
    item: OutboxItem, *, subscription: WebhookSubscription | None, now: datetime
) -> OutboundMail:
    """Sign one queued webhook for sending now; SubscriptionGoneError if its endpoint is gone."""
    if subscription is None or not subscription.active:
        raise SubscriptionGoneError(int(item.payload["subscription_id"]))
    envelope = item.payload["event"]
    body = body_of(envelope)
    request = WebhookRequest(
        url=subscription.url,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "gobetween-webhooks/1",
            SIGNATURE_HEADER: sign(subscription.secret, int(now.timestamp()), body),
            EVENT_ID_HEADER: envelope["id"],
            EVENT_TYPE_HEADER: envelope["type"],
        },
        body=body,
        subscription_id=int(item.payload["subscription_id"]),
        event_id=envelope["id"],
        event_type=envelope["type"],
    )
    return OutboundMail(
        delivery_key=item.delivery_key,
        sender=WEBHOOK_SENDER,
        recipient=subscription.url,
        data=request.to_bytes(),
    )
