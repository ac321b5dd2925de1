"""The `gobetween` command. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gobetween.entrypoints.cli import (
    accounts,
    admin,
    audit,
    cases,
    check,
    demo,
    dkim,
    importing,
    outbox,
    relay,
    serve,
    spapi,
    tokens,
    worker,
)
from gobetween.entrypoints.cli.configuration import Invocation

app = typer.Typer(
    name="gobetween",
    help="Buyer-seller messaging for online marketplaces.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="TOML settings file (default: $GOBETWEEN_CONFIG); GOBETWEEN_* variables win.",
        ),
    ] = None,
) -> None:
    """Buyer-seller messaging for online marketplaces."""
    ctx.obj = Invocation(config_file=config)


for module in (
    check,
    admin,
    importing,
    demo,
    serve,
    audit,
    worker,
    accounts,
    dkim,
    cases,
    tokens,
    relay,
    spapi,
    outbox,
):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
