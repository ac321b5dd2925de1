"""The evidence hash chain: canonical message content and the SHA-256 links between messages.

Each thread is a chain. A message's hash is SHA-256 over its canonical content, which includes the
previous message's hash, so changing, removing or reordering any stored message (or its verdict,
findings or attachment hashes) breaks every later link. The first message links to GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
_NO_OFFSET: Final = timedelta(0)


def canonical_time(moment: datetime) -> str:
    """Render a timestamp the same way on every database: UTC, microseconds, a trailing Z.

    SQLite hands timestamps back without a zone; they are stored in UTC, so a naive value is UTC.
    """
    zone = moment.tzinfo
    if zone is UTC or (zone is not None and moment.utcoffset() == _NO_OFFSET):
        # The common cases (datetime.UTC from the repositories, psycopg's ZoneInfo("Etc/UTC")
        # from the audit's raw rows) end in "+00:00": swap it for Z, no zone conversion.
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


# The canonical JSON with its keys in sorted order; every value is filled in already encoded.
_CANONICAL: Final = (
    '{"attachments":%s,"body":%s,"channel":%s,"contact_reason":%s,"created_at":"%s",'
    '"critical":%s,"direction":%s,"disposition":%s,"findings":%s,"initiation":%s,'
    '"language":%s,"prev_hash":%s,"report":%s,"sender_id":%s,"seq":%d,"subject":%s,'
    '"thread_id":%d,"triage":%s,"v":' + str(CANONICAL_VERSION) + ',"verdict":%s}'
)


def canonical_values(
    thread_id: int,
    seq: int,
    direction: str,
    sender_id: str,
    channel: str,
    initiation: str,
    contact_reason: str,
    subject: str,
    body: str,
    language: str | None,
    verdict: str,
    critical: bool,
    disposition: str,
    triage: str | None,
    report: str | None,
    created_at: datetime,
    prev_hash: str,
    findings: Sequence[FindingRecord],
    attachments: Sequence[AttachmentMeta],
) -> bytes:
    """The canonical bytes of a message given as plain values, in MessageRecord's field order.

    The one definition of the canonical form: `canonical_content(record)` calls it, and the audit
    calls it on database rows without building a MessageRecord per message first.
    """
    text = _CANONICAL % (
        _ENCODER.encode([_attachment(a) for a in attachments]) if attachments else "[]",
        _quote(body),
        _quote(channel),
        _quote(contact_reason),
        canonical_time(created_at),
        "true" if critical else "false",
        _quote(direction),
        _quote(disposition),
        _ENCODER.encode([_finding(f) for f in findings]) if findings else "[]",
        _quote(initiation),
        "null" if language is None else _quote(language),
        _quote(prev_hash),
        "null" if report is None else _quote(report),
        _quote(sender_id),
        seq,
        _quote(subject),
        thread_id,
        "null" if triage is None else _quote(triage),
        _quote(verdict),
    )
    return text.encode("utf-8", "surrogatepass")


def canonical_content(record: MessageRecord) -> bytes:
    """The exact bytes a message's hash covers: sorted-key compact JSON in UTF-8.

    Byte for byte `json.dumps(canonical_mapping(record), sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` (a property test holds it to that), assembled in key order with the json
    module's own string quoting: several times faster, and the audit hashes every message.
    """
    r = record
    return canonical_values(
        r.thread_id, r.seq, r.direction, r.sender_id, r.channel, r.initiation, r.contact_reason,
        r.subject, r.body, r.language, r.verdict, r.critical, r.disposition, r.triage, r.report,
        r.created_at, r.prev_hash, r.findings, r.attachments,
    )  # fmt: skip


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


# A stored message as the audit reads it: MessageRecord's first 18 fields (thread_id ... hash)
# followed by the message id; its findings and attachments come in maps keyed by that id.
MessageRow = Sequence[Any]
_NONE: Final[tuple[()]] = ()


def verify_rows(
    heads: Sequence[tuple[int, str, int]],
    rows: Sequence[MessageRow],
    *,
    findings: Mapping[int, Sequence[FindingRecord]],
    attachments: Mapping[int, Sequence[AttachmentMeta]],
) -> tuple[int, list[BrokenLink]]:
    """Verify the chains of several threads from plain rows; return (messages checked, breaks).

    `heads` are (thread id, head hash, message count) in ascending id; `rows` are their messages
    ordered by (thread_id, seq). Same checks and same results as `verify_thread` on each thread,
    without building a MessageRecord per message: the audit reads millions of them.
    """
    sha256 = hashlib.sha256
    checked = 0
    broken: list[BrokenLink] = []
    position, total = 0, len(rows)
    for thread_id, head_hash, message_count in heads:
        # Rows of a thread outside `heads` cannot occur (foreign key); skip them if they do.
        while position < total and rows[position][0] < thread_id:
            position += 1
        expected_prev = GENESIS
        expected_seq = 1
        link: BrokenLink | None = None
        while position < total and rows[position][0] == thread_id:
            row = rows[position]
            position += 1
            if link is not None:
                continue
            checked += 1
            (
                _, seq, direction, sender_id, channel, initiation, contact_reason, subject, body,
                language, verdict, critical, disposition, triage, report, created_at, prev_hash,
                stored_hash, message_id,
            ) = row  # fmt: skip
            if seq != expected_seq:
                reason = f"expected seq {expected_seq}, found {seq}"
                link = BrokenLink(thread_id, seq, message_id, reason)
            elif prev_hash != expected_prev:
                reason = "prev_hash does not match the previous message"
                link = BrokenLink(thread_id, seq, message_id, reason)
            else:
                content = canonical_values(
                    thread_id, seq, direction, sender_id, channel, initiation, contact_reason,
                    subject, body, language, verdict, critical, disposition, triage, report,
                    created_at, prev_hash, findings.get(message_id, _NONE),
                    attachments.get(message_id, _NONE),
                )  # fmt: skip
                if sha256(content).hexdigest() != stored_hash:
                    reason = "content does not match its hash"
                    link = BrokenLink(thread_id, seq, message_id, reason)
                else:
                    expected_prev = stored_hash
                    expected_seq += 1
        if link is None:
            if message_count != expected_seq - 1:
                reason = f"thread records {message_count} messages, chain has {expected_seq - 1}"
                link = BrokenLink(thread_id, expected_seq, None, reason)
            elif head_hash != expected_prev:
                reason = "thread head does not match the chain's last hash"
                link = BrokenLink(thread_id, expected_seq - 1, None, reason)
        if link is not None:
            broken.append(link)
    return checked, broken
