"""Benchmark: how fast the delivery worker drains the outbox to a smarthost.

    python bench/delivery.py                                  # SQLite, 4 kB and 200 kB
    python bench/delivery.py --database postgresql --messages 1000 --workers 1 4
    python bench/delivery.py --database postgresql --processes 1 2 --workers 1
    python bench/delivery.py --baseline /tmp/base/src          # A/B against another checkout
    python bench/delivery.py --profile /tmp/drain.prof --rounds 1  # where a drain's CPU goes

The outbox is filled the way the relay fills it: `InboundRelay.receive` takes N buyer mails (4 kB
text, or 200 kB with a PDF) to the seller's alias, so each row is a `message` delivery of a
relayed mail. Then worker processes drain it, wired as in production: the relay's composer
(`OutboxMail`, DKIM-signed with a 2048-bit key loaded from a file), the SMTP transport with its
permanent-failure notices, the webhook routing around both; `--workers` threads in each of
`--processes` processes (as several `gobetween worker --workers N` would run). The smarthost is
the aiosmtpd sink of bench/relay.py, in this process, so the worker processes' CPU is theirs
alone.

Before every drain the outbox is set back to what the relay left (rows pending, nothing
composed yet), so each drain composes, signs and sends every mail afresh. It prints delivered/s
(first claim to the last mail at the sink) and the worker processes' CPU ms per mail (user +
system, from getrusage; on PostgreSQL the server's own CPU is not in it). With `--baseline SRC`,
every drain is run once with the code in SRC (PYTHONPATH) and once with this checkout's,
alternating, `--rounds` times; medians and the ratios (current / baseline) are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SRC = HERE.parent / "src"
DOMAIN = "relay.bench"
# Set for a drain by --profile: the file its cProfile statistics are written to.
PROFILE_VARIABLE = "GOBETWEEN_BENCH_DELIVERY_PROFILE"


# The drain runs in a child process with only gobetween on its path (this checkout's or the
# baseline's), so it must not import the relay benchmark: the lines below are all it needs.
def drain(url: str, key_file: str, sink_port: int, workers: int) -> None:
    """Child process: drain the outbox with `workers` threads; print seconds and CPU seconds."""
    from gobetween.adapters.db.engine import build_engine
    from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
    from gobetween.adapters.mail.dkim_keys import load_key
    from gobetween.adapters.mail.outbox_mail import FailureNotices, OutboxMail
    from gobetween.adapters.mail.smtp_transport import SmtpTransport
    from gobetween.adapters.webhook_transport import with_webhooks
    from gobetween.services.delivery import DeliveryPolicy, deliver_pending

    def clock() -> datetime:
        return datetime.now(UTC)

    engine = build_engine(url, pool_size=max(5, workers + 2))
    key = load_key(Path(key_file), selector="bench", domain=DOMAIN)
    composer = OutboxMail(engine=engine, alias_domain=DOMAIN, key=key, clock=clock)
    transport = SmtpTransport(
        "127.0.0.1",
        sink_port,
        helo=DOMAIN,
        on_permanent_failure=FailureNotices(engine=engine, alias_domain=DOMAIN, clock=clock),
    )
    compose, routed = with_webhooks(composer, transport, engine=engine, clock=clock)
    policy = DeliveryPolicy()
    # Connections and compiled statements are made before the clock starts, as in a long run.
    with engine.connect():
        pass
    delivered = [0] * workers

    def worker(number: int) -> None:
        while True:
            report = deliver_pending(
                uow_factory=lambda: SqlUnitOfWork(engine),
                transport=routed,
                compose=compose,
                worker=f"bench-{number}",
                clock=clock,
                policy=policy,
            )
            delivered[number] += report.delivered
            if report.claimed == 0:
                return

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    profile_file = os.environ.get(PROFILE_VARIABLE)
    if profile_file:
        # cProfile sees only the thread that enables it: the one worker runs in this thread.
        profiler = cProfile.Profile()
        profiler.runcall(worker, 0)
        profiler.dump_stats(profile_file)
    else:
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(worker, number) for number in range(workers)]:
                future.result()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    closing = getattr(transport, "close", None)
    if callable(closing):
        closing()
    engine.dispose()
    print(f"{sum(delivered)} {seconds:.6f} {cpu:.6f} {started:.6f}", flush=True)


# ---------------------------------------------------------------------------------------------


def fill(engine: Any, size: str, count: int) -> None:
    """`count` buyer mails through the relay's receive: one outbox row each."""
    from gobetween.adapters.mail.inbound import Envelope
    from relay import PAIRS, bench_relay, message, seed

    pairs = seed(engine)
    relay = bench_relay(engine)
    try:
        for number in range(count):
            buyer, alias = pairs[number % PAIRS]
            data = message(buyer, alias, size, number)
            reply = relay.receive(Envelope(buyer, alias, "127.0.0.1", "client.buyers.bench", data))
            if not reply.startswith("250"):
                raise RuntimeError(f"the relay refused mail {number}: {reply}")
    finally:
        relay.close()


