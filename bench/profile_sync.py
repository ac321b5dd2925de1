"""What keeping operator profiles current across processes costs (services/administration.py).

Three figures, each in CPU time of the measuring thread (time the OS gave other work is not
counted), measured in alternating rounds in one process so both sides of a ratio see the same
load; the report gives the median over rounds:

1. per message: `policy.check` on a 500-character seller message with an operator profile,
   called directly and through `StoredProfiles.checking` (between looks: one clock read), and
   the wrapper alone around a check that does nothing;
2. per look (once per PROFILE_REFRESH_SECONDS per process): reading each stored profile's write
   time when nothing changed, with 20 stored profiles, on SQLite and (given a URL) PostgreSQL;
3. per change: the look that finds one profile (with phrases) edited and builds it again.

    .venv/bin/python bench/profile_sync.py [--rounds 7] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from gobetween import policy
from gobetween.adapters.db import migrate
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine, normalize_url
from gobetween.adapters.db.read_engine import build_read_only_engine
from gobetween.policy import MessageContext
from gobetween.services.administration import (
    PROFILE_REFRESH_SECONDS,
    StoredProfiles,
    put_policy_profile,
)

PROFILES = 20
TEXT = (
    "Hello, thank you for your order. Your parcel left our warehouse this morning and the "
    "carrier expects to deliver it within three working days. If the box arrives damaged, "
    "please answer this message with a photo and we will send a replacement at once. The "
    "assembly guide is in the box; the screws are in the small bag taped to the back panel. "
    "We hope the shelf serves you well for many years. Kind regards from the whole team at the "
    "workshop, and have a good week."
)[:500]


def machine() -> str:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f},"
        f" Python {platform.python_version()}"
    )


def cpu_us(action: Callable[[], object], repeat: int) -> float:
    """CPU microseconds of the thread per call of `action`, over `repeat` calls."""
    start = time.thread_time_ns()
    for _ in range(repeat):
        action()
    return (time.thread_time_ns() - start) / repeat / 1000


def definition(number: int, *, phrase: str = "flash sale") -> dict[str, object]:
    return {
        "extends": "amazon",
        "allowed_link_domains": [f"portal{number}.shop.example"],
        "limits": {"daily_limit_base": 300 + number},
        "phrases": {"en": {"classes": {"marketing_phrase": [phrase]}}},
    }


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measure_store(label: str, url: str, rounds: int) -> None:
    engine = build_engine(url)
    migrate.upgrade(engine)
    reader = build_read_only_engine(engine)
    prefix = f"bench-{uuid.uuid4().hex[:6]}"
    moment = [datetime(2026, 11, 26, tzinfo=UTC)]

    def clock() -> datetime:
        moment[0] += timedelta(seconds=1)
        return moment[0]

    for number in range(PROFILES):
        put_policy_profile(
            f"{prefix}-{number}", definition(number), uow=SqlAccessUnitOfWork(engine), clock=clock
        )
    stored = StoredProfiles(lambda: SqlAccessUnitOfWork(reader), refresh_seconds=0)
    stored.refresh_now()
    looks: list[float] = []
    changes: list[float] = []
    for round_number in range(rounds):
        looks.append(cpu_us(stored.refresh_now, 200))
        put_policy_profile(
            f"{prefix}-0",
            definition(0, phrase=f"mega deal {round_number}"),
            uow=SqlAccessUnitOfWork(engine),
            clock=clock,
        )
        changes.append(cpu_us(stored.refresh_now, 1))
    print(
        f"{label}: a look with nothing changed ({PROFILES} profiles) {statistics.median(looks):.0f}"
        f" µs CPU (at most one per {PROFILE_REFRESH_SECONDS:.0f} s per process; spread over"
        f" 100 msg/s: {statistics.median(looks) / (PROFILE_REFRESH_SECONDS * 100):.2f} µs a"
        " message);"
        f" a look that rebuilds one edited profile {statistics.median(changes) / 1000:.1f} ms CPU"
    )
    if reader is not engine:
        reader.dispose()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("GOBETWEEN_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    print(machine())

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = build_engine(url)
        migrate.upgrade(engine)
        put_policy_profile(
            "bench-shop",
            definition(0),
            uow=SqlAccessUnitOfWork(engine),
            clock=lambda: datetime.now(UTC),
        )
        stored = StoredProfiles(lambda: SqlAccessUnitOfWork(build_read_only_engine(engine)))
        synced = stored.checking(policy.check)
        context = MessageContext(profile="bench-shop")
        stored.refresh_now()
        synced(TEXT, context)  # the first look happens here, outside the timing
        direct_us: list[float] = []
        synced_us: list[float] = []
        for _ in range(args.rounds):
            direct_us.append(cpu_us(lambda: policy.check(TEXT, context), 2000))
            synced_us.append(cpu_us(lambda: synced(TEXT, context), 2000))
        direct, through = statistics.median(direct_us), statistics.median(synced_us)
        print(
            f"per message, 500 characters, operator profile: check() {direct:.2f} µs CPU,"
            f" through StoredProfiles {through:.2f} µs CPU (ratio {through / direct:.3f},"
            f" difference {through - direct:+.2f} µs; medians of {args.rounds} rounds x 2000)"
        )
        # The wrapper alone, around a check that does nothing: what a message pays between looks.
        verdict = policy.check(TEXT, context)

        def nothing(
            text: str, context: MessageContext, *, subject: object = None, facts: object = None
        ) -> policy.Verdict:
            return verdict

        wrapped = stored.checking(nothing)
        bare_ns = statistics.median(
            cpu_us(lambda: nothing(TEXT, context), 200_000) * 1000 for _ in range(args.rounds)
        )
        wrapped_ns = statistics.median(
            cpu_us(lambda: wrapped(TEXT, context), 200_000) * 1000 for _ in range(args.rounds)
        )
        print(
            f"the wrapper alone: {wrapped_ns - bare_ns:.0f} ns CPU per message"
            f" ({bare_ns:.0f} ns bare call, {wrapped_ns:.0f} ns wrapped)"
        )
        engine.dispose()
        measure_store("SQLite", f"sqlite:///{Path(folder) / 'looks.db'}", args.rounds)
    if args.postgres:
        with postgres_schema(args.postgres) as url:
            measure_store("PostgreSQL", url, args.rounds)
    print(machine())


if __name__ == "__main__":
    main()
