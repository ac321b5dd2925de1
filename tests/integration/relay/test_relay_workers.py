"""The listener decides many sessions' mail at once, not only asyncio's default few threads."""

from __future__ import annotations

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import cast

from relay_world import free_port

from gobetween.adapters.mail.inbound import Envelope, InboundRelay
from gobetween.entrypoints.smtp import RELAY_WORKERS, RelayController

# More than asyncio's default executor has on a small machine (min(32, cores + 4)).
AT_ONCE = 12


class _RelayWaitingForOthers:
    """A relay whose every mail waits until AT_ONCE mails are being decided together."""

    def __init__(self) -> None:
        self.together = threading.Barrier(AT_ONCE, timeout=20)
        self.closed = False

    def check_recipient(self, address: str) -> str | None:
        return None

    def receive(self, envelope: Envelope) -> str:
        self.together.wait()  # BrokenBarrierError (-> 451) unless AT_ONCE arrive together
        return "250 2.0.0 Accepted"

    def close(self) -> None:
        self.closed = True


def test_more_mails_than_the_default_executor_are_decided_at_once() -> None:
    assert RELAY_WORKERS >= AT_ONCE
    relay = _RelayWaitingForOthers()
    port = free_port()
    controller = RelayController(cast(InboundRelay, relay), hostname="127.0.0.1", port=port)
    controller.start()

    def send(number: int) -> dict[str, tuple[int, bytes]]:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            return client.sendmail(
                "a@example.org", [f"x{number}@relay.example"], b"Subject: hi\r\n\r\nhello\r\n"
            )

    try:
        with ThreadPoolExecutor(AT_ONCE) as pool:
            refused = list(pool.map(send, range(AT_ONCE)))
    finally:
        controller.stop()
    assert refused == [{}] * AT_ONCE
    assert not relay.together.broken
    assert relay.closed
