"""Webhook delivery over HTTP, and the routing that sends webhook outbox rows here, mail elsewhere.

The delivery worker knows one `compose` and one `transport`. `with_webhooks` wraps both: rows of
kind `webhook` are signed by `services.webhooks.compose_webhook` (looking the subscription up at
send time, so a paused endpoint stops receiving at once) and POSTed by `WebhookTransport`; every
other row goes to the mail composer and transport as before.

HTTP answers: 2xx is delivered; 408, 429 and 5xx (and connection errors, timeouts) are temporary,
retried by the worker with its backoff; any other status, redirects included, is permanent.
Every attempt is logged with its outcome, status and duration.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine

from gobetween.adapters.db.case_repositories import SqlDeliveryLog, SqlSubscriptionLookup
from gobetween.services.ports import (
    Clock,
    OutboundMail,
    OutboxItem,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    Transport,
)
from gobetween.services.webhooks import (
    OUTBOX_KIND,
    WEBHOOK_SENDER,
    DeliveryAttempt,
    WebhookRequest,
    WebhookSubscription,
    compose_webhook,
)

Compose = Callable[[OutboxItem], OutboundMail]
_TEMPORARY_STATUSES = frozenset({408, 425, 429})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook endpoint answers itself; following a redirect would re-send to somewhere else."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class WebhookTransport:
    """POSTs signed webhook requests and logs each attempt."""

    def __init__(
        self,
        *,
        log: Callable[[DeliveryAttempt], None],
        clock: Clock,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._log = log
        self._clock = clock
        self._timeout = timeout_seconds
        self._opener = urllib.request.build_opener(_NoRedirects())

    def deliver(self, mail: OutboundMail) -> None:
        request = WebhookRequest.from_bytes(mail.data)
        http_request = urllib.request.Request(  # noqa: S310 - the URL was checked to be http(s)
            request.url, data=request.body, headers=request.headers, method="POST"
        )
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            with self._opener.open(http_request, timeout=self._timeout) as response:
                status = int(response.status)
                response.read(65536)
        except urllib.error.HTTPError as failure:
            status = failure.code
            error = f"HTTP {failure.code} {failure.reason}"
        except (urllib.error.URLError, TimeoutError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            error = f"{type(failure).__name__}: {reason}"
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        if status is not None and 200 <= status < 300:
            outcome = "delivered"
        elif status is None or status in _TEMPORARY_STATUSES or status >= 500:
            outcome = "retry"
        else:
            outcome = "failed"
        self._log(
            DeliveryAttempt(
                delivery_key=mail.delivery_key,
                subscription_id=request.subscription_id,
                event_id=request.event_id,
                event_type=request.event_type,
                url=request.url,
                outcome=outcome,
                status_code=status,
                error=error,
                duration_ms=elapsed_ms,
                attempted_at=self._clock().astimezone(UTC),
            )
        )
        if outcome == "retry":
            raise TemporaryDeliveryError(error or f"HTTP {status}")
        if outcome == "failed":
            raise PermanentDeliveryError(error or f"HTTP {status}")


class RoutingTransport:
    """Sends webhook requests to the webhook transport and everything else to the mail one."""

    def __init__(self, *, mail: Transport, webhooks: Transport) -> None:
        self._mail = mail
        self._webhooks = webhooks

    def deliver(self, mail: OutboundMail) -> None:
        target = self._webhooks if mail.sender == WEBHOOK_SENDER else self._mail
        target.deliver(mail)

    def close(self) -> None:
        """End what the mail transport keeps open (the SMTP transport's connections)."""
        close = getattr(self._mail, "close", None)
        if callable(close):
            close()


class RoutingCompose:
    """A composer that signs webhook rows at send time and leaves the rest to `mail_compose`."""

    def __init__(
        self,
        mail_compose: Compose,
        *,
        lookup: Callable[[int], WebhookSubscription | None],
        clock: Clock,
    ) -> None:
        self._mail_compose = mail_compose
        self._lookup = lookup
        self._clock = clock

    def __call__(self, item: OutboxItem) -> OutboundMail:
        if item.kind != OUTBOX_KIND:
            return self._mail_compose(item)
        now: datetime = self._clock().astimezone(UTC)
        subscription = self._lookup(int(item.payload["subscription_id"]))
        return compose_webhook(item, subscription=subscription, now=now)

    def prepare(self, items: Sequence[OutboxItem]) -> None:
        """Let the mail composer prepare the batch's mail rows (webhooks are signed at send)."""
        prepare = getattr(self._mail_compose, "prepare", None)
        if callable(prepare):
            prepare([item for item in items if item.kind != OUTBOX_KIND])


def routing_compose(
    mail_compose: Compose,
    *,
    lookup: Callable[[int], WebhookSubscription | None],
    clock: Clock,
) -> RoutingCompose:
    """A composer that signs webhook rows at send time and leaves the rest to `mail_compose`."""
    return RoutingCompose(mail_compose, lookup=lookup, clock=clock)


def with_webhooks(
    mail_compose: Compose, mail_transport: Transport, *, engine: Engine, clock: Clock
) -> tuple[Compose, Transport]:
    """The delivery worker's compose and transport, extended with webhook delivery."""
    webhooks = WebhookTransport(log=SqlDeliveryLog(engine), clock=clock)
    return (
        routing_compose(mail_compose, lookup=SqlSubscriptionLookup(engine), clock=clock),
        RoutingTransport(mail=mail_transport, webhooks=webhooks),
    )