def reset(engine: Any, *, attachment_bytes_in_rows: bool = False) -> int:
    """Back to what the relay left: every row pending and unclaimed, nothing composed yet.

    The relay keeps a large attachment as a slice of the raw mail (migration 0013), which code
    from before cannot read: `attachment_bytes_in_rows` puts the decoded bytes into the rows,
    as that code's relay stored them, and without it the rows refer to the raw mail again.
    """
    import binascii

    from sqlalchemy import delete, func, select, update

    from gobetween.adapters.db import relay_tables as r
    from gobetween.adapters.db import tables as t

    attachments = r.relay_attachments
    with engine.begin() as connection:
        if attachment_bytes_in_rows:
            slices = connection.execute(
                select(
                    attachments.c.sha256,
                    func.substr(
                        r.relay_inbound.c.raw, attachments.c.raw_start + 1, attachments.c.raw_length
                    ),
                )
                .join(r.relay_inbound, r.relay_inbound.c.id == attachments.c.inbound_id)
                .where(attachments.c.data.is_(None))
            ).all()
            for sha256, body in slices:
                connection.execute(
                    update(attachments)
                    .where(attachments.c.sha256 == sha256)
                    .values(data=binascii.a2b_base64(bytes(body)))
                )
        else:
            connection.execute(
                update(attachments).where(attachments.c.inbound_id.is_not(None)).values(data=None)
            )
        connection.execute(
            update(t.outbox).values(
                status="pending",
                attempts=0,
                claimed_by=None,
                claimed_until=None,
                finished_at=None,
                last_error=None,
            )
        )
        connection.execute(delete(r.relay_outbound))
        # The Message-IDs given to the seller's copies (the inbound ones, party buyer, stay).
        connection.execute(
            delete(r.relay_message_ids).where(r.relay_message_ids.c.party == "seller")
        )
        return int(connection.execute(select(func.count()).select_from(t.outbox)).scalar_one())


