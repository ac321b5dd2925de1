"""A capturing smarthost for the SMTP transport's tests: a real aiosmtpd server on loopback that
records each mail's bytes and the client port it came from, and answers DATA with given replies."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Smarthost:
    """Records each mail with the client port it came from; `replies` answer DATA instead."""

    received: list[tuple[int, str, list[str], bytes]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.commands.append("RSET")
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
            port = session.peer[1]
            data = envelope.original_content or b""
            self.received.append((port, envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 2.0.0 Ok: queued"

    def ports(self) -> list[int]:
        return [port for port, *_ in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
