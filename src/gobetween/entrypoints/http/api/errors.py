"""Errors of the native API as RFC 9457 problem details (`application/problem+json`).

Every route of the API uses `ApiRoute`, which catches what the services raise and answers with
the matching status: 401 no or bad token, 403 a role that may not do this, 404 anything not found
or not the caller's (never 403 with data), 409 a refusal by rule, 413 too large, 422 bad input
with the field named, 429 the daily limit or the per-token rate limit (with Retry-After).

A problem carries RFC 9457's members — `type`, `title`, `status`, `detail`, `instance` (the
request path) — and these extension members: `code` (stable, for programs), `field` (the input
that is wrong), `request_id` (also in the X-Request-ID header and the request's log line) and,
for the daily limit, `limit`, `count`, `reset` and `message_id`. Errors that say no more than
their HTTP status (401, 403, 404, 405, 413, 500) have the type `about:blank` and the status
phrase as title; the others have a type of their own, listed in docs/api.md.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any, Final

from fastapi import Request, Response
from fastapi._compat import ModelField
from fastapi._compat.shared import field_annotation_is_sequence
from fastapi.dependencies.utils import (
    _get_param_aliases,
    _get_param_model,
    _is_json_field,
    request_params_to_args,
)
from fastapi.exceptions import RequestValidationError
from fastapi.params import Param
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.telemetry import get_telemetry_data
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound, Refused
from gobetween.services.access import UnauthenticatedError
from gobetween.services.administration import RecordRejectedError

log = logging.getLogger("gobetween.api")
REQUEST_ID_HEADER: Final = "X-Request-ID"
PROBLEM_JSON: Final = "application/problem+json"
# In a request's scope when the route's direct answer declined it in front of the router
# (entrypoints/http/direct_answers.py): the route then takes FastAPI's way without asking again.
DIRECT_DECLINED: Final = "gobetween.direct_declined"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The problem types of this API: `urn:gobetween:problem:<code>`, one per code that means more
# than its HTTP status. docs/api.md lists them; a refusal by rule uses its rule's code.
PROBLEM_TYPE_PREFIX: Final = "urn:gobetween:problem:"
PLAIN: Final = "about:blank"
_TITLES: Final = {
    "invalid_input": "Invalid input",
    "invalid_record": "Invalid record",
    "daily_limit": "Daily message limit reached",
    "rate_limited": "Too many requests for this token",
}


class Problem(BaseModel):
    """RFC 9457 problem details: what went wrong, for people (title, detail) and programs (code)."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(
        description="`about:blank` when the status says it all, else urn:gobetween:problem:<code>",
        examples=["about:blank", "urn:gobetween:problem:invalid_input"],
    )
    title: str = Field(examples=["Not Found", "Invalid input"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["thread 42 not found"])
    instance: str = Field(description="The request path", examples=["/api/v1/threads/42"])
    code: str = Field(examples=["not_found"])
    field: str | None = Field(default=None, examples=["fields.question"])
    request_id: str = Field(examples=["3f2a9c1e0b7d4e5f8a6b2c1d0e9f8a7b"])
    problems: list[str] | None = Field(
        default=None, description="invalid_record: every problem the import's validation found"
    )


class DailyLimitProblem(Problem):
    """policy.md §4 daily_limit: the limit, today's count and when the day resets (UTC)."""

    model_config = ConfigDict(title="DailyLimitProblem")

    limit: int
    count: int
    reset: datetime
    message_id: int = Field(description="The refused message, stored as blocked evidence")


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
    401: {"model": Problem, "description": "No token, or an unknown or revoked one"},
    403: {"model": Problem, "description": "The caller's role may not do this"},
    404: {"model": Problem, "description": "Not found, or not the caller's"},
    409: {"model": Problem, "description": "A rule refuses it; `code` names the rule"},
    413: {"model": Problem, "description": "The request body is too large"},
    422: {"model": Problem, "description": "Bad input; `field` names it"},
    429: {"model": Problem, "description": "Too many requests; see Retry-After"},
}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def error_response(error: Exception, request_id: str, instance: str) -> JSONResponse:
    """The problem-details answer for an exception raised while handling an API request."""
    status, code, detail, extra, headers = _describe(error)
    # A refusal (409) is typed by its rule's code; others by theirs when it means more than
    # the status (docs/api.md lists the types).
    typed = code in _TITLES or status == 409
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + code if typed else PLAIN,
        "title": _TITLES.get(code) or _status_phrase(status, refusal=status == 409),
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        **extra,
        "request_id": request_id,
    }
    return ProblemResponse(body, status_code=status, headers=headers)


def _status_phrase(status: int, *, refusal: bool) -> str:
    if refusal:
        return "Refused by a rule"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


Described = tuple[int, str, str, dict[str, Any], dict[str, str]]


