"""Who is calling: the bearer token, the per-token rate limit, and the role gates of each route."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.read_engine import build_read_engine
from gobetween.bootstrap.access import ApiServices, build_api_services
from gobetween.entrypoints.http.api.errors import ForbiddenError, RateLimitedError
from gobetween.entrypoints.http.app_state import kept_on_app
from gobetween.services.access import (
    Principal,
    VerifiedTokens,
    authenticate,
    checked_token_hash,
)
from gobetween.services.access_ports import Role

bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `gobetween tokens create` (or `gobetween demo --json`).",
)


# The dependencies below are `async def` on purpose: FastAPI runs a plain `def` dependency in
# the thread pool, one hand-off per dependency per request, and these do no blocking work once
# warm. What blocks (the first wiring, a token lookup) is sent to the thread pool explicitly.


def api_services(request: Request) -> ApiServices:
    """The API's wiring, built on first use from the app's platform and kept on the app."""
    return kept_on_app(
        request, "api_services", lambda: build_api_services(request.app.state.platform)
    )


async def wired_services(request: Request) -> ApiServices:
    """`api_services` as a dependency: built in the thread pool the first time (it reads the
    database), straight from the app's state afterwards."""
    services: ApiServices | None = getattr(request.app.state, "api_services", None)
    if services is None:
        services = await run_in_threadpool(api_services, request)
    return services


class RateLimiter:
    """A token bucket per API token: `per_minute` requests, refilled continuously.

    In memory, per process: behind a load balancer each process allows its share. That bounds a
    runaway integration without a shared store; a per-seller daily limit is enforced durably by
    the message service.
    """

    def __init__(self, per_minute: int, *, now: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._now = now
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: int) -> None:
        """Spend one request of `key`; RateLimitedError with the wait when none is left."""
        if self._capacity <= 0:
            return
        with self._lock:
            now = self._now()
            tokens, last = self._buckets.get(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - last) * self._rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise RateLimitedError(max(1, math.ceil((1.0 - tokens) / self._rate)))
            self._buckets[key] = (tokens - 1.0, now)


def rate_limiter(request: Request) -> RateLimiter:
    settings = request.app.state.platform.settings
    return kept_on_app(
        request, "api_rate_limiter", lambda: RateLimiter(settings.api_requests_per_minute)
    )


class Reads:
    """Units of work for requests that only read, in autocommit: one statement, one snapshot.

    SQLite: on an engine that never takes the write lock (adapters/db/read_engine.py). The core's
    SQLite engine starts every transaction with `BEGIN IMMEDIATE`, which a writer needs but which
    also queues a pure read behind every other transaction, reads included: two inbox listings
    could never run at the same time. In WAL mode a reader needs no lock.

    PostgreSQL: the same pool in autocommit, so a listing or a token lookup is one round trip
    (the SELECT) instead of three (BEGIN, SELECT, ROLLBACK).

    Each statement reads the newest committed state; a unit of work here must only read.
    """

    def __init__(self, services: ApiServices) -> None:
        engine = services.platform.engine
        if engine.dialect.name == "sqlite":
            self._engine = build_read_engine(engine)
        else:
            self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    def unit_of_work(self) -> SqlAccessUnitOfWork:
        return SqlAccessUnitOfWork(self._engine)


def reads_of(request: Request, services: ApiServices) -> Reads:
    return kept_on_app(request, "api_reads", lambda: Reads(services))


async def read_only(
    request: Request, services: Annotated[ApiServices, Depends(wired_services)]
) -> Reads:
    """The read-only units of work, for a route that changes nothing."""
    return reads_of(request, services)


def write_batches(request: Request) -> GroupCommitter | None:
    """On SQLite, the process's group committer for API sends; None on PostgreSQL.

    SQLite has one writer: concurrent sends each waited for the write lock (sleeping in SQLite's
    busy handler, hundreds of milliseconds at the tail) and for their own fsync. Through the
    group committer (adapters/db/group_commit.py) they run one after another in one thread, in
    batches that share one COMMIT; each request still answers only after its batch is durable.
    """
    engine = request.app.state.platform.engine
    if engine.dialect.name != "sqlite":
        return None
    return kept_on_app(request, "api_write_batches", lambda: GroupCommitter(engine))


def verified_tokens(request: Request) -> VerifiedTokens:
    ttl = request.app.state.platform.settings.api_token_cache_seconds
    return kept_on_app(request, "api_verified_tokens", lambda: VerifiedTokens(ttl))


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The authenticated caller; 401 without a valid token, 429 over the token's rate.

    A token verified within `api_token_cache_seconds` is answered from memory, without leaving
    the event loop; otherwise the lookup runs in the thread pool. The wiring is fetched only for
    a lookup, not declared as a dependency: FastAPI solves each declared dependency on every
    request, and most requests find their token in memory.
    """
    token = credentials.credentials if credentials is not None else None
    verified = verified_tokens(request)
    principal = verified.get(checked_token_hash(token))
    if principal is None:
        services = await wired_services(request)
        lookup = reads_of(request, services).unit_of_work()
        principal = await run_in_threadpool(authenticate, token, uow=lookup, verified=verified)
    # The request's log line names the caller's role (observability.py).
    request.state.caller_role = principal.role
    if principal.token_id is not None:
        rate_limiter(request).take(principal.token_id)
    return principal


def allow(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets only `roles` through (403 for the others)."""

    async def gate(principal: Annotated[Principal, Depends(caller)]) -> Principal:
        if principal.role not in roles:
            raise ForbiddenError(
                f"a {principal.role} may not do this (allowed: {', '.join(roles)})"
            )
        return principal

    return gate


Services = Annotated[ApiServices, Depends(wired_services)]
ReadOnly = Annotated[Reads, Depends(read_only)]
Anyone = Annotated[Principal, Depends(caller)]
Operator = Annotated[Principal, Depends(allow("operator"))]
# A party's gate by name: the send route's direct answer (orders.py) passes callers through it.
party = allow("seller", "buyer")
Party = Annotated[Principal, Depends(party)]
SellerOnly = Annotated[Principal, Depends(allow("seller"))]
BuyerOnly = Annotated[Principal, Depends(allow("buyer"))]
PartyOrAuditor = Annotated[Principal, Depends(allow("seller", "buyer", "auditor"))]
SellerOrReader = Annotated[Principal, Depends(allow("seller", "operator", "auditor"))]
SellerOrOperator = Annotated[Principal, Depends(allow("seller", "operator"))]
