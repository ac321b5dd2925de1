"""The API's JSON shapes (pydantic, so /openapi.json documents them) and their conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

from gobetween.domain.messages import MessageRecord
from gobetween.domain.orders import Order
from gobetween.domain.response_times import RESPONSE_LIMIT
from gobetween.policy import Verdict
from gobetween.services.access import Principal
from gobetween.services.access_ports import InboxEntry, Report, SellerPolicy
from gobetween.services.inbox import ContactOptions, Counterpart, InboxPage, ThreadView
from gobetween.services.sending import SendOutcome


class Strict(BaseModel):
    """Request bodies refuse unknown fields: a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class FindingOut(BaseModel):
    category: str
    rule: str
    severity: Literal["block", "warn"]
    span: list[int] | None = Field(description="[start, end) into the message text, or null")
    message: str


class SuggestionOut(BaseModel):
    explanation: str
    rewrite: str | None
    action: str | None


class VerdictOut(BaseModel):
    verdict: Literal["allow", "block"]
    categories: list[str]
    critical: bool
    findings: list[FindingOut]
    suggestions: list[SuggestionOut]
    triage: str | None = None
    report: str | None = None


class AttachmentOut(BaseModel):
    sha256: str
    filename: str
    content_type: str
    size: int


class MessageOut(BaseModel):
    id: int
    thread_id: int
    seq: int
    direction: Literal["seller_to_buyer", "buyer_to_seller"]
    sender_id: str
    channel: str
    initiation: Literal["proactive", "reply"]
    contact_reason: str
    subject: str
    text: str
    language: str | None
    verdict: Literal["allow", "block"]
    critical: bool
    disposition: Literal["delivered", "blocked", "bounced"]
    triage: str | None
    report: str | None
    created_at: datetime
    prev_hash: str
    hash: str
    findings: list[FindingOut]
    attachments: list[AttachmentOut]


class PartyOut(BaseModel):
    id: str
    name: str
    alias: str | None
    is_seller: bool
    seller_name: str | None
    business_name: str | None


class OrderItemOut(BaseModel):
    sku: str
    title: str
    quantity: int
    price_minor: int
    currency: str


class OrderOut(BaseModel):
    id: str
    marketplace: str
    seller_id: str
    buyer_id: str
    fulfillment: Literal["marketplace", "seller"]
    status: str
    product_category: str
    purchased_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    latest_delivery_at: datetime | None
    items: list[OrderItemOut]
    shipping_address: dict[str, Any] | None = Field(
        description="Shown to the order's seller, operators and auditors only"
    )


class ThreadOut(BaseModel):
    id: int
    order: OrderOut
    seller: PartyOut
    buyer: PartyOut
    message_count: int
    head_hash: str
    last_message_at: datetime | None
    messages: list[MessageOut]


class InboxEntryOut(BaseModel):
    message_id: int
    thread_id: int
    order_id: str
    seller_id: str
    buyer_id: str
    seq: int
    direction: str
    sender_id: str
    contact_reason: str
    subject: str
    preview: str
    verdict: str
    disposition: str
    triage: str | None
    created_at: datetime
    response_due_at: datetime | None = Field(
        description="When the 24-hour clock of this buyer message runs out, while it runs"
    )


class InboxOut(BaseModel):
    view: str
    entries: list[InboxEntryOut]
    next_cursor: str | None


class TemplateFieldOut(BaseModel):
    name: str
    label: str
    multiline: bool


class TemplateOut(BaseModel):
    id: str
    contact_reason: str
    reply_only: bool
    fields: list[TemplateFieldOut]
    max_field_chars: int = Field(description="Characters the fields may hold together")


class OfferedReasonOut(BaseModel):
    id: str
    critical: bool
    proactive: bool
    max_chars: int
    description: str
    proactive_rule: str | None


class MissingReasonOut(BaseModel):
    id: str
    rule: str
    explanation: str


class ContactReasonsOut(BaseModel):
    order_id: str
    buyer_language: str
    offered: list[OfferedReasonOut]
    missing: list[MissingReasonOut]
    templates: list[TemplateOut]


class SendIn(Strict):
    """Free text with a contact reason, or a template with its fields (sellers only)."""

    text: str | None = Field(default=None, max_length=100_000)
    subject: str | None = Field(default=None, max_length=500)
    contact_reason: str | None = None
    template_id: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    attachments: list[str] = Field(
        default_factory=list, max_length=10, description="SHA-256 of files you uploaded"
    )
    initiation: Literal["proactive", "reply"] | None = None


class SendOut(BaseModel):
    message_id: int
    thread_id: int
    disposition: Literal["delivered", "blocked", "bounced"]
    delivered: bool
    subject: str
    text: str
    verdict: VerdictOut


class RenderIn(Strict):
    fields: dict[str, str] = Field(default_factory=dict)


class RenderOut(BaseModel):
    template_id: str
    contact_reason: str
    language: str
    subject: str
    text: str


class ReportIn(Strict):
    reason: Literal["abuse", "off_platform_payment", "spam", "other"]
    note: str = Field(default="", max_length=2000)


