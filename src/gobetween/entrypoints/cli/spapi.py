"""`gobetween spapi credentials create`: SP-API app credentials of a seller, printed once."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from gobetween.bootstrap.access import build_api_services
from gobetween.bootstrap.spapi import build_spapi_services
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.entrypoints.cli.configuration import USAGE_ERROR, fail, platform_from
from gobetween.services.spapi_credentials import create_credentials

spapi_app = typer.Typer(help="The Amazon SP-API compatible surface (docs/spapi.md).")
credentials_app = typer.Typer(help="SP-API app credentials: client id, secret, refresh token.")
spapi_app.add_typer(credentials_app, name="credentials")


def register(app: typer.Typer) -> None:
    app.add_typer(spapi_app, name="spapi")


@credentials_app.command("create")
def create_command(
    ctx: typer.Context,
    seller: Annotated[str, typer.Option("--seller", metavar="ID", help="The seller.")],
    label: Annotated[str, typer.Option("--label", help="What the app is.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print them as one JSON object.")] = False,
) -> None:
    """Create client id, client secret and refresh token for a seller; shown only this once.

    Configure an SP-API tool with them and point its token URL at /auth/o2/token.
    """
    with platform_from(ctx) as platform:
        services = build_spapi_services(build_api_services(platform))
        try:
            made = create_credentials(
                seller, uow=services.unit_of_work(), clock=platform.clock, label=label
            )
        except InvalidInput as error:
            raise fail(f"{error.field}: {error.problem}", code=USAGE_ERROR) from None
        except NotFound as error:
            raise fail(str(error)) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "client_id": made.client_id,
                    "client_secret": made.client_secret,
                    "refresh_token": made.refresh_token,
                    "seller_id": made.seller_id,
                }
            )
        )
    else:
        typer.echo(f"client_id:     {made.client_id}")
        typer.echo(f"client_secret: {made.client_secret}")
        typer.echo(f"refresh_token: {made.refresh_token}")
    typer.echo(
        "Store them now: the secret and the refresh token are shown only this once.", err=True
    )
