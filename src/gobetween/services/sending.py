"""Send as the API caller: free text or a filled template, through the one message service.

This module turns what a party drafted into the core's command: it resolves the attachments the
sender uploaded, fills a template in the buyer's language, refuses a contact reason the order does
not offer, applies the operator's settings for the seller (policy profile, essential link domains,
daily-limit overrides) and calls `send_seller_message` or `record_buyer_message`. Storing,
checking and queueing stay in the message service, in its one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Final

from gobetween.domain.contact_reasons import ContactReasons, OrderFacts, contact_reasons_for
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.messages import AttachmentMeta, Initiation
from gobetween.domain.orders import Order, check_order_id
from gobetween.policy import MessageContext, SystemFacts, Verdict
from gobetween.services.access import Principal
from gobetween.services.access_ports import AccessUnitOfWork, SellerPolicy
from gobetween.services.attachments import BlobStore, attachments_for_message
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.inbox import visible_order
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    RecordBuyerMessage,
    SendResult,
    SendSellerMessage,
    record_buyer_draft,
    send_seller_draft,
)
from gobetween.services.ports import Clock, OrderParties
from gobetween.services.templates import (
    RenderedTemplate,
    get_template,
    render_template,
    templates_for_reasons,
)

DAILY_LIMIT: Final = "daily_limit"


@dataclass(frozen=True, slots=True)
class Draft:
    """What the caller wrote: free text (with a contact reason) or a template with its fields."""

    order_id: str
    text: str | None = None
    subject: str | None = None
    contact_reason: str | None = None
    template_id: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    initiation: Initiation | None = None


@dataclass(frozen=True, slots=True)
class DailyLimitStatus:
    """policy.md §4 daily_limit as the seller sees it: the limit, today's count, the next reset."""

    limit: int
    count: int
    resets_at: datetime


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """The stored message and its verdict; `daily_limit` is set when that limit refused it."""

    result: SendResult
    subject: str
    text: str
    daily_limit: DailyLimitStatus | None = None


@dataclass(frozen=True, slots=True)
class Sending:
    """The collaborators a send needs, wired by the composition root.

    A send reads its order, parties and settings in its own transaction (`uow_factory`), and the
    message service stores the message on those parties without reading them again.
    """

    uow_factory: Callable[[], AccessUnitOfWork]
    blobs: BlobStore
    clock: Clock
    limits: MessagingLimits
    check_policy: PolicyCheck
    window_days: int = 30
    channel: str = "api"


def send_message(draft: Draft, *, sender: Principal, sending: Sending) -> SendOutcome:
    """Check, store and queue the sender's message; NotFound for an order that is not theirs."""
    check_order_id(draft.order_id)
    attachments = attachments_for_message(
        list(draft.attachments), sender=sender, uow=sending.uow_factory(), blobs=sending.blobs
    )
    if sender.role == "seller" and sender.seller_id is not None:
        return _send_as_seller(draft, sender, sender.seller_id, attachments, sending)
    if sender.role == "buyer" and sender.buyer_id is not None:
        return _send_as_buyer(draft, sender.buyer_id, attachments, sending)
    raise InvalidInput("role", "only sellers and buyers write messages")


def daily_limit_status(
    seller_id: str, *, uow: AccessUnitOfWork, clock: Clock, limits: MessagingLimits
) -> DailyLimitStatus:
    """The seller's daily limit, how much of it today used, and when it resets (UTC midnight)."""
    now = clock().astimezone(UTC)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with uow:
        count = uow.access.daily_sends.sent_since(seller_id, day_start)
        orders = uow.orders.count_for_seller_since(
            seller_id, now - timedelta(days=limits.daily_limit_days)
        )
    return DailyLimitStatus(limits.daily_limit(orders), count, day_start + timedelta(days=1))


def seller_limits(limits: MessagingLimits, policy: SellerPolicy | None) -> MessagingLimits:
    """The marketplace's limits with the operator's overrides for one seller."""
    if policy is None:
        return limits
    return replace(
        limits,
        policy_profile=policy.profile,
        daily_limit_base=(
            limits.daily_limit_base if policy.daily_limit_base is None else policy.daily_limit_base
        ),
        daily_limit_multiplier=(
            limits.daily_limit_multiplier
            if policy.daily_limit_multiplier is None
            else policy.daily_limit_multiplier
        ),
    )


def with_link_domains(check_policy: PolicyCheck, domains: tuple[str, ...]) -> PolicyCheck:
    """The policy check with the seller's essential link domains in every context (policy.md §1)."""
    if not domains:
        return check_policy

    def check(
        text: str,
        context: MessageContext,
        *,
        subject: str | None = None,
        facts: SystemFacts | None = None,
    ) -> Verdict:
        merged = tuple(dict.fromkeys((*context.allowed_link_domains, *domains)))
        return check_policy(
            text, replace(context, allowed_link_domains=merged), subject=subject, facts=facts
        )

    return check


def offered_reasons(order: Order, *, now: datetime, window_days: int) -> ContactReasons:
    """The contact reasons `order` offers now (policy.md §2), as `inbox.options_for` finds them.

    Only the reasons: a send needs no field budgets of the order's templates, which
    `options_for` works out for the contact page by formatting every template in every language.
    """
    since = None
    if order.delivered_at is not None:
        since = (now - order.delivered_at).total_seconds() / 86400
    facts = OrderFacts.of(
        fulfillment=order.fulfillment, status=order.status, product_category=order.product_category
    )
    return contact_reasons_for(facts, days_since_delivery=since, window_days=window_days)


