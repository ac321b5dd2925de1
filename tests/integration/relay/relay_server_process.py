"""Run the relay listener alone in this process until killed (the crash test's victim).

Usage: python relay_server_process.py DATABASE_URL PORT
The DNS zone is the test world's; no delivery worker runs here.
"""

from __future__ import annotations

import signal
import sys
import threading

from relay_world import DOMAIN, NOW, zone

from gobetween import policy
from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.adapters.mail.inbound import InboundRelay
from gobetween.adapters.mail.sender_auth import SenderAuthenticator
from gobetween.entrypoints.smtp import RelayController, relay_committer, relay_read_engine
from gobetween.services.messaging import MessagingLimits


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    engine = build_engine(url)
    relay = InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(zone(generate_key(selector="x", domain=DOMAIN))),
        check_policy=policy.check,
        clock=lambda: NOW,
        limits=MessagingLimits(),
        alias_domain=DOMAIN,
        # As `gobetween serve` wires one listener.
        group_commit=relay_committer(engine, shared_port=False),
        read_engine=relay_read_engine(engine),
    )
    controller = RelayController(relay, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
