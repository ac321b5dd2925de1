"""The web message center: server-rendered pages for sellers, buyers, operators and auditors.

`mount(app)` adds the page routes, the static files (one stylesheet, vendored htmx) and the HTML
answers to sign-in redirects and page errors. Everything reads without JavaScript; htmx only
makes the compliance check live while a seller types.
"""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from gobetween.entrypoints.http.pages import auditor, buyer, operator, seller, signin
from gobetween.entrypoints.http.pages.web import (
    PageError,
    SignInRequired,
    redirect,
    render,
)

__all__ = ["mount"]

_ROUTERS = (signin.router, seller.router, buyer.router, operator.router, auditor.router)


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to `app` (whose state holds the platform)."""
    for router in _ROUTERS:
        app.include_router(router, include_in_schema=False)
    static = files("gobetween.entrypoints.http.pages") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(PageError, _error_page)


def _to_sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequired)
    return redirect("/login?next=" + quote(error.next_path, safe="/"))


def _error_page(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageError)
    return render(
        request,
        "error.html",
        status_code=error.status_code,
        code=error.status_code,
        message=error.message,
        title="Error",
    )
