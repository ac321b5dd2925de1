"""The message service against hand-written fakes: validation, context, facts, dispositions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from message_core_fakes import T0, FakeUnitOfWork, SteppingClock, Store

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.domain.messages import MAX_TEXT_BYTES, AttachmentMeta
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller
from gobetween.policy import Finding, MessageContext, SystemFacts, Verdict
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendResult,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import StoredMessage, UnitOfWork

ORDER = "111-0000001-0000001"
OTHER_ORDER = "111-0000002-0000002"


class RecordingCheck:
    """A fake policy that records what it was asked and answers with a preset verdict."""

    def __init__(self, verdict: Verdict | None = None) -> None:
        self.verdict = verdict or Verdict(verdict="allow")
        self.calls: list[tuple[str, MessageContext, SystemFacts | None]] = []

    def __call__(
        self,
        text: str,
        context: MessageContext,
        *,
        subject: str | None = None,
        facts: SystemFacts | None = None,
    ) -> Verdict:
        self.calls.append((text, context, facts))
        return replace(self.verdict, critical=context.critical)


def world(*, opted_out: bool = False, bounce_notices: bool = True) -> Store:
    store = Store()
    store.sellers["s1"] = Seller(
        "s1",
        "Acme",
        "Acme GmbH",
        "cs@acme.example",
        ("owner@acme.example",),
        opt_out_bounce_notices=bounce_notices,
    )
    store.sellers["s2"] = Seller("s2", "Other", "Other Ltd", "cs@other.example", ())
    store.buyers["b1"] = Buyer("b1", "Jo Doe", "jo@example.com", "de", opted_out=opted_out)
    store.orders[ORDER] = Order(
        ORDER,
        "DE",
        "s1",
        "b1",
        "seller",
        "delivered",
        "books",
        T0 - timedelta(days=3),
        delivered_at=T0 - timedelta(days=1),
    )
    store.orders[OTHER_ORDER] = Order(
        OTHER_ORDER, "DE", "s2", "b1", "seller", "shipped", "books", T0 - timedelta(days=2)
    )
    return store


def seller_command(**changes: object) -> SendSellerMessage:
    base = SendSellerMessage(
        order_id=ORDER,
        seller_id="s1",
        subject="Your engraving",
        text="Could you confirm the engraving text?",
        contact_reason="customization",
        channel="web",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def send(
    store: Store,
    command: SendSellerMessage | None = None,
    check: RecordingCheck | None = None,
    clock: SteppingClock | None = None,
    limits: MessagingLimits | None = None,
) -> SendResult:
    return send_seller_message(
        command or seller_command(),
        uow=FakeUnitOfWork(store),
        check_policy=check or RecordingCheck(),
        clock=clock or SteppingClock(),
        limits=limits or MessagingLimits(),
    )


def buyer_says(
    store: Store, text: str = "When will it ship?", clock: SteppingClock | None = None
) -> SendResult:
    return record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "Question", text, "email"),
        uow=FakeUnitOfWork(store),
        check_policy=RecordingCheck(Verdict(verdict="allow", triage="needs_response")),
        clock=clock or SteppingClock(),
        limits=MessagingLimits(),
    )


def test_a_delivered_message_is_stored_chained_and_queued_for_the_buyer() -> None:
    store = world()
    result = send(store)
    assert result.disposition == "delivered"
    stored = store.messages[result.message_id]
    assert (stored.seq, stored.prev_hash) == (1, GENESIS)
    assert stored.hash == message_hash(stored)
    assert store.threads[result.thread_id].head_hash == stored.hash
    [row] = store.outbox.values()
    item = row["item"]
    assert item.recipient == "jo@example.com"
    assert item.kind == "message"
    assert item.payload["from_name"] == "Acme"
    seller_alias = item.payload["from_alias"]
    assert store.aliases[seller_alias].side == "seller"


def test_the_policy_gets_the_context_and_facts_of_the_order() -> None:
    store = world()
    check = RecordingCheck()
    send(store, check=check)
    [(text, context, facts)] = check.calls
    assert text == "Could you confirm the engraving text?"
    assert context.direction == "seller_to_buyer"
    assert context.initiation == "proactive"
    assert context.order_status == "delivered"
    assert context.language == "de"
    assert context.contact_reason == "customization"
    assert facts is not None
    assert facts.messages_sent_today == 0
    # One order in the last 7 days: 600 + 5 * 1 // 7.
    assert facts.daily_limit == 600
    assert facts.days_since_delivery == pytest.approx(1.0)
    assert facts.sender_and_recipient_are_sellers is False


def test_the_daily_limit_grows_with_recent_orders() -> None:
    limits = MessagingLimits(daily_limit_base=600, daily_limit_multiplier=5, daily_limit_days=7)
    assert limits.daily_limit(0) == 600
    assert limits.daily_limit(70) == 650
    assert limits.daily_limit(7 * 100) == 1100


def test_messages_sent_today_counts_only_this_utc_day() -> None:
    store = world()
    clock = SteppingClock(T0.replace(hour=23, minute=59))
    send(store, clock=clock)
    send(store, clock=clock)
    check = RecordingCheck()
    send(store, check=check, clock=clock)
    assert check.calls[0][2] is not None
    assert check.calls[0][2].messages_sent_today == 2
    clock.advance(minutes=2)
    check = RecordingCheck()
    send(store, check=check, clock=clock)
    assert check.calls[0][2] is not None
    assert check.calls[0][2].messages_sent_today == 0


def test_a_reply_follows_an_unanswered_buyer_message() -> None:
    store = world()
    buyer_says(store)
    check = RecordingCheck()
    send(store, check=check, command=seller_command(contact_reason="other"))
    assert check.calls[0][1].initiation == "reply"
    check = RecordingCheck()
    send(store, check=check)
    assert check.calls[0][1].initiation == "proactive"


def test_claiming_a_reply_without_a_buyer_message_is_refused() -> None:
    with pytest.raises(InvalidInput, match="initiation"):
        send(world(), command=seller_command(initiation="reply"))


def test_a_blocked_message_is_stored_with_findings_and_not_queued() -> None:
    store = world()
    finding = Finding("review_request", "review_request.ask", "block", (0, 6), "asks for a review")
    result = send(store, check=RecordingCheck(Verdict(verdict="block", findings=(finding,))))
    assert result.disposition == "blocked"
    stored = store.messages[result.message_id]
    assert stored.verdict == "block"
    assert [f.category for f in stored.findings] == ["review_request"]
    assert (stored.findings[0].span_start, stored.findings[0].span_end) == (0, 6)
    assert store.outbox == {}


def test_a_non_critical_proactive_message_to_an_opted_out_buyer_bounces() -> None:
    store = world(opted_out=True)
    result = send(store, command=seller_command(contact_reason="warranty"))
    assert result.disposition == "bounced"
    [row] = store.outbox.values()
    assert row["item"].kind == "bounce_notice"
    assert row["item"].recipient == "owner@acme.example"


def test_a_bounce_notice_is_not_sent_when_the_seller_turned_them_off() -> None:
    store = world(opted_out=True, bounce_notices=False)
    result = send(store, command=seller_command(contact_reason="warranty"))
    assert result.disposition == "bounced"
    assert store.outbox == {}
    assert store.messages[result.message_id].disposition == "bounced"


def test_a_critical_message_reaches_an_opted_out_buyer() -> None:
    store = world(opted_out=True)
    assert send(store).disposition == "delivered"


def test_a_reply_reaches_an_opted_out_buyer() -> None:
    store = world(opted_out=True)
    buyer_says(store)
    assert send(store, command=seller_command(contact_reason="other")).disposition == "delivered"


def test_an_opt_out_finding_from_the_policy_is_a_bounce_not_a_block() -> None:
    store = world(opted_out=True)
    finding = Finding("buyer_opted_out", "buyer_opted_out", "block", None, "opted out")
    check = RecordingCheck(Verdict(verdict="block", findings=(finding,)))
    result = send(store, command=seller_command(contact_reason="warranty"), check=check)
    assert result.disposition == "bounced"


def test_a_buyer_who_is_a_seller_is_flagged_for_the_seller_to_seller_rule() -> None:
    store = world()
    store.sellers["s2"] = replace(store.sellers["s2"], buyer_id="b1")
    check = RecordingCheck()
    send(store, check=check)
    assert check.calls[0][2] is not None
    assert check.calls[0][2].sender_and_recipient_are_sellers is True


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"seller_id": "nobody"}, NotFound, None),
        ({"order_id": "999-9999999-9999999"}, NotFound, None),
        ({"order_id": OTHER_ORDER}, NotFound, None),
        ({"order_id": "not-an-order"}, InvalidInput, "order_id"),
        ({"text": ""}, InvalidInput, "text"),
        ({"text": "   \n"}, InvalidInput, "text"),
        ({"text": b"bytes"}, InvalidInput, "text"),
        ({"text": "x" * (MAX_TEXT_BYTES + 1)}, InvalidInput, "text"),
        ({"text": "é" * (MAX_TEXT_BYTES // 2 + 1)}, InvalidInput, "text"),
        ({"subject": "a\r\nBcc: x@y.z"}, InvalidInput, "subject"),
        ({"contact_reason": "gossip"}, InvalidInput, "contact_reason"),
        ({"channel": "pigeon"}, InvalidInput, "channel"),
        ({"initiation": "sometimes"}, InvalidInput, "initiation"),
        (
            {"attachments": (AttachmentMeta("a.pdf", "application/pdf", 10, "nothex"),)},
            InvalidInput,
            "attachments[0].sha256",
        ),
    ],
)
def test_bad_commands_are_refused_and_nothing_is_written(
    changes: dict[str, object], error: type[Exception], field: str | None
) -> None:
    store = world()
    check = RecordingCheck()
    with pytest.raises(error) as raised:
        send(store, command=seller_command(**changes), check=check)
    if field is not None:
        assert isinstance(raised.value, InvalidInput)
        assert raised.value.field == field
    assert check.calls == []
    assert store.messages == {}
    assert store.outbox == {}
    assert store.commits == 0


def test_another_sellers_order_looks_exactly_like_a_missing_one() -> None:
    with pytest.raises(NotFound) as other:
        send(world(), command=seller_command(order_id=OTHER_ORDER))
    assert other.value.kind == "order"
    assert str(other.value) == f"order {OTHER_ORDER!r} not found"


def test_a_100_mb_text_is_refused_before_the_policy_sees_it() -> None:
    store = world()
    check = RecordingCheck()
    with pytest.raises(InvalidInput, match="too large"):
        send(store, command=seller_command(text="a" * 100_000_000), check=check)
    assert check.calls == []
    assert store.commits == 0


def test_a_failing_outbox_write_leaves_nothing_behind() -> None:
    store = world()
    with pytest.raises(RuntimeError, match="outbox write failed"):
        send_seller_message(
            seller_command(),
            uow=FakeUnitOfWork(store, fail_outbox=True),
            check_policy=RecordingCheck(),
            clock=SteppingClock(),
            limits=MessagingLimits(),
        )
    assert store.messages == {}
    assert store.threads == {}
    assert store.aliases == {}


def test_a_buyer_message_goes_to_the_customer_service_address_with_its_triage() -> None:
    store = world()
    result = buyer_says(store)
    assert result.disposition == "delivered"
    assert result.verdict.triage == "needs_response"
    stored = store.messages[result.message_id]
    assert stored.direction == "buyer_to_seller"
    assert stored.triage == "needs_response"
    [row] = store.outbox.values()
    assert row["item"].recipient == "cs@acme.example"
    assert row["item"].payload["from_name"] == "Jo"
    assert store.aliases[row["item"].payload["from_alias"]].side == "buyer"


def test_a_buyer_message_is_delivered_even_when_the_policy_blocks_it() -> None:
    store = world()
    finding = Finding("off_platform", "off_platform.pay", "block", (0, 3), "pay elsewhere")
    result = record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "", "Pay me by PayPal", "web"),
        uow=FakeUnitOfWork(store),
        check_policy=RecordingCheck(Verdict(verdict="block", findings=(finding,), report="spam")),
        clock=SteppingClock(),
        limits=MessagingLimits(),
    )
    assert result.disposition == "delivered"
    assert store.messages[result.message_id].report == "spam"
    assert len(store.outbox) == 1


def test_a_buyer_cannot_write_on_someone_elses_order() -> None:
    store = world()
    store.buyers["b2"] = Buyer("b2", "Al", "al@example.com", "en")
    with pytest.raises(NotFound):
        record_buyer_message(
            RecordBuyerMessage(ORDER, "b2", "", "hello", "web"),
            uow=FakeUnitOfWork(store),
            check_policy=RecordingCheck(),
            clock=SteppingClock(),
            limits=MessagingLimits(),
        )
    assert store.messages == {}


def test_the_chain_links_every_message_of_a_thread() -> None:
    store = world()
    clock = SteppingClock()
    first = send(store, clock=clock)
    clock.advance(seconds=1)
    second = buyer_says(store, clock=clock)
    clock.advance(seconds=1)
    third = send(store, clock=clock, command=seller_command(contact_reason="other"))
    chain = [store.messages[r.message_id] for r in (first, second, third)]
    assert [m.seq for m in chain] == [1, 2, 3]
    assert chain[1].prev_hash == chain[0].hash
    assert chain[2].prev_hash == chain[1].hash
    assert store.threads[first.thread_id].message_count == 3


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(InvalidInput, match="clock"):
        send(world(), clock=SteppingClock(T0.replace(tzinfo=None)))


def test_case_hooks_refuse_a_unit_of_work_without_case_repositories() -> None:
    store = world()
    with pytest.raises(TypeError, match="cases, response_clocks, webhooks"):
        record_buyer_message(
            RecordBuyerMessage(ORDER, "b1", "", "Hello?", "web"),
            uow=FakeUnitOfWork(store),
            check_policy=RecordingCheck(),
            clock=SteppingClock(),
            limits=MessagingLimits(),
            hooks=CaseHooks(),
        )
    assert store.messages == {}


class RecordingHooks:
    def __init__(self, state: str | None) -> None:
        self.state = state
        self.stored: list[StoredMessage] = []

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return self.state

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        self.stored.append(message)


def test_hooks_see_the_case_state_and_every_stored_message() -> None:
    store = world()
    hooks = RecordingHooks("closed")
    check = RecordingCheck()
    result = send_seller_message(
        seller_command(),
        uow=FakeUnitOfWork(store),
        check_policy=check,
        clock=SteppingClock(),
        limits=MessagingLimits(),
        hooks=hooks,
    )
    assert check.calls[0][2] is not None
    assert check.calls[0][2].case_state == "closed"
    [stored] = hooks.stored
    assert (stored.message_id, stored.direction, stored.disposition) == (
        result.message_id,
        "seller_to_buyer",
        "delivered",
    )


def test_an_unknown_case_state_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="case state"):
        send_seller_message(
            seller_command(),
            uow=FakeUnitOfWork(world()),
            check_policy=RecordingCheck(),
            clock=SteppingClock(),
            limits=MessagingLimits(),
            hooks=RecordingHooks("pending"),
        )