def _describe(error: Exception) -> Described:
    if isinstance(error, UnauthenticatedError):
        return 401, "unauthenticated", str(error), {}, {"WWW-Authenticate": "Bearer"}
    if isinstance(error, ForbiddenError):
        return 403, "forbidden", str(error), {}, {}
    if isinstance(error, NotFound):
        return 404, "not_found", str(error), {}, {}
    if isinstance(error, RecordRejectedError):
        extra = {"field": error.field, "problems": list(error.problems)}
        return 422, "invalid_record", error.problem, extra, {}
    if isinstance(error, InvalidInput):
        return 422, "invalid_input", error.problem, {"field": error.field}, {}
    if isinstance(error, RequestValidationError):
        detail, field = _validation_problem(error)
        return 422, "invalid_input", detail, {"field": field}, {}
    if isinstance(error, Refused):
        return 409, error.code, error.reason, {}, {}
    if isinstance(error, TooLargeError):
        return 413, "too_large", str(error), {}, {}
    if isinstance(error, RateLimitedError):
        return 429, "rate_limited", str(error), {}, {"Retry-After": str(error.retry_after)}
    if isinstance(error, DailyLimitError):
        limit: dict[str, Any] = {
            "limit": error.limit,
            "count": error.count,
            "reset": error.reset.isoformat(),
            "message_id": error.message_id,
        }
        retry = max(1, int((error.reset - datetime.now(error.reset.tzinfo)).total_seconds()))
        return 429, "daily_limit", str(error), limit, {"Retry-After": str(retry)}
    if isinstance(error, StarletteHTTPException):
        code = {405: "method_not_allowed", 404: "not_found"}.get(error.status_code, "http_error")
        return error.status_code, code, str(error.detail), {}, dict(error.headers or {})
    log.exception("unhandled error in an API request", exc_info=error)
    return 500, "internal", "internal error; quote the request id when reporting it", {}, {}


def _validation_problem(error: RequestValidationError) -> tuple[str, str]:
    problems = error.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    # FastAPI locates a problem as ("body" | "query" | "path" | "header", name, ...).
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else None)
    return str(first.get("msg", "invalid request")), field or "body"


def request_id_of(request: Request) -> str:
    """The request's id: set once per request by the app's middleware, else made here.

    The caller's X-Request-ID is kept when it is sane (1-64 of `A-Za-z0-9._-`), else a fresh one.
    """
    known: str | None = getattr(request.state, "request_id", None)
    if known is not None:
        return known
    made = request_id_from(request.headers.get(REQUEST_ID_HEADER, ""))
    request.state.request_id = made
    return made


def request_id_from(supplied: str) -> str:
    """`supplied` when it is a well-formed request id, else a fresh random one (32 hex digits).

    Not `uuid4()`: its `os.urandom` lets go of the GIL, and this runs on the event loop, which
    then waited for a request thread to hand the GIL back before it could go on with any other
    request (0.77 ms of the loop's wall time per request at 8 concurrent sends). An id needs to
    be unique, not secret: the `random` module's generator is seeded from the OS at start-up and
    again in every forked process.
    """
    if _REQUEST_ID.fullmatch(supplied):
        return supplied
    return f"{random.getrandbits(128):032x}"


@dataclass(frozen=True, slots=True)
class PlainParameter:
    """A path or query parameter of one name and a single value, validated as FastAPI does.

    FastAPI's `request_params_to_args` asks each parameter's annotation again on every request
    whether it is a sequence, a JSON field or a parameter model (typing introspection, about a
    third of its cost for the send's one path parameter); these answers never change, so a
    parameter that is none of these keeps them here and is read and validated in the same steps.
    """

    field: ModelField
    alias: str
    where: str

    @classmethod
    def of(cls, field: ModelField) -> PlainParameter | None:
        """The plain parameter `field` is, or None when FastAPI reads it any other way."""
        # FastAPI's own answers to these questions, asked once.
        info = field.field_info
        if not isinstance(info, Param) or field_annotation_is_sequence(info.annotation):
            return None
        if _is_json_field(field) or _get_param_model(field) is not None:
            return None
        aliases = _get_param_aliases(field)
        if len(aliases) != 1:
            return None
        return cls(field, aliases[0][1], info.in_.value)

    def validate(self, received: Mapping[str, Any], values: dict[str, Any]) -> list[Any]:
        """Put the parameter's value in `values` as FastAPI does; its errors, if any."""
        field = self.field
        value = received.get(self.alias, None)
        loc = (self.where, self.alias)
        if value is None:
            if field.field_info.is_required():
                # FastAPI's own answer then; only a route's optional parameters may be absent.
                return request_params_to_args([field], received)[1]
            value = deepcopy(field.default)
            if not field.field_info.validate_default:
                values[field.name] = value
                return []
        validated, errors = field.validate(value, values, loc=loc)
        if not errors:
            values[field.name] = validated
        return list(errors)


