"""`gobetween spapi credentials create`: printed once, stored hashed, usable at /auth/o2/token."""

from __future__ import annotations

import json
from pathlib import Path

from spapi_world import NOW, seed
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from gobetween.adapters.db import spapi_tables
from gobetween.adapters.db.spapi_store import SqlSpapiUnitOfWork
from gobetween.entrypoints.cli import app
from gobetween.services.spapi_credentials import grant_access_token


def test_credentials_are_printed_once_and_only_their_hashes_stored(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    seed(engine)
    environ = {"GOBETWEEN_DATABASE_URL": database_url}
    runner = CliRunner()
    made = runner.invoke(
        app, ["spapi", "credentials", "create", "--seller", "s-anna", "--json"], env=environ
    )
    assert made.exit_code == 0, made.output
    printed = json.loads(made.stdout.strip().splitlines()[0])
    assert printed["client_id"].startswith("amzn1.application-oa2-client.")
    with engine.connect() as connection:
        row = connection.execute(select(spapi_tables.spapi_credentials)).one()
    assert row.seller_id == "s-anna"
    assert printed["client_secret"] not in row.client_secret_hash
    assert printed["refresh_token"] not in row.refresh_token_hash
    grant = grant_access_token(
        grant_type="refresh_token",
        client_id=printed["client_id"],
        client_secret=printed["client_secret"],
        refresh_token=printed["refresh_token"],
        uow=SqlSpapiUnitOfWork(engine),
        clock=lambda: NOW,
    )
    assert grant.access_token.startswith("Atza|")

    unknown = runner.invoke(
        app, ["spapi", "credentials", "create", "--seller", "s-nobody"], env=environ
    )
    assert unknown.exit_code != 0
    assert "s-nobody" in unknown.output
    with engine.connect() as connection:
        assert len(connection.execute(select(spapi_tables.spapi_credentials)).all()) == 1
