"""One error shape for the whole API: `{"error": {"code", "message", "field"?, "request_id"}}`.

Every route of the API uses `ApiRoute`, which catches what the services raise and answers with
the matching status: 401 no or bad token, 403 a role that may not do this, 404 anything not found
or not the caller's (never 403 with data), 409 a refusal by rule, 413 too large, 422 bad input
with the field named, 429 the daily limit or the per-token rate limit (with Retry-After).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound, Refused
from gobetween.services.access import UnauthenticatedError
from gobetween.services.administration import RecordRejectedError

log = logging.getLogger("gobetween.api")
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ErrorBody(BaseModel):
    """What went wrong, for people (message) and programs (code, field)."""

    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["thread 42 not found"])
    field: str | None = Field(default=None, examples=["fields.question"])
    request_id: str = Field(examples=["3f2a9c1e0b7d4e5f8a6b2c1d0e9f8a7b"])


class DailyLimitBody(ErrorBody):
    """policy.md §4 daily_limit: the limit, today's count and when the day resets (UTC)."""

    limit: int
    count: int
    reset: datetime
    message_id: int


class ErrorResponse(BaseModel):
    error: ErrorBody


class DailyLimitResponse(BaseModel):
    error: DailyLimitBody


class ForbiddenError(GobetweenError):
    """The caller's role may not use this endpoint at all (not about whose data it is)."""


class TooLargeError(GobetweenError):
    """The request body is larger than this endpoint accepts."""


class RateLimitedError(GobetweenError):
    """The token made more requests than allowed; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests for this token; retry in {retry_after} s")
        self.retry_after = retry_after


class DailyLimitError(GobetweenError):
    """The seller's daily message limit refused the message (it is stored as blocked evidence)."""

    def __init__(self, *, limit: int, count: int, reset: datetime, message_id: int) -> None:
        super().__init__(
            f"daily message limit reached: {count} of {limit} today; resets {reset.isoformat()}"
        )
        self.limit = limit
        self.count = count
        self.reset = reset
        self.message_id = message_id


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No token, or an unknown or revoked one"},
    403: {"model": ErrorResponse, "description": "The caller's role may not do this"},
    404: {"model": ErrorResponse, "description": "Not found, or not the caller's"},
    409: {"model": ErrorResponse, "description": "A rule refuses it; `code` names the rule"},
    413: {"model": ErrorResponse, "description": "The request body is too large"},
    422: {"model": ErrorResponse, "description": "Bad input; `field` names it"},
    429: {"model": ErrorResponse, "description": "Too many requests; see Retry-After"},
}


def error_response(error: Exception, request_id: str) -> JSONResponse:
    """The JSON answer for an exception raised while handling an API request."""
    status, body, headers = _describe(error)
    body["request_id"] = request_id
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _describe(error: Exception) -> tuple[int, dict[str, Any], dict[str, str]]:
    if isinstance(error, UnauthenticatedError):
        return 401, _body("unauthenticated", str(error)), {"WWW-Authenticate": "Bearer"}
    if isinstance(error, ForbiddenError):
        return 403, _body("forbidden", str(error)), {}
    if isinstance(error, NotFound):
        return 404, _body("not_found", str(error)), {}
    if isinstance(error, RecordRejectedError):
        body = _body("invalid_record", error.problem, error.field)
        body["problems"] = list(error.problems)
        return 422, body, {}
    if isinstance(error, InvalidInput):
        return 422, _body("invalid_input", error.problem, error.field), {}
    if isinstance(error, RequestValidationError):
        return 422, _validation_body(error), {}
    if isinstance(error, Refused):
        return 409, _body(error.code, error.reason), {}
    if isinstance(error, TooLargeError):
        return 413, _body("too_large", str(error)), {}
    if isinstance(error, RateLimitedError):
        return 429, _body("rate_limited", str(error)), {"Retry-After": str(error.retry_after)}
    if isinstance(error, DailyLimitError):
        body = _body("daily_limit", str(error))
        body |= {
            "limit": error.limit,
            "count": error.count,
            "reset": error.reset.isoformat(),
            "message_id": error.message_id,
        }
        retry = max(1, int((error.reset - datetime.now(error.reset.tzinfo)).total_seconds()))
        return 429, body, {"Retry-After": str(retry)}
    if isinstance(error, HTTPException):
        code = {405: "method_not_allowed", 404: "not_found"}.get(error.status_code, "http_error")
        return error.status_code, _body(code, str(error.detail)), dict(error.headers or {})
    log.exception("unhandled error in an API request", exc_info=error)
    return 500, _body("internal", "internal error; quote the request id when reporting it"), {}


def _body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return body


def _validation_body(error: RequestValidationError) -> dict[str, Any]:
    problems = error.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    # FastAPI locates a problem as ("body" | "query" | "path" | "header", name, ...).
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else None)
    return _body("invalid_input", str(first.get("msg", "invalid request")), field or "body")


def request_id_of(request: Request) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    supplied = request.headers.get(REQUEST_ID_HEADER, "")
    return supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex


class ApiRoute(APIRoute):
    """A route whose errors all become the API's JSON error shape, with a request id.

    A declared body larger than `body_limit` is refused (413) before anything reads it: a JSON
    request of the API is a message of at most 100 kB of text, never megabytes.
    """

    body_limit: int = 1024 * 1024

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        limit = self.body_limit

        async def with_errors(request: Request) -> Response:
            request_id = request_id_of(request)
            request.state.request_id = request_id
            # Every error, expected or not, gets the one JSON shape and the request id.
            try:
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise TooLargeError(f"the request body is larger than {limit:,} bytes")
                response = await handle(request)
            except Exception as error:
                response = error_response(error, request_id)
            response.headers[REQUEST_ID_HEADER] = request_id
            return response

        return with_errors


class UploadRoute(ApiRoute):
    """A route that takes one file as its body: up to the attachment limit (policy.md §4)."""

    body_limit = 10 * 1024 * 1024 + 1
