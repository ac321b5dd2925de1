"""Check a seller's draft against the policy without storing or sending it (the live check).

The live check reads every fact `send_seller_message` reads before its policy check, with the
repository call the send makes apart (`seller_sending_facts`; on PostgreSQL the send reads the same
facts inside its one locking read, `lock_for_seller_send`, which a test holds equal to it) and the
same case hook, in one read-only transaction:
whether a buyer message awaits an answer (reply or proactive), today's count and the orders of the
daily limit's window, whether the buyer is a seller, whether the order had its review request, and
the state of the thread's case. It then applies the send's own rules in the send's order, so the
live check while typing says what the send would say: the same `Refused("review_requested")` for
a non-critical proactive draft after a review request, the same verdict otherwise.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.messages import Initiation, check_subject, check_text
from gobetween.domain.orders import check_order_id
from gobetween.policy import SystemFacts, Verdict
from gobetween.policy.categories import CONTACT_REASONS

# The send's own rules (chosen_initiation, refuse_after_review_request) are imported rather than
# restated, so the live check cannot drift from them.
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    checked_case_state,
    chosen_initiation,
    days_since_delivery,
    refuse_after_review_request,
    seller_policy_context,
)
from gobetween.services.ports import NO_HOOKS, Clock, MessageHooks, UnitOfWork

# Thread ids start at 1 on both databases: before an order's first message there is no thread,
# and the facts query then finds no last message (so no reply is awaited), as the send would.
NO_THREAD = 0


def check_seller_draft(
    *,
    order_id: str,
    seller_id: str,
    subject: str,
    text: str,
    contact_reason: str,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    clock: Clock,
    limits: MessagingLimits,
    initiation: Initiation | None = None,
    hooks: MessageHooks = NO_HOOKS,
) -> Verdict:
    """The verdict a seller's draft would get if sent now; nothing is written.

    Give `uow` a read-only unit of work and the same `hooks` and `initiation` the send would get.
    NotFound when the order is not the seller's; InvalidInput for an unknown reason, a text beyond
    the size a message may have, or a reply where no buyer message awaits one; Refused
    ("review_requested") for a non-critical proactive draft on an order that had its review
    request, exactly as `send_seller_message` refuses it.
    """
    # The send's checks of the command, in its order: the text first, by length first.
    check_text(text)
    check_order_id(order_id)
    check_subject(subject)
    if contact_reason not in CONTACT_REASONS:
        raise InvalidInput(
            "contact_reason",
            f"must be one of {', '.join(CONTACT_REASONS)}; got {contact_reason!r}",
        )
    now = clock().astimezone(UTC)
    with uow:
        parties = uow.orders.find_with_parties(order_id)
        if parties is None or parties.seller.id != seller_id:
            raise NotFound("order", order_id)
        order, buyer = parties.order, parties.buyer
        thread = uow.threads.find_for_order(order.id)
        counted = uow.messages.seller_sending_facts(
            thread_id=NO_THREAD if thread is None else thread.id,
            order_id=order.id,
            seller_id=seller_id,
            buyer_id=buyer.id,
            day_start=now.replace(hour=0, minute=0, second=0, microsecond=0),
            window_start=now - timedelta(days=limits.daily_limit_days),
        )
        case_state = None if thread is None else hooks.case_state(uow, thread.id)
    chosen = chosen_initiation(initiation, "reply" if counted.awaiting_reply else "proactive")
    if counted.review_requested:
        refuse_after_review_request(chosen, contact_reason)
    context = seller_policy_context(
        order, buyer, initiation=chosen, contact_reason=contact_reason, limits=limits
    )
    facts = SystemFacts(
        messages_sent_today=counted.sent_today,
        daily_limit=limits.daily_limit(counted.orders_in_window),
        case_state=checked_case_state(case_state),
        days_since_delivery=days_since_delivery(order, now),
        sender_and_recipient_are_sellers=counted.buyer_is_seller,
    )
    return check_policy(text, context, subject=subject, facts=facts)
