"""`gobetween outbox status` and `gobetween outbox purge`: how the outbox stands; housekeeping."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated

import typer

from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.services.delivery import DEFAULT_RETENTION, outbox_counts, purge_finished

outbox_app = typer.Typer(help="The delivery outbox: its state, and purging finished rows.")


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


@outbox_app.command("status")
def status_command(ctx: typer.Context) -> None:
    """Print one line: pending rows and how long the oldest has waited, done and failed rows."""
    with platform_from(ctx) as platform:
        counts = outbox_counts(uow_factory=platform.unit_of_work)
        now = platform.clock().astimezone(UTC)
    waiting = (
        ""
        if counts.oldest_pending_since is None
        else f" (oldest waiting {age(now - counts.oldest_pending_since)})"
    )
    typer.echo(f"pending {counts.pending}{waiting}, done {counts.done}, failed {counts.failed}")


@outbox_app.command("purge")
def purge_command(
    ctx: typer.Context,
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            metavar="DAYS",
            min=1,
            max=36_500,
            help=(
                "Remove done and failed rows that finished more than DAYS days ago. "
                "Pending rows are never removed; messages, findings, events and the stored "
                "outbound mail are evidence and are not touched."
            ),
        ),
    ] = DEFAULT_RETENTION.days,
) -> None:
    """Delete delivered and failed outbox rows older than the retention; print how many."""
    with platform_from(ctx) as platform:
        now = platform.clock().astimezone(UTC)
        try:
            removed = purge_finished(
                uow_factory=platform.unit_of_work,
                clock=lambda: now,
                older_than=timedelta(days=older_than),
            )
        except InvalidInput as error:
            raise fail(str(error)) from None
    cutoff = (now - timedelta(days=older_than)).isoformat(timespec="seconds")
    typer.echo(f"removed {removed} outbox rows (done or failed, finished before {cutoff})")


def age(elapsed: timedelta) -> str:
    """A wait as the two largest units: 3d 4h, 2h 5m, 4m 10s, 12s."""
    seconds = max(int(elapsed.total_seconds()), 0)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {seconds}s"
    return f"{seconds}s"
