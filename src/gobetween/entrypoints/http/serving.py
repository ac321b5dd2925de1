"""How `gobetween serve` runs the web app: in its own process, or in `--workers N` processes.

One process runs the app on uvicorn's event loop with the sync routes in its thread pool: one
core for Python at most. With `--workers N` (N > 1) uvicorn's supervisor starts N worker
processes sharing the listening socket, and each builds its app from an import string, so the
app cannot be handed over as an object: `serve` puts every setting it resolved (file,
environment and options) into the environment as `GOBETWEEN_<NAME>` before it starts them, and
each worker reads them back with the same loader and validation as any command. Each worker has
its own database engine (connection pool) and its own caches (verified tokens, rate limits: per
process); the relay listener and the delivery worker stay in the `serve` process itself.
"""

from __future__ import annotations

import atexit
import gc
import os
from dataclasses import fields
from typing import Any, Final

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from gobetween.bootstrap import Platform, Settings, build_platform, load_settings
from gobetween.bootstrap.settings import CONFIG_ENV, ENV_PREFIX
from gobetween.entrypoints.http.app import create_app
from gobetween.entrypoints.http.response_writes import GatheredHttpToolsProtocol
from gobetween.entrypoints.log_format import configure_logging

# What uvicorn imports in each worker process (`factory=True`: it calls it).
IMPORT_STRING: Final = "gobetween.entrypoints.http.serving:app_from_environment"


class WebServer:
    """One uvicorn server in this process, or a supervisor of `config.workers` processes."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.config = config
        self.server = uvicorn.Server(config)
        self.supervised = False

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM."""
        if self.config.workers <= 1:
            freeze_startup_objects()
            self.server.run()
            return
        # Bound here, before the workers start: a port in use fails like a single server's
        # (uvicorn logs why and exits; `started` stays False).
        try:
            sock = self.config.bind_socket()
        except SystemExit:
            return
        self.supervised = True
        Multiprocess(self.config, sockets=[sock]).run()

    @property
    def started(self) -> bool:
        return self.supervised or self.server.started


def web_server(platform: Platform, workers: int) -> WebServer:
    """The web server for `platform`'s settings, with `workers` processes."""
    settings = platform.settings
    common: dict[str, Any] = {
        "host": settings.http_host,
        "port": settings.http_port,
        "log_level": settings.log_level.lower(),
        # Logging is configured by this command, once per process; every request's line comes
        # from the app's request observer, with its request id.
        "log_config": None,
        "access_log": False,
        # A response's head and body in one socket write (response_writes.py).
        "http": GatheredHttpToolsProtocol,
    }
    if workers <= 1:
        return WebServer(uvicorn.Config(create_app(platform), **common))
    hand_over(settings)
    return WebServer(uvicorn.Config(IMPORT_STRING, factory=True, workers=workers, **common))


def hand_over(settings: Settings) -> None:
    """Put every resolved setting into this process's environment, for the workers it starts."""
    for field in fields(Settings):
        value = getattr(settings, field.name)
        os.environ[ENV_PREFIX + field.name.upper()] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    # Everything the file said is in the variables now; the workers need not read it again.
    os.environ.pop(CONFIG_ENV, None)


def app_from_environment() -> FastAPI:
    """Build this worker's platform and app from the settings `hand_over` left."""
    settings = load_settings(environ=os.environ)
    configure_logging(settings.log_level, settings.log_format)
    platform = build_platform(settings)
    atexit.register(platform.close)
    app = create_app(platform)
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Leave what start-up built (modules, the app, its validators) out of later GC passes.

    A full pass of the cyclic garbage collector walks every tracked object: some 200,000 once the
    app is built, and pydantic-core's validators are slow to walk, so one pass cost ~100 ms of
    CPU (130-450 ms at load 6-10), during which no request made progress (the GIL is held). A
    new server's first ~30 s, while its caches fill, trigger 2-4 such passes; later one each
    time the long-lived objects grow by a quarter. Those objects live as long as the process:
    frozen, they are never walked again, and a full pass walks only what was made since.
    """
    gc.collect()
    gc.freeze()