def plain_parameters(fields: Sequence[ModelField]) -> tuple[PlainParameter, ...] | None:
    """Each of `fields` as a plain parameter, or None when any one is not plain."""
    plain = tuple(PlainParameter.of(field) for field in fields)
    if any(parameter is None for parameter in plain):
        return None
    return tuple(parameter for parameter in plain if parameter is not None)


def parameters_to_args(
    fields: Sequence[ModelField],
    plain: tuple[PlainParameter, ...] | None,
    received: Mapping[str, Any],
) -> tuple[dict[str, Any], list[Any]]:
    """`request_params_to_args(fields, received)`, through `plain` when every field is plain."""
    if plain is None:
        return request_params_to_args(fields, received)
    values: dict[str, Any] = {}
    errors: list[Any] = []
    for parameter in plain:
        errors.extend(parameter.validate(received, values))
    return values, errors


class ApiRoute(APIRoute):
    """A route whose errors all become problem details, with a request id.

    A declared body larger than `body_limit` is refused (413) before anything reads it: a JSON
    request of the API is a message of at most 100 kB of text, never megabytes.
    """

    body_limit: int = 1024 * 1024

    async def answer_directly(self, request: Request) -> Response | None:
        """The answer to `request` without FastAPI's request handling, or None to take it.

        For a route whose common request is worth answering in fewer steps (orders.py's
        `SendRoute`, inbox.py's `InboxRoute`); such an answer must be the one FastAPI's
        handling would give.
        """
        return None

    def valid_parameters(self, request: Request) -> dict[str, Any] | None:
        """The route's path and query parameters as FastAPI validates them, for a direct answer;
        None when FastAPI would refuse one, while OpenTelemetry is configured (FastAPI's spans
        of its steps stay whole only on its own way) and while the app overrides dependencies
        (only FastAPI's way applies the overrides)."""
        if getattr(request.app, "dependency_overrides", None) or get_telemetry_data() is not None:
            return None
        path_plain, query_plain = self._plain_parameters()
        path, path_errors = parameters_to_args(
            self.dependant.path_params, path_plain, request.path_params
        )
        # A route without query parameters (the send) has none to validate: Starlette's
        # QueryParams, parsed from the query string, would be built for nothing.
        query: dict[str, Any] = {}
        query_errors: list[Any] = []
        if self.dependant.query_params:
            query, query_errors = parameters_to_args(
                self.dependant.query_params, query_plain, request.query_params
            )
        if path_errors or query_errors:
            return None
        return path | query

    def _plain_parameters(
        self,
    ) -> tuple[tuple[PlainParameter, ...] | None, tuple[PlainParameter, ...] | None]:
        """The route's path and query parameters as plain ones, worked out on first use."""
        known = self.__dict__.get("_plain")
        if known is None:
            known = (
                plain_parameters(self.dependant.path_params),
                plain_parameters(self.dependant.query_params),
            )
            self.__dict__["_plain"] = known
        return known

    def answers_directly(self) -> bool:
        """Whether this route's class answers some requests directly."""
        return type(self).answer_directly is not ApiRoute.answer_directly

    def _refuse_too_large(self, request: Request) -> None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.body_limit:
            raise TooLargeError(f"the request body is larger than {self.body_limit:,} bytes")

    async def direct_response(self, request: Request) -> Response | None:
        """The answer the route's handler gives `request` when its direct answer takes it (a
        problem for every error, the request id in the headers), else None.

        For `DirectAnswers` in front of the router: None changes nothing but the body read.
        """
        request_id = request_id_of(request)
        try:
            self._refuse_too_large(request)
            response = await self.answer_directly(request)
            if response is None:
                return None
        except Exception as error:
            response = error_response(error, request_id, request.url.path)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        direct = self if self.answers_directly() else None

        async def with_errors(request: Request) -> Response:
            request_id = request_id_of(request)
            # Every error, expected or not, becomes a problem with the request id.
            try:
                self._refuse_too_large(request)
                answer = None
                if direct is not None and DIRECT_DECLINED not in request.scope:
                    answer = await direct.answer_directly(request)
                response = await handle(request) if answer is None else answer
            except Exception as error:
                response = error_response(error, request_id, request.url.path)
            response.headers[REQUEST_ID_HEADER] = request_id
            return response

        return with_errors


class UploadRoute(ApiRoute):
    """A route that takes one file as its body: up to the attachment limit (policy.md §4)."""

    body_limit = 10 * 1024 * 1024 + 1


def problems_in_openapi(schema: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Document the error answers of the routes under `prefix` as `application/problem+json`.

    FastAPI files every declared response model under the route's own media type (JSON); the
    error answers are problem details, so their content moves to the problem type.
    """
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return schema
