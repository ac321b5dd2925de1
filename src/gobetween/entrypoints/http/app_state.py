"""What the web app builds once per process and keeps on `app.state` (wiring, caches, limiters)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar, cast

from starlette.requests import Request

T = TypeVar("T")

# Re-entrant: building one kept object may ask for another (the SP-API wiring needs the API's).
_building = threading.RLock()


def kept_on_app(request: Request, name: str, build: Callable[[], T]) -> T:
    """The object the app keeps under `name`, made by `build` on first use, once per process.

    Checked again under the lock, so concurrent first requests build it once.
    """
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        with _building:
            found = getattr(state, name, None)
            if found is None:
                found = build()
                setattr(state, name, found)
    return cast(T, found)
