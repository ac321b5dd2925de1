"""`gobetween check`: lint a draft (or a JSON Lines stream of drafts) against the policy."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from gobetween.domain.errors import InvalidInput
from gobetween.policy import SystemFacts, Verdict, check
from gobetween.policy.categories import CONTACT_REASONS

_FACT_FIELDS = (
    "messages_sent_today",
    "daily_limit",
    "case_state",
    "days_since_delivery",
    "sender_and_recipient_are_sellers",
    "offered_reasons",
)


def register(app: typer.Typer) -> None:
    """Add the `check` command to the CLI."""
    app.command("check")(check_command)


def check_command(
    text: str = typer.Argument(
        "-",
        help="The draft, or - to read it from stdin. With --jsonl: the input file, or - for stdin.",
    ),
    jsonl: bool = typer.Option(
        False,
        "--jsonl",
        help='Read {"text", "subject"?, "context"} lines; write one verdict per line.',
    ),
    proactive: bool = typer.Option(
        False, "--proactive", help="The seller starts the conversation."
    ),
    reason: str = typer.Option(
        "other", "--reason", help=f"Contact reason: {', '.join(CONTACT_REASONS)}."
    ),
    fulfillment: str = typer.Option(
        "seller", "--fulfillment", help="Who ships the order: marketplace or seller."
    ),
    opted_out: bool = typer.Option(
        False, "--opted-out", help="The buyer opted out of non-critical messages."
    ),
    buyer: bool = typer.Option(False, "--buyer", help="The text is a buyer's message: triage it."),
    lang: str | None = typer.Option(
        None, "--lang", help="The buyer's language (en, de, fr, es, it, ja)."
    ),
    subject: str | None = typer.Option(None, "--subject", help="The message's subject line."),
) -> None:
    """Check a message against the communication policy and explain every finding."""
    if jsonl:
        if text == "-":
            failures = run_jsonl(sys.stdin, sys.stdout)
        else:
            with _open(text) as source:
                failures = run_jsonl(source, sys.stdout)
        raise typer.Exit(code=1 if failures else 0)
    draft = sys.stdin.read() if text == "-" else text
    context = {
        "direction": "buyer_to_seller" if buyer else "seller_to_buyer",
        "initiation": "proactive" if proactive else "reply",
        "contact_reason": reason,
        "fulfillment": fulfillment,
        "buyer_opted_out": opted_out,
        "language": lang,
    }
    console = Console()
    try:
        verdict = check(draft, context, subject=subject)
    except InvalidInput as error:
        console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(code=2) from error
    render(console, draft, verdict)
    raise typer.Exit(code=1 if verdict.blocked else 0)


def _open(path: str) -> TextIO:
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as error:
        Console(stderr=True).print(f"[bold red]error:[/] cannot read {path}: {error.strerror}")
        raise typer.Exit(code=2) from error


def _facts(raw: object) -> SystemFacts:
    if raw is None:
        return SystemFacts()
    if not isinstance(raw, Mapping):
        raise InvalidInput("facts", "must be an object")
    unknown = sorted(set(raw) - set(_FACT_FIELDS))
    if unknown:
        raise InvalidInput(
            f"facts.{unknown[0]}", f"unknown field (known: {', '.join(_FACT_FIELDS)})"
        )
    values: dict[str, Any] = dict(raw)
    if values.get("offered_reasons") is not None:
        values["offered_reasons"] = frozenset(values["offered_reasons"])
    return SystemFacts(**values)


def check_line(line: str) -> dict[str, Any]:
    """The JSON answer for one input line: the verdict, or {"error": ...} naming what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return {"error": f"not valid JSON: {error.msg} at column {error.colno}"}
    if not isinstance(item, dict):
        return {"error": "each line must be a JSON object"}
    text = item.get("text")
    if not isinstance(text, str):
        return {"error": "text: must be a string"}
    subject = item.get("subject")
    if subject is not None and not isinstance(subject, str):
        return {"error": "subject: must be a string or null"}
    try:
        verdict = check(
            text, item.get("context", {}), subject=subject, facts=_facts(item.get("facts"))
        )
    except InvalidInput as error:
        return {"error": str(error)}
    except (TypeError, ValueError) as error:
        return {"error": f"invalid input: {error}"}
    return verdict.to_dict()


def run_jsonl(source: Iterable[str], sink: TextIO) -> int:
    """Check every line of `source`, writing one answer per line in order; returns the failures."""
    failures = 0
    for line in source:
        if not line.strip():
            continue
        answer = check_line(line)
        failures += "error" in answer
        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sink.flush()
    return failures


def render(console: Console, draft: str, verdict: Verdict) -> None:
    """The human report: the draft with offending characters highlighted, findings, suggestions."""
    highlighted = Text(draft)
    for finding in verdict.findings:
        if finding.span is not None:
            style = "bold white on red" if finding.severity == "block" else "black on yellow"
            highlighted.stylize(style, *finding.span)
    title = "[bold red]BLOCKED[/]" if verdict.blocked else "[bold green]ALLOWED[/]"
    console.print(Panel(highlighted, title=title, subtitle=f"language: {verdict.language or '?'}"))
    if verdict.triage is not None:
        console.print(
            f"Triage: [bold]{verdict.triage}[/]"
            + (f"; report: [bold]{verdict.report}[/]" if verdict.report else "")
        )
    for finding in verdict.findings:
        colour = "red" if finding.severity == "block" else "yellow"
        line = Text.assemble(
            (f"{finding.severity.upper():5} ", f"bold {colour}"),
            (finding.category, "bold"),
            (f" ({finding.rule})", "dim"),
        )
        if finding.span is not None:
            line.append(f'  "{draft[finding.span[0] : finding.span[1]]}"', style=colour)
        console.print(line)
        console.print(f"      {finding.message}")
    for suggestion in verdict.suggestions:
        action = f" [bold]({suggestion.action})[/]" if suggestion.action else ""
        console.print(f"[cyan]Suggestion{action}:[/] {suggestion.explanation}")
        if suggestion.rewrite:
            console.print(Panel(Text(suggestion.rewrite), title="rewrite", border_style="green"))
