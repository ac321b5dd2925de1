"""Browser tests: Playwright driving Debian's Chromium against a real `gobetween serve`.

Nothing here downloads a browser. Without /usr/bin/chromium the tests fail when CI=true (CI must
have run them) and skip otherwise.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

# The demo server helper is shared with the HTTP-level page tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "pages"))

from page_server import Served, demo_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Fail in CI, skip elsewhere, when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`gobetween serve` with the demo marketplace on a temporary SQLite database."""
    require_chromium()
    workdir = tmp_path_factory.mktemp("browser")
    with demo_server(workdir, f"sqlite:///{workdir / 'gobetween.db'}") as server:
        yield server


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
