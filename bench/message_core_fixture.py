"""Shared set-up for the message-core benchmarks: fresh databases, bulk pre-fill, machine facts.

The pre-fill writes sellers, buyers, orders, threads and messages with plain bulk INSERTs, yet every
thread is a valid hash chain (hashes computed with the product's own evidence code), so the audit
and later sends see exactly what the message service would have written.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, text

from gobetween.adapters.db import migrate
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.engine import build_engine, normalize_url
from gobetween.domain.aliases import new_local_part
from gobetween.domain.evidence import GENESIS, message_hash
from gobetween.domain.messages import MessageRecord

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
MESSAGES_PER_THREAD = 10
SELLERS = 100
BUYERS = 20_000
CHUNK = 5_000
START = datetime(2026, 1, 1, tzinfo=UTC)

BODIES = (
    "Could you confirm the engraving text for your order? We want to get it right.",
    "When will my package arrive? The tracking page has not changed for two days.",
    "We need a phone number for the freight carrier to schedule the delivery of your sofa.",
    "Thanks, that answers my question.",
)


def machine() -> str:
    """CPU model, cores, Python and SQLite versions: printed with every figure."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    # The load average says how much of the machine the figures really had.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}, "
        f"load average {load}"
    )


@contextmanager
def fresh_database(
    kind: str,
    pg_url: str = DEFAULT_PG_URL,
    *,
    pool_size: int = 5,
    name_sessions: bool = False,
    kept_schema: str | None = None,
) -> Iterator[tuple[Engine, str]]:
    """A migrated, empty database: a new SQLite file, or a new PostgreSQL schema; dropped after.

    `name_sessions`: the engine's PostgreSQL sessions carry the schema's name as their
    application_name, for `backend_cpu` (callers that name their sessions themselves leave it).
    `kept_schema` (PostgreSQL): use the schema of that name, created if missing and left in place
    afterwards, so a 1M pre-fill serves several runs (`prefill` skips a schema already filled).
    """
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="gobetween-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = build_engine(url)
            migrate.upgrade(engine)
            try:
                yield engine, url
            finally:
                engine.dispose()
        return
    if kept_schema is not None and not kept_schema.replace("_", "").isalnum():
        raise ValueError(f"schema name {kept_schema!r}: letters, digits and underscores only")
    schema = kept_schema or f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(pg_url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    # Quoted, as in CREATE SCHEMA: unquoted, PostgreSQL would fold a name like S_base to s_base
    # and migrate into no schema at all.
    url = f"{pg_url}{separator}options=-csearch_path%3D%22{schema}%22"
    if name_sessions:
        # Finds this benchmark's backends (their CPU, in /proc) among others' (backend_cpu).
        url += f"&application_name={schema}"
    engine = build_engine(url, pool_size=max(5, pool_size))
    try:
        migrate.upgrade(engine)
        yield engine, url
    finally:
        engine.dispose()
        if kept_schema is None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def process_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user, system) one process has used so far; zeros if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def backend_cpu(engine: Engine) -> dict[int, tuple[float, float]]:
    """CPU seconds (user, system) so far of each PostgreSQL backend serving `engine` (found by
    its application_name).

    PostgreSQL runs on this machine: its CPU per send belongs in the budget of the 2 cores.
    Empty on SQLite, whose work is counted in this process already.
    """
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        pids = connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE application_name = current_setting('application_name')"
            )
        ).scalars()
        return {int(pid): process_cpu(int(pid)) for pid in pids}


