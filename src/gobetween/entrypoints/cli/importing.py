"""`gobetween import FILE...`: load sellers, buyers and orders from JSON Lines or CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from gobetween.entrypoints.cli.configuration import USAGE_ERROR, fail, platform_from
from gobetween.services.import_files import (
    FORMATS,
    ImportBatch,
    ImportFormat,
    ImportRejectedError,
    format_of,
    read_records,
)
from gobetween.services.importing import ImportReport, import_records


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)


def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) files; see docs/import.md."),
    ],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows and list every row skipped."),
    ] = False,
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or csv, for files whose name does not say."),
    ] = None,
) -> None:
    """Import sellers, buyers and orders; all files in one transaction, nothing on any error."""
    formats = [_format(path, file_format) for path in files]
    batches: list[ImportBatch] = []
    try:
        for path, kind in zip(files, formats, strict=True):
            batches.append(_read(path, kind))
        with platform_from(ctx) as platform:
            unusable = platform.database_problem()
            if unusable is not None:
                raise fail(f"database {unusable}")
            report = import_records(
                batches,
                uow=platform.unit_of_work(),
                clock=platform.clock,
                skip_invalid=skip_invalid,
            )
    except ImportRejectedError as error:
        raise fail(str(error)) from None
    except SQLAlchemyError as error:
        # A race with another writer (the same e-mail stored meanwhile, say): rolled back whole.
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise fail(f"the database refused the import, nothing written: {reason}") from None
    for row in report.skipped:
        for problem in row.problems:
            typer.echo(f"skipped {problem}", err=True)
    typer.echo(_summary(report))


def _format(path: Path, given: str | None) -> ImportFormat:
    if given is not None:
        for known in FORMATS:
            if given == known:
                return known
        raise fail(f"--format must be jsonl or csv; got {given!r}", code=USAGE_ERROR)
    guessed = format_of(path.name)
    if guessed is None:
        raise fail(
            f"{path}: cannot tell the format from the name; use .jsonl or .csv, or --format",
            code=USAGE_ERROR,
        )
    return guessed


def _read(path: Path, kind: ImportFormat) -> ImportBatch:
    try:
        with path.open("rb") as stream:
            return read_records(stream, source=str(path), file_format=kind)
    except FileNotFoundError:
        raise fail(f"{path}: no such file", code=USAGE_ERROR) from None
    except IsADirectoryError:
        raise fail(f"{path}: is a directory", code=USAGE_ERROR) from None
    except PermissionError:
        raise fail(f"{path}: permission denied", code=USAGE_ERROR) from None


def _summary(report: ImportReport) -> str:
    parts = [
        f"sellers: {report.sellers_created} new, {report.sellers_updated} updated",
        f"buyers: {report.buyers_created} new, {report.buyers_updated} updated",
        f"orders: {report.orders_created} new, {report.orders_updated} updated",
    ]
    if report.skipped:
        parts.append(f"skipped rows: {len(report.skipped)}")
    return "imported " + "; ".join(parts)
