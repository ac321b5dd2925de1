"""What every page shares: the signed-in session, CSRF checks, rendering and security headers.

Page handlers are plain `def` functions: FastAPI runs them in its thread pool, so the blocking
database calls of the services never stall the event loop.

Pages read through the platform's read engine (`read_uow`, `read_engine`): on SQLite a read
transaction begins DEFERRED, one snapshot that neither takes nor waits for the write lock, so a
page view never queues behind the writers (a send, the relay's group commit and its fsync);
`query_only` makes a write through it fail at once. Only what a form changes goes through the
writing engine (`access_uow`, `platform(request).unit_of_work()`, `sending`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from gobetween.adapters.attachment_folder import FolderBlobStore
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.web_accounts import SqlWebAccountStore
from gobetween.bootstrap import Platform
from gobetween.domain.cases import Actor
from gobetween.entrypoints.http.app_state import kept_on_app
from gobetween.entrypoints.http.pages import presenting
from gobetween.services.access import Principal
from gobetween.services.sending import Sending
from gobetween.services.web_accounts import WebRole, WebSession, csrf_matches, find_session

SESSION_COOKIE = "gb_session"
# Before sign-in there is no session to hold a CSRF token: the login form uses a double-submit
# cookie instead (a cross-site page can neither read nor set it).
LOGIN_CSRF_COOKIE = "gb_login_csrf"
CSRF_FIELD = "csrf_token"

# Scripts and styles only from this origin: no inline script can run even if text slipped
# through escaping. htmx's own indicator styles are switched off in base.html for the same reason.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

HOME_BY_ROLE: dict[WebRole, str] = {
    "seller": "/seller/inbox",
    "buyer": "/buyer/orders",
    "operator": "/operator/reports",
    "auditor": "/auditor/threads",
}

templates = Jinja2Templates(directory=str(files("gobetween.entrypoints.http.pages") / "templates"))
templates.env.filters.update(
    category=presenting.category_name,
    reason=presenting.reason_name,
    language=presenting.language_name,
    duration=presenting.duration,
    percent=presenting.percent,
)
templates.env.globals.update(
    when=presenting.when,
    time_left=presenting.time_left,
    money=presenting.money,
    highlight=presenting.highlight,
    finding_spans=presenting.finding_spans,
)


class PageError(Exception):
    """Answered with an HTML error page of `status_code` saying `message`."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class SignInRequired(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by `require` when nobody is signed in; answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def platform(request: Request) -> Platform:
    """The platform the app was built on."""
    wired: Platform = request.app.state.platform
    return wired


def account_store(request: Request) -> SqlWebAccountStore:
    """The account and session store that signs in and out (it writes), built once per app."""
    engine = platform(request).engine
    return kept_on_app(request, "web_account_store", lambda: SqlWebAccountStore(engine))


def session_reader(request: Request) -> SqlWebAccountStore:
    """The same store on the read engine, for the session lookup every page makes."""
    engine = read_engine(request)
    return kept_on_app(request, "web_session_reader", lambda: SqlWebAccountStore(engine))


def current_session(request: Request) -> WebSession | None:
    """The signed-in session of this request, or None."""
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    token = request.cookies.get(SESSION_COOKIE, "")
    session = find_session(
        token=token, store=session_reader(request), clock=platform(request).clock
    )
    request.state.web_session = session
    return session


def require(request: Request, *roles: WebRole) -> WebSession:
    """The session if its role is one of `roles`; otherwise sign-in, or 404 for another role.

    A signed-in person of another role gets "not found" rather than "forbidden", like the API:
    the page's existence tells nothing.
    """
    session = current_session(request)
    if session is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    if session.account.role not in roles:
        raise PageError(404, "There is no such page.")
    return session


def check_csrf(session: WebSession, submitted: object) -> None:
    """Refuse (403) a form whose synchronizer token is not the session's."""
    if not isinstance(submitted, str) or not csrf_matches(session, submitted):
        raise PageError(
            403, "This form has expired or did not come from this site. Reload it and try again."
        )


def new_login_csrf() -> str:
    """A fresh token for the sign-in form's double-submit cookie."""
    return secrets.token_urlsafe(32)


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the session, its CSRF token and the navigation of its role."""
    session = current_session(request)
    context.setdefault("session", session)
    context.setdefault("csrf_token", session.csrf_token if session else "")
    context.setdefault("now", datetime.now(UTC))
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    secure(response)
    return response


def secure(response: Response) -> Response:
    """Add the security headers every page carries."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def redirect(path: str, *, notice: str | None = None) -> RedirectResponse:
    """A 303 See Other after a form post, optionally with a one-line notice for the next page."""
    if notice:
        path += ("&" if "?" in path else "?") + "notice=" + quote(notice)
    response = RedirectResponse(path, status_code=303)
    secure(response)
    return response


def safe_next(path: str | None, role: WebRole) -> str:
    """Where to go after sign-in: a local path only (no open redirect), else the role's home."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return HOME_BY_ROLE[role]


def principal(session: WebSession) -> Principal:
    """The session's account as the services name a caller."""
    account = session.account
    return Principal(account.role, account.seller_id, account.buyer_id)


def actor(session: WebSession) -> Actor:
    """The session's account as the case services name an actor."""
    return principal(session).actor


def access_uow(request: Request) -> SqlAccessUnitOfWork:
    """A fresh unit of work with the core's and the API's repositories, for what a form writes."""
    return SqlAccessUnitOfWork(platform(request).engine)


def read_uow(request: Request) -> SqlAccessUnitOfWork:
    """A fresh unit of work with the same repositories that only reads (one snapshot, no lock)."""
    return SqlAccessUnitOfWork(read_engine(request))


def read_engine(request: Request) -> Engine:
    """The platform's engine for reads: its own on SQLite, the writing one on PostgreSQL."""
    return platform(request).read_engine


def sending(request: Request) -> Sending:
    """The collaborators a send from a page needs (channel `web`): the send reads its order, parties
    and settings and writes through the writing engine, in one transaction."""
    wired = platform(request)
    settings = wired.settings
    return Sending(
        uow_factory=lambda: SqlAccessUnitOfWork(wired.engine),
        blobs=FolderBlobStore(Path(settings.attachment_folder)),
        clock=wired.clock,
        limits=wired.messaging_limits,
        check_policy=wired.check_policy,
        window_days=settings.proactive_window_days,
        channel="web",
    )
