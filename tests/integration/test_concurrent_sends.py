"""Concurrent sends through the committer the composition root picks: all durable, chains intact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from message_core_world import ORDER, SECOND_ORDER, fixed_clock, seed
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.group_commit import DirectCommitter, GroupCommitter, committer_for
from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.errors import NotFound
from gobetween.services.audit import verify_chains
from gobetween.services.messaging import (
    MessagingLimits,
    SendResult,
    SendSellerMessage,
    send_seller_message,
)

UNKNOWN_ORDER = "114-0000009-0000009"


def _count(engine: Engine, table: t.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_committer_fits_the_database(engine: Engine) -> None:
    committer = committer_for(engine)
    try:
        expected = GroupCommitter if engine.dialect.name == "sqlite" else DirectCommitter
        assert type(committer) is expected
    finally:
        committer.close()


def test_concurrent_sends_all_commit_and_a_bad_one_fails_alone(engine: Engine) -> None:
    seed(engine)
    committer = committer_for(engine)

    def send(number: int) -> SendResult:
        order = UNKNOWN_ORDER if number == 7 else (ORDER, SECOND_ORDER)[number % 2]
        command = SendSellerMessage(
            order, "s1", "Your order", f"Could you confirm the engraving text, {number}?",
            "customization", "web",
        )  # fmt: skip
        return committer.run(
            lambda shared: send_seller_message(
                command, uow=SqlUnitOfWork(shared), clock=fixed_clock, limits=MessagingLimits()
            )
        )

    try:
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(send, number) for number in range(24)]
            failures = {n: f.exception() for n, f in enumerate(futures)}
    finally:
        committer.close()
    assert isinstance(failures.pop(7), NotFound)
    assert all(failure is None for failure in failures.values()), failures
    results = [futures[n].result() for n in failures]
    assert len({r.message_id for r in results}) == 23
    assert all(r.disposition == "delivered" for r in results)
    assert _count(engine, t.messages) == 23
    assert _count(engine, t.outbox) == 23
    report = verify_chains(reader=SqlEvidenceReader(engine))
    assert report.ok, report.broken
    assert (report.threads_checked, report.messages_checked) == (2, 23)