def _send_as_seller(
    draft: Draft,
    sender: Principal,
    seller_id: str,
    attachments: tuple[AttachmentMeta, ...],
    sending: Sending,
) -> SendOutcome:
    # One transaction for the whole send: the message service reads the order with its
    # parties, locks its thread and reads the send facts, the operator's settings for the
    # seller among them, in one statement; the draft is checked against those parties and the
    # message judged with those settings before it is stored on them.
    applied: list[MessagingLimits] = []

    def for_seller(policy: SellerPolicy | None) -> tuple[MessagingLimits, PolicyCheck]:
        limits = seller_limits(sending.limits, policy)
        applied.append(limits)
        domains = policy.allowed_link_domains if policy else ()
        return limits, with_link_domains(sending.check_policy, domains)

    with sending.uow_factory() as uow:
        written: list[tuple[str, str]] = []

        def compose(parties: OrderParties) -> SendSellerMessage:
            reason, subject, text = _checked_seller_draft(draft, parties, sending)
            written.append((subject, text))
            return SendSellerMessage(
                order_id=parties.order.id,
                seller_id=seller_id,
                subject=subject,
                text=text,
                contact_reason=reason,
                channel=sending.channel,
                attachments=attachments,
                initiation=draft.initiation,
            )

        result = send_seller_draft(
            draft.order_id,
            seller_id,
            compose,
            uow=uow,
            check_policy=sending.check_policy,
            hooks=CaseHooks(),
            clock=sending.clock,
            limits=sending.limits,
            for_seller=for_seller,
        )
    subject, text = written[0]
    status = None
    if DAILY_LIMIT in result.verdict.categories:
        status = daily_limit_status(
            seller_id, uow=sending.uow_factory(), clock=sending.clock, limits=applied[0]
        )
    return SendOutcome(result, subject, text, status)


def _checked_seller_draft(
    draft: Draft, parties: OrderParties, sending: Sending
) -> tuple[str, str, str]:
    """The contact reason, subject and text of a seller's draft; InvalidInput for a template or
    reason the order does not offer (policy.md §2), or a draft that is neither text nor template.
    """
    order, seller, buyer = parties.order, parties.seller, parties.buyer
    reasons = offered_reasons(
        order, now=sending.clock().astimezone(UTC), window_days=sending.window_days
    )
    if draft.template_id is not None:
        if draft.text is not None:
            raise InvalidInput("text", "give either text or template_id, not both")
        template = get_template(draft.template_id)
        offered = {
            t.id for t in templates_for_reasons(reasons.offered_ids, reasons.reply_templates)
        }
        if template.id not in offered:
            raise InvalidInput(
                "template_id", f"template {template.id} is not offered for this order"
            )
        if draft.contact_reason not in (None, template.reason):
            raise InvalidInput("contact_reason", f"template {template.id} is for {template.reason}")
        rendered = render_template(
            template.id,
            language=buyer.language,
            fields=draft.fields,
            order_id=order.id,
            buyer_name=buyer.first_name,
            seller_name=seller.display_name,
            purchased_at=order.purchased_at,
        )
        return template.reason, draft.subject or rendered.subject, rendered.text
    if draft.fields:
        raise InvalidInput("fields", "fields belong to a template; give template_id")
    if draft.text is None:
        raise InvalidInput("text", "is required (or give template_id and fields)")
    reason = draft.contact_reason or "other"
    if reasons.find(reason) is None:
        missing = next((m for m in reasons.missing if m.id == reason), None)
        why = f" ({missing.rule}: {missing.explanation})" if missing else ""
        raise InvalidInput("contact_reason", f"{reason!r} is not offered for this order{why}")
    return reason, draft.subject or f"Your order {order.id}", draft.text


def _send_as_buyer(
    draft: Draft, buyer_id: str, attachments: tuple[AttachmentMeta, ...], sending: Sending
) -> SendOutcome:
    if draft.template_id is not None or draft.fields:
        raise InvalidInput("template_id", "templates are the seller's; buyers write free text")
    if draft.contact_reason is not None:
        raise InvalidInput("contact_reason", "contact reasons are the seller's; leave it out")
    if draft.text is None:
        raise InvalidInput("text", "is required")
    # As a seller's send: the order, its parties, the thread locked and the message's facts
    # read once, in the send's own transaction (record_buyer_draft).
    text = draft.text
    subjects: list[str] = []

    def compose(parties: OrderParties) -> RecordBuyerMessage:
        subjects.append(draft.subject or f"Order {parties.order.id}")
        return RecordBuyerMessage(
            order_id=parties.order.id,
            buyer_id=buyer_id,
            subject=subjects[0],
            text=text,
            channel=sending.channel,
            attachments=attachments,
        )

    with sending.uow_factory() as uow:
        result = record_buyer_draft(
            draft.order_id,
            buyer_id,
            compose,
            uow=uow,
            check_policy=sending.check_policy,
            hooks=CaseHooks(),
            clock=sending.clock,
            limits=sending.limits,
        )
    subject = subjects[0]
    return SendOutcome(result, subject, draft.text)


def preview_template(
    order_id: str,
    template_id: str,
    *,
    fields: Mapping[str, object],
    viewer: Principal,
    uow: AccessUnitOfWork,
) -> RenderedTemplate:
    """Fill a template for an order in its buyer's language, without sending anything."""
    check_order_id(order_id)
    template = get_template(template_id)
    with uow:
        order = visible_order(uow, order_id, viewer)
        seller = uow.sellers.find(order.seller_id)
        buyer = uow.buyers.find(order.buyer_id)
    if seller is None or buyer is None:
        raise NotFound("order", order_id)
    return render_template(
        template.id,
        language=buyer.language,
        fields=fields,
        order_id=order.id,
        buyer_name=buyer.first_name,
        seller_name=seller.display_name,
        purchased_at=order.purchased_at,
    )
