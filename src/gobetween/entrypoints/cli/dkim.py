"""`gobetween dkim keygen`: make the relay's DKIM key and print the DNS record to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gobetween.adapters.mail.dkim_keys import generate_key, load_key, save_key
from gobetween.domain.errors import InvalidInput
from gobetween.entrypoints.cli.configuration import fail, settings_from

dkim_app = typer.Typer(help="DKIM keys for the mail the relay sends.")


def register(app: typer.Typer) -> None:
    app.add_typer(dkim_app, name="dkim")


@dkim_app.command("keygen")
def keygen_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the private key (default: dkim_key_file)."),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", help="DKIM selector (default: dkim_selector).")
    ] = None,
) -> None:
    """Write a new 2048-bit RSA key (mode 0600, never overwriting) and print its TXT record."""
    settings = settings_from(ctx)
    path = out or (Path(settings.dkim_key_file) if settings.dkim_key_file else None)
    if path is None:
        raise fail("no key file: pass --out or set dkim_key_file", code=2)
    try:
        key = generate_key(
            selector=selector or settings.dkim_selector, domain=settings.alias_domain
        )
        save_key(key, path)
    except InvalidInput as error:
        raise fail(str(error)) from None
    typer.echo(f"; private key written to {path}; set dkim_key_file to it and publish:")
    typer.echo(key.zone_line())


@dkim_app.command("record")
def record_command(ctx: typer.Context) -> None:
    """Print the TXT record of the configured key (dkim_key_file), after validating the key."""
    settings = settings_from(ctx)
    if not settings.dkim_key_file:
        raise fail("dkim_key_file is not set", code=2)
    try:
        key = load_key(
            Path(settings.dkim_key_file),
            selector=settings.dkim_selector,
            domain=settings.alias_domain,
        )
    except InvalidInput as error:
        raise fail(str(error)) from None
    typer.echo(key.zone_line())
