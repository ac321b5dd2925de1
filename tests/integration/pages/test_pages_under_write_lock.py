"""Pages read on read-only transactions: while another connection holds SQLite's write lock, every
page of every role (and the seller's live check) still renders, and the lock is still held after.

A page that read through the writing engine would begin with `BEGIN IMMEDIATE` and wait for the
lock (the engine's busy timeout is 30 s), so its request would run into the client's 10 s
timeout below instead of answering.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from page_server import Served, csrf_of, demo_email, demo_server
from sqlalchemy import Engine, text

# Far beyond what any page takes here, far below the 30 s a lock wait would take.
REQUEST_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo on SQLite only: PostgreSQL has no database-wide write lock to hold."""
    workdir = tmp_path_factory.mktemp("pages-write-lock")
    with demo_server(workdir, f"sqlite:///{workdir / 'gobetween.db'}") as server:
        yield server


@contextmanager
def write_lock_held(database: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the write lock (BEGIN IMMEDIATE) with a change not committed."""
    holder = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE sellers SET display_name = display_name WHERE 1 = 0")
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def still_locked(database: Path) -> bool:
    """Whether a writer would have to wait now (a second BEGIN IMMEDIATE fails at once)."""
    probe = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def first(db: Engine, sql: str) -> tuple[str, ...]:
    with db.connect() as connection:
        row = connection.execute(text(sql)).first()
    assert row is not None, f"no row for {sql}"
    return tuple(str(value) for value in row)


def test_every_page_renders_while_another_connection_holds_the_write_lock(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    database = served.workdir / "gobetween.db"
    seller_id, thread_id, order_id = first(
        db,
        "SELECT t.seller_id, t.id, t.order_id FROM messages m JOIN threads t ON t.id = m.thread_id"
        " WHERE m.disposition = 'blocked' ORDER BY t.id LIMIT 1",
    )
    buyer_id, buyer_order = first(
        db,
        "SELECT o.buyer_id, o.id FROM orders o JOIN web_accounts w ON w.buyer_id = o.buyer_id"
        " WHERE EXISTS (SELECT 1 FROM threads t WHERE t.order_id = o.id) ORDER BY o.id LIMIT 1",
    )
    pages = {
        demo_email("seller", seller_id): [
            "/seller/inbox",
            "/seller/inbox?view=all",
            f"/seller/inbox?q={order_id}",
            f"/seller/threads/{thread_id}",
            f"/seller/orders/{order_id}/contact",
            "/seller/health",
            "/seller/settings",
        ],
        demo_email("buyer", buyer_id): [
            "/buyer/orders",
            f"/buyer/orders/{buyer_order}",
            "/buyer/settings",
        ],
        demo_email("operator"): [
            "/operator/reports",
            "/operator/sellers",
            "/operator/policy",
            f"/operator/policy?seller={seller_id}",
        ],
        demo_email("auditor"): [
            "/auditor/threads",
            f"/auditor/threads/{thread_id}",
            f"/auditor/threads/{thread_id}?verify=1",
            f"/auditor/threads/{thread_id}/evidence.json",
        ],
    }
    # Signing in writes a session row, so every client signs in before the lock is taken.
    clients = {email: sign_in(email) for email in pages}
    seller = clients[demo_email("seller", seller_id)]
    contact = seller.get(f"/seller/orders/{order_id}/contact")
    assert contact.status_code == 200
    with write_lock_held(database):
        for email, paths in pages.items():
            for path in paths:
                response = clients[email].get(path, timeout=REQUEST_TIMEOUT)
                assert response.status_code == 200, (email, path, response.text[:500])
        # The live check only reads, so it answers too.
        checked = seller.post(
            f"/seller/orders/{order_id}/check",
            data={
                "csrf_token": csrf_of(contact.text),
                "mode": "contact",
                "reason": "other",
                "subject": "Your order",
                "text": "Please leave us a 5-star review!",
            },
            timeout=REQUEST_TIMEOUT,
        )
        assert checked.status_code == 200, checked.text[:500]
        assert 'data-verdict="block"' in checked.text
        # No page waited for the lock: it is still held, uncommitted, by the other connection.
        assert still_locked(database)
    assert not still_locked(database)
