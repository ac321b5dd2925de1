"""Alembic environment: runs on the connection `gobetween migrate` hands over."""

from __future__ import annotations

from alembic import context

from gobetween.adapters.db import access_tables as access_tables  # registers its tables
from gobetween.adapters.db import case_tables as case_tables  # registers its tables
from gobetween.adapters.db import relay_tables as relay_tables  # registers its tables
from gobetween.adapters.db import spapi_tables as spapi_tables  # registers its tables
from gobetween.adapters.db import web_tables as web_tables  # registers its tables
from gobetween.adapters.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs plain `alembic` by hand
    raise RuntimeError("run migrations with `gobetween migrate`, which passes the connection in")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
