"""The delivery worker: drains the outbox until told to stop."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from gobetween.services.delivery import Compose, DeliveryPolicy, deliver_pending
from gobetween.services.ports import Clock, Transport, UnitOfWorkFactory

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique to this worker process and run, recorded with every claim it makes."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_worker(
    *,
    uow_factory: UnitOfWorkFactory,
    transport: Transport,
    compose: Compose,
    clock: Clock,
    policy: DeliveryPolicy,
    stop: threading.Event,
    poll_seconds: float = 0.5,
    worker: str | None = None,
) -> None:
    """Deliver outbox rows until `stop` is set; sleep `poll_seconds` whenever the outbox is idle.

    A failing pass (the database restarting, say) is logged and retried after the poll interval:
    the claim lease guarantees nothing is lost or delivered twice meanwhile.
    """
    name = worker or worker_name()
    log.info("delivery worker %s started", name)
    while not stop.is_set():
        try:
            report = deliver_pending(
                uow_factory=uow_factory,
                transport=transport,
                compose=compose,
                worker=name,
                clock=clock,
                policy=policy,
            )
        except Exception:
            log.exception("delivery worker %s: pass failed; retrying", name)
            stop.wait(poll_seconds)
            continue
        if report.claimed:
            log.info(
                "delivered %d, retried %d, failed %d, lost %d",
                report.delivered,
                report.retried,
                report.failed,
                report.lost,
            )
        # A full batch suggests more is waiting: go again at once.
        if report.claimed < policy.batch_size:
            stop.wait(poll_seconds)
    log.info("delivery worker %s stopped", name)
