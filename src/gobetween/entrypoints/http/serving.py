"""How `gobetween serve` runs the web app: in its own process, and in `http_workers - 1` more.

One process runs the app on uvicorn's event loop with the sync routes in its thread pool: one
core for Python at most. With `http_workers = N` (N > 1) `serve` binds http_port with
SO_REUSEPORT and starts N-1 web processes that bind it the same way, so the kernel spreads new
connections over N listening sockets, as the relay's `smtp_listeners` do. `serve` itself serves
HTTP too. Each extra process is spawned with the settings `serve` resolved (file, environment and
options), builds its own platform and app from them and serves HTTP only: the relay listener,
the delivery worker and the case sweeps stay in `serve`. Each has its own database pool and its
own memory: verified tokens, rate limits and the latency histogram of `GET /metrics` are per
process (docs/operations.md). Each extra process watches a pipe to `serve`: it stops when told
to, and also when `serve` dies, even by `kill -9`, so no orphan keeps answering on the port.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any, Final

import uvicorn

from gobetween.bootstrap import Platform, Settings, build_platform
from gobetween.entrypoints.http.app import create_app
from gobetween.entrypoints.http.response_writes import GatheredHttpToolsProtocol
from gobetween.entrypoints.log_format import configure_logging
from gobetween.entrypoints.port_sharing_processes import (
    Child,
    freeze_startup_objects,
    start_children,
    stop_children,
)

log = logging.getLogger(__name__)

# How long an extra web process may take to import, wire and bind before `serve` gives up.
WEB_PROCESS_START_SECONDS: Final = 60.0
WEB_PROCESS_STOP_SECONDS: Final = 30.0
# Connections the kernel queues on each listening socket before they are accepted (uvicorn's).
BACKLOG: Final = 2048


class WebProcessError(RuntimeError):
    """An extra web process did not start; the message says why."""


@dataclass
class WebServer:
    """One uvicorn server in this process, and `processes - 1` extra web processes beside it.

    `settings` are what the extra processes are built from (needed when `processes` > 1).
    """

    config: uvicorn.Config
    settings: Settings | None = None
    processes: int = 1
    server: uvicorn.Server = field(init=False)
    extra: list[Child] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.server = uvicorn.Server(self.config)

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM; the extra processes stop when this server has stopped.

        Raises WebProcessError when an extra process does not start (those started are stopped).
        """
        if self.processes <= 1:
            freeze_startup_objects()
            self.server.run()
            return
        assert self.settings is not None, "extra web processes are built from settings"
        try:
            listening = shared_listening_socket(self.config.host, self.config.port)
        except OSError as error:
            # As a single server does: say why and return without having started.
            log.error("cannot listen on %s:%d: %s", self.config.host, self.config.port, error)
            return
        try:
            # With http_port 0 the extra processes must join the port this socket was given.
            port = listening.getsockname()[1]
            self.extra = start_web_processes(
                replace(self.settings, http_port=port), self.processes - 1
            )
            freeze_startup_objects()
            self.server.run(sockets=[listening])
        finally:
            stop_web_processes(self.extra)
            listening.close()

    @property
    def started(self) -> bool:
        return self.server.started


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for `settings`, the same in `serve` and in every extra web process."""
    return {
        "host": settings.http_host,
        "port": settings.http_port,
        "log_level": settings.log_level.lower(),
        # Logging is configured by this command, once per process; every request's line comes
        # from the app's request observer, with its request id.
        "log_config": None,
        "access_log": False,
        # A response's head and body in one socket write (response_writes.py).
        "http": GatheredHttpToolsProtocol,
        "backlog": BACKLOG,
    }


def web_server(platform: Platform) -> WebServer:
    """The web server for `platform`'s settings: `http_workers` processes on http_port."""
    settings = platform.settings
    config = uvicorn.Config(create_app(platform), **server_options(settings))
    return WebServer(config, settings=settings, processes=settings.http_workers)


def shared_listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port that other processes may bind too (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listening.bind(address)
        listening.listen(BACKLOG)
    except OSError:
        listening.close()
        raise
    return listening


def start_web_processes(settings: Settings, count: int) -> list[Child]:
    """Start `count` web processes on settings.http_port and wait until each is listening."""
    return start_children(
        _web_process,
        (settings,),
        count=count,
        name="gobetween-web",
        start_seconds=WEB_PROCESS_START_SECONDS,
        stop_seconds=WEB_PROCESS_STOP_SECONDS,
        error=WebProcessError,
    )


def stop_web_processes(processes: list[Child]) -> None:
    """Tell every extra web process to stop (each finishes the requests in hand) and join them."""
    stop_children(processes, name="gobetween-web", stop_seconds=WEB_PROCESS_STOP_SECONDS)


def _web_process(settings: Settings, control: Connection) -> None:
    """One extra web process: serve HTTP until told to stop or until `serve` is gone."""
    configure_logging(settings.log_level, settings.log_format)
    platform = build_platform(settings)
    try:
        try:
            server = uvicorn.Server(
                uvicorn.Config(create_app(platform), **server_options(settings))
            )
            listening = shared_listening_socket(settings.http_host, settings.http_port)
        except Exception as error:  # told to `serve`, which refuses to start
            control.send(f"{type(error).__name__}: {error}")
            return
        threading.Thread(
            target=_stop_when_told, args=(server, control), name="web-process-control", daemon=True
        ).start()
        control.send("ready")
        freeze_startup_objects()
        with listening:
            server.run(sockets=[listening])
    finally:
        platform.close()


def _stop_when_told(server: uvicorn.Server, control: Connection) -> None:
    try:
        control.recv()  # "stop"; EOFError when `serve` died without saying so
    except (EOFError, OSError):
        log.warning("web process: the serving process is gone; stopping")
    server.should_exit = True
