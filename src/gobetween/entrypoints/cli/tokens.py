"""`gobetween tokens create|list|revoke`: API tokens, printed once, stored only as a hash."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gobetween.bootstrap.access import build_api_services
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.entrypoints.cli.configuration import USAGE_ERROR, fail, platform_from
from gobetween.services.access import create_token, issue_token, list_tokens, revoke_token

tokens_app = typer.Typer(help="API tokens: create (shown once), list, revoke.")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")


@tokens_app.command("create")
def create_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="operator, seller, buyer or auditor.")],
    seller: Annotated[
        str | None, typer.Option("--seller", metavar="ID", help="The seller (role seller).")
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", metavar="ID", help="The buyer (role buyer).")
    ] = None,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:
    """Create a token and print it once: it cannot be shown again, only revoked."""
    with platform_from(ctx) as platform:
        services = build_api_services(platform)
        try:
            token = issue_token(
                role,
                seller,
                buyer,
                uow=services.unit_of_work(),
                clock=platform.clock,
                label=label,
            )
        except InvalidInput as error:
            raise fail(f"{error.field}: {error.problem}", code=USAGE_ERROR) from None
        except NotFound as error:
            raise fail(str(error)) from None
    typer.echo(token)
    typer.echo("Store it now: it is shown only this once.", err=True)


@tokens_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List tokens (their first characters only), revoked ones too."""
    with platform_from(ctx) as platform:
        records = list_tokens(uow=build_api_services(platform).unit_of_work())
    table = Table(title="API tokens")
    for column in ("id", "starts with", "role", "party", "label", "created", "revoked"):
        table.add_column(column)
    for record in records:
        table.add_row(
            str(record.id),
            record.prefix + "…",
            record.role,
            record.seller_id or record.buyer_id or "-",
            record.label or "-",
            record.created_at.isoformat(timespec="seconds"),
            record.revoked_at.isoformat(timespec="seconds") if record.revoked_at else "-",
        )
    Console().print(table)


@tokens_app.command("revoke")
def revoke_command(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(metavar="ID", help="Token id.")]
) -> None:
    """Revoke a token: requests with it fail from now on."""
    with platform_from(ctx) as platform:
        try:
            record = revoke_token(
                token_id, uow=build_api_services(platform).unit_of_work(), clock=platform.clock
            )
        except NotFound as error:
            raise fail(str(error)) from None
        except InvalidInput as error:
            raise fail(error.problem) from None
    typer.echo(f"revoked token {record.id} ({record.prefix}…, {record.role})")


def with_demo_tokens(ctx: typer.Context, demo: dict[str, Any]) -> dict[str, Any]:
    """`gobetween demo --json` with working tokens: one per seller, buyer, operator and auditor.

    Replaces the placeholders of the demo's JSON by real tokens, created in one transaction.
    """
    with platform_from(ctx) as platform:
        uow = build_api_services(platform).unit_of_work()
        now = platform.clock()
        with uow:
            demo["operator_token"] = create_token(uow, "operator", now=now, label="demo operator")
            demo["auditor_token"] = create_token(uow, "auditor", now=now, label="demo auditor")
            for seller in demo.get("sellers", []):
                seller["token"] = create_token(
                    uow, "seller", seller_id=seller["id"], now=now, label="demo seller"
                )
            for buyer in demo.get("buyers", []):
                buyer["token"] = create_token(
                    uow, "buyer", buyer_id=buyer["id"], now=now, label="demo buyer"
                )
            uow.commit()
    return demo
