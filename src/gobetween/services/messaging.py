"""The one message service every channel calls: check a message, store it as evidence, queue it.

`send_seller_message` and `record_buyer_message` validate the command, build the policy context and
the system facts, ask the policy for a verdict, and in ONE transaction append the message (with its
findings and attachment hashes) to the thread's hash chain and add the outbox row that the delivery
worker turns into mail after commit. Nothing is ever half-written: an error anywhere rolls it all
back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, cast, get_args

from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.domain.messages import (
    INITIATIONS,
    AttachmentMeta,
    Direction,
    Disposition,
    FindingRecord,
    Initiation,
    MessageRecord,
    Thread,
    check_attachments,
    check_channel,
    check_subject,
    check_text,
)
from gobetween.domain.orders import Order, check_order_id
from gobetween.domain.parties import Buyer, Seller, check_party_id
from gobetween.policy import Attachment, MessageContext, SystemFacts, Verdict, check
from gobetween.policy.categories import CONTACT_REASONS, CRITICAL_REASONS
from gobetween.policy.context import ORDER_STATUSES, CaseState, OrderStatus
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.aliases import ensure_pair_aliases
from gobetween.services.ports import (
    MESSAGE_ID_SLOT,
    NO_HOOKS,
    BuyerMessageFacts,
    Clock,
    MessageHooks,
    OrderParties,
    OutboxItem,
    SellerSendingFacts,
    StoredMessage,
    UnitOfWork,
)

# policy.md §4: a bounce for an opted-out buyer is not a violation, so it is not "blocked".
OPT_OUT_CATEGORY = "buyer_opted_out"
CASE_STATES: tuple[str, ...] = get_args(CaseState)
# Buyer messages carry no contact reason of their own (policy.md §2 is the seller's menu).
BUYER_CONTACT_REASON = "other"
# The rule id the SP-API surface also uses for this exclusion (services/spapi.py).
REVIEW_REQUESTED = "review_requested"
_CRITICAL_REASON_NAMES = ", ".join(
    reason.replace("_", " ") for reason in CONTACT_REASONS if reason in CRITICAL_REASONS
)


class PolicyCheck(Protocol):
    """The shape of `gobetween.policy.check`, so tests can pass a hand-written fake."""

    def __call__(
        self,
        text: str,
        context: MessageContext,
        *,
        subject: str | None = None,
        facts: SystemFacts | None = None,
    ) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class MessagingLimits:
    """Operator settings the service applies; bootstrap builds this from Settings."""

    # policy.md §4 daily_limit: multiplier x average daily orders over the last N days + base.
    daily_limit_base: int = 600
    daily_limit_multiplier: int = 5
    daily_limit_days: int = 7
    marketplace_region: str = "US"
    policy_profile: str = "amazon"

    def daily_limit(self, orders_in_window: int) -> int:
        """Messages a seller may send in one UTC day, given its orders in the averaging window."""
        average_scaled = self.daily_limit_multiplier * orders_in_window // self.daily_limit_days
        return self.daily_limit_base + average_scaled


ForSeller = Callable[[SellerPolicy | None], tuple[MessagingLimits, PolicyCheck]]
"""The limits and the policy check of one seller's send, given the operator's settings for that
seller as the send's read found them (None: the seller has none)."""


@dataclass(frozen=True, slots=True)
class SendSellerMessage:
    """A seller writes to the buyer of one of its orders."""

    order_id: str
    seller_id: str
    subject: str
    text: str
    contact_reason: str
    channel: str
    attachments: tuple[AttachmentMeta, ...] = ()
    # None: decided from the thread (a reply when a buyer message awaits an answer).
    initiation: Initiation | None = None


@dataclass(frozen=True, slots=True)
class RecordBuyerMessage:
    """A buyer writes to the seller of one of its orders."""

    order_id: str
    buyer_id: str
    subject: str
    text: str
    channel: str
    attachments: tuple[AttachmentMeta, ...] = ()


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of a message: where it is stored, the policy's verdict and its disposition."""

    message_id: int
    thread_id: int
    verdict: Verdict
    disposition: Disposition


