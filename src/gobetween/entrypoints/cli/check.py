"""`gobetween check`: lint a draft (or a JSON Lines stream of drafts) against the policy."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(text: str = typer.Argument("-", help="The draft, or - to read stdin.")) -> None:
    """Check a message against the communication policy (placeholder until the engine lands)."""
    raise typer.Exit(code=0)
