"""Migration 0011: on PostgreSQL the relay's mail and attachment bytes are compressed with lz4,
not pglz (which spends milliseconds per mail on attachments that are compressed already)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, text

from gobetween.adapters.db import migrate
from gobetween.adapters.db import relay_tables as rt

MAIL_BYTES = (
    ("relay_inbound", "raw"),
    ("relay_outbound", "data"),
    ("relay_attachments", "data"),
)


def _compression(engine: Engine) -> dict[str, str]:
    """Each mail-bytes column's compression method: 'l' lz4, 'p' pglz, '' the server default."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname || '.' || a.attname, a.attcompression FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace"
                " AND (c.relname, a.attname) IN"
                " (('relay_inbound', 'raw'), ('relay_outbound', 'data'),"
                " ('relay_attachments', 'data'))"
            )
        )
        return {name: str(method) for name, method in rows}


def test_mail_bytes_columns_use_lz4_and_downgrade_restores_the_default(
    postgres_engine: Engine,
) -> None:
    expected = {f"{table}.{column}" for table, column in MAIL_BYTES}
    assert _compression(postgres_engine) == dict.fromkeys(expected, "l")
    migrate.downgrade(postgres_engine, "0010")
    assert _compression(postgres_engine) == dict.fromkeys(expected, "")
    migrate.upgrade(postgres_engine)
    assert _compression(postgres_engine) == dict.fromkeys(expected, "l")


def test_incompressible_and_compressible_bytes_read_back_unchanged(engine: Engine) -> None:
    pdf_like = os.urandom(200_000)  # what pglz gave up on after trying all of it
    text_like = b"Hello, your parcel left our warehouse today.\r\n" * 4_000
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for digest, data in (("a" * 64, pdf_like), ("b" * 64, text_like)):
            connection.execute(
                insert(rt.relay_attachments).values(
                    sha256=digest, content_type="application/pdf", data=data, created_at=now
                )
            )
    with engine.connect() as connection:
        rows = connection.execute(
            select(rt.relay_attachments.c.sha256, rt.relay_attachments.c.data)
        )
        stored = {digest: bytes(data) for digest, data in rows}
    assert stored == {"a" * 64: pdf_like, "b" * 64: text_like}
