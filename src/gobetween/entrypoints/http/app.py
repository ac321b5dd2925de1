"""The HTTP application: `create_app(platform)` builds the FastAPI app every web route lives in.

Each router of the API, the SP-API surface and the pages is added here with one `include_router`
line; routers receive the platform through `request.app.state.platform`. Every request passes
the request observer (observability.py): request id, one log line, latency for `GET /metrics`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gobetween import __version__
from gobetween.bootstrap import Platform
from gobetween.entrypoints.http import api, pages, spapi
from gobetween.entrypoints.http.api.errors import (
    REQUEST_ID_HEADER,
    error_response,
    problems_in_openapi,
    request_id_of,
)
from gobetween.entrypoints.http.direct_answers import DirectAnswers, direct_routes
from gobetween.entrypoints.http.observability import observe

# Fewer would leave the CPU idle while handlers wait on the database.
MIN_REQUEST_THREADS: Final = 4


def request_threads(platform: Platform) -> int:
    """How many blocking request handlers this process runs at once.

    As many as the pool keeps connections (at least MIN_REQUEST_THREADS), and on PostgreSQL at
    most `http_request_threads`. On 2 cores at 500 sends/s offered, 4 handlers answered with a
    median p99 of 34 ms where 8 took 46 ms (p90 10 against 18 ms), at the same server CPU per
    send and a sixth less of PostgreSQL's: 8 sends in flight kept 8 backends and 8 threads (and
    the event loop) waiting for 2 cores and one GIL, and every round trip paid for that wait.
    The connections left in the pool serve the relay, the delivery worker and the sweeps. SQLite
    keeps its 5 (its sends are serialized by the group committer; not measured with fewer).
    """
    size = getattr(platform.engine.pool, "size", None)
    pooled = max(MIN_REQUEST_THREADS, size() if callable(size) else MIN_REQUEST_THREADS)
    if platform.engine.dialect.name == "sqlite":
        return pooled
    return min(pooled, platform.settings.http_request_threads)


def _threads_per_pool(platform: Platform) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that runs at most `request_threads(platform)` blocking handlers at once, never
    more than the pool has connections.

    Sync routes run in the thread pool, 40 threads by default, while the database pool keeps
    `pool_size` connections (`database_pool_size` on PostgreSQL, 5 on SQLite) and opens
    "overflow" ones beyond that, closing each as it is
    returned. Forty handlers on five connections meant a new PostgreSQL session (a server
    process forked, authenticated, its caches cold) for many requests under load. With no more
    threads than pooled connections, the others wait in the event loop instead, costing nothing;
    the overflow stays for the relay, the delivery worker and the sweeps.
    """
    threads = request_threads(platform)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


def create_app(platform: Platform, *, direct_answers: bool = True) -> FastAPI:
    """Build the web application on a wired platform.

    `direct_answers`: the send and inbox routes answered in front of the router
    (direct_answers.py); False answers every request the whole way, as a comparison.
    """
    app = FastAPI(
        title="gobetween",
        version=__version__,
        docs_url="/docs",
        redoc_url=None,
        lifespan=_threads_per_pool(platform),
    )
    app.state.platform = platform
    app.add_api_route("/health", health, methods=["GET"], response_model=None)
    # Routers of later features go here, one line each: app.include_router(<module>.router)
    for router in api.ROUTERS:
        app.include_router(router, prefix=api.PREFIX)
    app.include_router(spapi.router)
    pages.mount(app)
    app.add_exception_handler(StarletteHTTPException, _api_problem_or_default)
    if direct_answers:
        routes = (route for router in api.ROUTERS for route in router.routes)
        # Inside the request observer (added next, around it): observed like any request.
        app.add_middleware(DirectAnswers, routes=direct_routes(api.PREFIX, routes))
    observe(app, platform.read_engine, router_prefixes=(api.PREFIX,))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, routes=app.routes, tags=app.openapi_tags
            )
            app.openapi_schema = problems_in_openapi(schema, api.PREFIX + "/")
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _api_problem_or_default(request: Request, error: Exception) -> Response:
    """An unknown path or method under /api/v1 is a problem too; elsewhere Starlette's answer."""
    assert isinstance(error, StarletteHTTPException)
    if not request.url.path.startswith(api.PREFIX + "/"):
        return await http_exception_handler(request, error)
    request_id = request_id_of(request)
    response = error_response(error, request_id, request.url.path)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def platform_of(request: Request) -> Platform:
    """The platform the app was built on, for route handlers."""
    platform: Platform = request.app.state.platform
    return platform


async def health(request: Request) -> JSONResponse:
    """Liveness and readiness: 200 when the database answers with a current schema, else 503."""
    # The check is a blocking database call; keep it off the event loop.
    problem = await run_in_threadpool(platform_of(request).database_problem)
    body: dict[str, Any] = {
        "status": "ok" if problem is None else "unavailable",
        "database": "ok" if problem is None else problem,
        "version": __version__,
    }
    return JSONResponse(body, status_code=200 if problem is None else 503)
