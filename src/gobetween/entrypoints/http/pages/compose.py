"""The compose box of the seller's pages: reasons, template fields, the live check, sending.

One state object carries what the seller chose and typed, the verdict of the live check with
its highlighted spans, and the preview in the buyer's language, so the contact page, the answer
form of a thread and the htmx check endpoint render the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from fastapi import Request

from gobetween.domain.contact_reasons import OfferedReason
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.orders import Order
from gobetween.entrypoints.http.pages.presenting import Segment, highlight
from gobetween.entrypoints.http.pages.web import (
    PageError,
    platform,
    principal,
    read_uow,
    require,
    sending,
)
from gobetween.policy import Verdict
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.drafts import check_seller_draft
from gobetween.services.inbox import ContactOptions, contact_options
from gobetween.services.sending import Draft, seller_limits, send_message, with_link_domains
from gobetween.services.templates import MessageTemplate, render_template

NOTICE_BY_DISPOSITION = {
    "delivered": "Sent. The buyer receives it through the marketplace.",
    "bounced": (
        "Not delivered: the buyer has opted out of non-critical messages, so it bounced back to"
        " you. It is kept in the thread."
    ),
}


@dataclass(frozen=True, slots=True)
class ComposeState:
    """Everything the compose box shows."""

    order: Order
    options: ContactOptions
    mode: str  # "reply" on a thread, "contact" on the Contact buyer page
    reason: str | None
    template: MessageTemplate | None
    subject: str = ""
    text: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    verdict: Verdict | None = None
    # The send would refuse the draft before checking it (a rule of the core, e.g. after the
    # order's review request): the live check shows that instead of a verdict.
    refused: Refused | None = None
    checked_text: str = ""
    segments: tuple[Segment, ...] = ()
    preview: str = ""
    error: str | None = None

    @property
    def offered(self) -> tuple[OfferedReason, ...]:
        """Reasons the page lists: all offered ones to start contact, or reasons to reply."""
        return self.options.reasons.offered

    @property
    def templates(self) -> list[MessageTemplate]:
        """Templates of the chosen reason (and the reply templates when answering)."""
        return [
            template
            for template, _budget in self.options.templates
            if (self.reason is not None and template.reason == self.reason)
            or (self.mode == "reply" and template.reply_only)
        ]

    @property
    def action(self) -> str:
        return f"/seller/orders/{self.order.id}/contact"

    @property
    def check_url(self) -> str:
        return f"/seller/orders/{self.order.id}/check"

    def with_rewrite(self, rewrite: str) -> ComposeState:
        """The suggested rewrite as the new free-text draft."""
        return replace(self, template=None, fields={}, text=rewrite, verdict=None, refused=None)


@dataclass(frozen=True, slots=True)
class SendOutcomeView:
    """What became of a send from a page."""

    sent: bool
    compose: ComposeState
    thread_id: int | None = None
    notice: str = ""


def compose_state(
    request: Request,
    order_id: str,
    *,
    mode: str,
    reason: str | None,
    template_id: str | None = None,
    subject: str = "",
    text: str = "",
    fields: Mapping[str, str] | None = None,
) -> ComposeState:
    """The compose box for an order of the signed-in seller (404 page for anyone else's)."""
    session = require(request, "seller")
    wired = platform(request)
    try:
        options = contact_options(
            order_id,
            viewer=principal(session),
            uow=read_uow(request),
            clock=wired.clock,
            window_days=wired.settings.proactive_window_days,
        )
    except (NotFound, InvalidInput):
        raise PageError(404, "There is no such order among yours.") from None
    if mode not in ("reply", "contact"):
        mode = "contact"
    offered_ids = {reason.id for reason in options.reasons.offered}
    if reason is not None and reason not in offered_ids:
        reason = None
    template = None
    if template_id:
        template = next((t for t, _ in options.templates if t.id == template_id), None)
        if template is not None and mode == "contact" and template.reply_only:
            template = None
        if template is not None and not template.reply_only:
            reason = template.reason
    return ComposeState(
        order=options.order,
        options=options,
        mode=mode,
        reason=reason,
        template=template,
        subject=subject or f"Your order {options.order.id}",
        text=text,
        fields=dict(fields or {}),
    )


@dataclass(frozen=True, slots=True)
class DraftAsSent:
    """The draft as the send would take it: the text, its subject and its contact reason."""

    text: str
    subject: str
    reason: str


def _draft_as_sent(
    request: Request, compose: ComposeState, *, complete: bool
) -> DraftAsSent | None:
    """The filled template (in the buyer's language) or the free text, as `sending.py` sends it.

    A template's subject and reason are its own unless the seller typed a subject; free text
    takes the chosen reason ("other" when none) and the order's default subject.
    """
    if compose.template is None:
        if not compose.text.strip():
            return None
        subject = compose.subject or f"Your order {compose.order.id}"
        return DraftAsSent(compose.text, subject, compose.reason or "other")
    values = {}
    for template_field in compose.template.fields:
        value = compose.fields.get(template_field.name, "").strip()
        if not value:
            if complete:
                return None
            # The preview shows where a field goes until it is filled.
            value = f"[{template_field.label}]"
        values[template_field.name] = value
    with read_uow(request) as uow:
        buyer = uow.buyers.find(compose.order.buyer_id)
        seller = uow.sellers.find(compose.order.seller_id)
    if buyer is None or seller is None:
        return None
    try:
        rendered = render_template(
            compose.template.id,
            language=buyer.language,
            fields=values,
            order_id=compose.order.id,
            buyer_name=buyer.first_name,
            seller_name=seller.display_name,
            purchased_at=compose.order.purchased_at,
        )
    except InvalidInput:
        return None
    return DraftAsSent(rendered.text, compose.subject or rendered.subject, compose.template.reason)


def check_draft(request: Request, compose: ComposeState) -> ComposeState:
    """Run the policy over the draft now: verdict, highlighted spans, preview; nothing stored.

    The draft is checked as `send_draft` would send it (text, subject, reason, and "proactive"
    for free text from the Contact buyer page), against the facts the send reads, in one read
    transaction: a refusal the send would make is shown as that refusal.
    """
    drafted = _draft_as_sent(request, compose, complete=False)
    preview = drafted.text if drafted is not None else ""
    if drafted is None or not drafted.text.strip():
        return replace(
            compose, verdict=None, refused=None, preview=preview, segments=(), checked_text=""
        )
    session = require(request, "seller")
    wired = platform(request)
    seller_id = session.account.seller_id or ""
    with read_uow(request) as uow:
        policy = uow.access.seller_policies.find(seller_id)
    free_contact = compose.template is None and compose.mode == "contact"
    try:
        verdict = check_seller_draft(
            order_id=compose.order.id,
            seller_id=seller_id,
            subject=drafted.subject,
            text=drafted.text,
            contact_reason=drafted.reason,
            uow=read_uow(request),
            check_policy=with_link_domains(
                wired.check_policy, policy.allowed_link_domains if policy else ()
            ),
            clock=wired.clock,
            limits=seller_limits(wired.messaging_limits, policy),
            initiation="proactive" if free_contact else None,
            hooks=CaseHooks(),
        )
    except InvalidInput as error:
        return replace(compose, error=str(error), verdict=None, refused=None, preview=preview)
    except Refused as error:
        return replace(
            compose,
            verdict=None,
            refused=error,
            checked_text=drafted.text,
            segments=(),
            preview=preview or drafted.text,
            error=None,
        )
    return _with_verdict(compose, verdict, drafted.text, preview)


def _with_verdict(compose: ComposeState, verdict: Verdict, text: str, preview: str) -> ComposeState:
    segments = highlight(text, [finding.span for finding in verdict.findings])
    return replace(
        compose,
        verdict=verdict,
        refused=None,
        checked_text=text,
        segments=tuple(segments),
        preview=preview or text,
        error=None,
    )


def send_draft(request: Request, compose: ComposeState) -> SendOutcomeView:
    """Send through the API's sending service; a block returns the draft with its findings."""
    session = require(request, "seller")
    if compose.mode == "contact" and compose.reason is None and compose.template is None:
        return SendOutcomeView(
            False, replace(compose, error="Choose why you are contacting the buyer.")
        )
    if compose.template is not None:
        missing = [
            f.label for f in compose.template.fields if not compose.fields.get(f.name, "").strip()
        ]
        if missing:
            return SendOutcomeView(
                False, replace(compose, error="Fill in: " + ", ".join(missing) + ".")
            )
        draft = Draft(
            order_id=compose.order.id,
            subject=compose.subject or None,
            template_id=compose.template.id,
            contact_reason=None if compose.template.reply_only else compose.template.reason,
            fields=dict(compose.fields),
        )
    else:
        if not compose.text.strip():
            return SendOutcomeView(False, replace(compose, error="Write your message first."))
        draft = Draft(
            order_id=compose.order.id,
            subject=compose.subject or None,
            text=compose.text,
            contact_reason=compose.reason or "other",
            initiation="proactive" if compose.mode == "contact" else None,
        )
    try:
        outcome = send_message(draft, sender=principal(session), sending=sending(request))
    except NotFound:
        raise PageError(404, "There is no such order among yours.") from None
    except InvalidInput as error:
        return SendOutcomeView(False, replace(compose, error=f"{error.field}: {error.problem}"))
    except Refused as error:
        # A rule of the core refused the send before storing it (e.g. after a review request).
        return SendOutcomeView(False, replace(compose, error=error.reason))
    result = outcome.result
    if result.disposition == "blocked":
        blocked = _with_verdict(compose, result.verdict, outcome.text, outcome.text)
        return SendOutcomeView(
            False,
            replace(
                blocked,
                error=(
                    "Not sent: the message breaks the communication policy. It is kept as"
                    " evidence; fix the highlighted parts and send again."
                ),
            ),
            result.thread_id,
        )
    return SendOutcomeView(
        True, compose, result.thread_id, NOTICE_BY_DISPOSITION.get(result.disposition, "Sent.")
    )
