"""The evidence file of one thread: order, messages with verdicts and findings, cases, the chain.

An auditor exports it for an A-to-z claim or a chargeback (system.md, Evidence). It is one JSON
document that stands on its own: every message with the hash it was stored under and the hash of
the one before, and the result of recomputing the chain at export time, so a reader can check it
again without access to gobetween.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from gobetween.domain.errors import NotFound
from gobetween.domain.messages import MessageRecord
from gobetween.domain.orders import Order
from gobetween.services.access import Principal
from gobetween.services.access_ports import AccessUnitOfWork
from gobetween.services.audit import AuditReport, verify_chains
from gobetween.services.cases import CaseRepository, case_payload
from gobetween.services.inbox import visible_thread
from gobetween.services.ports import Clock, Event, EvidenceReader

FORMAT = "gobetween-evidence/1"


class EvidenceUnitOfWork(AccessUnitOfWork, Protocol):
    """The API's unit of work, which also holds the cases (the SQL one has both)."""

    @property
    def cases(self) -> CaseRepository: ...


def export_thread_evidence(
    thread_id: int,
    *,
    viewer: Principal,
    uow: EvidenceUnitOfWork,
    reader: EvidenceReader,
    clock: Clock,
    case_ids: Callable[[int], Sequence[int]],
) -> dict[str, Any]:
    """The evidence file of a thread the viewer reads everything of (operator or auditor).

    NotFound for an unknown thread or a viewer who may not read every thread.
    """
    if not viewer.reads_everything:
        raise NotFound("thread", thread_id)
    exported_at = clock().astimezone(UTC)
    # Read before the unit of work opens: on SQLite it holds the write lock a second read waits for.
    wanted_cases = case_ids(thread_id)
    with uow:
        thread = visible_thread(uow, thread_id, viewer)
        order = uow.orders.find(thread.order_id)
        messages = list(uow.messages.for_thread(thread.id))
        cases = [uow.cases.find(case_id) for case_id in wanted_cases]
        case_events = {
            case.id: list(uow.events.for_subject("case", str(case.id)))
            for case in cases
            if case is not None
        }
        message_events = [
            event
            for message in messages
            for event in uow.events.for_subject("message", str(message.id))
        ]
    if order is None:
        raise NotFound("thread", thread_id)
    report = verify_chains(reader=reader, thread_id=thread.id)
    return {
        "format": FORMAT,
        "exported_at": exported_at.isoformat(),
        "exported_by": str(viewer.actor),
        "thread": {
            "id": thread.id,
            "order_id": thread.order_id,
            "seller_id": thread.seller_id,
            "buyer_id": thread.buyer_id,
            "message_count": thread.message_count,
            "head_hash": thread.head_hash,
        },
        "order": _order(order),
        "messages": [_message(m) for m in messages],
        "cases": [
            case_payload(case) | {"events": [_event(e) for e in case_events.get(case.id, [])]}
            for case in cases
            if case is not None
        ],
        "message_events": [_event(e) for e in message_events],
        "chain": _chain(report, thread.head_hash),
    }


def _order(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "marketplace": order.marketplace,
        "seller_id": order.seller_id,
        "buyer_id": order.buyer_id,
        "fulfillment": order.fulfillment,
        "status": order.status,
        "product_category": order.product_category,
        "purchased_at": _iso(order.purchased_at),
        "shipped_at": _iso(order.shipped_at),
        "delivered_at": _iso(order.delivered_at),
        "items": [
            {
                "sku": item.sku,
                "title": item.title,
                "quantity": item.quantity,
                "price_minor": item.price_minor,
                "currency": item.currency,
            }
            for item in order.items
        ],
    }


def _message(message: MessageRecord) -> dict[str, Any]:
    return {
        "id": message.id,
        "seq": message.seq,
        "direction": message.direction,
        "sender_id": message.sender_id,
        "channel": message.channel,
        "initiation": message.initiation,
        "contact_reason": message.contact_reason,
        "subject": message.subject,
        "body": message.body,
        "language": message.language,
        "verdict": message.verdict,
        "critical": message.critical,
        "disposition": message.disposition,
        "triage": message.triage,
        "report": message.report,
        "created_at": message.created_at.isoformat(),
        "findings": [
            {
                "category": f.category,
                "rule": f.rule,
                "severity": f.severity,
                "span": None if f.span_start is None else [f.span_start, f.span_end],
                "message": f.message,
            }
            for f in message.findings
        ],
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in message.attachments
        ],
        "prev_hash": message.prev_hash,
        "hash": message.hash,
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "actor": event.actor,
        "data": event.data,
        "created_at": _iso(event.created_at),
    }


def _chain(report: AuditReport, head_hash: str) -> dict[str, Any]:
    return {
        "algorithm": "sha256",
        "head_hash": head_hash,
        "verified": report.ok,
        "messages_checked": report.messages_checked,
        "broken": [
            {"seq": link.seq, "message_id": link.message_id, "reason": link.reason}
            for link in report.broken
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
