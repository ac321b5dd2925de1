"""The API's busiest routes answered in front of Starlette's exception middleware and router.

A send or an inbox listing otherwise passes, between the request observer and the route's own
handler, the exception middleware (a Request and a wrapped app), FastAPI's exit-stack middleware,
the router's matching level by level through the included routers (twice on the level that
matches) and the route's request-response wrapper (another Request, two exit stacks): about a
third of the event loop's Python time per send. `DirectAnswers` matches the routes whose class
answers directly (`ApiRoute.answer_directly`) by method and path, as the router would have, and
asks the route for its direct answer. When the route declines (FastAPI's own handling is needed:
a body or parameter FastAPI refuses, another content type, dependency overrides, OpenTelemetry)
the request goes the whole way, with the body read so far handed on as it arrived; the route
then takes FastAPI's way without asking again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.convertors import Convertor
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gobetween.entrypoints.http.api.errors import DIRECT_DECLINED, ApiRoute


@dataclass(frozen=True, slots=True)
class DirectRoute:
    """One route answered here: its path as the router matches it, with the prefix."""

    pattern: re.Pattern[str]
    convertors: dict[str, Convertor[Any]]
    route: ApiRoute

    @classmethod
    def of(cls, prefix: str, route: ApiRoute) -> DirectRoute:
        pattern, _, convertors = compile_path(prefix + route.path)
        return cls(pattern, convertors, route)


def direct_routes(prefix: str, routes: Iterable[Any]) -> dict[str, tuple[DirectRoute, ...]]:
    """The routes among `routes` (of routers included under `prefix`) that answer directly, by
    method."""
    by_method: dict[str, list[DirectRoute]] = {}
    for route in routes:
        # A route with a body size limit of FastAPI's own has its body read through it.
        if (
            isinstance(route, ApiRoute)
            and route.answers_directly()
            and getattr(route, "max_body_size", None) is None
        ):
            for method in (route.methods or set()) - {"HEAD"}:
                by_method.setdefault(method, []).append(DirectRoute.of(prefix, route))
    return {method: tuple(found) for method, found in by_method.items()}


class DirectAnswers:
    """ASGI middleware: a request for a directly answered route gets the route's direct answer.

    `routes` must be routes that no route matched before them would take (the API's routes
    under its own prefix: tests/integration/api/test_api_direct_layer.py checks the router picks
    the same route for them).
    """

    def __init__(self, app: ASGIApp, *, routes: dict[str, tuple[DirectRoute, ...]]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        candidates = self.routes.get(scope["method"]) if scope["type"] == "http" else None
        # A root path would change the path the router matches: the whole way then.
        if candidates is None or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        for direct in candidates:
            found = direct.pattern.match(path)
            if found is not None:
                await self._answer(direct, found, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(
        self, direct: DirectRoute, found: re.Match[str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        route = direct.route
        convertors = direct.convertors
        # What the router puts in the scope for the route it matched.
        scope["endpoint"] = route.endpoint
        scope["path_params"] = {
            name: convertors[name].convert(value) for name, value in found.groupdict().items()
        }
        scope["route"] = route
        request = Request(scope, receive, send)
        response = await route.direct_response(request)
        if response is not None:
            await response(scope, receive, send)
            return
        for key in ("endpoint", "path_params", "route"):
            del scope[key]
        scope[DIRECT_DECLINED] = True
        await self.app(scope, _replayed(request, receive), send)


def _replayed(request: Request, receive: Receive) -> Receive:
    """`receive`, giving first the body `request` read, if it read it."""
    body: bytes | None = request.__dict__.get("_body")
    if body is None:
        return receive
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