def run_drain(
    src: Path,
    url: str,
    key_file: str,
    sink_port: int,
    workers: int,
    times: list[float],
    processes: int = 1,
) -> dict[str, float]:
    """One drain by `processes` worker processes at once, each running the code in `src`."""
    times.clear()
    environment = dict(os.environ, PYTHONPATH=str(src))
    command = [sys.executable, __file__, "--drain", url, key_file, str(sink_port), str(workers)]
    children = [
        subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(processes)
    ]
    outputs = [child.communicate(timeout=1800) for child in children]
    for child, (_out, error) in zip(children, outputs, strict=True):
        if child.returncode != 0:
            raise RuntimeError(f"a drain failed:\n{error[-4000:]}")
    count = 0
    cpu = 0.0
    started: list[float] = []
    for out, _error in outputs:
        delivered, _seconds, cpu_seconds, began = out.split()[-4:]
        count += int(delivered)
        cpu += float(cpu_seconds)
        started.append(float(began))
    if len(times) != count:
        raise RuntimeError(f"the workers reported {count} delivered, the sink got {len(times)}")
    # The sink's clock and the children's are the same monotonic clock (perf_counter, one host).
    first = min(started)
    last = max(times) if times else first
    elapsed = max(last - first, 1e-9)
    return {"delivered": count, "per_s": count / elapsed, "cpu_ms": 1000 * cpu / max(count, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--messages", type=int, default=600, help="mails per size")
    parser.add_argument("--sizes", nargs="+", choices=("4k", "200k"), default=["4k", "200k"])
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 4], help="worker threads per process"
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1],
        help="worker processes draining at once (as several `gobetween worker` would)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="drains per configuration")
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to compare with")
    parser.add_argument(
        "--baseline-reads-slices",
        action="store_true",
        help="the baseline's code reads an attachment kept as a slice of the raw mail (migration "
        "0013, from 9053f0f on): its drains get the rows the relay left, as the current code's "
        "do, instead of the attachment bytes put back into them",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="run this checkout's drains with one worker thread under cProfile and write the "
        "statistics to this file, for each size as FILE.<size> (the CPU figures include "
        "cProfile's cost)",
    )
    parser.add_argument("--drain", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile is not None:
        args.workers, args.processes = [1], [1]
    if args.drain:
        drain(args.drain[0], args.drain[1], int(args.drain[2]), int(args.drain[3]))
        return

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent / "tests" / "integration" / "relay"))
    from aiosmtpd.controller import Controller

    from gobetween.adapters.mail.dkim_keys import generate_key, save_key
    from message_core_fixture import DEFAULT_PG_URL, fresh_database, machine
    from relay import Sink, free_port

    pg_url = args.pg_url or os.environ.get("GOBETWEEN_TEST_DATABASE_URL", DEFAULT_PG_URL)
    codes = [("current", SRC)]
    if args.baseline is not None:
        codes = [("baseline", args.baseline.resolve()), *codes]
    print(f"machine: {machine()}")
    print(
        f"{args.database}, {args.messages} relayed mails per size, DKIM rsa-sha256 2048, "
        f"aiosmtpd sink on loopback, {args.rounds} rounds, medians"
    )
    print(
        f"{'size':>5} {'procxthr':>8} {'code':>9} {'delivered/s':>12} {'CPU ms/mail':>12}"
        f" {'rounds (per s)':>24}"
    )
    with tempfile.TemporaryDirectory(prefix="gobetween-bench-") as folder:
        key_file = str(Path(folder) / "dkim.pem")
        save_key(generate_key(selector="bench", domain=DOMAIN), Path(key_file))
        times: list[float] = []
        sink_port = free_port()
        sink = Controller(Sink(times), hostname="127.0.0.1", port=sink_port)
        sink.start()
        try:
            for size in args.sizes:
                with fresh_database(args.database, pg_url) as (engine, url):
                    fill(engine, size, args.messages)
                    shapes = [(p, w) for p in args.processes for w in args.workers]
                    for processes, workers in shapes:
                        shape = f"{processes}x{workers}"
                        results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in codes}
                        for _round in range(args.rounds):
                            for name, src in codes:
                                bytes_in_rows = (
                                    name == "baseline" and not args.baseline_reads_slices
                                )
                                reset(engine, attachment_bytes_in_rows=bytes_in_rows)
                                if args.profile is not None and name == "current":
                                    os.environ[PROFILE_VARIABLE] = f"{args.profile}.{size}"
                                else:
                                    os.environ.pop(PROFILE_VARIABLE, None)
                                results[name].append(
                                    run_drain(
                                        src, url, key_file, sink_port, workers, times, processes
                                    )
                                )
                        medians: dict[str, tuple[float, float]] = {}
                        for name, _src in codes:
                            runs = results[name]
                            rate = statistics.median(run["per_s"] for run in runs)
                            cpu = statistics.median(run["cpu_ms"] for run in runs)
                            medians[name] = (rate, cpu)
                            listed = " ".join(f"{run['per_s']:.0f}" for run in runs)
                            print(
                                f"{size:>5} {shape:>8} {name:>9} {rate:12.1f} {cpu:12.2f}"
                                f" {listed:>24}",
                                flush=True,
                            )
                        if "baseline" in medians:
                            base, current = medians["baseline"], medians["current"]
                            print(
                                f"{size:>5} {shape:>8} {'ratio':>9} {current[0] / base[0]:11.2f}x"
                                f" {current[1] / base[1]:11.2f}x",
                                flush=True,
                            )
        finally:
            sink.stop()
    print("load average at the end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    print("procxthr: worker processes x worker threads in each.")
    print("delivered/s: first claim to the last mail at the sink; CPU: the worker processes'.")


if __name__ == "__main__":
    main()
