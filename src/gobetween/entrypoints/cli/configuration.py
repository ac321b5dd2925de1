"""The global `--config FILE` option, and how commands get their settings and platform from it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from gobetween.bootstrap import Platform, Settings, SettingsError, build_platform, load_settings

# Exit status for a configuration or usage problem, as Click uses for usage errors.
USAGE_ERROR = 2


@dataclass(frozen=True, slots=True)
class Invocation:
    """What the root command was given before the subcommand: the settings file, if any."""

    config_file: Path | None = None


def fail(message: str, *, code: int = 1) -> typer.Exit:
    """Print `gobetween: message` to stderr and return the Exit to raise."""
    typer.echo(f"gobetween: {message}", err=True)
    return typer.Exit(code=code)


def settings_from(ctx: typer.Context, **overrides: Any) -> Settings:
    """Read the settings once for this command; a bad setting ends the command with its reason."""
    invocation = ctx.find_object(Invocation) or Invocation()
    try:
        return load_settings(
            config_file=invocation.config_file,
            overrides={k: v for k, v in overrides.items() if v is not None},
        )
    except SettingsError as error:
        raise fail(f"configuration error: {error}", code=USAGE_ERROR) from None


@contextmanager
def platform_from(ctx: typer.Context, **overrides: Any) -> Iterator[Platform]:
    """The wired platform for this command, released when the command ends."""
    settings = settings_from(ctx, **overrides)
    try:
        platform = build_platform(settings)
    except SettingsError as error:
        raise fail(f"configuration error: {error}", code=USAGE_ERROR) from None
    try:
        yield platform
    finally:
        platform.close()
