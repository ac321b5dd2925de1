"""`gobetween worker`: run delivery workers that drain the outbox until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from gobetween.entrypoints.cli.cases import case_sweeper
from gobetween.entrypoints.cli.configuration import platform_from
from gobetween.entrypoints.delivery_worker import run_worker
from gobetween.entrypoints.log_format import configure_logging
from gobetween.services.delivery import deliver_pending

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_command)


def worker_command(
    ctx: typer.Context,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker threads (default: delivery_workers)."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due now, then exit.")
    ] = False,
    log_format: Annotated[
        str | None,
        typer.Option(
            "--log-format", help="text or json: one JSON object per line (default: log_format)."
        ),
    ] = None,
) -> None:
    """Deliver queued messages and bounce notices through the configured transport."""
    with platform_from(ctx, log_format=log_format) as platform:
        settings = platform.settings
        # The same lines as `gobetween serve`: a log collector reads both the same way.
        configure_logging(settings.log_level, settings.log_format)
        policy = platform.delivery_policy
        compose = platform.compose
        if once:
            total = 0
            while True:
                report = deliver_pending(
                    uow_factory=platform.unit_of_work,
                    transport=platform.transport,
                    compose=compose,
                    worker="once",
                    clock=platform.clock,
                    policy=policy,
                )
                total += report.delivered
                if report.claimed < policy.batch_size:
                    break
            _close(platform.transport)
            log.info("delivered %d due outbox rows", total)
            typer.echo(f"delivered {total}")
            return
        stop = threading.Event()

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        threads = [
            threading.Thread(
                target=run_worker,
                kwargs={
                    "uow_factory": platform.unit_of_work,
                    "transport": platform.transport,
                    "compose": compose,
                    "clock": platform.clock,
                    "policy": policy,
                    "stop": stop,
                    "poll_seconds": settings.delivery_poll_seconds,
                },
                name=f"delivery-{number}",
            )
            for number in range(workers or settings.delivery_workers)
        ]
        for thread in threads:
            thread.start()
        threads.append(case_sweeper(platform, stop))
        # The main thread waits on the event so signals are handled promptly.
        while not stop.wait(0.5):
            pass
        for thread in threads:
            thread.join()
        _close(platform.transport)


def _close(transport: object) -> None:
    """QUIT the smarthost connections the transport kept open (the SMTP transport has some)."""
    close = getattr(transport, "close", None)
    if callable(close):
        close()
