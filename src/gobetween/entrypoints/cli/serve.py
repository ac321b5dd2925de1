"""`gobetween serve`: the web application, the mail relay and a delivery worker, in one process."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer

from gobetween.bootstrap import Platform
from gobetween.entrypoints.cli.cases import case_sweeper
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.entrypoints.delivery_worker import run_worker
from gobetween.entrypoints.log_format import configure_logging

log = logging.getLogger(__name__)

# How long shutdown waits for the worker to finish the delivery in hand.
WORKER_STOP_SECONDS = 30.0


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default: http_host).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="TCP port to listen on (default: http_port).")
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run a delivery worker in this process (off when `gobetween worker` runs apart).",
        ),
    ] = True,
    log_format: Annotated[
        str | None,
        typer.Option(
            "--log-format", help="text or json: one JSON object per line (default: log_format)."
        ),
    ] = None,
    web_workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Web processes sharing the port (default: http_workers; each has its own pool).",
        ),
    ] = None,
) -> None:
    """Serve the web app on http_host:http_port and the relay on smtp_host:smtp_port."""
    # The web and mail stacks load here, not at the top: every other command starts without them.
    from gobetween.entrypoints.http.serving import WebProcessError, web_server
    from gobetween.entrypoints.smtp import start_listeners

    with platform_from(
        ctx, http_host=host, http_port=port, log_format=log_format, http_workers=web_workers
    ) as platform:
        settings = platform.settings
        configure_logging(settings.log_level, settings.log_format)
        # The health check reads the schema revision; alembic would log that on every request,
        # and aiosmtpd logs every SMTP connection at INFO.
        for chatty in ("alembic", "mail.log"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
        problem = platform.database_problem()
        if problem is not None:
            raise fail(f"database {problem}")
        if settings.http_workers > 1 and settings.is_sqlite:
            log.warning(
                "http_workers = %d on SQLite: the processes take turns at the one write lock;"
                " PostgreSQL is the store for several web processes",
                settings.http_workers,
            )
        web = web_server(platform)
        stop = threading.Event()
        # uvicorn handles SIGINT/SIGTERM while it runs, then restores these handlers and raises
        # the signal again; with these in place that second delivery only confirms the stop, so
        # the worker below is stopped and joined instead of the process dying mid-delivery.
        for handled in (signal.SIGINT, signal.SIGTERM):
            signal.signal(handled, lambda _signum, _frame: stop.set())
        if not settings.dkim_key_file:
            log.warning("dkim_key_file is not set: outbound mail is NOT DKIM-signed")
        if settings.smtp_enabled:
            try:
                listener = start_listeners(platform)
            except (OSError, RuntimeError) as error:
                raise fail(
                    f"cannot listen for mail on {settings.smtp_host}:{settings.smtp_port}: {error}"
                ) from None
        thread = _start_worker(platform, stop) if worker else None
        # The case sweeps (idle cases close, due-soon webhooks) run beside the delivery worker.
        if worker:
            case_sweeper(platform, stop)
        try:
            web.run()
        except WebProcessError as error:
            raise fail(str(error)) from None
        finally:
            if settings.smtp_enabled:
                listener.stop()
            stop.set()
            if thread is not None:
                thread.join(WORKER_STOP_SECONDS)
                if thread.is_alive():
                    log.warning("delivery worker still busy after %.0f s", WORKER_STOP_SECONDS)
        if not web.started:
            raise fail(f"could not listen on {settings.http_host}:{settings.http_port}")


def _start_worker(platform: Platform, stop: threading.Event) -> threading.Thread:
    settings = platform.settings
    thread = threading.Thread(
        target=run_worker,
        kwargs={
            "uow_factory": platform.unit_of_work,
            "transport": platform.transport,
            "compose": platform.compose,
            "clock": platform.clock,
            "policy": platform.delivery_policy,
            "stop": stop,
            "poll_seconds": settings.delivery_poll_seconds,
        },
        name="delivery-worker",
        # Shutdown joins it; daemon only so a stuck delivery cannot keep the process alive forever.
        daemon=True,
    )
    thread.start()
    return thread