def send_seller_message(
    command: SendSellerMessage,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
) -> SendResult:
    """Check, store and queue a seller's message to a buyer in one transaction.

    Raises NotFound for an unknown seller or an order that is not the seller's (the two are not
    told apart, so order ids of other sellers do not leak), InvalidInput for a malformed command,
    and Refused("review_requested") for a non-critical proactive message on an order that had its
    review request (nothing is stored: like a contact reason the order does not offer, the send
    was never allowed, so there is no policy verdict to keep as evidence).
    A policy block is not an error: the message is stored with its findings and not delivered.
    """
    _check_seller_command(command)
    with uow:
        return _read_and_send(
            command.order_id,
            command.seller_id,
            command,
            unknown=lambda: _unknown_party(uow, "seller", command.seller_id, command.order_id),
            uow=uow,
            check_policy=check_policy,
            clock=clock,
            limits=limits,
            hooks=hooks,
        )


def send_seller_message_with_parties(
    command: SendSellerMessage,
    parties: OrderParties,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
) -> SendResult:
    """`send_seller_message` inside the caller's open unit of work, on the order's parties the
    caller read in it (`uow.orders.find_with_parties`); commits that unit of work.

    For a caller that checks the draft against the order first (the API's and the pages' sends):
    reading the order, its seller and buyer again in the same transaction would only repeat a
    read that locks nothing, so it could not see more than the caller's read did (PostgreSQL's
    READ COMMITTED reads each statement's newest committed rows either way; SQLite's write
    transaction holds the database). Parties read anywhere else (another transaction, a cache)
    must not come here: the buyer's opt-out, language and address and the order's status and
    delivery date are what the verdict and the delivery use.
    """
    _check_seller_command(command)
    if parties.order.id != command.order_id or parties.seller.id != command.seller_id:
        raise NotFound("order", command.order_id)
    return _send_with_parties(
        command,
        parties,
        uow=uow,
        check_policy=check_policy,
        now=_now(clock),
        limits=limits,
        hooks=hooks,
    )


def send_seller_draft(
    order_id: str,
    seller_id: str,
    compose: Callable[[OrderParties], SendSellerMessage],
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
    for_seller: ForSeller | None = None,
) -> SendResult:
    """`send_seller_message` for a caller that can only write the command once it has the order's
    parties (the API's send: the contact reasons the order offers, a template in the buyer's
    language), inside the caller's open unit of work; commits that unit of work.

    Reads as `send_seller_message` does (the usual send: order, parties, the thread locked and
    the send facts in one statement), then hands the parties to `compose`, whose command is sent
    on that thread. `compose` may raise (a draft the order does not allow): nothing is stored.
    NotFound for an order that is not the seller's, before `compose` is called.

    `for_seller` applies the operator's settings for the seller, which the send facts carry
    (`SellerSendingFacts.seller_policy`): the limits and the check it returns judge the message
    instead of `limits` and `check_policy`. The facts' window of orders is `limits`' own
    (`daily_limit_days`, which a seller's settings do not change).
    """
    return _read_and_send(
        order_id,
        seller_id,
        compose,
        unknown=lambda: NotFound("order", order_id),
        uow=uow,
        check_policy=check_policy,
        clock=clock,
        limits=limits,
        hooks=hooks,
        for_seller=for_seller,
    )


def _read_and_send(
    order_id: str,
    seller_id: str,
    compose: SendSellerMessage | Callable[[OrderParties], SendSellerMessage],
    *,
    unknown: Callable[[], NotFound],
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks,
    for_seller: ForSeller | None = None,
) -> SendResult:
    """The read of `send_seller_message` and `send_seller_draft`, then the send of `compose`'s
    command (or of `compose`, a command checked already); `unknown` is the error for an order
    that is not the seller's."""
    now = _now(clock)
    # The usual send, one statement: order, parties, the thread locked and the send facts.
    locked = uow.threads.lock_for_seller_send(
        order_id,
        seller_id=seller_id,
        day_start=_day_start(now),
        window_start=_window_start(now, limits),
    )
    if locked is not None:
        return _send_on_locked_thread(
            _composed(compose, locked.parties),
            locked.parties,
            locked.thread,
            locked.facts or _sending_facts(uow, locked.parties, locked.thread, now, limits),
            uow=uow,
            check_policy=check_policy,
            now=now,
            limits=limits,
            hooks=hooks,
            for_seller=for_seller,
        )
    # No thread yet (the order's first message), or no such order of this seller.
    parties = uow.orders.find_with_parties(order_id)
    if parties is None or parties.seller.id != seller_id:
        raise unknown()
    return _send_with_parties(
        _composed(compose, parties),
        parties,
        uow=uow,
        check_policy=check_policy,
        now=now,
        limits=limits,
        hooks=hooks,
        for_seller=for_seller,
    )


