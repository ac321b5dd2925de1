"""The evidence hash chain: canonical message content and the SHA-256 links between messages.

Each thread is a chain. A message's hash is SHA-256 over its canonical content, which includes the
previous message's hash, so changing, removing or reordering any stored message (or its verdict,
findings or attachment hashes) breaks every later link. The first message links to GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any, Final

from gobetween.domain.messages import AttachmentMeta, FindingRecord, MessageRecord

GENESIS: Final = "0" * 64
# One encoder for every message: json.dumps with non-default options builds a new encoder per
# call, which costs more than the encoding itself when the audit hashes millions of messages.
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# The string quoting that encoder uses (the C one when available).
_quote: Final = encode_basestring
# Bumped if the canonical form ever changes; old chains keep verifying under their version.
CANONICAL_VERSION: Final = 1


def canonical_time(moment: datetime) -> str:
    """Render a timestamp the same way on every database: UTC, microseconds, a trailing Z.

    SQLite hands timestamps back without a zone; they are stored in UTC, so a naive value is UTC.
    """
    if moment.tzinfo is UTC:
        # The common case (repositories hand back UTC), without a zone conversion.
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def _finding(finding: FindingRecord) -> list[Any]:
    return [
        finding.category,
        finding.rule,
        finding.severity,
        finding.span_start,
        finding.span_end,
        finding.message,
    ]


def _attachment(attachment: AttachmentMeta) -> list[Any]:
    return [attachment.sha256, attachment.filename, attachment.content_type, attachment.size]


def canonical_mapping(record: MessageRecord) -> dict[str, Any]:
    """What a message's hash covers, as a mapping: the definition of the canonical content."""
    return {
        "v": CANONICAL_VERSION,
        "thread_id": record.thread_id,
        "seq": record.seq,
        "prev_hash": record.prev_hash,
        "direction": record.direction,
        "sender_id": record.sender_id,
        "channel": record.channel,
        "initiation": record.initiation,
        "contact_reason": record.contact_reason,
        "subject": record.subject,
        "body": record.body,
        "language": record.language,
        "verdict": record.verdict,
        "critical": record.critical,
        "disposition": record.disposition,
        "triage": record.triage,
        "report": record.report,
        "created_at": canonical_time(record.created_at),
        "findings": [_finding(f) for f in record.findings],
        "attachments": [_attachment(a) for a in record.attachments],
    }


def _text(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def canonical_content(record: MessageRecord) -> bytes:
    """The exact bytes a message's hash covers: sorted-key compact JSON in UTF-8.

    Byte for byte `json.dumps(canonical_mapping(record), sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` (a property test holds it to that), assembled here in key order with
    the json module's own string quoting: twice as fast, and the audit hashes every message.
    """
    findings = record.findings
    attachments = record.attachments
    text = (
        '{"attachments":'
        + (_ENCODER.encode([_attachment(a) for a in attachments]) if attachments else "[]")
        + ',"body":'
        + _quote(record.body)
        + ',"channel":'
        + _quote(record.channel)
        + ',"contact_reason":'
        + _quote(record.contact_reason)
        + ',"created_at":"'
        + canonical_time(record.created_at)
        + '","critical":'
        + ("true" if record.critical else "false")
        + ',"direction":'
        + _quote(record.direction)
        + ',"disposition":'
        + _quote(record.disposition)
        + ',"findings":'
        + (_ENCODER.encode([_finding(f) for f in findings]) if findings else "[]")
        + ',"initiation":'
        + _quote(record.initiation)
        + ',"language":'
        + _text(record.language)
        + ',"prev_hash":'
        + _quote(record.prev_hash)
        + ',"report":'
        + _text(record.report)
        + ',"sender_id":'
        + _quote(record.sender_id)
        + ',"seq":'
        + str(int(record.seq))
        + ',"subject":'
        + _quote(record.subject)
        + ',"thread_id":'
        + str(int(record.thread_id))
        + ',"triage":'
        + _text(record.triage)
        + ',"v":'
        + str(CANONICAL_VERSION)
        + ',"verdict":'
        + _quote(record.verdict)
        + "}"
    )
    return text.encode("utf-8", "surrogatepass")


def message_hash(record: MessageRecord) -> str:
    """SHA-256 (hex) of the record's canonical content; its `hash` field is not part of it."""
    return hashlib.sha256(canonical_content(record)).hexdigest()


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """Where a thread's chain first fails to verify, and why."""

    thread_id: int
    seq: int
    message_id: int | None
    reason: str


def verify_thread(
    thread_id: int,
    records: Iterable[MessageRecord],
    *,
    head_hash: str | None = None,
    message_count: int | None = None,
) -> tuple[int, BrokenLink | None]:
    """Recompute a thread's chain; return (messages checked, the first broken link or None).

    `records` must come in seq order. When the thread row's head and count are given, they must
    match the chain's end, which catches messages removed from the tail.
    """
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for record in records:
        checked += 1
        if record.seq != expected_seq:
            return checked, BrokenLink(
                thread_id, record.seq, record.id, f"expected seq {expected_seq}, found {record.seq}"
            )
        if record.prev_hash != expected_prev:
            return checked, BrokenLink(
                thread_id, record.seq, record.id, "prev_hash does not match the previous message"
            )
        if message_hash(record) != record.hash:
            return checked, BrokenLink(
                thread_id, record.seq, record.id, "content does not match its hash"
            )
        expected_prev = record.hash
        expected_seq += 1
    if message_count is not None and message_count != expected_seq - 1:
        return checked, BrokenLink(
            thread_id,
            expected_seq,
            None,
            f"thread records {message_count} messages, chain has {expected_seq - 1}",
        )
    if head_hash is not None and head_hash != expected_prev:
        return checked, BrokenLink(
            thread_id, expected_seq - 1, None, "thread head does not match the chain's last hash"
        )
    return checked, None
