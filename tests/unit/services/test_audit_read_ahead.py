"""The audit reads the next batch while it verifies this one: same batches, same order, errors
raised where they are consumed, and an early stop ends the reading."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from gobetween.services.audit import RowBatch, read_ahead


def batch(number: int) -> RowBatch:
    return RowBatch(heads=[(number, "h", 0)], rows=[], findings={}, attachments={})


def test_every_batch_arrives_in_order() -> None:
    got = [b.heads[0][0] for b in read_ahead(iter([batch(n) for n in range(50)]))]
    assert got == list(range(50))


def test_a_reading_error_is_raised_to_the_consumer() -> None:
    def failing() -> Iterator[RowBatch]:
        yield batch(1)
        raise RuntimeError("database went away")

    batches = read_ahead(failing())
    assert next(batches).heads[0][0] == 1
    with pytest.raises(RuntimeError, match="database went away"):
        next(batches)


def test_stopping_early_closes_the_reader() -> None:
    closed = threading.Event()
    read: list[int] = []

    def endless() -> Iterator[RowBatch]:
        try:
            number = 0
            while True:
                read.append(number)
                yield batch(number)
                number += 1
        finally:
            closed.set()

    batches = read_ahead(endless())
    assert next(batches).heads[0][0] == 0
    batches.close()  # the consumer gives up (what an exception in verify_chains does)
    assert closed.wait(5)
    # At most the batch in hand, one waiting in the hand-over and one being offered.
    assert len(read) <= 3
