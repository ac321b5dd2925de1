"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gobetween.entrypoints.http.pages.web import (
    CSRF_FIELD,
    HOME_BY_ROLE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    account_store,
    check_csrf,
    current_session,
    new_login_csrf,
    platform,
    redirect,
    render,
    safe_next,
    secure,
)
from gobetween.services.web_accounts import SESSION_LIFETIME, sign_in, sign_out

router = APIRouter()


@router.get("/", response_model=None)
def home(request: Request) -> Response:
    """Send people to their role's first page, or to sign-in."""
    session = current_session(request)
    if session is None:
        return redirect("/login")
    return redirect(HOME_BY_ROLE[session.account.role])


@router.get("/login", response_model=None)
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    session = current_session(request)
    if session is not None:
        return redirect(safe_next(next, session.account.role))
    return _login_page(request, next_path=next, error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the password; on success start a session and go where the person was heading."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or cookie != csrf_token:
        return _login_page(
            request,
            next_path=next,
            error="The sign-in form expired. Please enter your details again.",
            status_code=403,
        )
    wired = platform(request)
    grant = sign_in(email=email, password=password, store=account_store(request), clock=wired.clock)
    if grant is None:
        return _login_page(
            request,
            next_path=next,
            error="That e-mail address and password do not match an account.",
            status_code=401,
            email=email,
        )
    response = redirect(safe_next(next, grant.session.account.role))
    response.set_cookie(
        SESSION_COOKIE,
        grant.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=True,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", secure=True, httponly=True)
    return response


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    """End the session (server-side, at once) and clear the cookie."""
    session = current_session(request)
    if session is not None:
        check_csrf(session, csrf_token)
        sign_out(
            token=request.cookies.get(SESSION_COOKIE, ""),
            store=account_store(request),
            clock=platform(request).clock,
        )
    response: RedirectResponse = redirect("/login", notice="You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


def _login_page(
    request: Request,
    *,
    next_path: str | None,
    error: str | None,
    status_code: int = 200,
    email: str = "",
) -> HTMLResponse:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=token,
        next_path=next_path or "",
        error=error,
        email=email,
        notice=request.query_params.get("notice"),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        secure=True,
        samesite="strict",
        path="/login",
    )
    secure(response)
    return response
