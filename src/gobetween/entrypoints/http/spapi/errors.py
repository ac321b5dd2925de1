"""Amazon's error shape for the SP-API surface: `{"errors": [{"code", "message", "details"}]}`.

Codes are Amazon's (InvalidInput, Unauthorized, NotFound, QuotaExceeded, ...), so existing clients
raise their usual exceptions. Where Amazon says only "Invalid amazonOrderId and template
combination", `details` names the rule that refused and why, and the error carries extension keys
(`rule`, `contactReason`, `findings`) that Amazon's schema allows.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound, Refused
from gobetween.services.access import UnauthenticatedError
from gobetween.services.spapi import (
    DailyLimitReachedError,
    MessageBlockedError,
    MessageBouncedError,
    SolicitationRefused,
    TypeNotOffered,
)

log = logging.getLogger("gobetween.spapi")
REQUEST_ID_HEADER: Final = "x-amzn-RequestId"
RATE_LIMIT_HEADER: Final = "x-amzn-RateLimit-Limit"
HAL_JSON: Final = "application/hal+json"
# Amazon sends the rate-limit header with these statuses only.
_RATE_LIMIT_STATUSES: Final = frozenset({200, 201, 400, 404})
MAX_BODY_BYTES: Final = 1024 * 1024


class QuotaExceededError(GobetweenError):
    """Too many requests for this seller and operation; retry after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("You exceeded your quota for the requested resource.")
        self.retry_after = retry_after


class BodyTooLargeError(GobetweenError):
    """The request body is larger than the surface accepts."""


class UnsupportedMediaTypeError(GobetweenError):
    """The body is not JSON."""


def error_body(code: str, message: str, details: str = "", **extra: Any) -> dict[str, Any]:
    """One error in Amazon's list shape, with extension keys when there is more to say."""
    return {"errors": [{"code": code, "message": message, "details": details, **extra}]}


def describe(error: Exception) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, body and headers for an exception raised while handling an SP-API request."""
    if isinstance(error, UnauthenticatedError):
        return (
            403,
            error_body("Unauthorized", "Access to requested resource is denied.", str(error)),
            {},
        )
    if isinstance(error, TypeNotOffered):
        body = error_body(
            "Unauthorized",
            "Invalid amazonOrderId and template combination.",
            f"{error.rule}: {error.reason}",
            rule=error.rule,
            contactReason=error.reason_id,
        )
        return 403, body, {}
    if isinstance(error, SolicitationRefused):
        body = error_body(
            "Unauthorized",
            "The requested solicitation is not available for this amazonOrderId.",
            " ".join(f"{r.rule}: {r.explanation}" for r in error.refusals),
            rules=[{"rule": r.rule, "explanation": r.explanation} for r in error.refusals],
        )
        return 403, body, {}
    if isinstance(error, MessageBlockedError):
        blocking = [f for f in error.verdict.findings if f.severity == "block"]
        details = "; ".join(
            f"{f.category}"
            + (f" at characters {f.span[0]}-{f.span[1]}" if f.span is not None else "")
            + f": {f.message}"
            for f in blocking
        )
        body = error_body(
            "InvalidInput",
            "The message was blocked by the messaging policy "
            f"({', '.join(error.verdict.categories)}) and was not delivered; it is kept as "
            "evidence.",
            details,
            messageId=error.message_id,
            findings=[f.to_dict() for f in error.verdict.findings],
            suggestions=[s.to_dict() for s in error.verdict.suggestions],
        )
        return 400, body, {}
    if isinstance(error, MessageBouncedError):
        return (
            403,
            error_body("Unauthorized", str(error), "buyer_opted_out", messageId=error.message_id),
            {},
        )
    if isinstance(error, DailyLimitReachedError):
        status = error.status
        retry = max(1, int((status.resets_at - datetime.now(UTC)).total_seconds()))
        body = error_body(
            "QuotaExceeded",
            "The seller's daily message limit is reached.",
            str(error),
            limit=status.limit,
            count=status.count,
            reset=status.resets_at.isoformat(),
            messageId=error.message_id,
        )
        return 429, body, {"Retry-After": str(retry)}
    if isinstance(error, QuotaExceededError):
        retry = max(1, int(error.retry_after + 0.999))
        return 429, error_body("QuotaExceeded", str(error)), {"Retry-After": str(retry)}
    if isinstance(error, NotFound):
        return 404, error_body("NotFound", "Resource not found.", str(error)), {}
    if isinstance(error, InvalidInput):
        message = f"{error.field}: {error.problem}"
        return 400, error_body("InvalidInput", message, "", field=error.field), {}
    if isinstance(error, RequestValidationError):
        problems = error.errors()
        first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        return 400, error_body("InvalidInput", f"{where}: {first.get('msg', 'invalid')}"), {}
    if isinstance(error, Refused):
        return 400, error_body("InvalidInput", error.reason, error.code, rule=error.code), {}
    if isinstance(error, BodyTooLargeError):
        return 413, error_body("RequestEntityTooLarge", str(error)), {}
    if isinstance(error, UnsupportedMediaTypeError):
        return 415, error_body("UnsupportedMediaType", str(error)), {}
    if isinstance(error, HTTPException):
        code = "NotFound" if error.status_code == 404 else "InvalidInput"
        return error.status_code, error_body(code, str(error.detail)), dict(error.headers or {})
    log.exception("unhandled error in an SP-API request", exc_info=error)
    return 500, error_body("InternalFailure", "We encountered an internal error."), {}


class SpapiRoute(APIRoute):
    """A route answering every error in Amazon's shape, with Amazon's request-id header.

    `media_type` is what the model's `produces` says: application/hal+json for Messaging and
    Solicitations, application/json for Uploads and the token endpoint.
    """

    media_type: str = HAL_JSON

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        media_type = self.media_type

        async def with_errors(request: Request) -> Response:
            request_id = str(uuid.uuid4())
            request.state.spapi_rate = None
            try:
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > _limit(request):
                    raise BodyTooLargeError(
                        f"The request body is larger than {_limit(request):,} bytes."
                    )
                response = await handle(request)
            except Exception as error:
                status, body, headers = describe(error)
                response = JSONResponse(body, status_code=status, headers=headers)
                response.headers["content-type"] = media_type
            response.headers[REQUEST_ID_HEADER] = request_id
            rate = getattr(request.state, "spapi_rate", None)
            if rate is not None and response.status_code in _RATE_LIMIT_STATUSES:
                response.headers[RATE_LIMIT_HEADER] = rate
            return response

        return with_errors


class JsonSpapiRoute(SpapiRoute):
    """An SP-API route whose model produces application/json (Uploads)."""

    media_type = "application/json"


def _limit(request: Request) -> int:
    # The bytes PUT to an upload destination may be a 10 MB file; JSON bodies are small.
    return 10 * 1024 * 1024 + 1 if request.method == "PUT" else MAX_BODY_BYTES


def hal(body: dict[str, Any], status_code: int = 200) -> JSONResponse:
    """A JSON answer with Amazon's media type for Messaging and Solicitations."""
    return JSONResponse(body, status_code=status_code, media_type=HAL_JSON)
