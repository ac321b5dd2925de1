"""Crash safety of the 250 (kill -9 after it, then restart) and swaks as a real client."""

from __future__ import annotations

import os
import shutil
import signal
import smtplib
import subprocess
import sys
from email.policy import SMTP
from pathlib import Path

import pytest
from relay_world import BUYER_EMAIL, DOMAIN, free_port, mail, running_world, seed
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey

HERE = Path(__file__).parent


def _messages(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.messages)).scalar_one())


def _start_server(database_url: str, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen(
        [sys.executable, str(HERE / "relay_server_process.py"), database_url, str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", line
    return process


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> None:
    os.kill(process.pid, how)
    process.wait(10)
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.slow
def test_kill_9_after_250_then_restart_delivers_exactly_once(
    engine: Engine, database_url: str, relay_key: DkimKey
) -> None:
    aliases = seed(engine)
    seller_alias = aliases.seller.address(DOMAIN)
    message = mail(sender=BUYER_EMAIL, to=seller_alias, text="Is it shipped yet?")
    port = free_port()
    server = _start_server(database_url, port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            refused = client.sendmail(BUYER_EMAIL, [seller_alias], message.as_bytes(policy=SMTP))
        assert refused == {}
    finally:
        # No goodbye: the process dies the moment after its 250.
        _stop(server, signal.SIGKILL)
    assert _messages(engine) == 1  # the 250 came after the commit
    restarted = _start_server(database_url, port)
    try:
        # The client never heard the 250 (say) and sends the same mail again.
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail(BUYER_EMAIL, [seller_alias], message.as_bytes(policy=SMTP))
    finally:
        _stop(restarted, signal.SIGTERM)
    assert _messages(engine) == 1
    # A delivery worker starts after the crash: the one stored copy goes out once.
    with running_world(engine, relay_key) as world:
        report = world.deliver()
        assert report.delivered == 1
        assert world.deliver().claimed == 0
        assert len(world.sink.received) == 1


def test_swaks_submits_a_mail_with_an_attachment(
    engine: Engine, relay_key: DkimKey, tmp_path: Path
) -> None:
    swaks = shutil.which("swaks")
    if swaks is None:
        # .ci/run installs it; a missing client must fail the run, not skip silently.
        pytest.fail("swaks is not installed (Debian package swaks; .ci/run installs it)")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4\n%fake invoice for the test\n")
    with running_world(engine, relay_key) as world:
        result = subprocess.run(
            [
                swaks,
                "--server",
                f"127.0.0.1:{world.relay_port}",
                "--helo",
                "client.buyer.example",
                "--from",
                BUYER_EMAIL,
                "--to",
                world.seller_alias,
                "--header",
                "Subject: Damaged item",
                "--header",
                "X-Mailer: swaks leaks this",
                "--body",
                "The box arrived crushed. Photo attached.",
                "--attach-type",
                "application/pdf",
                "--attach-name",
                "invoice.pdf",
                "--attach",
                f"@{invoice}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "<-  250 2.0.0 Accepted as message" in result.stdout
        assert _messages(engine) == 1
        assert world.deliver().delivered == 1
        [delivered] = world.sink.messages()
        assert delivered["X-Mailer"] is None
        files = [(p.get_filename(), p.get_content()) for p in delivered.iter_attachments()]
        assert files == [("invoice.pdf", invoice.read_bytes())]
