"""verify_chains over a fake reader: batches, empty threads, and one report per broken thread."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from gobetween.domain.errors import NotFound
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.domain.messages import MessageRecord
from gobetween.services.audit import verify_chains
from gobetween.services.ports import ThreadHead

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def thread(thread_id: int, length: int) -> tuple[ThreadHead, list[MessageRecord]]:
    records: list[MessageRecord] = []
    prev = GENESIS
    for seq in range(1, length + 1):
        record = MessageRecord(
            thread_id,
            seq,
            "seller_to_buyer",
            "s1",
            "web",
            "proactive",
            "other",
            "",
            f"m{seq}",
            None,
            "allow",
            False,
            "delivered",
            None,
            None,
            NOW,
            prev,
            "",
            id=thread_id * 100 + seq,
        )
        record = replace(record, hash=message_hash(record))
        records.append(record)
        prev = record.hash
    return ThreadHead(thread_id, prev, length), records


class FakeReader:
    def __init__(self, threads: list[tuple[ThreadHead, list[MessageRecord]]]) -> None:
        self.threads = threads

    def thread_batches(
        self, *, thread_id: int | None = None, batch_size: int = 1000
    ) -> Iterator[tuple[Sequence[ThreadHead], Iterator[MessageRecord]]]:
        chosen = [t for t in self.threads if thread_id is None or t[0].thread_id == thread_id]
        for start in range(0, len(chosen), batch_size):
            batch = chosen[start : start + batch_size]
            yield [head for head, _ in batch], iter([r for _, rs in batch for r in rs])


@pytest.mark.parametrize("batch_size", [1, 2, 100])
def test_every_thread_is_checked_and_each_break_is_named(batch_size: int) -> None:
    threads = [thread(1, 3), thread(2, 0), thread(3, 4), thread(4, 2), thread(5, 1)]
    _head, records = threads[2]
    records[1] = replace(records[1], body="tampered")
    head4, records4 = threads[3]
    threads[3] = (replace(head4, message_count=3), records4)
    report = verify_chains(reader=FakeReader(threads), batch_size=batch_size)
    assert report.threads_checked == 5
    assert not report.ok
    assert [(b.thread_id, b.seq, b.message_id) for b in report.broken] == [
        (3, 2, 302),
        (4, 3, None),
    ]
    # Thread 3 stops at its break: 3 + 0 + 2 + 2 + 1 messages checked.
    assert report.messages_checked == 8


def test_one_thread_can_be_checked_alone() -> None:
    report = verify_chains(reader=FakeReader([thread(1, 2), thread(2, 3)]), thread_id=2)
    assert (report.threads_checked, report.messages_checked, report.ok) == (1, 3, True)


def test_an_unknown_thread_is_not_found() -> None:
    with pytest.raises(NotFound):
        verify_chains(reader=FakeReader([thread(1, 2)]), thread_id=9)
