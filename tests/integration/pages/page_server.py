"""A real `gobetween serve` with the demo loaded, for page tests over HTTP and in a browser."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

GOBETWEEN = Path(sys.executable).with_name("gobetween")
DEMO_PASSWORD = "gobetween-demo"
DEMO_DOMAIN = "demo.gobetween.localhost"


@dataclass(frozen=True)
class Served:
    """A running server: where it answers, its environment (for more CLI calls), its database."""

    base_url: str
    environ: dict[str, str]
    workdir: Path
    database_url: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_cli(served_env: dict[str, str], workdir: Path, *args: str) -> str:
    """Run `gobetween ARGS` and return its output; raise with stderr when it fails."""
    done = subprocess.run(
        [str(GOBETWEEN), *args],
        env=served_env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"gobetween {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@contextmanager
def demo_server(workdir: Path, database_url: str) -> Iterator[Served]:
    """Migrate, load the demo (with its sign-ins) and serve on a free loopback port."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOBETWEEN_")}
    port = free_port()
    environ |= {
        "GOBETWEEN_DATABASE_URL": database_url,
        "GOBETWEEN_DELIVERY_FOLDER": str(workdir / "delivered"),
        "GOBETWEEN_ATTACHMENT_FOLDER": str(workdir / "attachments"),
        "GOBETWEEN_HTTP_PORT": str(port),
        "GOBETWEEN_HTTP_HOST": "127.0.0.1",
        # `serve` also listens for mail; a port of its own so servers of parallel runs coexist.
        "GOBETWEEN_SMTP_PORT": str(free_port()),
        "GOBETWEEN_LOG_LEVEL": "WARNING",
    }
    run_cli(environ, workdir, "migrate")
    run_cli(environ, workdir, "demo")
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(
        [str(GOBETWEEN), "serve"],
        env=environ,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base_url, process)
        yield Served(base_url, environ, workdir, database_url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_health(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    # One client for every probe, closed at the end, so a probe that timed out on a busy machine
    # leaves no socket behind.
    with httpx.Client(base_url=base_url, timeout=10) as probe:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gobetween serve exited with {process.returncode}")
            try:
                if probe.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError("gobetween serve did not become healthy in 120 s")


def demo_email(role: str, party_id: str | None = None) -> str:
    """The demo sign-in of a role (and seller or buyer id)."""
    if party_id is None:
        return f"{role}@{DEMO_DOMAIN}"
    slug = re.sub(r"[^a-z0-9]+", "-", party_id.lower()).strip("-")
    return f"{slug if slug.startswith(role + '-') else f'{role}-{slug}'}@{DEMO_DOMAIN}"


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def signed_in(base_url: str, email: str, password: str = DEMO_PASSWORD) -> httpx.Client:
    """An HTTP client with a session of `email`.

    The session cookie is Secure; httpx keeps Secure cookies for https only, so the test copies
    it into the client by hand (a browser sends it to a loopback address).
    """
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as login:
        form = login.get("/login")
        login.cookies.set("gb_login_csrf", form.cookies["gb_login_csrf"])
        response = login.post(
            "/login",
            data={
                "email": email,
                "password": password,
                "csrf_token": csrf_of(form.text),
                "next": "",
            },
        )
    assert response.status_code == 303, response.text
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
    client.cookies.set("gb_session", response.cookies["gb_session"])
    return client
