"""`gobetween relay release CODE`: deliver a mail held because its sender was not proven."""

from __future__ import annotations

from typing import Annotated

import typer

from gobetween.domain.errors import NotFound
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.entrypoints.smtp import build_relay

relay_app = typer.Typer(help="The mail relay: held mail.")


def register(app: typer.Typer) -> None:
    app.add_typer(relay_app, name="relay")


@relay_app.command("release")
def release_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The release code sent to the registered address.")],
) -> None:
    """Store and queue a held mail, as if its sender had been authenticated; print the outcome."""
    with platform_from(ctx) as platform:
        relay = build_relay(platform)
        try:
            outcome = relay.release(code.strip())
        except NotFound:
            raise fail("no held mail has this release code") from None
        finally:
            relay.close()
    typer.echo(outcome)
    if not outcome.startswith("250"):
        raise typer.Exit(code=1)