def _composed(
    compose: SendSellerMessage | Callable[[OrderParties], SendSellerMessage],
    parties: OrderParties,
) -> SendSellerMessage:
    if isinstance(compose, SendSellerMessage):
        # `send_seller_message` checked its command before the read; a command is frozen.
        command = compose
    else:
        command = compose(parties)
        _check_seller_command(command)
    if command.order_id != parties.order.id or command.seller_id != parties.seller.id:
        raise NotFound("order", command.order_id)
    return command


def _send_with_parties(
    command: SendSellerMessage,
    parties: OrderParties,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    now: datetime,
    limits: MessagingLimits,
    hooks: MessageHooks,
    for_seller: ForSeller | None = None,
) -> SendResult:
    thread = _lock_thread(uow, parties.order, now)
    return _send_on_locked_thread(
        command,
        parties,
        thread,
        _sending_facts(uow, parties, thread, now, limits),
        uow=uow,
        check_policy=check_policy,
        now=now,
        limits=limits,
        hooks=hooks,
        for_seller=for_seller,
    )


def _day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _window_start(now: datetime, limits: MessagingLimits) -> datetime:
    return now - timedelta(days=limits.daily_limit_days)


def _sending_facts(
    uow: UnitOfWork, parties: OrderParties, thread: Thread, now: datetime, limits: MessagingLimits
) -> SellerSendingFacts:
    return uow.messages.seller_sending_facts(
        thread_id=thread.id,
        order_id=parties.order.id,
        seller_id=parties.seller.id,
        buyer_id=parties.buyer.id,
        day_start=_day_start(now),
        window_start=_window_start(now, limits),
    )


def _send_on_locked_thread(
    command: SendSellerMessage,
    parties: OrderParties,
    thread: Thread,
    counted: SellerSendingFacts,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    now: datetime,
    limits: MessagingLimits,
    hooks: MessageHooks,
    for_seller: ForSeller | None = None,
) -> SendResult:
    """The send once the order's thread is locked and the facts read after the lock."""
    if for_seller is not None:
        window_days = limits.daily_limit_days
        limits, check_policy = for_seller(counted.seller_policy)
        if limits.daily_limit_days != window_days:
            # The facts counted the orders of the marketplace's window, read before the
            # seller's settings were known.
            raise ValueError("a seller's settings cannot change the daily limit's window")
    order, seller, buyer = parties.order, parties.seller, parties.buyer
    derived: Initiation = "reply" if counted.awaiting_reply else "proactive"
    initiation = chosen_initiation(command.initiation, derived)
    if counted.review_requested:
        refuse_after_review_request(initiation, command.contact_reason)
    aliases = ensure_pair_aliases(
        uow=uow, buyer_id=buyer.id, seller_id=seller.id, now=now, known=counted.aliases
    )
    context = seller_policy_context(
        order,
        buyer,
        initiation=initiation,
        contact_reason=command.contact_reason,
        attachments=command.attachments,
        limits=limits,
    )
    facts = SystemFacts(
        messages_sent_today=counted.sent_today,
        daily_limit=limits.daily_limit(counted.orders_in_window),
        case_state=checked_case_state(hooks.case_state(uow, thread.id)),
        days_since_delivery=days_since_delivery(order, now),
        # system.md: seller-to-seller messages are refused. The recipient is a seller when
        # the order's buyer is the buying identity of any seller, this one included.
        sender_and_recipient_are_sellers=counted.buyer_is_seller,
    )
    verdict = check_policy(command.text, context, subject=command.subject, facts=facts)
    disposition = _seller_disposition(verdict, context)
    deliveries: tuple[OutboxItem, ...] = ()
    if disposition == "delivered":
        deliveries = (
            _message_delivery(
                to="buyer",
                recipient=buyer.email,
                from_alias=aliases.seller.local_part,
                from_name=seller.display_name,
                order_id=order.id,
                command=command,
            ),
        )
    elif disposition == "bounced" and seller.opt_out_bounce_notices:
        deliveries = (
            OutboxItem(
                kind="bounce_notice",
                recipient=_seller_notice_address(seller),
                delivery_key=f"bounce-{MESSAGE_ID_SLOT}-seller",
                payload={
                    "order_id": order.id,
                    "subject": command.subject,
                    "buyer_alias": aliases.buyer.local_part,
                    "reason": OPT_OUT_CATEGORY,
                },
            ),
        )
    message_id = _append(
        uow,
        thread,
        now=now,
        direction="seller_to_buyer",
        sender_id=seller.id,
        channel=command.channel,
        initiation=initiation,
        contact_reason=command.contact_reason,
        subject=command.subject,
        text=command.text,
        attachments=command.attachments,
        verdict=verdict,
        disposition=disposition,
        deliveries=deliveries,
    )
    hooks.message_stored(
        uow,
        StoredMessage(
            message_id=message_id,
            thread_id=thread.id,
            order_id=order.id,
            seller_id=seller.id,
            buyer_id=buyer.id,
            direction="seller_to_buyer",
            disposition=disposition,
            categories=tuple(verdict.categories),
            subject=command.subject,
            text=command.text,
            created_at=now,
        ),
    )
    uow.commit()
    return SendResult(message_id, thread.id, verdict, disposition)


