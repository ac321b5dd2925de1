"""The hash chain: canonical content, links, and the first broken link named."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.domain.evidence import (
    GENESIS,
    canonical_content,
    canonical_mapping,
    canonical_time,
    message_hash,
    verify_thread,
)
from gobetween.domain.messages import AttachmentMeta, FindingRecord, MessageRecord

T0 = datetime(2026, 11, 26, 9, 30, 15, 123456, tzinfo=UTC)


def chain(length: int, thread_id: int = 7) -> list[MessageRecord]:
    records: list[MessageRecord] = []
    prev = GENESIS
    for seq in range(1, length + 1):
        record = MessageRecord(
            thread_id=thread_id,
            seq=seq,
            direction="seller_to_buyer" if seq % 2 else "buyer_to_seller",
            sender_id="s1" if seq % 2 else "b1",
            channel="web",
            initiation="proactive",
            contact_reason="other",
            subject=f"subject {seq}",
            body=f"Grüße, message {seq} — 日本語",
            language="de",
            verdict="allow",
            critical=False,
            disposition="delivered",
            triage=None,
            report=None,
            created_at=T0 + timedelta(seconds=seq),
            prev_hash=prev,
            hash="",
            findings=(FindingRecord("unprofessional", "caps", "warn", 0, 4, "all caps"),),
            attachments=(AttachmentMeta("a.pdf", "application/pdf", 10, "ab" * 32),),
        )
        record = replace(record, hash=message_hash(record))
        records.append(record)
        prev = record.hash
    return records


def test_canonical_content_is_sorted_compact_utf8_json() -> None:
    record = chain(1)[0]
    content = canonical_content(record)
    decoded = json.loads(content)
    assert list(decoded) == sorted(decoded)
    assert b'": ' not in content
    assert "日本語".encode() in content
    assert decoded["findings"] == [["unprofessional", "caps", "warn", 0, 4, "all caps"]]
    assert decoded["attachments"] == [["ab" * 32, "a.pdf", "application/pdf", 10]]
    assert decoded["prev_hash"] == GENESIS
    assert record.hash == hashlib.sha256(content).hexdigest()


def test_the_hash_does_not_cover_itself() -> None:
    record = chain(1)[0]
    assert message_hash(replace(record, hash="f" * 64)) == record.hash


def test_time_renders_the_same_from_any_zone_and_from_naive_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    assert canonical_time(T0) == "2026-11-26T09:30:15.123456Z"
    assert canonical_time(T0.astimezone(berlin)) == canonical_time(T0)
    assert canonical_time(T0.replace(tzinfo=None)) == canonical_time(T0)


def test_an_intact_chain_verifies() -> None:
    records = chain(5)
    checked, broken = verify_thread(7, records, head_hash=records[-1].hash, message_count=5)
    assert (checked, broken) == (5, None)


def test_an_empty_thread_verifies_against_genesis() -> None:
    assert verify_thread(1, [], head_hash=GENESIS, message_count=0) == (0, None)


@pytest.mark.parametrize(
    "change",
    [
        {"body": "changed"},
        {"verdict": "block"},
        {"disposition": "blocked"},
        {"created_at": T0},
        {"findings": ()},
        {"attachments": (AttachmentMeta("a.pdf", "application/pdf", 10, "cd" * 32),)},
    ],
)
def test_any_change_to_a_message_breaks_its_link(change: dict[str, object]) -> None:
    records = chain(5)
    records[2] = replace(records[2], **change)  # type: ignore[arg-type]
    _, broken = verify_thread(7, records)
    assert broken is not None
    assert (broken.thread_id, broken.seq) == (7, 3)
    assert "hash" in broken.reason


def test_a_removed_middle_message_is_named() -> None:
    records = chain(5)
    del records[1]
    _, broken = verify_thread(7, records)
    assert broken is not None
    assert broken.seq == 3
    assert "expected seq 2" in broken.reason


def test_a_rehashed_message_still_breaks_the_next_link() -> None:
    records = chain(4)
    forged = replace(records[1], body="forged")
    records[1] = replace(forged, hash=message_hash(forged))
    _, broken = verify_thread(7, records)
    assert broken is not None
    assert broken.seq == 3
    assert "prev_hash" in broken.reason


def test_a_removed_last_message_is_caught_by_the_thread_head() -> None:
    records = chain(4)
    _, broken = verify_thread(7, records[:-1], head_hash=records[-1].hash, message_count=4)
    assert broken is not None
    assert "4 messages" in broken.reason


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
_OPTIONAL = st.none() | _TEXT


@st.composite
def records(draw: st.DrawFn) -> MessageRecord:
    findings = draw(
        st.lists(
            st.builds(
                FindingRecord,
                _TEXT,
                _TEXT,
                st.sampled_from(["block", "warn"]),
                st.none() | st.integers(0, 10**6),
                st.none() | st.integers(0, 10**6),
                _TEXT,
            ),
            max_size=3,
        )
    )
    attachments = draw(
        st.lists(
            st.builds(
                AttachmentMeta, _TEXT, _TEXT, st.integers(0, 10**12), st.text("0123456789abcdef")
            ),
            max_size=2,
        )
    )
    return MessageRecord(
        thread_id=draw(st.integers(1, 2**62)),
        seq=draw(st.integers(1, 2**31)),
        direction=draw(st.sampled_from(["seller_to_buyer", "buyer_to_seller"])),
        sender_id=draw(_TEXT),
        channel=draw(_TEXT),
        initiation=draw(st.sampled_from(["proactive", "reply"])),
        contact_reason=draw(_TEXT),
        subject=draw(_TEXT),
        body=draw(st.text(max_size=300)),
        language=draw(_OPTIONAL),
        verdict=draw(st.sampled_from(["allow", "block"])),
        critical=draw(st.booleans()),
        disposition=draw(st.sampled_from(["delivered", "blocked", "bounced"])),
        triage=draw(_OPTIONAL),
        report=draw(_OPTIONAL),
        created_at=draw(st.datetimes(timezones=st.just(UTC))),
        prev_hash=draw(st.text("0123456789abcdef", min_size=64, max_size=64)),
        hash="",
        findings=tuple(findings),
        attachments=tuple(attachments),
    )


@given(records())
def test_canonical_content_is_exactly_sorted_compact_json(record: MessageRecord) -> None:
    reference = json.dumps(
        canonical_mapping(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8", "surrogatepass")
    assert canonical_content(record) == reference
