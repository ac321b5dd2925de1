"""A private Postfix instance on loopback, started and stopped by a test or benchmark.

Its own config, queue and data directories under a fresh folder; it listens on 127.0.0.1 only,
hands mail for the alias domain to our LMTP listener, and relays anything else to a sink port.
DNS is off, so nothing can leave the machine.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_MASTER_SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def postfix_problem() -> str | None:
    """Why a private Postfix cannot run here, or None."""
    if shutil.which("postfix") is None:
        return "postfix is not installed (Debian package postfix)"
    if os.geteuid() != 0:
        return "a private Postfix instance needs root"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "the postfix user does not exist"
    return None


def _run(config: Path, command: str) -> None:
    # `script` gives postfix a terminal, so its fatal messages reach us instead of syslog.
    result = subprocess.run(
        ["script", "-qec", f"postfix -c {config} {command}", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"postfix {command} failed: {result.stdout}{result.stderr}")


def _wait_listening(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"postfix did not listen on 127.0.0.1:{port}")


@contextmanager
def postfix_instance(
    *,
    listen_port: int,
    relay_domain: str,
    relay_port: int,
    lmtp_port: int | None = None,
    virtual_alias: tuple[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> Iterator[Path]:
    """Run Postfix on 127.0.0.1:listen_port; yields its folder (maillog inside)."""
    # Not under pytest's tmp_path: its parents are mode 0700, and Postfix's daemons run as the
    # postfix user, which must reach the queue.
    root = Path(tempfile.mkdtemp(prefix="gobetween-postfix-", dir="/tmp"))
    root.chmod(0o755)
    config, queue, data = root / "etc", root / "queue", root / "data"
    for folder in (config, queue, data):
        folder.mkdir()
        folder.chmod(0o755)
    shutil.chown(data, user="postfix")
    data.chmod(0o700)
    settings = {
        "compatibility_level": "3.6",
        "queue_directory": str(queue),
        "data_directory": str(data),
        "inet_interfaces": "127.0.0.1",
        "inet_protocols": "ipv4",
        "myhostname": "mx.gobetween.test",
        "mydestination": "",
        "mynetworks": "127.0.0.0/8",
        "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        "relayhost": f"[127.0.0.1]:{relay_port}",
        "smtp_dns_support_level": "disabled",
        "message_size_limit": str(25 * 1024 * 1024),
        "alias_maps": "",
        "alias_database": "",
        "local_recipient_maps": "",
        "maillog_file": str(root / "maillog"),
        "maillog_file_prefixes": "/tmp",
        "biff": "no",
        "smtputf8_enable": "no",
        "default_process_limit": "100",
    }
    if lmtp_port is not None:
        settings |= {
            "relay_domains": relay_domain,
            "transport_maps": f"inline:{{ {relay_domain}=lmtp:[127.0.0.1]:{lmtp_port} }}",
            "lmtp_send_xforward_command": "yes",
            "lmtp_destination_recipient_limit": "1",
        }
    if virtual_alias is not None:
        settings |= {
            "virtual_alias_domains": relay_domain,
            "virtual_alias_maps": f"inline:{{ {virtual_alias[0]}={virtual_alias[1]} }}",
        }
    settings |= extra or {}
    (config / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    master = f"127.0.0.1:{listen_port} inet n - n - - smtpd\n" + _MASTER_SERVICES
    (config / "master.cf").write_text(master)
    _run(config, "check")
    _run(config, "start")
    try:
        _wait_listening(listen_port)
        yield root
    finally:
        try:
            _run(config, "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)