def record_buyer_message(
    command: RecordBuyerMessage,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
) -> SendResult:
    """Check, store and queue a buyer's message to the seller's customer-service address.

    Buyer messages are always delivered (policy.md §5); the verdict carries the triage and report
    suggestions the seller sees. NotFound for an unknown buyer or an order that is not theirs.
    """
    _check_buyer_command(command)
    with uow:
        return _read_and_record(
            command.order_id,
            command.buyer_id,
            command,
            unknown=lambda: _unknown_party(uow, "buyer", command.buyer_id, command.order_id),
            uow=uow,
            check_policy=check_policy,
            clock=clock,
            limits=limits,
            hooks=hooks,
        )


def record_buyer_draft(
    order_id: str,
    buyer_id: str,
    compose: Callable[[OrderParties], RecordBuyerMessage],
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
) -> SendResult:
    """`record_buyer_message` for a caller that writes the command once it has the order's
    parties, inside the caller's open unit of work; commits that unit of work.

    Reads as `record_buyer_message` does (order, parties, the thread locked and the message's
    facts in one statement), then hands the parties to `compose`, whose command is recorded on
    that thread. NotFound("order") for an order that is not the buyer's, before `compose` is
    called and whether or not the buyer exists (the caller knows its buyer).
    """
    return _read_and_record(
        order_id,
        buyer_id,
        compose,
        unknown=lambda: NotFound("order", order_id),
        uow=uow,
        check_policy=check_policy,
        clock=clock,
        limits=limits,
        hooks=hooks,
    )


def _read_and_record(
    order_id: str,
    buyer_id: str,
    compose: RecordBuyerMessage | Callable[[OrderParties], RecordBuyerMessage],
    *,
    unknown: Callable[[], NotFound],
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks,
) -> SendResult:
    """The read of `record_buyer_message` and `record_buyer_draft`, then the record of
    `compose`'s command (or of `compose`, a command checked already); `unknown` is the error
    for an order that is not the buyer's."""
    now = _now(clock)
    # The usual message, one statement: order, parties, the thread locked, the thread's latest
    # direction and the pair's aliases.
    locked = uow.threads.lock_for_buyer_message(order_id, buyer_id=buyer_id)
    if locked is not None:
        return _record_on_locked_thread(
            _composed_buyer_message(compose, locked.parties),
            locked.parties,
            locked.thread,
            locked.facts or _buyer_message_facts(uow, locked.parties, locked.thread),
            uow=uow,
            check_policy=check_policy,
            now=now,
            limits=limits,
            hooks=hooks,
        )
    # No thread yet (the order's first message), or no such order of this buyer.
    parties = uow.orders.find_with_parties(order_id)
    if parties is None or parties.buyer.id != buyer_id:
        raise unknown()
    return _record_with_parties(
        _composed_buyer_message(compose, parties),
        parties,
        uow=uow,
        check_policy=check_policy,
        now=now,
        limits=limits,
        hooks=hooks,
    )


