"""What a party sees: the inbox, one thread with its order, and the contact options of an order.

Visibility is decided here, once, for every channel: sellers see the threads of their orders,
buyers the threads of their own orders (and only what was delivered to them), operators and
auditors everything. Anything else is NotFound, never "forbidden": a foreign id must not even
reveal that it exists.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from gobetween.domain.aliases import parse_alias
from gobetween.domain.contact_reasons import ContactReasons, OrderFacts, contact_reasons_for
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.messages import MessageRecord, Thread
from gobetween.domain.orders import Order, check_order_id
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.access import Principal
from gobetween.services.access_ports import (
    INBOX_VIEWS,
    AccessUnitOfWork,
    InboxEntry,
    InboxFilter,
    InboxView,
)
from gobetween.services.ports import Clock
from gobetween.services.templates import MessageTemplate, field_budget, templates_for_reasons

MAX_PAGE: Final = 200
BUYER_VIEWS: Final = ("sent", "all")


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of the inbox and the cursor of the next (None on the last page)."""

    entries: tuple[InboxEntry, ...]
    next_cursor: str | None
    view: InboxView


@dataclass(frozen=True, slots=True)
class Counterpart:
    """The other party as the viewer may see them: never a real address.

    system.md: a seller who buys appears with its seller and business name.
    """

    id: str
    name: str
    alias: str | None = None
    is_seller: bool = False
    seller_name: str | None = None
    business_name: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadView:
    """A thread with its messages (as the viewer may see them), its order and both parties."""

    thread: Thread
    order: Order
    messages: tuple[MessageRecord, ...]
    seller: Counterpart
    buyer: Counterpart
    show_findings: bool


@dataclass(frozen=True, slots=True)
class ContactOptions:
    """What the contact page of an order offers: reasons, missing ones, templates, language."""

    order: Order
    reasons: ContactReasons
    templates: tuple[tuple[MessageTemplate, int], ...]
    buyer_language: str


