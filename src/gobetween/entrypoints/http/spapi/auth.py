"""POST /auth/o2/token: Login-with-Amazon's refresh_token grant, mapped to a seller's app."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gobetween.entrypoints.http.spapi.callers import spapi_services
from gobetween.services.spapi_credentials import TokenGrantError, grant_access_token

router = APIRouter(include_in_schema=False)
_MAX_FORM_BYTES = 8 * 1024


@router.post("/auth/o2/token")
async def token(request: Request) -> JSONResponse:
    """Trade client id, client secret and refresh token for a one-hour access token."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_FORM_BYTES:
        return _refusal(TokenGrantError("invalid_request", "the request body is too large"))
    try:
        # Any unreadable body is the client's error, and is answered as such.
        form = await request.form()
    except Exception:
        return _refusal(TokenGrantError("invalid_request", "the body must be form-encoded"))
    values = {
        name: value if isinstance(value, str) else None
        for name in ("grant_type", "client_id", "client_secret", "refresh_token")
        for value in (form.get(name),)
    }
    services = spapi_services(request)
    try:
        grant = await run_in_threadpool(
            lambda: grant_access_token(
                grant_type=values["grant_type"],
                client_id=values["client_id"],
                client_secret=values["client_secret"],
                refresh_token=values["refresh_token"],
                uow=services.unit_of_work(),
                clock=services.api.platform.clock,
            )
        )
    except TokenGrantError as error:
        return _refusal(error)
    return JSONResponse(
        {
            "access_token": grant.access_token,
            "token_type": "bearer",
            "expires_in": grant.expires_in,
            "refresh_token": grant.refresh_token,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _refusal(error: TokenGrantError) -> JSONResponse:
    # RFC 6749 §5.2: invalid_client is 401, every other error 400.
    status = 401 if error.error == "invalid_client" else 400
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