def _unknown_party(
    uow: UnitOfWork, kind: Literal["seller", "buyer"], party_id: str, order_id: str
) -> NotFound:
    """Which of the two is unknown, asked only on this error path; never whose order it is."""
    repository = uow.sellers if kind == "seller" else uow.buyers
    if repository.find(party_id) is None:
        return NotFound(kind, party_id)
    return NotFound("order", order_id)


def _composed_buyer_message(
    compose: RecordBuyerMessage | Callable[[OrderParties], RecordBuyerMessage],
    parties: OrderParties,
) -> RecordBuyerMessage:
    if isinstance(compose, RecordBuyerMessage):
        # `record_buyer_message` checked its command before the read.
        command = compose
    else:
        command = compose(parties)
        _check_buyer_command(command)
    if command.order_id != parties.order.id or command.buyer_id != parties.buyer.id:
        raise NotFound("order", command.order_id)
    return command


def record_buyer_message_with_parties(
    command: RecordBuyerMessage,
    parties: OrderParties,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck = check,
    clock: Clock,
    limits: MessagingLimits,
    hooks: MessageHooks = NO_HOOKS,
) -> SendResult:
    """`record_buyer_message` inside the caller's open unit of work, on the order's parties the
    caller read in it; commits that unit of work. The same contract as
    `send_seller_message_with_parties`: parties read anywhere else must not come here.
    """
    _check_buyer_command(command)
    if parties.order.id != command.order_id or parties.buyer.id != command.buyer_id:
        raise NotFound("order", command.order_id)
    return _record_with_parties(
        command,
        parties,
        uow=uow,
        check_policy=check_policy,
        now=_now(clock),
        limits=limits,
        hooks=hooks,
    )


def _record_with_parties(
    command: RecordBuyerMessage,
    parties: OrderParties,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    now: datetime,
    limits: MessagingLimits,
    hooks: MessageHooks,
) -> SendResult:
    thread = _lock_thread(uow, parties.order, now)
    return _record_on_locked_thread(
        command,
        parties,
        thread,
        _buyer_message_facts(uow, parties, thread),
        uow=uow,
        check_policy=check_policy,
        now=now,
        limits=limits,
        hooks=hooks,
    )


def _buyer_message_facts(
    uow: UnitOfWork, parties: OrderParties, thread: Thread
) -> BuyerMessageFacts:
    # A thread without messages awaits nothing: its latest message is not read.
    awaiting_reply = thread.message_count > 0 and uow.messages.awaiting_reply(thread.id)
    aliases = uow.aliases.of_pair(parties.buyer.id, parties.seller.id)
    return BuyerMessageFacts(awaiting_reply, tuple(aliases))


def _record_on_locked_thread(
    command: RecordBuyerMessage,
    parties: OrderParties,
    thread: Thread,
    read: BuyerMessageFacts,
    *,
    uow: UnitOfWork,
    check_policy: PolicyCheck,
    now: datetime,
    limits: MessagingLimits,
    hooks: MessageHooks,
) -> SendResult:
    """The buyer's message once the order's thread is locked and its facts read after the lock."""
    order, seller, buyer = parties.order, parties.seller, parties.buyer
    # The buyer replies when the seller spoke last; otherwise the buyer opens the exchange.
    has_messages = thread.message_count > 0
    seller_spoke_last = has_messages and not read.awaiting_reply
    initiation: Initiation = "reply" if seller_spoke_last else "proactive"
    aliases = ensure_pair_aliases(
        uow=uow, buyer_id=buyer.id, seller_id=seller.id, now=now, known=read.aliases
    )
    context = MessageContext(
        direction="buyer_to_seller",
        initiation=initiation,
        fulfillment="marketplace" if order.fulfillment == "marketplace" else "seller",
        order_status=_order_status(order),
        contact_reason=BUYER_CONTACT_REASON,
        attachments=_policy_attachments(command.attachments),
        language=buyer.language,
        marketplace_region=limits.marketplace_region,
        profile=limits.policy_profile,
    )
    facts = SystemFacts(days_since_delivery=days_since_delivery(order, now))
    verdict = check_policy(command.text, context, subject=command.subject, facts=facts)
    message_id = _append(
        uow,
        thread,
        now=now,
        direction="buyer_to_seller",
        sender_id=buyer.id,
        channel=command.channel,
        initiation=initiation,
        contact_reason=BUYER_CONTACT_REASON,
        subject=command.subject,
        text=command.text,
        attachments=command.attachments,
        verdict=verdict,
        disposition="delivered",
        deliveries=(
            _message_delivery(
                to="seller",
                recipient=seller.customer_service_address,
                from_alias=aliases.buyer.local_part,
                from_name=buyer.first_name,
                order_id=order.id,
                command=command,
            ),
        ),
    )
    hooks.message_stored(
        uow,
        StoredMessage(
            message_id=message_id,
            thread_id=thread.id,
            order_id=order.id,
            seller_id=seller.id,
            buyer_id=buyer.id,
            direction="buyer_to_seller",
            disposition="delivered",
            categories=tuple(verdict.categories),
            subject=command.subject,
            text=command.text,
            created_at=now,
        ),
    )
    uow.commit()
    return SendResult(message_id, thread.id, verdict, "delivered")