def server_version(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return str(connection.execute(text("SHOW server_version")).scalar_one())
        return sqlite3.sqlite_version


def order_id(number: int) -> str:
    return f"{100 + number // 10**14:03d}-{number // 10**7 % 10**7:07d}-{number % 10**7:07d}"


def _insert_chunks(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    if engine.dialect.name == "postgresql" and rows:
        _copy_rows(engine, table, rows)
        return
    for start in range(0, len(rows), CHUNK):
        with engine.begin() as connection:
            connection.execute(table.insert(), rows[start : start + CHUNK])


def _copy_rows(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: a 1M-message pre-fill in a minute instead of a quarter of an hour."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    with engine.begin() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        names = ", ".join(columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [Json(v) if isinstance(v, dict) else v for v in (row[c] for c in columns)]
                )


def prefill(engine: Engine, stored: int, *, now: datetime, vacuum: bool = False) -> list[str]:
    """Store `stored` messages in threads of MESSAGES_PER_THREAD; returns the order ids.

    On PostgreSQL the tables are then analysed, and with `vacuum` also vacuumed. A database that
    already holds the pre-filled threads (a kept schema) is used as it is.
    """
    threads = max(1, -(-stored // MESSAGES_PER_THREAD))
    with engine.connect() as connection:
        present = connection.execute(text("SELECT count(*) FROM threads")).scalar_one()
    if present == threads:
        return [order_id(n) for n in range(threads)]
    if present:
        raise RuntimeError(f"a kept schema holds {present} threads, not {threads}: drop it first")
    _insert_chunks(
        engine,
        t.buyers,
        [
            {
                "id": f"b{n}",
                "name": f"Buyer {n}",
                "email": f"b{n}@buyers.example",
                "language": "en",
                "opted_out": False,
                "created_at": START,
                "updated_at": START,
            }
            for n in range(BUYERS)
        ],
    )
    _insert_chunks(
        engine,
        t.sellers,
        [
            {
                "id": f"s{n}",
                "display_name": f"Shop {n}",
                "business_name": f"Shop {n} Ltd",
                "customer_service_address": f"cs@shop{n}.example",
                "opt_out_bounce_notices": True,
                "buyer_id": None,
                "created_at": START,
                "updated_at": START,
            }
            for n in range(SELLERS)
        ],
    )
    orders = [order_id(n) for n in range(threads)]
    _insert_chunks(
        engine,
        t.orders,
        [
            {
                "id": orders[n],
                "marketplace": "US",
                "seller_id": f"s{n % SELLERS}",
                "buyer_id": f"b{n % BUYERS}",
                "fulfillment": "seller",
                "status": "shipped",
                "product_category": "home",
                "shipping_address": {},
                "purchased_at": now - timedelta(days=n % 30),
                "created_at": START,
                "updated_at": START,
            }
            for n in range(threads)
        ],
    )
    # Each pair already has its two aliases, as the message service would have created them.
    pairs = sorted({(n % BUYERS, n % SELLERS) for n in range(threads)})
    _insert_chunks(
        engine,
        t.aliases,
        [
            {
                "local_part": new_local_part(),
                "buyer_id": f"b{buyer}",
                "seller_id": f"s{seller}",
                "side": side,
                "active": True,
                "created_at": START,
            }
            for buyer, seller in pairs
            for side in ("buyer", "seller")
        ],
    )
    thread_rows: list[dict[str, Any]] = []
    message_rows: list[dict[str, Any]] = []
    message_count = 0
    for n in range(threads):
        thread_id = n + 1
        head = GENESIS
        length = min(MESSAGES_PER_THREAD, stored - message_count)
        for seq in range(1, length + 1):
            seller_side = seq % 2 == 0
            record = MessageRecord(
                thread_id=thread_id,
                seq=seq,
                direction="seller_to_buyer" if seller_side else "buyer_to_seller",
                sender_id=f"s{n % SELLERS}" if seller_side else f"b{n % BUYERS}",
                channel="web",
                initiation="reply",
                contact_reason="other",
                subject="About your order",
                body=BODIES[(n + seq) % len(BODIES)],
                language="en",
                verdict="allow",
                critical=False,
                disposition="delivered",
                triage=None if seller_side else "needs_response",
                report=None,
                created_at=START + timedelta(seconds=message_count),
                prev_hash=head,
                hash="",
            )
            record = replace(record, hash=message_hash(record))
            head = record.hash
            message_count += 1
            message_rows.append(
                {
                    "thread_id": thread_id,
                    "seq": seq,
                    "direction": record.direction,
                    "sender_id": record.sender_id,
                    "channel": record.channel,
                    "initiation": record.initiation,
                    "contact_reason": record.contact_reason,
                    "subject": record.subject,
                    "body": record.body,
                    "language": record.language,
                    "verdict": record.verdict,
                    "critical": record.critical,
                    "disposition": record.disposition,
                    "triage": record.triage,
                    "report": record.report,
                    "created_at": record.created_at,
                    "prev_hash": record.prev_hash,
                    "hash": record.hash,
                }
            )
        thread_rows.append(
            {
                "id": thread_id,
                "order_id": orders[n],
                "seller_id": f"s{n % SELLERS}",
                "buyer_id": f"b{n % BUYERS}",
                "message_count": length,
                "head_hash": head,
                "created_at": START,
                "last_message_at": START,
            }
        )
        if len(message_rows) >= 50_000:
            _flush(engine, thread_rows, message_rows)
            thread_rows, message_rows = [], []
    _flush(engine, thread_rows, message_rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Explicit ids were inserted: move the sequence past them, then refresh statistics.
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('threads', 'id'), :n)"),
                {"n": threads},
            )
        if vacuum:
            # What autovacuum does on its own soon after a bulk load (the shared test server
            # runs with autovacuum off): statistics, and the visibility map, without which no
            # index-only scan can skip the table (the send's count of the seller's orders read
            # one heap page per order at 1M stored).
            with engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.execute(text("VACUUM (ANALYZE)"))
        else:
            with engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.execute(text("ANALYZE"))
    return orders


def _flush(
    engine: Engine, thread_rows: list[dict[str, Any]], message_rows: list[dict[str, Any]]
) -> None:
    _insert_chunks(engine, t.threads, thread_rows)
    _insert_chunks(engine, t.messages, message_rows)
    if thread_rows:
        index_and_count(engine, thread_rows[0]["id"], thread_rows[-1]["id"])


def index_and_count(engine: Engine, low: int, high: int) -> None:
    """Write what the message repository writes with each message on PostgreSQL (migration
    0014) for the messages of threads `low` to `high` that were inserted with SQL: their inbox
    entries and the day counters of the delivered seller messages. Nothing on SQLite, whose
    inbox trigger writes the entries (and which keeps no counters)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.execute(text(_PG_INDEX_AND_COUNT), {"low": low, "high": high})


_PG_INDEX_AND_COUNT = """
WITH indexed AS (
    INSERT INTO inbox_index (message_id, seller_id, buyer_id)
    SELECT m.id, th.seller_id, th.buyer_id FROM messages m JOIN threads th ON th.id = m.thread_id
    WHERE m.thread_id BETWEEN :low AND :high
)
INSERT INTO seller_daily_sends AS counter (seller_id, day, shard, sent)
SELECT sender_id, (created_at AT TIME ZONE 'UTC')::date, thread_id % 8, count(*) FROM messages
WHERE thread_id BETWEEN :low AND :high
    AND direction = 'seller_to_buyer' AND disposition = 'delivered'
GROUP BY 1, 2, 3
ON CONFLICT (seller_id, day, shard) DO UPDATE SET sent = counter.sent + excluded.sent
"""
