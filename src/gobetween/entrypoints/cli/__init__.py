"""The `gobetween` command. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import typer

from gobetween.entrypoints.cli import check

app = typer.Typer(
    name="gobetween",
    help="Buyer-seller messaging for online marketplaces.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def root() -> None:
    """Buyer-seller messaging for online marketplaces."""


for module in (check,):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
