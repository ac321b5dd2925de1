"""Webhooks end to end: queued with the change, signed at send time, POSTed to a loopback server.

The server checks every signature with `services.webhooks.verify`, the way an integrator would.
Retries go through the real outbox and delivery worker functions; every attempt is logged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cases_world import T0, add_message, seed_thread
from sqlalchemy import Engine, select

from gobetween.adapters.db import case_tables as ct
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.webhook_transport import with_webhooks
from gobetween.domain.errors import InvalidInput, Refused
from gobetween.services import cases, webhooks
from gobetween.services.delivery import DeliveryPolicy, deliver_pending
from gobetween.services.ports import OutboundMail, OutboxItem


class SteppingClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A loopback HTTP endpoint answering with the queued statuses (then 200)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(Received(dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/gobetween"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _no_mail(item: OutboxItem) -> OutboundMail:
    raise AssertionError(f"only webhooks are queued in this test; got {item.kind}")


class _NoMailTransport:
    def deliver(self, mail: OutboundMail) -> None:
        raise AssertionError("no mail in this test")


def _subscribe(engine: Engine, url: str, events: list[str], clock: SteppingClock) -> str:
    with SqlUnitOfWork(engine) as uow:
        subscription = webhooks.subscribe(uow=uow, url=url, events=events, now=clock())
        uow.commit()
    return subscription.secret


def _buyer_writes(engine: Engine, clock: SteppingClock) -> int:
    order_id = "114-0000009-0000001"
    thread_id = seed_thread(engine, order_id=order_id)
    message_id = add_message(engine, thread_id=thread_id, buyer=True, sender_id="B1", at=clock())
    with SqlUnitOfWork(engine) as uow:
        cases.note_buyer_message(
            uow,
            message_id=message_id,
            order_id=order_id,
            thread_id=thread_id,
            seller_id="S1",
            buyer_id="B1",
            at=clock(),
            data={"subject": "Where is my parcel?"},
        )
        uow.commit()
    return message_id


def _drain(engine: Engine, clock: SteppingClock) -> Any:
    compose, transport = with_webhooks(_no_mail, _NoMailTransport(), engine=engine, clock=clock)
    return deliver_pending(
        uow_factory=lambda: SqlUnitOfWork(engine),
        transport=transport,
        compose=compose,
        worker="test-worker",
        clock=clock,
        policy=DeliveryPolicy(),
    )


def _log(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(ct.webhook_deliveries).order_by(ct.webhook_deliveries.c.id)
            ).all()
        )


def test_events_arrive_signed_and_verifiable(engine: Engine, receiver: Receiver) -> None:
    clock = SteppingClock(T0)
    secret = _subscribe(engine, receiver.url, ["message.received", "case.changed"], clock)
    message_id = _buyer_writes(engine, clock)
    report = _drain(engine, clock)
    assert (report.claimed, report.delivered) == (2, 2)
    by_type = {r.headers["Gobetween-Event-Type"]: r for r in receiver.requests}
    assert set(by_type) == {"message.received", "case.changed"}
    for request in receiver.requests:
        webhooks.verify(secret, request.headers["Gobetween-Signature"], request.body, now=clock())
        envelope = json.loads(request.body)
        assert envelope["id"] == request.headers["Gobetween-Event-Id"]
    received = json.loads(by_type["message.received"].body)["data"]
    assert received["message_id"] == message_id
    assert received["due_at"] == (T0 + timedelta(hours=24)).isoformat()
    assert received["subject"] == "Where is my parcel?"
    changed = json.loads(by_type["case.changed"].body)["data"]
    assert (changed["state"], changed["change"]["action"]) == ("opened", "open")
    assert [row.outcome for row in _log(engine)] == ["delivered", "delivered"]


def test_temporary_failures_are_retried_with_backoff_under_the_same_event_id(
    engine: Engine, receiver: Receiver
) -> None:
    clock = SteppingClock(T0)
    secret = _subscribe(engine, receiver.url, ["message.received"], clock)
    _buyer_writes(engine, clock)
    receiver.statuses = [503]
    first = _drain(engine, clock)
    assert (first.claimed, first.retried) == (1, 1)
    # Nothing is due again until the backoff has passed.
    assert _drain(engine, clock).claimed == 0
    clock.now = T0 + timedelta(minutes=6)
    second = _drain(engine, clock)
    assert second.delivered == 1
    ids = {r.headers["Gobetween-Event-Id"] for r in receiver.requests}
    assert len(receiver.requests) == 2
    assert len(ids) == 1
    # The retry was signed afresh: it verifies now, and the first one no longer would.
    last = receiver.requests[-1]
    webhooks.verify(secret, last.headers["Gobetween-Signature"], last.body, now=clock())
    first_request = receiver.requests[0]
    with pytest.raises(Refused, match="window"):
        webhooks.verify(
            secret, first_request.headers["Gobetween-Signature"], first_request.body, now=clock()
        )
    assert [(r.outcome, r.status_code) for r in _log(engine)] == [
        ("retry", 503),
        ("delivered", 200),
    ]


def test_a_refusing_endpoint_fails_for_good(engine: Engine, receiver: Receiver) -> None:
    clock = SteppingClock(T0)
    _subscribe(engine, receiver.url, ["message.received"], clock)
    _buyer_writes(engine, clock)
    receiver.statuses = [410]
    assert _drain(engine, clock).failed == 1
    with engine.connect() as connection:
        status = connection.execute(
            select(t.outbox.c.status).where(t.outbox.c.kind == "webhook")
        ).scalar_one()
    assert status == "failed"
    assert [(r.outcome, r.status_code) for r in _log(engine)] == [("failed", 410)]


def test_an_unreachable_endpoint_is_retried(engine: Engine, receiver: Receiver) -> None:
    clock = SteppingClock(T0)
    # A port nothing listens on: the connection is refused, which is worth retrying.
    _subscribe(engine, "http://127.0.0.1:9/nowhere", ["message.received"], clock)
    _buyer_writes(engine, clock)
    assert _drain(engine, clock).retried == 1
    (row,) = _log(engine)
    assert row.outcome == "retry"
    assert row.status_code is None
    assert row.error


def test_a_paused_subscription_receives_nothing_more(engine: Engine, receiver: Receiver) -> None:
    clock = SteppingClock(T0)
    _subscribe(engine, receiver.url, ["message.received"], clock)
    _buyer_writes(engine, clock)
    with SqlUnitOfWork(engine) as uow:
        (subscription,) = uow.webhooks.list_subscriptions()
        assert subscription.id is not None
        webhooks.set_subscription_active(
            uow=uow, subscription_id=subscription.id, active=False, now=clock()
        )
        uow.commit()
    assert _drain(engine, clock).failed == 1
    assert receiver.requests == []


def test_subscriptions_only_receive_their_event_types_and_seller(engine: Engine) -> None:
    clock = SteppingClock(T0)
    seed_thread(engine, order_id="114-0000009-0000002", seller_id="S2", buyer_id="B2")
    with SqlUnitOfWork(engine) as uow:
        webhooks.subscribe(uow=uow, url="https://a.example/h", events=["case.changed"], now=clock())
        webhooks.subscribe(
            uow=uow,
            url="https://b.example/h",
            events=["message.received"],
            now=clock(),
            seller_id="S2",
        )
        uow.commit()
    _buyer_writes(engine, clock)
    with engine.connect() as connection:
        recipients = sorted(
            connection.execute(select(t.outbox.c.recipient).where(t.outbox.c.kind == "webhook"))
            .scalars()
            .all()
        )
    # S1's buyer wrote: the all-sellers case.changed subscription gets it, S2's does not.
    assert recipients == ["https://a.example/h"]


def test_bad_subscriptions_are_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match="url"):
        webhooks.check_url("ftp://example.com/x")
    with pytest.raises(InvalidInput, match=r"unknown 'message\.sent'"):
        webhooks.check_event_types(["message.sent"])
    with pytest.raises(InvalidInput, match="at least one"):
        webhooks.check_event_types([])


def test_verify_refuses_tampering_wrong_secrets_and_garbage() -> None:
    body = b'{"id":"e1"}'
    now = T0
    header = webhooks.sign("s3cret", int(now.timestamp()), body)
    assert webhooks.verify("s3cret", header, body, now=now) == int(now.timestamp())
    with pytest.raises(Refused, match="does not match"):
        webhooks.verify("s3cret", header, body + b" ", now=now)
    with pytest.raises(Refused, match="does not match"):
        webhooks.verify("other", header, body, now=now)
    with pytest.raises(Refused, match="missing"):
        webhooks.verify("s3cret", None, body, now=now)
    with pytest.raises(Refused, match="not t="):
        webhooks.verify("s3cret", "sha256=abc", body, now=now)
    # Exactly five minutes old still passes; a second more is a replay.
    webhooks.verify("s3cret", header, body, now=now + timedelta(minutes=5))
    with pytest.raises(Refused, match="window"):
        webhooks.verify("s3cret", header, body, now=now + timedelta(minutes=5, seconds=1))


@pytest.mark.parametrize(
    "url",
    ["https://tools.example/h", "http://127.0.0.1:8080/h", "http://[::1]/h", "http://localhost/h"],
)
def test_https_anywhere_and_plain_http_only_to_this_machine(url: str) -> None:
    assert webhooks.check_url(url) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://tools.example/h", "https"),
        ("http://10.0.0.7/h", "https"),
        ("http://127.0.0.1.example/h", "https"),
        ("https://me:pw@tools.example/h", "user name"),
        ("https://tools.example:99999/h", "not a valid URL"),
        ("https:///h", "absolute"),
    ],
)
def test_webhook_urls_refused_name_the_problem(url: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as refused:
        webhooks.check_url(url)
    assert refused.value.field == "url"
