"""The evidence audit: recompute every thread's hash chain and name the first broken link."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Final, Protocol, runtime_checkable

from gobetween.domain.errors import NotFound
from gobetween.domain.evidence import BrokenLink, MessageRow, verify_rows, verify_thread
from gobetween.domain.messages import AttachmentMeta, FindingRecord, MessageRecord
from gobetween.services.ports import EvidenceReader


@dataclass(frozen=True, slots=True)
class RowBatch:
    """Threads read in one snapshot, their messages as plain rows (see domain.evidence)."""

    heads: Sequence[tuple[int, str, int]]
    rows: Sequence[MessageRow]
    findings: Mapping[int, Sequence[FindingRecord]]
    attachments: Mapping[int, Sequence[AttachmentMeta]]


@runtime_checkable
class EvidenceRowReader(Protocol):
    """A reader that can also hand over messages as plain rows, the audit's fast path."""

    def row_batches(
        self, *, thread_id: int | None = None, batch_size: int = 1000
    ) -> Iterator[RowBatch]:
        """Yield batches of threads (ascending id) with their rows by (thread_id, seq)."""
        ...


@dataclass(frozen=True, slots=True)
class AuditReport:
    """How much was checked and, per broken thread, its first broken link."""

    threads_checked: int
    messages_checked: int
    broken: tuple[BrokenLink, ...]

    @property
    def ok(self) -> bool:
        return not self.broken


def verify_chains(
    *, reader: EvidenceReader, thread_id: int | None = None, batch_size: int = 1000
) -> AuditReport:
    """Verify one thread or all of them, streaming messages in batches of threads.

    Raises NotFound when `thread_id` names no thread.
    """
    threads_checked = messages_checked = 0
    broken: list[BrokenLink] = []
    if isinstance(reader, EvidenceRowReader):
        # Rows straight from the database cursor: no MessageRecord per message (half the cost).
        batches = reader.row_batches(thread_id=thread_id, batch_size=batch_size)
        for batch in batches if thread_id is not None else read_ahead(batches):
            checked, breaks = verify_rows(
                batch.heads, batch.rows, findings=batch.findings, attachments=batch.attachments
            )
            threads_checked += len(batch.heads)
            messages_checked += checked
            broken.extend(breaks)
        if thread_id is not None and threads_checked == 0:
            raise NotFound("thread", thread_id)
        return AuditReport(threads_checked, messages_checked, tuple(broken))
    for heads, records in reader.thread_batches(thread_id=thread_id, batch_size=batch_size):
        groups: Iterator[tuple[int, Iterator[MessageRecord]]] = groupby(
            records, key=lambda record: record.thread_id
        )
        pending = next(groups, None)
        for head in heads:
            messages: Iterator[MessageRecord] = iter(())
            if pending is not None and pending[0] == head.thread_id:
                messages = pending[1]
                pending = None
            checked, link = verify_thread(
                head.thread_id,
                messages,
                head_hash=head.head_hash,
                message_count=head.message_count,
            )
            # Drain what verify_thread left after a break so the next group lines up.
            for _ in messages:
                pass
            if pending is None:
                pending = next(groups, None)
            threads_checked += 1
            messages_checked += checked
            if link is not None:
                broken.append(link)
    if thread_id is not None and threads_checked == 0:
        raise NotFound("thread", thread_id)
    return AuditReport(threads_checked, messages_checked, tuple(broken))


# How long the reading thread waits to hand over a batch before it looks whether to stop.
_HANDOVER_POLL: Final = 0.1


def read_ahead(batches: Iterator[RowBatch]) -> Iterator[RowBatch]:
    """Yield `batches`, reading the next one in a background thread while this one is verified.

    Reading a batch waits on the database and the driver's C code, which release the GIL; the
    hashing of the previous batch runs meanwhile, so the audit takes about the longer of the two
    instead of their sum. One batch is held ahead, no more. If the consumer stops early (an
    exception), the reader stops at its next batch and closes its cursor; a reader's error is
    raised here.
    """
    handover: queue.Queue[tuple[RowBatch | None, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(item: tuple[RowBatch | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=_HANDOVER_POLL)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not hand_over((batch, None)):
                    return
            hand_over((None, None))
        except BaseException as error:  # handed to the consumer, raised in its thread
            hand_over((None, error))
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="audit-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            batch, error = handover.get()
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        stop.set()
        reader.join()
