"""A message with files, on PostgreSQL: its attachments' rows are written by the message's one
statement (the head's move, the message, its inbox entry and day counter, its delivery), not by
three more round trips; the rows are the same as the longer way writes them, to the byte.

The longer way (the message, then its attachments through `execute`, the head's move and the
outbox row each on their own) is what a message with findings or several deliveries still takes;
here it is forced by allowing no attachments on the short way, and the same traffic in a second
fresh schema must leave exactly the same rows, ids included.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from message_core_world import NOW, ORDER, SECOND_ORDER, seed
from sqlalchemy import Engine, create_engine, select, text

from gobetween.adapters.db import access_tables, migrate
from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.messages import MAX_ATTACHMENTS, AttachmentMeta
from gobetween.services.aliases import ensure_pair_aliases
from gobetween.services.messaging import (
    MessagingLimits,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)

# Tables a message writes, each with the columns that order its rows.
_WRITTEN = {
    t.messages: ("id",),
    t.message_attachments: ("message_id", "position"),
    t.findings: ("id",),
    t.outbox: ("id",),
    t.threads: ("id",),
    access_tables.inbox_index: ("message_id",),
    t.seller_daily_sends: ("seller_id", "day", "shard"),
}


def _file(number: int) -> AttachmentMeta:
    return AttachmentMeta(
        filename=f"photo {number}.pdf",
        content_type="application/pdf",
        size=196_000 + number,
        sha256=f"{number:064x}",
        head=b"%PDF-1.4\n",
    )


def _files(count: int) -> tuple[AttachmentMeta, ...]:
    return tuple(_file(number) for number in range(count))


def _seeded(engine: Engine) -> None:
    """The marketplace of message_core_world, with the pair's aliases drawn the same each time
    (they are random otherwise, and the outbox rows name them)."""
    seed(engine)
    names = iter(["buyeralias000001", "selleralias00001"])
    with SqlUnitOfWork(engine) as uow:
        ensure_pair_aliases(
            uow=uow, buyer_id="b1", seller_id="s1", now=NOW, draw=lambda: next(names)
        )
        uow.commit()


def _traffic(engine: Engine) -> None:
    """Buyer and seller messages with none, one, two and the most files, on two threads (the
    first message of each opens its thread, the others reply), over two UTC days."""
    limits = MessagingLimits()

    def buyer(order_id: str, files: int, minutes: int) -> None:
        result = record_buyer_message(
            RecordBuyerMessage(order_id, "b1", "Question", "Is it signed?", "email", _files(files)),
            uow=SqlUnitOfWork(engine),
            clock=lambda: NOW + timedelta(minutes=minutes),
            limits=limits,
        )
        assert result.disposition == "delivered"

    def seller(order_id: str, files: int, minutes: int) -> None:
        result = send_seller_message(
            SendSellerMessage(
                order_id, "s1", "Your order", "Here is the proof.", "customization", "email",
                _files(files),
            ),
            uow=SqlUnitOfWork(engine),
            clock=lambda: NOW + timedelta(minutes=minutes),
            limits=limits,
        )  # fmt: skip
        assert result.disposition == "delivered"

    buyer(ORDER, 1, 0)
    seller(ORDER, 2, 1)
    buyer(ORDER, 0, 2)
    seller(ORDER, 0, 3)
    buyer(SECOND_ORDER, MAX_ATTACHMENTS, 4)
    seller(SECOND_ORDER, 1, 60 * 24)
    buyer(ORDER, 1, 60 * 24 + 1)


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*[table.c[name] for name in order])
                )
            ]
            for table, order in _WRITTEN.items()
        }


@contextmanager
def _another_schema(engine: Engine) -> Iterator[Engine]:
    """A second fresh, migrated schema on the server of `engine`."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    # The server's URL without the first schema's search path.
    url = engine.url.difference_update_query(["options"]).render_as_string(hide_password=False)
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    built = build_engine(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(built)
        yield built
    finally:
        built.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_the_rows_of_messages_with_files_are_those_of_the_longer_way(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(postgres_engine)
    _traffic(postgres_engine)
    one_statement = _rows(postgres_engine)
    with _another_schema(postgres_engine) as longer:
        _seeded(longer)
        with monkeypatch.context() as patched:
            patched.setattr(repos, "MAX_ATTACHMENTS", -1)
            _traffic(longer)
        assert _rows(longer) == one_statement
    files = one_statement["message_attachments"]
    assert len(files) == 1 + 2 + MAX_ATTACHMENTS + 1 + 1
    assert len(one_statement["outbox"]) == len(one_statement["messages"]) == 7


@pytest.mark.postgres
def test_a_reply_with_a_file_writes_in_one_statement(
    postgres_engine: Engine, record_statements: Callable[[Engine], list[str]]
) -> None:
    seed(postgres_engine)
    record_buyer_message(
        RecordBuyerMessage(ORDER, "b1", "Question", "Is it signed?", "email"),
        uow=SqlUnitOfWork(postgres_engine),
        clock=lambda: NOW,
        limits=MessagingLimits(),
    )
    seen = record_statements(postgres_engine)
    send_seller_message(
        SendSellerMessage(
            ORDER, "s1", "Your order", "Here is the proof.", "customization", "email", _files(2)
        ),
        uow=SqlUnitOfWork(postgres_engine),
        clock=lambda: NOW + timedelta(minutes=1),
        limits=MessagingLimits(),
    )
    # The locking read (the order, its parties and the send facts), then one write: no INSERT of
    # the files, no UPDATE of the thread and no INSERT of the outbox row of their own.
    assert len(seen) == 2, seen
    assert "FOR UPDATE" in seen[0]
    for part in ("UPDATE threads", "INSERT INTO messages", "INSERT INTO message_attachments"):
        assert part in seen[1]
    assert "INSERT INTO outbox" in seen[1]
