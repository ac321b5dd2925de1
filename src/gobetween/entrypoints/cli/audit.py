"""`gobetween audit verify [--thread ID]`: recompute the evidence hash chains."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.domain.errors import NotFound
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.services.audit import verify_chains

audit_app = typer.Typer(help="Verify the evidence: messages, verdicts and their hash chains.")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    ctx: typer.Context,
    thread: Annotated[
        int | None, typer.Option("--thread", metavar="ID", help="Verify only this thread.")
    ] = None,
) -> None:
    """Recompute every thread's hash chain; exit 1 naming the first broken link of each."""
    console = Console()
    with platform_from(ctx) as platform:
        started = time.perf_counter()
        try:
            report = verify_chains(reader=SqlEvidenceReader(platform.engine), thread_id=thread)
        except NotFound as error:
            raise fail(str(error)) from None
        elapsed = time.perf_counter() - started
    rate = report.messages_checked / elapsed if elapsed > 0 else 0.0
    if report.ok:
        console.print(
            f"[green]OK[/green] {report.threads_checked} threads, "
            f"{report.messages_checked} messages verified in {elapsed:.2f} s ({rate:,.0f}/s)"
        )
        return
    table = Table(title="Broken hash chains", title_style="bold red")
    for column in ("thread", "seq", "message id", "problem"):
        table.add_column(column)
    for link in report.broken:
        message = "-" if link.message_id is None else str(link.message_id)
        table.add_row(str(link.thread_id), str(link.seq), message, link.reason)
    console.print(table)
    first = report.broken[0]
    console.print(
        f"[bold red]BROKEN[/bold red] {len(report.broken)} of {report.threads_checked} threads; "
        f"first: thread {first.thread_id}, seq {first.seq}, "
        f"message {'-' if first.message_id is None else first.message_id}"
    )
    raise typer.Exit(code=1)
