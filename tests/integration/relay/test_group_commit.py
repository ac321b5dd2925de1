"""Group commit: jobs from many threads, one COMMIT per batch, a failing job rolled back alone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from relay_world import NOW
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.parties import Buyer


def _buyers(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.buyers)).scalar_one())


def _add_buyer(number: int, *, fail: bool = False):  # type: ignore[no-untyped-def]
    def job(engine: Engine) -> int:
        with SqlUnitOfWork(engine) as uow:
            uow.buyers.upsert(Buyer(f"b{number}", "Jo", f"jo{number}@x.example", "en"), now=NOW)
            if fail:
                raise ValueError(f"job {number} fails after writing")
            uow.commit()
        return number

    return job


def test_jobs_commit_together_and_a_failure_rolls_back_alone(engine: Engine) -> None:
    committer = GroupCommitter(engine, max_batch=8)
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = [
                pool.submit(committer.run, _add_buyer(n, fail=n % 5 == 0)) for n in range(40)
            ]
            failures = [future.exception() for future in futures]
        results = [
            future.result()
            for future, failure in zip(futures, failures, strict=True)
            if not failure
        ]
        assert sorted(results) == [n for n in range(40) if n % 5]
        assert all("fails after writing" in str(f) for f in failures if f is not None)
        assert sum(f is not None for f in failures) == 8
        assert _buyers(engine) == 32
    finally:
        committer.close()


def test_an_uncommitted_unit_of_work_leaves_nothing(engine: Engine) -> None:
    committer = GroupCommitter(engine)

    def forgets_to_commit(shared: Engine) -> None:
        with SqlUnitOfWork(shared) as uow:
            uow.buyers.upsert(Buyer("b1", "Jo", "jo@x.example", "en"), now=NOW)

    try:
        committer.run(forgets_to_commit)
        committer.run(_add_buyer(2))
        assert _buyers(engine) == 1
    finally:
        committer.close()


def test_a_result_arrives_only_after_the_batch_is_durable(engine: Engine) -> None:
    committer = GroupCommitter(engine)
    seen_from_outside: list[int] = []
    gate = threading.Event()

    def job(shared: Engine) -> None:
        with SqlUnitOfWork(shared) as uow:
            uow.buyers.upsert(Buyer("b9", "Jo", "jo9@x.example", "en"), now=NOW)
            uow.commit()
        gate.set()

    try:
        committer.run(job)
        seen_from_outside.append(_buyers(engine))
        assert gate.is_set()
        assert seen_from_outside == [1]
    finally:
        committer.close()


def test_close_finishes_queued_work(engine: Engine) -> None:
    committer = GroupCommitter(engine)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(committer.run, _add_buyer(n)) for n in range(10)]
        assert sorted(f.result() for f in futures) == list(range(10))
    committer.close()
    assert _buyers(engine) == 10
    with pytest.raises(RuntimeError):
        # A closed committer takes no more work: nothing would ever run it.
        committer.run(_add_buyer(99))
