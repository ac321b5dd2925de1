"""Running the installed `gobetween` console script in a subprocess, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOBETWEEN = Path(sys.executable).with_name("gobetween")


def clean_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The caller's environment without any GOBETWEEN_* setting, pointed at one database."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOBETWEEN_")}
    environ["GOBETWEEN_DATABASE_URL"] = database_url
    environ["GOBETWEEN_DELIVERY_FOLDER"] = str(workdir / "delivered")
    return environ


def gobetween(
    *args: str, environ: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `gobetween ARGS...` to completion; never raises on a non-zero exit."""
    return subprocess.run(
        [str(GOBETWEEN), *args],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
