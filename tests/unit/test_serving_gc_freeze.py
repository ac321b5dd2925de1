"""`serve` freezes what start-up built out of the cyclic garbage collector before it serves, so a
full collection walks only objects made since (docs/operations.md)."""

from __future__ import annotations

import gc

import uvicorn
from fastapi import FastAPI

from gobetween.entrypoints.http.serving import WebServer


def test_start_up_objects_are_frozen_before_the_server_runs() -> None:
    server = WebServer(uvicorn.Config(FastAPI(), host="127.0.0.1", port=0))
    seen: dict[str, int] = {}

    def run() -> None:
        seen["frozen"] = gc.get_freeze_count()

    server.server.run = run  # type: ignore[method-assign]
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        server.run()
        # Everything tracked when serving began (modules, FastAPI, the app: tens of thousands of
        # objects) was in the permanent generation by then.
        assert seen["frozen"] > 10_000
    finally:
        gc.unfreeze()
