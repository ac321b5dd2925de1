"""`gobetween migrate`: bring the database schema to the newest revision."""

from __future__ import annotations

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from gobetween.entrypoints.cli.configuration import fail, platform_from


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate_command)


def migrate_command(ctx: typer.Context) -> None:
    """Create or upgrade the database schema (safe to run again; it does nothing when current)."""
    with platform_from(ctx) as platform:
        where = make_url(platform.settings.database_url).render_as_string(hide_password=True)
        try:
            revision = platform.migrate()
        except SQLAlchemyError as error:
            raise fail(f"cannot migrate {where}: {error}") from None
        typer.echo(f"{where}: schema at revision {revision}")