def encode_cursor(key: str, message_id: int) -> str:
    """An opaque cursor for the entry after which the next page starts."""
    raw = json.dumps([key, message_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """The (sort key, message id) a cursor stands for; InvalidInput("cursor") if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, message_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if (
            not isinstance(key, str)
            or isinstance(message_id, bool)
            or not isinstance(message_id, int)
        ):
            raise ValueError
        if key:
            datetime.fromisoformat(key)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("cursor", "is not a cursor this API handed out") from None
    return key, message_id


def list_inbox(
    *,
    viewer: Principal,
    uow: AccessUnitOfWork,
    alias_domain: str,
    view: str | None = None,
    order_id: str | None = None,
    alias: str | None = None,
    seller_id: str | None = None,
    buyer_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> InboxPage:
    """A page of the viewer's inbox.

    Sellers default to `requires_response` (least time left on the 24-hour clock first), everyone
    else to `all` (newest first). Operators and auditors may narrow to one seller or buyer.
    """
    chosen = _view(viewer, view)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"must be between 1 and {MAX_PAGE}; got {limit}")
    if order_id is not None:
        check_order_id(order_id)
    if not viewer.reads_everything and (seller_id is not None or buyer_id is not None):
        field = "seller_id" if seller_id is not None else "buyer_id"
        raise InvalidInput(field, "only operators and auditors filter by party")
    after = decode_cursor(cursor) if cursor else None
    where = InboxFilter(
        view=chosen,
        seller_id=viewer.seller_id if viewer.role == "seller" else seller_id,
        buyer_id=viewer.buyer_id if viewer.role == "buyer" else buyer_id,
        order_id=order_id,
        direction=_sent_direction(viewer) if chosen == "sent" else None,
        delivered_only=viewer.role == "buyer",
    )
    with uow:
        if alias is not None:
            pair = uow.aliases.find(parse_alias(alias, domain=alias_domain))
            # An alias of someone else's pair finds nothing, exactly like an unknown one.
            if pair is None or not _pair_visible(viewer, pair.seller_id, pair.buyer_id):
                return InboxPage((), None, chosen)
            narrowed = _narrow(where, pair.seller_id, pair.buyer_id)
            if narrowed is None:
                return InboxPage((), None, chosen)
            where = narrowed
        entries = tuple(uow.access.inbox.list(where, after=after, limit=limit + 1))
    more = len(entries) > limit
    entries = entries[:limit]
    next_cursor = None
    if more and entries:
        last = entries[-1]
        key = (
            last.clock_started_at.isoformat()
            if chosen == "requires_response" and last.clock_started_at is not None
            else ""
        )
        next_cursor = encode_cursor(key, last.message_id)
    return InboxPage(entries, next_cursor, chosen)


def get_thread(
    thread_id: int, *, viewer: Principal, uow: AccessUnitOfWork, alias_domain: str
) -> ThreadView:
    """One thread the viewer is party to (or reads as operator/auditor); NotFound otherwise."""
    with uow:
        thread = visible_thread(uow, thread_id, viewer)
        order = uow.orders.find(thread.order_id)
        seller = uow.sellers.find(thread.seller_id)
        buyer = uow.buyers.find(thread.buyer_id)
        if order is None or seller is None or buyer is None:
            raise NotFound("thread", thread_id)
        messages = tuple(uow.messages.for_thread(thread.id))
        buyer_alias = uow.aliases.for_pair(buyer.id, seller.id, "buyer")
        seller_alias = uow.aliases.for_pair(buyer.id, seller.id, "seller")
        buying_seller = uow.sellers.find_by_buyer_id(buyer.id)
    if viewer.role == "buyer":
        # The buyer never received what was blocked or bounced; it is not theirs to see.
        messages = tuple(m for m in messages if m.disposition == "delivered")
    return ThreadView(
        thread=thread,
        order=order,
        messages=messages,
        seller=_seller_view(
            seller, None if seller_alias is None else seller_alias.address(alias_domain)
        ),
        buyer=_buyer_view(
            buyer,
            buying_seller,
            None if buyer_alias is None else buyer_alias.address(alias_domain),
        ),
        show_findings=viewer.role != "buyer",
    )


def contact_options(
    order_id: str,
    *,
    viewer: Principal,
    uow: AccessUnitOfWork,
    clock: Clock,
    window_days: int = 30,
) -> ContactOptions:
    """The contact reasons and templates an order offers its seller (policy.md §2)."""
    check_order_id(order_id)
    with uow:
        order = visible_order(uow, order_id, viewer)
        buyer = uow.buyers.find(order.buyer_id)
    if buyer is None:
        raise NotFound("order", order_id)
    return options_for(order, buyer.language, now=clock().astimezone(UTC), window_days=window_days)


def options_for(
    order: Order, buyer_language: str, *, now: datetime, window_days: int = 30
) -> ContactOptions:
    """The contact options of an order already loaded (pure: no storage)."""
    since = None
    if order.delivered_at is not None:
        since = (now - order.delivered_at).total_seconds() / 86400
    facts = OrderFacts.of(
        fulfillment=order.fulfillment, status=order.status, product_category=order.product_category
    )
    reasons = contact_reasons_for(facts, days_since_delivery=since, window_days=window_days)
    templates = templates_for_reasons(reasons.offered_ids, reasons.reply_templates)
    return ContactOptions(
        order=order,
        reasons=reasons,
        templates=tuple((template, field_budget(template)) for template in templates),
        buyer_language=buyer_language,
    )


def visible_thread(uow: AccessUnitOfWork, thread_id: int, viewer: Principal) -> Thread:
    """The thread if the viewer may read it; NotFound otherwise (no difference to a missing one)."""
    thread = uow.threads.find(thread_id)
    if thread is None or not _pair_visible(viewer, thread.seller_id, thread.buyer_id):
        raise NotFound("thread", thread_id)
    return thread


def visible_order(uow: AccessUnitOfWork, order_id: str, viewer: Principal) -> Order:
    """The order if the viewer is its seller or buyer, or reads everything; NotFound otherwise."""
    order = uow.orders.find(order_id)
    if order is None or not _pair_visible(viewer, order.seller_id, order.buyer_id):
        raise NotFound("order", order_id)
    return order


def visible_message(
    uow: AccessUnitOfWork, message_id: int, viewer: Principal
) -> tuple[MessageRecord, Thread]:
    """A message the viewer may see, with its thread; NotFound otherwise."""
    message = uow.messages.find(message_id)
    if message is None:
        raise NotFound("message", message_id)
    thread = uow.threads.find(message.thread_id)
    if thread is None or not _pair_visible(viewer, thread.seller_id, thread.buyer_id):
        raise NotFound("message", message_id)
    if viewer.role == "buyer" and message.disposition != "delivered":
        raise NotFound("message", message_id)
    return message, thread


def _pair_visible(viewer: Principal, seller_id: str, buyer_id: str) -> bool:
    if viewer.reads_everything:
        return True
    if viewer.role == "seller":
        return viewer.seller_id == seller_id
    return viewer.role == "buyer" and viewer.buyer_id == buyer_id


def _view(viewer: Principal, view: str | None) -> InboxView:
    if view is None:
        return "requires_response" if viewer.role == "seller" else "all"
    if view not in INBOX_VIEWS:
        raise InvalidInput("view", f"must be one of {', '.join(INBOX_VIEWS)}; got {view!r}")
    if viewer.role == "buyer" and view not in BUYER_VIEWS:
        raise InvalidInput("view", f"a buyer's inbox offers {', '.join(BUYER_VIEWS)}; got {view!r}")
    return view


def _sent_direction(viewer: Principal) -> str:
    return "buyer_to_seller" if viewer.role == "buyer" else "seller_to_buyer"


def _narrow(where: InboxFilter, seller_id: str, buyer_id: str) -> InboxFilter | None:
    """Add the alias's pair to the filter; None when it contradicts a party already chosen."""
    if where.seller_id not in (None, seller_id) or where.buyer_id not in (None, buyer_id):
        return None
    return InboxFilter(
        view=where.view,
        seller_id=seller_id,
        buyer_id=buyer_id,
        order_id=where.order_id,
        direction=where.direction,
        delivered_only=where.delivered_only,
    )


def _seller_view(seller: Seller, alias: str | None) -> Counterpart:
    return Counterpart(
        id=seller.id,
        name=seller.display_name,
        alias=alias,
        is_seller=True,
        seller_name=seller.display_name,
        business_name=seller.business_name,
    )


def _buyer_view(buyer: Buyer, buying_seller: Seller | None, alias: str | None) -> Counterpart:
    if buying_seller is not None:
        return Counterpart(
            id=buyer.id,
            name=buying_seller.display_name,
            alias=alias,
            is_seller=True,
            seller_name=buying_seller.display_name,
            business_name=buying_seller.business_name,
        )
    return Counterpart(id=buyer.id, name=buyer.first_name, alias=alias)
