"""The message service end to end on real databases, with the real policy checker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from message_core_world import (
    NOW,
    ORDER,
    OTHER_SELLERS_ORDER,
    buyer_sends,
    seed,
    seller_sends,
)
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.cases import Actor
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.cases import close_case
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import OutboxItem


def count(engine: Engine, table: t.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def outbox_rows(engine: Engine) -> list[OutboxItem]:
    with SqlUnitOfWork(engine) as uow:
        items = [uow.outbox.find(n) for n in range(1, 50)]
    return [item for item in items if item is not None]


def test_an_allowed_message_is_stored_chained_and_queued(engine: Engine) -> None:
    seed(engine)
    result = seller_sends(engine)
    assert result.verdict.verdict == "allow"
    assert result.disposition == "delivered"
    with SqlUnitOfWork(engine) as uow:
        stored = uow.messages.find(result.message_id)
        thread = uow.threads.find(result.thread_id)
    assert stored is not None
    assert thread is not None
    assert stored.prev_hash == GENESIS
    assert stored.hash == message_hash(stored)
    assert thread.head_hash == stored.hash
    assert stored.created_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    [item] = outbox_rows(engine)
    assert item.recipient == "jo@example.com"
    assert item.message_id == result.message_id


def test_a_blocked_message_is_stored_with_findings_and_nothing_is_queued(engine: Engine) -> None:
    seed(engine)
    result = seller_sends(engine, "Please leave us a 5-star review!", reason="other")
    assert result.disposition == "blocked"
    assert "review_request" in result.verdict.categories
    with SqlUnitOfWork(engine) as uow:
        stored = uow.messages.find(result.message_id)
    assert stored is not None
    assert stored.verdict == "block"
    assert "review_request" in {f.category for f in stored.findings}
    assert count(engine, t.outbox) == 0


def test_a_non_critical_proactive_message_to_an_opted_out_buyer_bounces(engine: Engine) -> None:
    seed(engine, opted_out=True)
    result = seller_sends(engine, "Here is the warranty information you need.", reason="warranty")
    assert result.disposition == "bounced"
    [item] = outbox_rows(engine)
    assert item.kind == "bounce_notice"
    assert item.recipient == "owner@acme.example"


def test_a_bounce_notice_can_be_switched_off(engine: Engine) -> None:
    seed(engine, opted_out=True, bounce_notices=False)
    result = seller_sends(engine, "Here is the warranty information you need.", reason="warranty")
    assert result.disposition == "bounced"
    assert count(engine, t.outbox) == 0


def test_the_daily_limit_blocks_the_message_over_it(engine: Engine) -> None:
    seed(engine)
    # Two orders in the last 7 days: 1 + 7 * 2 // 7 = 3 messages a day.
    limits = MessagingLimits(daily_limit_base=1, daily_limit_multiplier=7, daily_limit_days=7)
    results = [seller_sends(engine, limits=limits) for _ in range(4)]
    assert [r.disposition for r in results] == ["delivered"] * 3 + ["blocked"]
    assert results[-1].verdict.categories == ["daily_limit"]
    assert count(engine, t.outbox) == 3


def test_a_buyer_message_reaches_customer_service_and_makes_the_next_seller_message_a_reply(
    engine: Engine,
) -> None:
    seed(engine)
    asked = buyer_sends(engine)
    assert asked.disposition == "delivered"
    assert asked.verdict.triage is not None
    answer = seller_sends(engine, "It ships tomorrow.", reason="other")
    assert answer.disposition == "delivered"
    with SqlUnitOfWork(engine) as uow:
        stored = uow.messages.find(answer.message_id)
    assert stored is not None
    assert stored.initiation == "reply"
    recipients = [item.recipient for item in outbox_rows(engine)]
    assert recipients == ["cs@acme.example", "jo@example.com"]


def test_one_transaction_a_failing_outbox_write_leaves_nothing(engine: Engine) -> None:
    seed(engine)
    # The first message will get id 1 and delivery key message-1-buyer; a row already holding
    # that key makes the outbox insert fail after the message, findings and thread were written.
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.add(OutboxItem("webhook", "x@example.com", "message-1-buyer", {}), now=NOW)
        uow.commit()
    with pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"):
        seller_sends(engine)
    assert count(engine, t.messages) == 0
    assert count(engine, t.threads) == 0
    assert count(engine, t.aliases) == 0
    assert count(engine, t.outbox) == 1


@pytest.mark.parametrize(
    ("order_id", "seller_id"),
    [("999-9999999-9999999", "s1"), (OTHER_SELLERS_ORDER, "s1"), (ORDER, "nobody")],
)
def test_unknown_or_foreign_orders_are_not_found(
    engine: Engine, order_id: str, seller_id: str
) -> None:
    seed(engine)
    with pytest.raises(NotFound):
        send_seller_message(
            SendSellerMessage(order_id, seller_id, "", "Hello there", "other", "web"),
            uow=SqlUnitOfWork(engine),
            clock=lambda: NOW,
            limits=MessagingLimits(),
        )
    assert count(engine, t.messages) == 0


def test_a_100_mb_text_is_refused_before_touching_the_database(engine: Engine) -> None:
    seed(engine)
    with pytest.raises(InvalidInput, match="too large"):
        seller_sends(engine, "x" * 100_000_000)
    assert count(engine, t.messages) == 0


def test_case_hooks_open_the_case_run_the_clock_and_refuse_a_closed_case(engine: Engine) -> None:
    seed(engine)
    hooks = CaseHooks()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    asked = record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "Parcel", "Where is my parcel?", "web"),
        uow=uow(),
        clock=lambda: NOW,
        limits=MessagingLimits(),
        hooks=hooks,
    )
    with uow() as reading:
        case = reading.cases.latest_for_thread(asked.thread_id)
        running = reading.response_clocks.find(asked.message_id)
    assert case is not None
    assert case.id is not None
    assert case.state == "opened"
    assert running is not None
    assert running.stopped_at is None
    send_seller_message(
        SendSellerMessage(ORDER, "s1", "Re: Parcel", "It ships tomorrow.", "other", "web"),
        uow=uow(),
        clock=lambda: NOW + timedelta(hours=1),
        limits=MessagingLimits(),
        hooks=hooks,
    )
    with uow() as reading:
        answered = reading.response_clocks.find(asked.message_id)
    assert answered is not None
    assert answered.stop_reason == "answered"
    close_case(
        case_id=case.id,
        reason="Duplicate of another case.",
        actor=Actor("operator"),
        uow=uow(),
        clock=lambda: NOW + timedelta(hours=2),
    )
    late = send_seller_message(
        SendSellerMessage(
            ORDER, "s1", "", "Could you confirm the engraving?", "customization", "web"
        ),
        uow=uow(),
        clock=lambda: NOW + timedelta(hours=3),
        limits=MessagingLimits(),
        hooks=hooks,
    )
    assert late.disposition == "blocked"
    assert "case_closed" in late.verdict.categories