class ReportOut(BaseModel):
    id: int
    message_id: int
    reporter_role: str
    reporter_id: str
    reason: str
    note: str
    status: Literal["open", "handled"]
    created_at: datetime
    handled_at: datetime | None
    resolution: str | None


class ReportQueueOut(BaseModel):
    reports: list[ReportOut]
    next_after: int | None


class HandleIn(Strict):
    resolution: str = Field(min_length=1, max_length=2000)


class ClockOut(BaseModel):
    message_id: int
    stopped_at: datetime | None
    stop_reason: str | None


class MeOut(BaseModel):
    role: str
    seller_id: str | None
    buyer_id: str | None


class OptOutIn(Strict):
    opted_out: bool


class OptOutOut(BaseModel):
    buyer_id: str
    opted_out: bool


class NotificationsIn(Strict):
    opt_out_bounce_notices: bool = Field(
        description="Notify the seller when a message bounces because the buyer opted out"
    )


class NotificationsOut(BaseModel):
    seller_id: str
    opt_out_bounce_notices: bool


class UploadOut(BaseModel):
    sha256: str
    filename: str
    kind: Literal["pdf", "txt", "jpeg", "png", "doc", "docx"]
    content_type: str
    size: int


class SellerPolicyIn(Strict):
    profile: str = "amazon"
    allowed_link_domains: list[str] = Field(default_factory=list, max_length=50)
    daily_limit_base: int | None = None
    daily_limit_multiplier: int | None = None


class SellerPolicyOut(SellerPolicyIn):
    model_config = ConfigDict(extra="ignore")
    seller_id: str


class UpsertOut(BaseModel):
    id: str
    kind: Literal["seller", "buyer", "order"]
    created: bool


def verdict_out(verdict: Verdict) -> VerdictOut:
    return VerdictOut.model_validate(verdict.to_dict())


def verdict_json_data(verdict: Verdict) -> dict[str, Any]:
    """`verdict_out(verdict)` as the plain data its JSON holds, in `VerdictOut`'s field order
    (a subject finding's `field`, which `FindingOut` does not have, left out as it drops it)."""
    return {
        "verdict": verdict.verdict,
        "categories": verdict.categories,
        "critical": verdict.critical,
        "findings": [
            {
                "category": f.category,
                "rule": f.rule,
                "severity": f.severity,
                "span": list(f.span) if f.span is not None else None,
                "message": f.message,
            }
            for f in verdict.findings
        ],
        "suggestions": [
            {"explanation": s.explanation, "rewrite": s.rewrite, "action": s.action}
            for s in verdict.suggestions
        ],
        "triage": verdict.triage,
        "report": verdict.report if verdict.triage is not None else None,
    }


def send_json(outcome: SendOutcome) -> bytes:
    """The JSON of the `SendOut` of a send, without building the models and validating them
    again: everything in it comes from typed dataclasses. pydantic-core's encoder writes the
    bytes FastAPI would write for the model (tests/integration/api/test_send_json.py compares
    them); `SendOut` stays the documented schema.
    """
    result = outcome.result
    return to_json(
        {
            "message_id": result.message_id,
            "thread_id": result.thread_id,
            "disposition": result.disposition,
            "delivered": result.disposition == "delivered",
            "subject": outcome.subject,
            "text": outcome.text,
            "verdict": verdict_json_data(result.verdict),
        }
    )


def message_out(message: MessageRecord, *, show_findings: bool) -> MessageOut:
    assert message.id is not None
    return MessageOut(
        id=message.id,
        thread_id=message.thread_id,
        seq=message.seq,
        direction=message.direction,
        sender_id=message.sender_id,
        channel=message.channel,
        initiation=message.initiation,
        contact_reason=message.contact_reason,
        subject=message.subject,
        text=message.body,
        language=message.language,
        verdict=message.verdict,  # type: ignore[arg-type]
        critical=message.critical,
        disposition=message.disposition,
        triage=message.triage if show_findings else None,
        report=message.report if show_findings else None,
        created_at=message.created_at,
        prev_hash=message.prev_hash,
        hash=message.hash,
        findings=[
            FindingOut(
                category=f.category,
                rule=f.rule,
                severity=f.severity,  # type: ignore[arg-type]
                span=None if f.span_start is None else [f.span_start, f.span_end or f.span_start],
                message=f.message,
            )
            for f in message.findings
        ]
        if show_findings
        else [],
        attachments=[
            AttachmentOut(
                sha256=a.sha256, filename=a.filename, content_type=a.content_type, size=a.size
            )
            for a in message.attachments
        ],
    )


def order_out(order: Order, *, viewer: Principal) -> OrderOut:
    sees_address = viewer.reads_everything or viewer.seller_id == order.seller_id
    sees_address = sees_address or viewer.buyer_id == order.buyer_id
    return OrderOut(
        id=order.id,
        marketplace=order.marketplace,
        seller_id=order.seller_id,
        buyer_id=order.buyer_id,
        fulfillment=order.fulfillment,  # type: ignore[arg-type]
        status=order.status,
        product_category=order.product_category,
        purchased_at=order.purchased_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        latest_delivery_at=order.latest_delivery_at,
        items=[
            OrderItemOut(
                sku=i.sku,
                title=i.title,
                quantity=i.quantity,
                price_minor=i.price_minor,
                currency=i.currency,
            )
            for i in order.items
        ],
        shipping_address=dict(order.shipping_address) if sees_address else None,
    )


