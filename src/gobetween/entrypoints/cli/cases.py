"""Operator commands for cases, account health and webhooks.

gobetween cases list [--seller ID] [--state S] [--order ID] [--limit N] [--json]
gobetween cases show ID [--json]
gobetween cases close ID --reason TEXT   (a live case that needs nothing more)
gobetween cases sweep             (close idle resolved cases, announce due-soon clocks)
gobetween metrics --seller ID [--json]
gobetween webhooks add URL --event TYPE... [--seller ID] [--description TEXT]
gobetween webhooks list | pause ID | resume ID | deliveries [--subscription ID]
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.bootstrap import Platform
from gobetween.domain.cases import Actor, CaseState
from gobetween.domain.errors import GobetweenError
from gobetween.entrypoints.cli.configuration import fail, platform_from
from gobetween.services import cases, metrics, webhooks

log = logging.getLogger(__name__)

OPERATOR = Actor("operator", "cli")

cases_app = typer.Typer(
    help="Customer-service cases: list, show, close, sweep.", no_args_is_help=True
)
webhooks_app = typer.Typer(help="Webhook subscriptions for integrators.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
    app.add_typer(webhooks_app, name="webhooks")
    app.command("metrics")(metrics_command)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _when(value: str | None) -> str:
    return "-" if value is None else value[:19].replace("T", " ")


@cases_app.command("list")
def list_command(
    ctx: typer.Context,
    seller: Annotated[str | None, typer.Option("--seller", metavar="ID")] = None,
    state: Annotated[str | None, typer.Option("--state", help="opened, resolved or closed")] = None,
    order: Annotated[str | None, typer.Option("--order", metavar="ORDER_ID")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List cases, newest first."""
    with platform_from(ctx) as platform:
        try:
            found = cases.list_cases(
                viewer=OPERATOR,
                uow=platform.unit_of_work(),
                state=_state(state),
                order_id=order,
                seller_id=seller,
                limit=limit,
            )
        except GobetweenError as error:
            raise fail(str(error)) from None
    rows = [cases.case_payload(case) for case in found]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"Cases ({len(rows)})")
    for column in ("id", "order", "seller", "state", "opened", "last activity", "flags"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["order_id"],
            row["seller_id"],
            row["state"],
            _when(row["opened_at"]),
            _when(row["last_activity_at"]),
            _flags(row),
        )
    Console().print(table)


def _state(value: str | None) -> CaseState | None:
    if value is None:
        return None
    if value not in ("opened", "resolved", "closed"):
        raise fail(f"--state must be opened, resolved or closed; got {value!r}", code=2)
    state: CaseState = value  # type: ignore[assignment]
    return state


def _flags(row: dict[str, Any]) -> str:
    flags = []
    if row["buyer_reported_unresolved"]:
        flags.append("buyer reported unresolved")
    if row["survey_pending"]:
        flags.append("survey pending")
    if row["previous_case_id"] is not None:
        flags.append(f"follows #{row['previous_case_id']}")
    return ", ".join(flags)


