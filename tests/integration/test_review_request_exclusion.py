"""After an order's review request, the core refuses free-form proactive messages on it (issue 5).

The exclusion lives in `send_seller_message`, so every channel (native API, relay, pages, SP-API)
gets it; these tests run the core on both databases with the real policy checker.
"""

from __future__ import annotations

import pytest
from message_core_world import NOW, ORDER, SECOND_ORDER, buyer_sends, seed, seller_sends
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.spapi_tables import spapi_solicitations
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.errors import Refused
from gobetween.services.messaging import MessagingLimits, SendSellerMessage, send_seller_message


def review_requested(engine: Engine, order_id: str = ORDER) -> None:
    """The row the SP-API's productReviewAndSellerFeedback leaves behind."""
    with engine.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=order_id,
                seller_id="s1",
                buyer_id="b1",
                language="en",
                subject="Review your order",
                body="How was it?",
                created_at=NOW,
            )
        )


def count(engine: Engine, table: t.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("reason", ["other", "warranty", "invoice", "digital_access_key"])
def test_a_non_critical_proactive_message_is_refused_and_nothing_is_stored(
    engine: Engine, reason: str
) -> None:
    seed(engine)
    review_requested(engine)
    with pytest.raises(Refused) as refused:
        seller_sends(engine, "Here is the information about your order.", reason=reason)
    assert refused.value.code == "review_requested"
    assert "review was already requested" in refused.value.reason
    assert "reply" in refused.value.reason
    # Refused before storing, like a contact reason the order does not offer: no evidence row,
    # no thread head moved, nothing queued, no alias handed out.
    assert count(engine, t.messages) == 0
    assert count(engine, t.outbox) == 0
    assert count(engine, t.aliases) == 0


@pytest.mark.parametrize("reason", ["customization", "unexpected_problem", "legal_disclosure"])
def test_a_critical_proactive_message_is_still_delivered(engine: Engine, reason: str) -> None:
    seed(engine)
    review_requested(engine)
    result = seller_sends(engine, "Could you confirm the engraving text?", reason=reason)
    assert result.disposition == "delivered"
    assert result.verdict.critical


def test_a_reply_is_still_delivered(engine: Engine) -> None:
    seed(engine)
    review_requested(engine)
    buyer_sends(engine, "When will it arrive?")
    answer = seller_sends(engine, "It ships tomorrow.", reason="other")
    assert answer.disposition == "delivered"
    with SqlUnitOfWork(engine) as uow:
        stored = uow.messages.find(answer.message_id)
    assert stored is not None
    assert stored.initiation == "reply"


def test_a_reply_the_caller_marks_proactive_is_refused(engine: Engine) -> None:
    # The caller may make a message stricter (proactive); then the exclusion applies to it.
    seed(engine)
    review_requested(engine)
    buyer_sends(engine, "When will it arrive?")
    with pytest.raises(Refused, match="review_requested"):
        send_seller_message(
            SendSellerMessage(
                ORDER, "s1", "Your order", "It ships tomorrow.", "other", "web", (), "proactive"
            ),
            uow=SqlUnitOfWork(engine),
            clock=lambda: NOW,
            limits=MessagingLimits(),
        )
    assert count(engine, t.messages) == 1


def test_the_pairs_other_order_without_a_review_request_is_unaffected(engine: Engine) -> None:
    seed(engine)
    review_requested(engine, ORDER)
    result = seller_sends(
        engine, "Here is the warranty information.", order_id=SECOND_ORDER, reason="warranty"
    )
    assert result.disposition == "delivered"
    with pytest.raises(Refused):
        seller_sends(engine, "Here is the warranty information.", reason="warranty")
