"""`gobetween accounts create|list`: sign-in accounts of the web message center."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gobetween.adapters.db.web_accounts import SqlWebAccountStore
from gobetween.bootstrap import Platform
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.entrypoints.cli.configuration import USAGE_ERROR, fail, platform_from
from gobetween.services.web_accounts import DemoAccount, create_account, ensure_demo_accounts

# Buyers of the demo that get a sign-in: enough to try every buyer page, few enough to hash fast.
DEMO_BUYER_ACCOUNTS = 8

accounts_app = typer.Typer(help="Sign-in accounts of the web message center.")


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")


@accounts_app.command("create")
def create_command(
    ctx: typer.Context,
    email: Annotated[str, typer.Option("--email", help="Sign-in address.")],
    role: Annotated[str, typer.Option("--role", help="operator, seller, buyer or auditor.")],
    seller: Annotated[
        str | None, typer.Option("--seller", metavar="ID", help="The seller (role seller).")
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", metavar="ID", help="The buyer (role buyer).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name shown in the header.")] = "",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
) -> None:
    """Create an account; the password is asked twice (hidden) unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with platform_from(ctx) as platform:
        try:
            account = create_account(
                email=email,
                password=password,
                role=role,
                seller_id=seller,
                buyer_id=buyer,
                display_name=name,
                store=SqlWebAccountStore(platform.engine),
                clock=platform.clock,
            )
        except InvalidInput as error:
            raise fail(str(error), code=USAGE_ERROR) from None
        except (NotFound, Refused) as error:
            raise fail(str(error)) from None
    party = account.seller_id or account.buyer_id or "-"
    typer.echo(f"created {account.role} account {account.email} (id {account.id}, party {party})")


@accounts_app.command("demo")
def demo_command(ctx: typer.Context) -> None:
    """Print the demo sign-ins (creating any that are missing) for `make run`."""
    with platform_from(ctx) as platform:
        made = create_demo_accounts(platform)
        settings = platform.settings
    if not made:
        raise fail("no demo data: run `gobetween demo` first")
    print_demo_accounts(made, base_url=f"http://{settings.http_host}:{settings.http_port}/")


def create_demo_accounts(platform: Platform) -> list[DemoAccount]:
    """Sign-ins for the demo: operator, auditor, every seller and the first buyers with orders."""
    store = SqlWebAccountStore(platform.engine)
    sellers, buyers = store.demo_parties(buyers=DEMO_BUYER_ACCOUNTS)
    if not sellers:
        return []
    return ensure_demo_accounts(
        sellers=sellers,
        buyers=buyers,
        store=store,
        clock=platform.clock,
    )


def print_demo_accounts(accounts: list[DemoAccount], *, base_url: str) -> None:
    """The demo sign-ins, one a line, and their shared password."""
    typer.echo(f"Demo sign-ins for the message center ({base_url}):")
    for account in accounts:
        typer.echo(f"  {account.role:<9} {account.email:<48} {account.display_name}")
    typer.echo(f"Password for every demo account: {accounts[0].password}")


@accounts_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the accounts: address, role, seller or buyer, and whether disabled."""
    with platform_from(ctx) as platform:
        accounts = SqlWebAccountStore(platform.engine).accounts()
    table = Table()
    for column in ("id", "email", "role", "party", "name", "status"):
        table.add_column(column)
    for account in accounts:
        table.add_row(
            str(account.id),
            account.email,
            account.role,
            account.seller_id or account.buyer_id or "-",
            account.display_name,
            "disabled" if account.disabled_at else "active",
        )
    Console().print(table)
