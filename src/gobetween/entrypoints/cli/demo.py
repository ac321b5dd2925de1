"""`gobetween demo`: load the demo marketplace into an empty database."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from gobetween.entrypoints.cli.accounts import create_demo_accounts
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.entrypoints.cli.tokens import with_demo_tokens
from gobetween.services.demo_marketplace import (
    DEFAULT_SEED,
    DemoMarketplace,
    DemoNotLoaded,
    DemoSummary,
    build_demo_marketplace,
    load_demo_marketplace,
)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the loaded accounts and orders as JSON.")
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option("--if-empty", help="Do nothing (and succeed) when the database has data."),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Another seed, another marketplace.")] = (
        DEFAULT_SEED
    ),
) -> None:
    """Load a demo marketplace: sellers, buyers in six languages, orders and conversations."""
    with platform_from(ctx) as platform:
        problem = platform.database_problem()
        if problem is not None:
            raise fail(f"database {problem}")
        if platform.has_marketplace_data():
            if if_empty:
                if not as_json:
                    typer.echo("the database already has data; demo not loaded")
                return
            raise fail("the database already has data; the demo loads only into an empty one")
        now = platform.clock()
        marketplace = build_demo_marketplace(now=now, seed=seed)
        try:
            summary = load_demo_marketplace(
                marketplace,
                uow_factory=platform.unit_of_work,
                check_policy=platform.check_policy,
                limits=platform.messaging_limits,
                now=now,
            )
        except DemoNotLoaded as error:
            raise fail(str(error)) from None
        create_demo_accounts(platform)  # sign-ins of the web message center
    if as_json:
        typer.echo(
            json.dumps(
                with_demo_tokens(ctx, demo_json(marketplace, summary)), ensure_ascii=False, indent=2
            )
        )
    else:
        typer.echo(_summary_line(summary))


def demo_json(marketplace: DemoMarketplace, summary: DemoSummary) -> dict[str, Any]:
    """The loaded demo as `--json` prints it: accounts with their tokens, orders, message counts.

    The tokens here are placeholders; the command swaps in issued API tokens (`with_demo_tokens`).
    """
    return {
        "operator_token": "demo-operator-token",
        "auditor_token": "demo-auditor-token",
        "sellers": [
            {
                "id": seller.id,
                "token": f"demo-seller-token-{seller.id}",
                "display_name": seller.display_name,
                "business_name": seller.business_name,
                "customer_service_address": seller.customer_service_address,
                "buyer_id": seller.buyer_id,
            }
            for seller in marketplace.sellers
        ],
        "buyers": [
            {
                "id": buyer.id,
                "token": f"demo-buyer-token-{buyer.id}",
                "name": buyer.name,
                "email": buyer.email,
                "language": buyer.language,
                "opted_out": buyer.opted_out,
            }
            for buyer in marketplace.buyers
        ],
        "orders": [
            {
                "id": order.id,
                "seller_id": order.seller_id,
                "buyer_id": order.buyer_id,
                "marketplace": order.marketplace,
                "fulfillment": order.fulfillment,
                "status": order.status,
                "product_category": order.product_category,
                "purchased_at": order.purchased_at.isoformat(),
            }
            for order in marketplace.orders
        ],
        "messages": {
            "threads": summary.threads,
            "total": summary.messages,
            "delivered": summary.delivered,
            "blocked": summary.blocked,
            "bounced": summary.bounced,
            "blocked_categories": summary.blocked_categories,
        },
    }


def _summary_line(summary: DemoSummary) -> str:
    return (
        f"demo loaded: {summary.sellers} sellers, {summary.buyers} buyers, {summary.orders} orders,"
        f" {summary.messages} messages in {summary.threads} threads ({summary.delivered} delivered,"
        f" {summary.blocked} blocked, {summary.bounced} bounced)"
    )
