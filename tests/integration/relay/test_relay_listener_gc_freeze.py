"""An extra listener process freezes what its start-up built out of the cyclic garbage collector
before it says it is ready, as `serve` does for its own listener before it serves
(entrypoints/port_sharing_processes.py, freeze_startup_objects): a full pass over those objects
holds the GIL for 100 ms and more, with no mail moving."""

from __future__ import annotations

import gc
import multiprocessing
import threading
from pathlib import Path

from relay_world import free_port, listener_settings

from gobetween.bootstrap import build_platform
from gobetween.entrypoints.smtp import _listener_process


def test_an_extra_listener_freezes_its_start_up_objects_before_it_is_ready(
    tmp_path: Path,
) -> None:
    settings = listener_settings(tmp_path / "relay.db", smtp_port=free_port())
    platform = build_platform(settings)
    try:
        platform.migrate()
    finally:
        platform.close()
    ours, theirs = multiprocessing.Pipe()
    # The child's body, run here (a thread of this process) so that its collector can be read.
    listener = threading.Thread(target=_listener_process, args=(settings, None, theirs))
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        listener.start()
        assert ours.poll(60), "the listener did not answer"
        assert ours.recv() == "ready"
        # Everything tracked by then (modules, the platform, the relay): tens of thousands.
        assert gc.get_freeze_count() > 10_000
        ours.send("stop")
        listener.join(60)
        assert not listener.is_alive()
    finally:
        gc.unfreeze()
        ours.close()
