"""Open connections of a read engine, kept between the relay's lookups.

Every mail is looked up twice before it is decided (RCPT: is the alias known; DATA: was it seen,
who writes, which order), each a single SELECT in autocommit. Checking a connection out of
SQLAlchemy's pool and returning it for each (the Connection object, the pool's events, setting
and resetting autocommit, the reset on return) cost PostgreSQL lookups 0.33 ms each against
0.08 ms on a connection already open, SQLite ones 0.04 against 0.01 ms. Here the lookups take
an open connection from a short stack and put it back.

Only for engines whose statements each read the newest committed state on their own (the
SQLite read engine, PostgreSQL in autocommit): a kept connection then holds no snapshot and no
lock between lookups. A connection whose lookup failed is closed, never reused (it may be
broken); one that rested longer than `IDLE_SECONDS` is closed instead of used, as the pool
would ping it, so a database restart costs at most one failed lookup per kept connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")

# Connections kept open at most: lookups are short, and on PostgreSQL the kept ones come out of
# the pool the writers share (adapters/db/engine.py), so keep few.
KEPT = 2
# A kept connection unused this long is replaced rather than trusted (the pool's own ping
# interval, adapters/db/engine.py IDLE_PING_AFTER).
IDLE_SECONDS = 10.0


class KeptConnections:
    """Run lookups on connections of `engine` kept open between them (at most `kept`)."""

    def __init__(self, engine: Engine, *, kept: int = KEPT) -> None:
        self.engine = engine
        self.kept = kept
        self._idle: list[tuple[Connection, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: Callable[[Connection], T]) -> T:
        """`job` on a kept connection, or on a new one when none is free."""
        connection = self._take()
        try:
            result = job(connection)
        except BaseException:
            connection.close()
            raise
        self._give_back(connection)
        return result

    def close(self) -> None:
        """Close the kept connections; lookups after this run on connections of their own."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()

    def _take(self) -> Connection:
        now = time.monotonic()
        stale: list[Connection] = []
        found: Connection | None = None
        with self._lock:
            while self._idle:
                connection, since = self._idle.pop()
                if now - since <= IDLE_SECONDS:
                    found = connection
                    break
                stale.append(connection)
        for connection in stale:
            connection.close()
        return found if found is not None else self.engine.connect()

    def _give_back(self, connection: Connection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self.kept:
                self._idle.append((connection, time.monotonic()))
                return
        connection.close()
