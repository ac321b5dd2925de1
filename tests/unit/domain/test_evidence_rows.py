"""verify_rows (the audit's fast path over plain rows) agrees with verify_thread on every chain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from gobetween.domain.evidence import (
    GENESIS,
    canonical_time,
    message_hash,
    verify_rows,
    verify_thread,
)
from gobetween.domain.messages import AttachmentMeta, FindingRecord, MessageRecord

T0 = datetime(2026, 11, 26, 9, 30, 15, 123456, tzinfo=UTC)


def chain(thread_id: int, length: int) -> list[MessageRecord]:
    records: list[MessageRecord] = []
    prev = GENESIS
    for seq in range(1, length + 1):
        record = MessageRecord(
            thread_id, seq, "seller_to_buyer", "s1", "web", "proactive", "other", f"s {seq}",
            f"Grüße {seq} — 日本語 \"quoted\"", "de" if seq % 2 else None, "allow", seq % 3 == 0,
            "delivered", None, "spam" if seq == 2 else None, T0 + timedelta(seconds=seq), prev, "",
            (FindingRecord("unprofessional", "caps", "warn", 0, 4, "caps"),) if seq % 2 else (),
            (AttachmentMeta("a.pdf", "application/pdf", 10, "ab" * 32),) if seq == 1 else (),
            id=thread_id * 100 + seq,
        )  # fmt: skip
        record = replace(record, hash=message_hash(record))
        records.append(record)
        prev = record.hash
    return records


def as_rows(
    records: list[MessageRecord],
) -> tuple[
    list[tuple[object, ...]], dict[int, list[FindingRecord]], dict[int, list[AttachmentMeta]]
]:
    rows, findings, attachments = [], defaultdict(list), defaultdict(list)
    for record in records:
        values = astuple(record)
        assert record.id is not None
        rows.append((*values[:18], record.id))
        findings[record.id].extend(record.findings)
        attachments[record.id].extend(record.attachments)
    return rows, findings, attachments


TAMPERS = st.sampled_from(["none", "body", "seq", "prev", "drop_last", "drop_middle", "head"])


@given(st.lists(st.tuples(st.integers(0, 5), TAMPERS), min_size=1, max_size=5))
def test_rows_and_records_give_the_same_verdict(threads: list[tuple[int, str]]) -> None:
    heads: list[tuple[int, str, int]] = []
    all_records: list[MessageRecord] = []
    expected_checked, expected_broken = 0, []
    for number, (length, tamper) in enumerate(threads, start=1):
        records = chain(number, length)
        head_hash, count = (records[-1].hash if records else GENESIS), len(records)
        if records and tamper == "body":
            records[0] = replace(records[0], body="changed")
        elif records and tamper == "seq":
            records[-1] = replace(records[-1], seq=99)
        elif records and tamper == "prev":
            records[-1] = replace(records[-1], prev_hash="f" * 64)
        elif records and tamper == "drop_last":
            records.pop()
        elif len(records) > 2 and tamper == "drop_middle":
            del records[1]
        elif tamper == "head":
            head_hash = "e" * 64
        heads.append((number, head_hash, count))
        all_records.extend(records)
        checked, link = verify_thread(number, records, head_hash=head_hash, message_count=count)
        expected_checked += checked
        if link is not None:
            expected_broken.append(link)
    rows, findings, attachments = as_rows(all_records)
    checked, broken = verify_rows(heads, rows, findings=findings, attachments=attachments)
    assert (checked, broken) == (expected_checked, expected_broken)


def test_a_changed_finding_is_caught() -> None:
    rows, findings, attachments = as_rows(chain(1, 3))
    findings[101] = [FindingRecord("unprofessional", "caps", "block", 0, 4, "caps")]
    _, [link] = verify_rows([(1, "x" * 64, 3)], rows, findings=findings, attachments=attachments)
    assert (link.seq, link.message_id, link.reason) == (1, 101, "content does not match its hash")


@given(st.datetimes(timezones=st.just(UTC)))
def test_time_from_the_postgresql_driver_renders_as_from_utc(moment: datetime) -> None:
    # psycopg hands timestamptz back in ZoneInfo("Etc/UTC"), the audit's raw rows keep it.
    assert canonical_time(moment.astimezone(ZoneInfo("Etc/UTC"))) == canonical_time(moment)
    assert canonical_time(moment.astimezone(ZoneInfo("Europe/London"))) == canonical_time(moment)