def party_out(party: Counterpart) -> PartyOut:
    return PartyOut(
        id=party.id,
        name=party.name,
        alias=party.alias,
        is_seller=party.is_seller,
        seller_name=party.seller_name,
        business_name=party.business_name,
    )


def thread_out(view: ThreadView, *, viewer: Principal) -> ThreadOut:
    return ThreadOut(
        id=view.thread.id,
        order=order_out(view.order, viewer=viewer),
        seller=party_out(view.seller),
        buyer=party_out(view.buyer),
        message_count=view.thread.message_count,
        head_hash=view.thread.head_hash,
        last_message_at=view.thread.last_message_at,
        messages=[message_out(m, show_findings=view.show_findings) for m in view.messages],
    )


def inbox_out(page: InboxPage) -> InboxOut:
    return InboxOut(
        view=page.view,
        entries=[_entry_out(entry) for entry in page.entries],
        next_cursor=page.next_cursor,
    )


def inbox_json(page: InboxPage) -> bytes:
    """The JSON of `inbox_out(page)`, without building and re-validating 50 models.

    The inbox is the API's most frequent read; its entries come from typed rows, so validating
    them again costs CPU and proves nothing. pydantic-core's encoder writes the same JSON as the
    models would (tests/unit/test_inbox_json.py compares them); `InboxOut` stays the documented
    schema.
    """
    return to_json(
        {
            "view": page.view,
            "entries": [
                {
                    "message_id": entry.message_id,
                    "thread_id": entry.thread_id,
                    "order_id": entry.order_id,
                    "seller_id": entry.seller_id,
                    "buyer_id": entry.buyer_id,
                    "seq": entry.seq,
                    "direction": entry.direction,
                    "sender_id": entry.sender_id,
                    "contact_reason": entry.contact_reason,
                    "subject": entry.subject,
                    "preview": entry.preview,
                    "verdict": entry.verdict,
                    "disposition": entry.disposition,
                    "triage": entry.triage,
                    "created_at": entry.created_at,
                    "response_due_at": _due(entry),
                }
                for entry in page.entries
            ],
            "next_cursor": page.next_cursor,
        }
    )


def _due(entry: InboxEntry) -> datetime | None:
    return None if entry.clock_started_at is None else entry.clock_started_at + RESPONSE_LIMIT


def _entry_out(entry: InboxEntry) -> InboxEntryOut:
    due = _due(entry)
    return InboxEntryOut(
        message_id=entry.message_id,
        thread_id=entry.thread_id,
        order_id=entry.order_id,
        seller_id=entry.seller_id,
        buyer_id=entry.buyer_id,
        seq=entry.seq,
        direction=entry.direction,
        sender_id=entry.sender_id,
        contact_reason=entry.contact_reason,
        subject=entry.subject,
        preview=entry.preview,
        verdict=entry.verdict,
        disposition=entry.disposition,
        triage=entry.triage,
        created_at=entry.created_at,
        response_due_at=due,
    )


def contact_reasons_out(options: ContactOptions) -> ContactReasonsOut:
    return ContactReasonsOut(
        order_id=options.order.id,
        buyer_language=options.buyer_language,
        offered=[
            OfferedReasonOut(
                id=r.id,
                critical=r.critical,
                proactive=r.proactive,
                max_chars=r.max_chars,
                description=r.description,
                proactive_rule=r.proactive_rule,
            )
            for r in options.reasons.offered
        ],
        missing=[
            MissingReasonOut(id=m.id, rule=m.rule, explanation=m.explanation)
            for m in options.reasons.missing
        ],
        templates=[
            TemplateOut(
                id=t.id,
                contact_reason=t.reason,
                reply_only=t.reply_only,
                fields=[
                    TemplateFieldOut(name=f.name, label=f.label, multiline=f.multiline)
                    for f in t.fields
                ],
                max_field_chars=budget,
            )
            for t, budget in options.templates
        ],
    )


def report_out(report: Report) -> ReportOut:
    return ReportOut(
        id=report.id,
        message_id=report.message_id,
        reporter_role=report.reporter_role,
        reporter_id=report.reporter_id,
        reason=report.reason,
        note=report.note,
        status=report.status,
        created_at=report.created_at,
        handled_at=report.handled_at,
        resolution=report.resolution,
    )


def seller_policy_out(policy: SellerPolicy) -> SellerPolicyOut:
    return SellerPolicyOut(
        seller_id=policy.seller_id,
        profile=policy.profile,
        allowed_link_domains=list(policy.allowed_link_domains),
        daily_limit_base=policy.daily_limit_base,
        daily_limit_multiplier=policy.daily_limit_multiplier,
    )