@cases_app.command("show")
def show_command(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one case and its history of changes."""
    with platform_from(ctx) as platform:
        try:
            detail = cases.get_case(case_id=case_id, viewer=OPERATOR, uow=platform.unit_of_work())
        except GobetweenError as error:
            raise fail(str(error)) from None
    payload = cases.case_payload(detail.case)
    history = [
        {"at": e.data.get("at"), "action": e.data.get("action"), "actor": e.actor,
         "from": e.data.get("from"), "to": e.data.get("to"), "reason": e.data.get("reason")}
        for e in detail.history
    ]  # fmt: skip
    if as_json:
        _print_json(payload | {"history": history})
        return
    console = Console()
    summary = Table(title=f"Case {case_id}", show_header=False)
    summary.add_column("field", style="bold")
    summary.add_column("value")
    for key, value in payload.items():
        summary.add_row(key, "-" if value is None else str(value))
    console.print(summary)
    changes = Table(title="History")
    columns = ("at", "action", "actor", "from", "to", "reason")
    for column in columns:
        changes.add_column(column)
    for entry in history:
        changes.add_row(*(str(entry[k] or "-") for k in columns))
    console.print(changes)


@cases_app.command("close")
def close_command(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the case's history).")],
) -> None:
    """Close a live case that needs nothing more (spam, duplicate), saying why."""
    with platform_from(ctx) as platform:
        try:
            closed = cases.close_case(
                case_id=case_id,
                reason=reason,
                actor=OPERATOR,
                uow=platform.unit_of_work(),
                clock=platform.clock,
            )
        except GobetweenError as error:
            raise fail(str(error)) from None
    typer.echo(f"case {closed.id} closed")


@cases_app.command("sweep")
def sweep_command(ctx: typer.Context) -> None:
    """Close idle resolved cases and announce due-soon clocks once (the worker does this too)."""
    with platform_from(ctx) as platform:
        report = _sweep(platform)
    typer.echo(f"closed {report.closed} idle cases; announced {report.announced_due_soon} due soon")


def _sweep(platform: Platform) -> cases.SweepReport:
    return cases.run_sweeps(
        uow_factory=platform.unit_of_work,
        clock=platform.clock,
        idle_days=platform.settings.case_idle_days,
    )


def case_sweeper(
    platform: Platform, stop: threading.Event, *, every_seconds: float = 60.0
) -> threading.Thread:
    """A thread that runs the case sweeps every minute until `stop` is set (started here)."""

    def loop() -> None:
        while not stop.is_set():
            try:
                report = _sweep(platform)
                if report.closed or report.announced_due_soon:
                    log.info(
                        "closed %d idle cases; announced %d due soon",
                        report.closed,
                        report.announced_due_soon,
                    )
            except Exception:
                # The next pass retries; a sweep changes nothing unless it commits.
                log.exception("case sweep failed; retrying")
            stop.wait(every_seconds)

    thread = threading.Thread(target=loop, name="case-sweeper", daemon=True)
    thread.start()
    return thread


def metrics_command(
    ctx: typer.Context,
    seller: Annotated[str, typer.Option("--seller", metavar="ID", help="The seller's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A seller's account health: response times over 7, 30 and 90 days, blocks, bounces, limit."""
    with platform_from(ctx) as platform:
        try:
            health = metrics.seller_metrics(
                seller,
                reader=SqlMetricsReader(platform.engine),
                clock=platform.clock,
                limits=platform.messaging_limits,
            )
        except GobetweenError as error:
            raise fail(str(error)) from None
    data = health.as_dict()
    if as_json:
        _print_json(data)
        return
    windows = data["windows"]
    table = Table(title=f"Account health of {seller} as of {_when(data['as_of'])} UTC")
    table.add_column("")
    for days in windows:
        table.add_column(f"{days} days", justify="right")
    rows: list[tuple[str, str, Callable[[Any], str]]] = [
        ("Answered within 24 h", "answered_within_24h_percent", _percent),
        ("Answered on time", "answered_on_time", str),
        ("Answered late", "answered_late", str),
        ("Unanswered, overdue", "unanswered_overdue", str),
        ("Unanswered, time left", "unanswered_with_time_left", str),
        ("Average response time", "average_response_seconds", _duration),
        ("No response needed / reported", "excluded", str),
        ("Blocked messages", "blocked", str),
        ("Bounces", "bounces", str),
        ("Buyer reported unresolved (not counted)", "buyer_reported_unresolved", str),
    ]
    for label, key, show in rows:
        table.add_row(label, *(show(w[key]) for w in windows.values()))
    console = Console()
    console.print(table)
    categories = sorted({c for w in windows.values() for c in w["blocked_by_category"]})
    if categories:
        blocked = Table(title="Blocked messages by category")
        blocked.add_column("category")
        for days in windows:
            blocked.add_column(f"{days} days", justify="right")
        for category in categories:
            blocked.add_row(
                category,
                *(str(w["blocked_by_category"].get(category, 0)) for w in windows.values()),
            )
        console.print(blocked)
    limit = data["daily_limit"]
    console.print(
        f"Daily limit: {limit['sent_today']} of {limit['limit']} sent today "
        f"({limit['use_percent']}%), resets {_when(limit['resets_at'])} UTC"
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min"


@webhooks_app.command("add")
def add_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The http(s) endpoint that receives the events.")],
    event: Annotated[
        list[str],
        typer.Option("--event", help=f"Event type (repeat): {', '.join(webhooks.EVENT_TYPES)}."),
    ],
    seller: Annotated[
        str | None, typer.Option("--seller", metavar="ID", help="Only this seller's events.")
    ] = None,
    description: Annotated[str, typer.Option("--description")] = "",
) -> None:
    """Subscribe an endpoint; prints the signing secret once."""
    with platform_from(ctx) as platform:
        try:
            with platform.unit_of_work() as uow:
                subscription = webhooks.subscribe(
                    uow=uow,
                    url=url,
                    events=event,
                    now=platform.clock(),
                    seller_id=seller,
                    description=description,
                )
                uow.commit()
        except GobetweenError as error:
            raise fail(str(error)) from None
    typer.echo(f"subscription {subscription.id}: {subscription.url}")
    typer.echo(f"events: {', '.join(subscription.events)}")
    typer.echo(
        f"secret (shown once; verify {webhooks.SIGNATURE_HEADER} with it): {subscription.secret}"
    )


@webhooks_app.command("list")
def list_subscriptions_command(ctx: typer.Context) -> None:
    """List webhook subscriptions (secrets are not shown)."""
    with platform_from(ctx) as platform, platform.unit_of_work() as uow:
        found = uow.webhooks.list_subscriptions()
    table = Table(title="Webhook subscriptions")
    for column in ("id", "url", "events", "seller", "active", "description"):
        table.add_column(column)
    for s in found:
        active = "yes" if s.active else "no"
        table.add_row(
            str(s.id), s.url, ", ".join(s.events), s.seller_id or "all", active, s.description
        )  # fmt: skip
    Console().print(table)


def _set_active(ctx: typer.Context, subscription_id: int, active: bool) -> None:
    with platform_from(ctx) as platform:
        try:
            with platform.unit_of_work() as uow:
                webhooks.set_subscription_active(
                    uow=uow, subscription_id=subscription_id, active=active, now=platform.clock()
                )
                uow.commit()
        except GobetweenError as error:
            raise fail(str(error)) from None
    typer.echo(f"subscription {subscription_id} {'resumed' if active else 'paused'}")


@webhooks_app.command("pause")
def pause_command(
    ctx: typer.Context, subscription_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Stop sending to a subscription (queued events to it fail instead of waiting)."""
    _set_active(ctx, subscription_id, False)


@webhooks_app.command("resume")
def resume_command(
    ctx: typer.Context, subscription_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Send to a paused subscription again."""
    _set_active(ctx, subscription_id, True)


@webhooks_app.command("deliveries")
def deliveries_command(
    ctx: typer.Context,
    subscription: Annotated[int | None, typer.Option("--subscription", metavar="ID")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
) -> None:
    """The latest delivery attempts, newest first."""
    with platform_from(ctx) as platform, platform.unit_of_work() as uow:
        attempts = uow.webhooks.attempts(subscription_id=subscription, limit=limit)
    table = Table(title="Webhook deliveries")
    for column in ("at", "subscription", "event", "outcome", "status", "ms", "error"):
        table.add_column(column)
    for a in attempts:
        table.add_row(
            a.attempted_at.isoformat()[:19], str(a.subscription_id), a.event_type, a.outcome,
            "-" if a.status_code is None else str(a.status_code), str(a.duration_ms), a.error or "",
        )  # fmt: skip
    Console().print(table)
