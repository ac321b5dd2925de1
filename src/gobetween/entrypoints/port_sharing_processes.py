"""Processes that `gobetween serve` starts beside itself on a port it shares with them.

The extra web processes (`http_workers`, entrypoints/http/serving.py) and the extra relay
listeners (`smtp_listeners`, entrypoints/smtp.py) are started the same way: spawned, each with
one end of a pipe to `serve`. A child answers "ready" on it once it listens, or why it could not
start; it stops when it reads "stop", and also when the pipe closes because `serve` died, even
by `kill -9`, so no orphan keeps answering on the port after a crash.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger(__name__)

# A started child and `serve`'s end of its pipe.
Child = tuple[BaseProcess, Connection]


def start_children(
    target: Callable[..., None],
    args: tuple[Any, ...],
    *,
    count: int,
    name: str,
    start_seconds: float,
    stop_seconds: float,
    error: type[Exception],
) -> list[Child]:
    """Start `count` processes running `target(*args, pipe_end)` and wait until each is ready.

    Raises `error` naming the process and its answer when one does not start within
    `start_seconds`; those started are stopped first.
    """
    started: list[Child] = []
    # spawn, not fork: `serve` already runs threads (the relay's loop, the delivery worker).
    context = multiprocessing.get_context("spawn")
    try:
        for _ in range(count):
            ours, theirs = context.Pipe()
            process: BaseProcess = context.Process(
                target=target, args=(*args, theirs), name=name, daemon=True
            )
            process.start()
            theirs.close()
            started.append((process, ours))
        for process, control in started:
            answer = control.recv() if control.poll(start_seconds) else "no answer"
            if answer != "ready":
                raise error(f"{name} process {process.pid} did not start: {answer}")
    except BaseException:
        stop_children(started, name=name, stop_seconds=stop_seconds)
        raise
    return started


def stop_children(children: list[Child], *, name: str, stop_seconds: float) -> None:
    """Tell every child to stop (each finishes the work in hand) and join them; a child still
    running after `stop_seconds` is terminated."""
    for _, control in children:
        with contextlib.suppress(OSError):  # already gone
            control.send("stop")
    for process, control in children:
        process.join(stop_seconds)
        if process.is_alive():
            log.warning("%s process %s did not stop; terminating", name, process.pid)
            process.terminate()
            process.join(stop_seconds)
        control.close()


def freeze_startup_objects() -> None:
    """Leave what start-up built (modules, the app, its validators, the relay's tables) out of
    later GC passes: `serve` and each process it starts call this once they are built.

    A full pass of the cyclic garbage collector walks every tracked object: some 200,000 once the
    app is built, and pydantic-core's validators are slow to walk, so one pass cost ~100 ms of
    CPU (130-450 ms at load 6-10), during which no request made progress (the GIL is held). A
    new server's first ~30 s, while its caches fill, trigger 2-4 such passes; later one each
    time the long-lived objects grow by a quarter. Those objects live as long as the process:
    frozen, they are never walked again, and a full pass walks only what was made since.
    """
    gc.collect()
    gc.freeze()
