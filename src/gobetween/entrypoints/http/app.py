"""The HTTP application: `create_app(platform)` builds the FastAPI app every web route lives in.

Each router of the API, the SP-API surface and the pages is added here with one `include_router`
line; routers receive the platform through `request.app.state.platform`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gobetween import __version__
from gobetween.bootstrap import Platform
from gobetween.entrypoints.http import api, pages, spapi


def create_app(platform: Platform) -> FastAPI:
    """Build the web application on a wired platform."""
    app = FastAPI(title="gobetween", version=__version__, docs_url="/docs", redoc_url=None)
    app.state.platform = platform
    app.add_api_route("/health", health, methods=["GET"], response_model=None)
    # Routers of later features go here, one line each: app.include_router(<module>.router)
    app.include_router(api.router, prefix=api.PREFIX)
    app.include_router(spapi.router)
    pages.mount(app)
    return app


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
