"""A delivery worker run in its own process by test_outbox.py; it can be made to die mid-delivery.

usage: outbox_crash_worker.py DATABASE_URL FOLDER NOW_ISO crash|normal

`crash` kills the process (os._exit, no cleanup, no commit) right after the transport delivered
its first mail and before the worker records it as done.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.compose import compose_delivery
from gobetween.adapters.mail.folder_transport import FolderTransport
from gobetween.services.delivery import DeliveryPolicy, deliver_pending
from gobetween.services.ports import OutboundMail

CRASH_EXIT = 17


class LoggingTransport:
    """Delivers through a FolderTransport and logs every attempt; may die after the first."""

    def __init__(self, folder: Path, *, crash: bool) -> None:
        self.inner = FolderTransport(folder)
        self.log = folder / "attempts.log"
        self.crash = crash

    def deliver(self, mail: OutboundMail) -> None:
        self.inner.deliver(mail)
        with self.log.open("a") as log:
            log.write(mail.delivery_key + "\n")
        if self.crash:
            os._exit(CRASH_EXIT)


def main() -> None:
    url, folder, now_iso, mode = sys.argv[1:5]
    engine = build_engine(url)
    now = datetime.fromisoformat(now_iso)
    report = deliver_pending(
        uow_factory=lambda: SqlUnitOfWork(engine),
        transport=LoggingTransport(Path(folder), crash=mode == "crash"),
        compose=partial(compose_delivery, alias_domain="relay.example"),
        worker=f"worker-{os.getpid()}",
        clock=lambda: now,
        policy=DeliveryPolicy(lease=timedelta(seconds=60)),
    )
    print(f"claimed={report.claimed} delivered={report.delivered}")


if __name__ == "__main__":
    main()