def _check_common(command: SendSellerMessage | RecordBuyerMessage) -> None:
    # The text first and by length first: a 100 MB body must be refused before anything scans it.
    check_text(command.text)
    check_order_id(command.order_id)
    check_subject(command.subject)
    check_channel(command.channel)
    check_attachments(command.attachments)


def _check_seller_command(command: SendSellerMessage) -> None:
    if not isinstance(command, SendSellerMessage):
        raise InvalidInput("command", "must be a SendSellerMessage")
    _check_common(command)
    check_party_id(command.seller_id, field_name="seller_id")
    if command.contact_reason not in CONTACT_REASONS:
        raise InvalidInput(
            "contact_reason",
            f"must be one of {', '.join(CONTACT_REASONS)}; got {command.contact_reason!r}",
        )
    if command.initiation is not None and command.initiation not in INITIATIONS:
        raise InvalidInput(
            "initiation", f"must be proactive, reply or unset; got {command.initiation!r}"
        )


def _check_buyer_command(command: RecordBuyerMessage) -> None:
    if not isinstance(command, RecordBuyerMessage):
        raise InvalidInput("command", "must be a RecordBuyerMessage")
    _check_common(command)
    check_party_id(command.buyer_id, field_name="buyer_id")


def _now(clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise InvalidInput("clock", "must return timezone-aware UTC time")
    return now.astimezone(UTC)


def _lock_thread(uow: UnitOfWork, order: Order, now: datetime) -> Thread:
    return uow.threads.lock_for_order(
        order.id, seller_id=order.seller_id, buyer_id=order.buyer_id, genesis=GENESIS, now=now
    )


def chosen_initiation(requested: Initiation | None, derived: Initiation) -> Initiation:
    """The caller may make a message stricter (proactive), never pass it off as a reply."""
    if requested == "reply" and derived == "proactive":
        raise InvalidInput("initiation", "is 'reply' but no buyer message awaits an answer")
    return requested or derived


def refuse_after_review_request(initiation: Initiation, contact_reason: str) -> None:
    """An order gets its review request or free-form proactive messages, not both.

    Replies stay allowed, and so do critical contact reasons (the same test as the verdict's
    `critical`): an unexpected problem or a legal disclosure must reach the buyer regardless.
    """
    if initiation == "proactive" and contact_reason not in CRITICAL_REASONS:
        raise Refused(
            REVIEW_REQUESTED,
            "A review was already requested for this order, so it takes no further proactive "
            f"messages except critical ones ({_CRITICAL_REASON_NAMES}). You can still reply to "
            "the buyer.",
        )


def seller_policy_context(
    order: Order,
    buyer: Buyer,
    *,
    initiation: Initiation,
    contact_reason: str,
    limits: MessagingLimits,
    attachments: tuple[AttachmentMeta, ...] = (),
) -> MessageContext:
    """The policy context of a seller's message to the buyer of `order` (policy.md §1).

    Shared by the send path and the live draft check, so what a seller sees while typing is
    what the message gets when sent.
    """
    return MessageContext(
        direction="seller_to_buyer",
        initiation=initiation,
        fulfillment="marketplace" if order.fulfillment == "marketplace" else "seller",
        order_status=_order_status(order),
        contact_reason=contact_reason,
        buyer_opted_out=buyer.opted_out,
        attachments=_policy_attachments(attachments),
        language=buyer.language,
        marketplace_region=limits.marketplace_region,
        profile=limits.policy_profile,
    )


def _order_status(order: Order) -> OrderStatus:
    # The schema's CHECK constraint keeps stored statuses to this list; a new one needs a policy.
    if order.status not in ORDER_STATUSES:
        raise ValueError(f"order {order.id}: unknown status {order.status!r}")
    return order.status


def _policy_attachments(attachments: tuple[AttachmentMeta, ...]) -> tuple[Attachment, ...]:
    return tuple(
        Attachment(filename=a.filename, content_type=a.content_type, size=a.size, head=a.head)
        for a in attachments
    )


def days_since_delivery(order: Order, now: datetime) -> float | None:
    """Days (fractional) from the order's delivery to `now`; None before delivery."""
    if order.delivered_at is None:
        return None
    return (now - order.delivered_at).total_seconds() / 86400


def checked_case_state(state: str | None) -> CaseState | None:
    """The case hook's state as the policy's `CaseState`; a state it does not know is a bug."""
    if state is None:
        return None
    if state not in CASE_STATES:
        raise ValueError(f"case state {state!r} is not one of {', '.join(CASE_STATES)}")
    return cast(CaseState, state)


def _seller_disposition(verdict: Verdict, context: MessageContext) -> Disposition:
    blocking = set(verdict.categories)
    if blocking - {OPT_OUT_CATEGORY}:
        return "blocked"
    opted_out_bounce = (
        context.buyer_opted_out and context.initiation == "proactive" and not context.critical
    )
    if OPT_OUT_CATEGORY in blocking or opted_out_bounce:
        return "bounced"
    if verdict.blocked:
        # A block without a blocking finding names no reason; never deliver it.
        return "blocked"
    return "delivered"


def _seller_notice_address(seller: Seller) -> str:
    if seller.registered_addresses:
        return seller.registered_addresses[0]
    return seller.customer_service_address


def _append(
    uow: UnitOfWork,
    thread: Thread,
    *,
    now: datetime,
    direction: Direction,
    sender_id: str,
    channel: str,
    initiation: Initiation,
    contact_reason: str,
    subject: str,
    text: str,
    attachments: tuple[AttachmentMeta, ...],
    verdict: Verdict,
    disposition: Disposition,
    deliveries: tuple[OutboxItem, ...],
) -> int:
    """Append one message to the (locked) thread's chain, move the head, queue its deliveries."""
    findings = tuple(
        FindingRecord(
            category=f.category,
            rule=f.rule,
            severity=f.severity,
            span_start=f.span[0] if f.span is not None else None,
            span_end=f.span[1] if f.span is not None else None,
            message=f.message,
        )
        for f in verdict.findings
    )
    unhashed = MessageRecord(
        thread_id=thread.id,
        seq=thread.message_count + 1,
        direction=direction,
        sender_id=sender_id,
        channel=channel,
        initiation=initiation,
        contact_reason=contact_reason,
        subject=subject,
        body=text,
        language=verdict.language,
        verdict=verdict.verdict,
        critical=verdict.critical,
        disposition=disposition,
        triage=verdict.triage,
        report=verdict.report,
        created_at=now,
        prev_hash=thread.head_hash,
        hash="",
        findings=findings,
        attachments=tuple(
            AttachmentMeta(a.filename, a.content_type, a.size, a.sha256) for a in attachments
        ),
    )
    record = _with_hash(unhashed)
    return uow.messages.append(record, deliveries=deliveries, now=now)


def _with_hash(record: MessageRecord) -> MessageRecord:
    return replace(record, hash=message_hash(record))


def _message_delivery(
    *,
    to: Literal["buyer", "seller"],
    recipient: str,
    from_alias: str,
    from_name: str,
    order_id: str,
    command: SendSellerMessage | RecordBuyerMessage,
) -> OutboxItem:
    """The outbox row that delivers a stored message to one side's real address.

    The payload carries what the composer needs, so delivery needs no further reads; the key
    `message-<id>-<side>` makes the delivery happen once per recipient (the id is filled in when
    the message is appended).
    """
    return OutboxItem(
        kind="message",
        recipient=recipient,
        delivery_key=f"message-{MESSAGE_ID_SLOT}-{to}",
        payload={
            "from_alias": from_alias,
            "from_name": from_name,
            "order_id": order_id,
            "subject": command.subject,
            "text": command.text,
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "sha256": a.sha256,
                }
                for a in command.attachments
            ],
        },
    )
