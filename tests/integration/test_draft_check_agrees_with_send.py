"""The live check of a seller's draft says what the send would say, fact by fact, on SQLite and
PostgreSQL: each test checks a draft through a read-only unit of work, then sends the same
message through `send_seller_message` with the same hooks, and compares.

Facts the send reads before its policy check: whether a buyer message awaits an answer, the
order's review request, the thread's case state, today's count against the daily limit, the days
since delivery, and whether the buyer is a seller.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from message_core_world import NOW, ORDER, SECOND_ORDER, buyer_sends, seed
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.read_engine import build_read_only_engine
from gobetween.adapters.db.spapi_tables import spapi_solicitations
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.cases import Actor
from gobetween.domain.errors import GobetweenError, InvalidInput, Refused
from gobetween.domain.messages import Initiation
from gobetween.domain.orders import Order
from gobetween.domain.parties import Seller
from gobetween.policy import Verdict, check
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.cases import close_case
from gobetween.services.drafts import check_seller_draft
from gobetween.services.messaging import (
    MessagingLimits,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.messaging import RecordBuyerMessage as BuyerMessage

PLAIN = "Your invoice for this order is ready in your account."


@dataclass(frozen=True)
class Outcome:
    """A verdict, or the error that came instead of one, in comparable form."""

    verdict: tuple[object, ...] | None = None
    error: tuple[str, str, str] | None = None

    @property
    def categories(self) -> tuple[str, ...]:
        assert self.verdict is not None, f"no verdict: {self.error}"
        categories = self.verdict[1]
        assert isinstance(categories, tuple)
        return categories


def comparable(verdict: Verdict) -> tuple[object, ...]:
    return (
        verdict.verdict,
        tuple(verdict.categories),
        verdict.findings,
        verdict.critical,
        tuple(verdict.suggestions),
        verdict.language,
        verdict.policy_version,
    )


def failed(error: GobetweenError) -> Outcome:
    if isinstance(error, Refused):
        return Outcome(error=("refused", error.code, error.reason))
    assert isinstance(error, InvalidInput)
    return Outcome(error=("invalid", error.field, error.problem))


@pytest.fixture
def reader(engine: Engine) -> Iterator[Engine]:
    read_only = build_read_only_engine(engine)
    yield read_only
    if read_only is not engine:
        read_only.dispose()


def draft_then_send(
    engine: Engine,
    reader: Engine,
    text: str = PLAIN,
    *,
    order_id: str = ORDER,
    reason: str = "invoice",
    initiation: Initiation | None = None,
    limits: MessagingLimits | None = None,
    moment: datetime = NOW,
) -> tuple[Outcome, Outcome]:
    """The live check's outcome, then the send's, for the same draft at the same moment."""
    limits = limits or MessagingLimits()
    try:
        drafted = Outcome(
            comparable(
                check_seller_draft(
                    order_id=order_id,
                    seller_id="s1",
                    subject="Your order",
                    text=text,
                    contact_reason=reason,
                    uow=SqlUnitOfWork(reader),
                    check_policy=check,
                    clock=lambda: moment,
                    limits=limits,
                    initiation=initiation,
                    hooks=CaseHooks(),
                )
            )
        )
    except (Refused, InvalidInput) as error:
        drafted = failed(error)
    try:
        result = send_seller_message(
            SendSellerMessage(order_id, "s1", "Your order", text, reason, "web", (), initiation),
            uow=SqlUnitOfWork(engine),
            check_policy=check,
            clock=lambda: moment,
            limits=limits,
            hooks=CaseHooks(),
        )
        sent = Outcome(comparable(result.verdict))
    except (Refused, InvalidInput) as error:
        sent = failed(error)
    return drafted, sent


def messages_stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.messages)).scalar_one())


def test_a_clean_proactive_draft_passes_in_both(engine: Engine, reader: Engine) -> None:
    seed(engine)
    drafted, sent = draft_then_send(engine, reader)
    assert drafted == sent
    assert drafted.verdict is not None
    assert drafted.verdict[0] == "allow"


def test_after_a_review_request_both_refuse_a_proactive_draft(
    engine: Engine, reader: Engine
) -> None:
    seed(engine)
    with engine.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=ORDER,
                seller_id="s1",
                buyer_id="b1",
                language="en",
                subject="Review your order",
                body="How was it?",
                created_at=NOW,
            )
        )
    drafted, sent = draft_then_send(engine, reader, reason="other")
    assert drafted == sent
    assert drafted.error is not None
    assert drafted.error[:2] == ("refused", "review_requested")
    assert messages_stored(engine) == 0
    # A critical reason stays allowed in both.
    drafted, sent = draft_then_send(
        engine, reader, "Could you confirm the engraving text?", reason="customization"
    )
    assert drafted == sent
    assert drafted.verdict is not None
    assert drafted.verdict[0] == "allow"
    # And so does a reply, which the live check derives from the thread as the send does.
    buyer_sends(engine, "When will it arrive?", moment=NOW + timedelta(minutes=1))
    drafted, sent = draft_then_send(
        engine, reader, "It ships tomorrow.", moment=NOW + timedelta(minutes=2)
    )
    assert drafted == sent
    assert drafted.verdict is not None
    assert drafted.verdict[0] == "allow"


def test_on_a_closed_case_both_block_the_answer(engine: Engine, reader: Engine) -> None:
    seed(engine)
    record_buyer_message(
        BuyerMessage(ORDER, "b1", "Question", "Where is my parcel?", "email"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW,
        limits=MessagingLimits(),
        hooks=CaseHooks(),
    )
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        case = uow.cases.latest_for_thread(thread.id)
    assert case is not None
    assert case.id is not None
    close_case(
        case_id=case.id,
        reason="duplicate of another case",
        actor=Actor("operator"),
        uow=SqlUnitOfWork(engine),
        clock=lambda: NOW + timedelta(minutes=1),
    )
    drafted, sent = draft_then_send(
        engine, reader, "It ships tomorrow.", moment=NOW + timedelta(minutes=2)
    )
    assert drafted == sent
    assert "case_closed" in drafted.categories


def test_over_the_daily_limit_both_block(engine: Engine, reader: Engine) -> None:
    seed(engine)
    one_a_day = MessagingLimits(daily_limit_base=1, daily_limit_multiplier=0)
    first, first_sent = draft_then_send(engine, reader, limits=one_a_day)
    assert first == first_sent
    assert "daily_limit" not in first.categories
    drafted, sent = draft_then_send(
        engine, reader, order_id=SECOND_ORDER, limits=one_a_day, moment=NOW + timedelta(minutes=1)
    )
    assert drafted == sent
    assert "daily_limit" in drafted.categories


def test_long_after_delivery_both_block_a_proactive_draft(engine: Engine, reader: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        order = uow.orders.find(ORDER)
        assert order is not None
        uow.orders.upsert(
            Order(
                order.id,
                order.marketplace,
                order.seller_id,
                order.buyer_id,
                order.fulfillment,
                "delivered",
                order.product_category,
                NOW - timedelta(days=50),
                items=order.items,
                shipping_address=order.shipping_address,
                shipped_at=NOW - timedelta(days=48),
                delivered_at=NOW - timedelta(days=45),
            ),
            now=NOW,
        )
        uow.commit()
    drafted, sent = draft_then_send(engine, reader)
    assert drafted == sent
    assert "outside_window" in drafted.categories


def test_when_the_buyer_is_a_seller_both_block(engine: Engine, reader: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        # Seller s2 buys as b1, the buyer of s1's order.
        uow.sellers.upsert(
            Seller("s2", "Other", "Other Ltd", "cs@other.example", (), buyer_id="b1"), now=NOW
        )
        uow.commit()
    drafted, sent = draft_then_send(engine, reader)
    assert drafted == sent
    assert "seller_to_seller" in drafted.categories


def test_a_reply_without_a_buyer_message_is_refused_by_both(engine: Engine, reader: Engine) -> None:
    seed(engine)
    drafted, sent = draft_then_send(engine, reader, initiation="reply")
    assert drafted == sent
    assert drafted.error is not None
    assert drafted.error[:2] == ("invalid", "initiation")


def test_a_proactive_draft_on_an_awaiting_thread_is_judged_proactive_by_both(
    engine: Engine, reader: Engine
) -> None:
    """The Contact buyer page sends free text as proactive even when a buyer message waits."""
    seed(engine, opted_out=True)
    buyer_sends(engine, "When will it arrive?")
    later = NOW + timedelta(minutes=1)
    as_reply, replied = draft_then_send(
        engine, reader, "It ships tomorrow.", reason="other", moment=later
    )
    assert as_reply == replied
    as_proactive, sent = draft_then_send(engine, reader, initiation="proactive", moment=later)
    assert as_proactive == sent
    # To an opted-out buyer the proactive one bounces while the reply is delivered.
    with SqlUnitOfWork(engine) as uow:
        thread = uow.threads.find_for_order(ORDER)
        assert thread is not None
        stored = [(m.initiation, m.disposition) for m in uow.messages.for_thread(thread.id)]
    assert stored[1:] == [("reply", "delivered"), ("proactive", "bounced")]


def test_the_live_check_writes_nothing(engine: Engine, reader: Engine) -> None:
    seed(engine)
    check_seller_draft(
        order_id=ORDER,
        seller_id="s1",
        subject="Your order",
        text=PLAIN,
        contact_reason="invoice",
        uow=SqlUnitOfWork(reader),
        check_policy=check,
        clock=lambda: NOW,
        limits=MessagingLimits(),
        hooks=CaseHooks(),
    )
    with SqlUnitOfWork(engine) as uow:
        assert uow.threads.find_for_order(ORDER) is None
    assert messages_stored(engine) == 0
