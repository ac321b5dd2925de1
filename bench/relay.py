"""Benchmark: the mail relay under 20 concurrent SMTP clients, next to Postfix alone.

    python bench/relay.py                       # SQLite, 400 messages per size
    python bench/relay.py --database postgresql --messages 1000

For 4 kB and 200 kB messages (the large one is a short text with a PDF attachment) it prints
messages accepted per second, p50/p99 accept latency (MAIL FROM to the 250 after DATA) and
messages delivered per second to a capturing smarthost. In the same run, Postfix alone (a private
loopback instance, virtual alias map to the same real address, relayhost = the same kind of sink)
takes the same load as the reference MTA, and the ratio is printed. Loopback only; it stops by
itself after --messages per size.

Our listener runs in its own process (as in production), the clients are threads here. Each
client's DATA block (dot-stuffed, CRLF-ended, the lone dot: the bytes smtplib's DATA would send)
is made before the clock starts, so the load generator does not spend the two cores' time on
smtplib's dot-stuffing regular expression while the MTAs are measured.

    python bench/relay.py --baseline /tmp/base --rounds 3 --no-delivery --sizes 4k

`--baseline CHECKOUT` runs another checkout's listener (its own bench file, its `src` first on
the path; e.g. a `git worktree` of an older revision), and its delivery (this bench file's
delivery process with that `src` first on the path), right before ours for every row, so both
meet the same machine; `--rounds N` repeats everything and prints medians and the ratios of
ours to the baseline. `--no-delivery` measures accepting only, `--no-references` skips aiosmtpd
and Postfix. `--profile PATH` runs every listener thread under cProfile (thread CPU time) and
writes pstats files PATH.<size>.<listener>, and the delivery workers' to PATH.<size>.delivery.
The smarthost both our delivery and Postfix send to is an aiosmtpd sink in a process of its own.

    python bench/relay.py --stages 300 --sizes 200k   # where a mail's CPU goes, in-process

`--listeners` defaults to the count `gobetween serve` runs by default here (smtp_listeners = 0:
one per core, at most 2); `--listeners 1 2` compares the two.

`--stages N` calls the relay's RCPT check and `InboundRelay.receive` directly for N mails (no
SMTP, no group commit: each mail commits on its own) and prints the thread CPU time per mail of
each stage: parse, the body text (read after the sender checks), the exactly-once key (the
body's hash), lookups, SPF/DKIM/DMARC, and the message service with its policy check, case
hooks and the relay's rows plus the commit inside (the raw mail and the attachments' bytes are
written there). One table per size in --sizes. On PostgreSQL also the statements sent per mail,
each a round trip, by kind. `--replies` measures replies in open threads only (as 4 of 5 mails
of the load are); without it the first mail of each pair opens its thread and case.
Stages are timed by wrapping the functions the relay calls, so the figures are comparable
between revisions (PYTHONPATH=<other checkout>/src runs the same bench on another).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import smtplib
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
# The private Postfix instance is shared with the relay's end-to-end test.
sys.path.insert(0, str(HERE.parent / "tests" / "integration" / "relay"))

from aiosmtpd.controller import Controller  # noqa: E402
from postfix_instance import postfix_instance, postfix_problem  # noqa: E402
from sqlalchemy import Engine  # noqa: E402

from gobetween import policy  # noqa: E402
from gobetween.adapters.db.engine import build_engine  # noqa: E402
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork  # noqa: E402
from gobetween.adapters.mail import inbound as inbound_module  # noqa: E402
from gobetween.adapters.mail.dkim_keys import generate_key  # noqa: E402
from gobetween.adapters.mail.inbound import Envelope, InboundRelay  # noqa: E402
from gobetween.adapters.mail.outbox_mail import OutboxMail  # noqa: E402
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver  # noqa: E402
from gobetween.adapters.mail.smtp_transport import SmtpTransport, data_block  # noqa: E402
from gobetween.domain.orders import Order  # noqa: E402
from gobetween.domain.parties import Buyer, Seller  # noqa: E402
from gobetween.entrypoints.smtp import (  # noqa: E402
    RelayController,
    RelaySMTP,
    relay_committer,
    relay_read_engine,
)
from gobetween.services.aliases import ensure_pair_aliases  # noqa: E402
from gobetween.services.case_hooks import CaseHooks  # noqa: E402
from gobetween.services.delivery import DeliveryPolicy, deliver_pending  # noqa: E402
from gobetween.services.messaging import MessagingLimits  # noqa: E402
from message_core_fixture import (  # noqa: E402
    DEFAULT_PG_URL,
    backend_cpu,
    fresh_database,
    machine,
    process_cpu,
)

DOMAIN = "relay.bench"
CLIENTS = 20
# Delivery workers draining the outbox at once (setting delivery_workers).
DELIVERY_WORKERS = 4
PAIRS = 200
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
LIMITS = MessagingLimits(daily_limit_base=10**9)
SENTENCE = "The parcel left our warehouse this morning and the tracking shows it in transit. "


def zone() -> StaticResolver:
    resolver = StaticResolver()
    resolver.add("buyers.bench", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    resolver.add("_dmarc.buyers.bench", "TXT", "v=DMARC1; p=reject")
    return resolver


def seed(engine: Engine) -> list[tuple[str, str]]:
    """PAIRS buyers of one seller, one order each; returns (buyer address, seller alias)."""
    pairs: list[tuple[str, str]] = []
    with SqlUnitOfWork(engine) as uow:
        uow.sellers.upsert(
            Seller("s1", "Bench Store", "Bench Ltd", "cs@seller.bench", ("owner@seller.bench",)),
            now=NOW,
        )
        for number in range(PAIRS):
            buyer_id = f"b{number}"
            address = f"buyer{number}@buyers.bench"
            uow.buyers.upsert(Buyer(buyer_id, f"Buyer {number}", address, "en"), now=NOW)
            order = f"114-{number:07d}-0000001"
            uow.orders.upsert(
                Order(
                    order,
                    "US",
                    "s1",
                    buyer_id,
                    "seller",
                    "shipped",
                    "books",
                    NOW - timedelta(days=1),
                ),
                now=NOW,
            )
            aliases = ensure_pair_aliases(uow=uow, buyer_id=buyer_id, seller_id="s1", now=NOW)
            pairs.append((address, aliases.seller.address(DOMAIN)))
        uow.commit()
    return pairs


def message(sender: str, to: str, size: str, number: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = f"Question {number}"
    mail["Message-ID"] = f"<bench-{size}-{number}@buyers.bench>"
    text = (SENTENCE * 60)[:4000] if size == "4k" else SENTENCE * 4
    mail.set_content(f"Message {number}. {text}")
    if size == "200k":
        pdf = b"%PDF-1.4\n" + os.urandom(196_000)
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename="photo.pdf")
    return mail.as_bytes(policy=SMTP)


# ---------------------------------------------------------------------------------------------


def profile_every_thread() -> Callable[[str], None]:
    """cProfile in every thread started from now on; the returned function writes their merged
    stats to a file once the threads have ended (aiosmtpd's loop, the deciding threads, the
    writer). The profiler slows what it watches: read it for where the time goes, not how much.
    """
    import cProfile
    import pstats

    profiles: list[cProfile.Profile] = []
    run = threading.Thread.run

    def profiled_run(thread: threading.Thread) -> None:
        profile = cProfile.Profile(time.thread_time)  # CPU, not the waits for the GIL
        profile.enable()
        try:
            run(thread)
        finally:
            profile.disable()
            profiles.append(profile)

    threading.Thread.run = profiled_run  # type: ignore[method-assign]

    def dump(path: str) -> None:
        if profiles:
            pstats.Stats(*profiles).dump_stats(path)  # type: ignore[arg-type]

    return dump


def bench_relay(engine: Any, **wiring: Any) -> InboundRelay:
    """The relay the benchmarks drive: the real policy check, the bench's DNS zone, no daily
    limit in the way, the bench's alias domain; `wiring` as the caller runs it."""
    return InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(zone()),
        check_policy=policy.check,
        clock=lambda: datetime.now(UTC),
        limits=LIMITS,
        alias_domain=DOMAIN,
        **wiring,
    )


def median_change(
    runs: list[dict[str, float]], base: list[dict[str, float]]
) -> Callable[[str, str], str]:
    """`against(key, format)`: this checkout's median of `key` against the baseline's, with the
    change, e.g. "4.22 against 5.70 (-26%)"."""

    def against(key: str, number_format: str) -> str:
        ours = statistics.median(run[key] for run in runs)
        theirs = statistics.median(run[key] for run in base)
        return f"{ours:{number_format}} against {theirs:{number_format}} ({ours / theirs - 1:+.0%})"

    return against


def production_pool_size(url: str) -> int:
    """The connection pool `gobetween serve` gives its engine (settings' database_pool_size):
    with build_engine's smaller default, the listener's deciding threads and its kept lookup
    connections outnumbered the pool on PostgreSQL, and connections were closed and reopened
    under load."""
    from gobetween.bootstrap.settings import Settings

    return Settings(database_url=url).database_pool_size


def serve(url: str, port: int, reuse_port: bool, profile_to: str | None = None) -> None:
    """One listener process: runs until SIGTERM."""
    dump_profile = profile_every_thread() if profile_to else None
    engine = build_engine(url, pool_size=production_pool_size(url))
    relay = bench_relay(
        engine,
        # As `gobetween serve` wires it: several processes' SQLite writers take turns by lock.
        group_commit=relay_committer(engine, shared_port=reuse_port),
        read_engine=relay_read_engine(engine),
    )
    # As `gobetween serve` wires it: fewer deciding threads on PostgreSQL. Imported here: the
    # delivery process runs this file against a baseline checkout's src, which may predate it.
    from gobetween.entrypoints.smtp import relay_workers

    controller = RelayController(
        relay,
        hostname="127.0.0.1",
        port=port,
        reuse_port=reuse_port,
        workers=relay_workers(engine),
    )
    controller.start()
    # As `gobetween serve` does once its listener is built, and each extra listener process.
    # Imported here: this file's delivery process also runs against a baseline's older src.
    from gobetween.entrypoints.port_sharing_processes import freeze_startup_objects

    freeze_startup_objects()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    if dump_profile is not None and profile_to:
        dump_profile(profile_to)


@dataclass
class Sink:
    """The smarthost: counts what arrives and when (`time.monotonic()`, one clock for every
    process on the machine)."""

    times: list[float]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.times.append(time.monotonic())
        return "250 2.0.0 Ok"


def sink_listener(port: int) -> None:
    """`--sink`: the smarthost's process. Prints "ready"; each line "arrivals" on stdin is
    answered with one line, the arrival times so far; it stops at the end of stdin."""
    times: list[float] = []
    controller = Controller(Sink(times), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "arrivals":
            print(" ".join(repr(at) for at in list(times)), flush=True)
    controller.stop()


class SinkProcess:
    """The smarthost in a process of its own, as a real one would be: its CPU is not counted in
    the delivery's, and it takes no GIL from the delivery workers or the load's clients.
    (Receiving a 200 kB mail costs aiosmtpd about as much CPU as our delivery sending it.)"""

    def __init__(self) -> None:
        self.port = free_port()
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("the sink process did not start")

    def arrivals(self) -> list[float]:
        """`time.monotonic()` of every mail the sink has accepted so far."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write("arrivals\n")
        self._process.stdin.flush()
        return [float(at) for at in self._process.stdout.readline().split()]

    def wait_for(self, count: int, seconds: float) -> list[float]:
        """The arrival times once `count` mails have arrived, or after `seconds` if fewer."""
        deadline = time.monotonic() + seconds
        times = self.arrivals()
        while len(times) < count and time.monotonic() < deadline:
            time.sleep(0.05)
            times = self.arrivals()
        return times

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(30)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> SinkProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PreparedDataClient(smtplib.SMTP):
    """smtplib's client whose DATA sends a block made before the clock started.

    smtplib's own DATA runs its dot-stuffing regular expression over every mail it sends, about
    1 ms of the load's CPU per 200 kB mail here (the same two cores as the MTAs measured): the
    block is the same bytes (`data_block`, checked against smtplib's in `load`), made once per
    mail before the load starts, as a load generator's work should be."""

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(msg)
        return self.getreply()


def smtplib_data_block(data: bytes) -> bytes:
    """The bytes smtplib's own DATA sends for `data` (a mail with CRLF line ends)."""
    block = smtplib._quote_periods(data)  # type: ignore[attr-defined]
    if block[-2:] != b"\r\n":
        block += b"\r\n"
    return bytes(block + b".\r\n")


def load(port: int, jobs: list[tuple[str, str, bytes]]) -> tuple[float, list[float]]:
    """Send every job from CLIENTS threads, one connection each; (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    blocks = [(sender, recipient, data_block(data)) for sender, recipient, data in jobs]
    if blocks and blocks[0][2] != smtplib_data_block(jobs[0][2]):
        raise RuntimeError("the prepared DATA block is not the one smtplib would send")
    chunks = [blocks[i::CLIENTS] for i in range(CLIENTS)]

    def client(chunk: list[tuple[str, str, bytes]]) -> None:
        with PreparedDataClient("127.0.0.1", port, timeout=120) as connection:
            connection.ehlo("client.buyers.bench")
            for sender, recipient, data in chunk:
                started = time.perf_counter()
                refused = connection.sendmail(sender, [recipient], data)
                elapsed = time.perf_counter() - started
                if refused:
                    raise RuntimeError(f"refused: {refused}")
                with lock:
                    latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(client, chunk) for chunk in chunks]:
            future.result()
    return time.perf_counter() - started, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_gobetween(
    kind: str,
    pg_url: str,
    size: str,
    count: int,
    listeners: int = 1,
    profile_to: str | None = None,
    *,
    source: Path | None = None,
    deliver: bool = True,
) -> dict[str, float]:
    """One row: our listener(s) under the load, then (with `deliver`) the delivery workers.

    `source`: another checkout whose listener is measured instead (its own bench file serves,
    with its `src` first on the path), for a baseline in the same run.
    """
    command = [sys.executable, __file__]
    environment = None
    if source is not None:
        command = [sys.executable, str(source / "bench" / "relay.py")]
        environment = {**os.environ, "PYTHONPATH": str(source / "src")}
    with fresh_database(kind, pg_url, name_sessions=True) as (engine, url):
        pairs = seed(engine)
        port = free_port()
        reuse = "reuse" if listeners > 1 else "single"
        servers = [
            subprocess.Popen(
                [*command, "--serve", url, str(port), reuse]
                + ([] if profile_to is None else ["--profile", f"{profile_to}.{size}.{number}"]),
                stdout=subprocess.PIPE,
                text=True,
                env=environment,
            )
            for number in range(listeners)
        ]
        try:
            for server in servers:
                assert server.stdout is not None
                if server.stdout.readline().strip() != "ready":
                    raise RuntimeError("a relay process did not start")
            warmup = [
                (b, a, message(b, a, size, 10**6 + i)) for i, (b, a) in enumerate(pairs[:CLIENTS])
            ]
            load(port, warmup)
            jobs = [
                (pairs[i % PAIRS][0], pairs[i % PAIRS][1], message(*pairs[i % PAIRS], size, i))
                for i in range(count)
            ]
            cpu_before = sum(cpu_seconds(server.pid) for server in servers)
            backends_before = backend_cpu(engine)
            seconds, latencies = load(port, jobs)
            cpu_ms = 1000 * (sum(cpu_seconds(server.pid) for server in servers) - cpu_before)
            backends_ms = 1000 * backend_seconds_since(backends_before, backend_cpu(engine))
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(30)
                if server.stdout is not None:
                    server.stdout.close()
        accepted = {
            "accepted_per_s": count / seconds,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * percentile(latencies, 0.99),
            "delivered_per_s": float("nan"),
            "cpu_ms_per_message": cpu_ms / count,
        }
        if kind == "postgresql":
            accepted["pg_cpu_ms_per_message"] = backends_ms / count
        if not deliver:
            return accepted
        # Deliver everything queued (warm-up included) to a sink, as the worker would, in a
        # process running the same checkout's code as the listener.
        queued = count + len(warmup)
        with SinkProcess() as sink:
            delivery = subprocess.run(
                [sys.executable, __file__, "--deliver", url, str(sink.port)]
                + ([] if profile_to is None else ["--profile", f"{profile_to}.{size}.delivery"]),
                stdout=subprocess.PIPE,
                text=True,
                env=environment,
                check=True,
            )
            arrived = len(sink.wait_for(queued, 30))
        delivered, delivered_seconds, delivery_cpu = map(float, delivery.stdout.split())
        if not delivered == arrived == queued:
            raise RuntimeError(
                f"{queued} mails queued, {delivered:.0f} delivered, {arrived} arrived at the sink"
            )
        return {
            **accepted,
            "delivered_per_s": delivered / delivered_seconds if delivered_seconds else 0.0,
            "delivery_cpu_ms": 1000 * delivery_cpu / delivered if delivered else float("nan"),
        }


def deliver_all(url: str, sink_port: int, profile_to: str | None = None) -> None:
    """Drain the outbox at `url` into the sink at `sink_port` with DELIVERY_WORKERS threads,
    DKIM on; print the mails delivered, the seconds from the first claim until the last worker
    found nothing left, and this process's CPU seconds meanwhile (the `--deliver` child: the
    code is the checkout on its path). `profile_to`: cProfile the workers, stats to that file."""
    engine = build_engine(url, pool_size=production_pool_size(url))
    dump_profile = profile_every_thread() if profile_to else None
    composer = OutboxMail(
        engine=engine,
        alias_domain=DOMAIN,
        key=generate_key(selector="bench", domain=DOMAIN),
        clock=lambda: datetime.now(UTC),
    )
    transport = SmtpTransport("127.0.0.1", sink_port, helo=DOMAIN)
    policy_ = DeliveryPolicy(batch_size=20)
    delivered = 0
    lock = threading.Lock()

    def worker(name: str) -> None:
        nonlocal delivered
        while True:
            report = deliver_pending(
                uow_factory=lambda: SqlUnitOfWork(engine),
                transport=transport,
                compose=composer,
                worker=name,
                clock=lambda: datetime.now(UTC),
                policy=policy_,
            )
            with lock:
                delivered += report.delivered
            if report.claimed == 0:
                return

    try:
        cpu_before = time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(DELIVERY_WORKERS) as pool:
            for future in [pool.submit(worker, f"bench-{i}") for i in range(DELIVERY_WORKERS)]:
                future.result()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
    finally:
        engine.dispose()
    if dump_profile is not None and profile_to:
        dump_profile(profile_to)
    print(delivered, seconds, cpu)


def backend_seconds_since(
    before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]
) -> float:
    """CPU seconds the PostgreSQL backends used between two `backend_cpu` readings: a backend
    that ended meanwhile is read once more (zeros if it is gone), one that started counts whole."""
    seconds = 0.0
    for pid in before.keys() | after.keys():
        then = before.get(pid, (0.0, 0.0))
        now = after.get(pid) or process_cpu(pid)
        if sum(now) > 0.0:
            seconds += sum(now) - sum(then)
    return seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): what a mail costs, under load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Accept:
    """A handler that accepts everything: what aiosmtpd alone costs."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 2.0.0 Ok"


class _RelayProtocolAlone(Controller):
    """aiosmtpd's controller serving the relay's own SMTP class (its DATA reader) instead."""

    def factory(self) -> Any:
        return RelaySMTP(self.handler, **self.SMTP_kwargs)


def bare_listener(port: int, kind: str) -> None:
    """The process of a do-nothing listener, aiosmtpd's or the relay's class: runs until SIGTERM."""
    controller_class = _RelayProtocolAlone if kind == "relay-class" else Controller
    controller = controller_class(_Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


def run_aiosmtpd_alone(
    size: str, count: int, kind: str = "aiosmtpd", source: Path | None = None
) -> dict[str, float]:
    """A listener with a handler that does nothing, in its own process: aiosmtpd's own (the
    library's ceiling) or, with kind "relay-class", the relay's SMTP class (its DATA reader),
    from this checkout or from `source`'s src."""
    port = free_port()
    environment = None if source is None else {**os.environ, "PYTHONPATH": str(source / "src")}
    server = subprocess.Popen(
        [sys.executable, __file__, "--bare", str(port), "--bare-kind", kind],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError("the aiosmtpd process did not start")
        pairs = [(f"buyer{i}@buyers.bench", f"alias{i:012d}@{DOMAIN}") for i in range(PAIRS)]
        jobs = [
            (pairs[i % PAIRS][0], pairs[i % PAIRS][1], message(*pairs[i % PAIRS], size, i))
            for i in range(count)
        ]
        cpu_before = cpu_seconds(server.pid)
        seconds, latencies = load(port, jobs)
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        if server.stdout is not None:
            server.stdout.close()
    return {
        "accepted_per_s": count / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "delivered_per_s": float("nan"),
        "cpu_ms_per_message": 1000 * cpu / count,
    }


def run_postfix(size: str, count: int) -> dict[str, float] | None:
    if postfix_problem() is not None:
        return None
    front = free_port()
    with (
        SinkProcess() as sink,
        postfix_instance(
            listen_port=front,
            relay_domain=DOMAIN,
            relay_port=sink.port,
            virtual_alias=(f"@{DOMAIN}", "cs@seller.bench"),
        ),
    ):
        pairs = [(f"buyer{i}@buyers.bench", f"alias{i:012d}@{DOMAIN}") for i in range(PAIRS)]
        warmup = [
            (b, a, message(b, a, size, 10**6 + i)) for i, (b, a) in enumerate(pairs[:CLIENTS])
        ]
        load(front, warmup)
        sink.wait_for(len(warmup), 60)
        jobs = [
            (pairs[i % PAIRS][0], pairs[i % PAIRS][1], message(*pairs[i % PAIRS], size, i))
            for i in range(count)
        ]
        started = time.monotonic()
        seconds, latencies = load(front, jobs)
        times = sink.wait_for(len(warmup) + count, 300)[len(warmup) :]
        delivered_seconds = (max(times) - started) if times else 0.0
    return {
        "accepted_per_s": count / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "delivered_per_s": len(times) / delivered_seconds if delivered_seconds else 0.0,
    }


def row(name: str, size: str, figures: dict[str, float]) -> str:
    cpu = figures.get("cpu_ms_per_message")
    pg_cpu = figures.get("pg_cpu_ms_per_message")
    delivery_cpu = figures.get("delivery_cpu_ms")
    return (
        f"{name:12} {size:>5} {figures['accepted_per_s']:11.1f} {figures['p50_ms']:8.1f} "
        f"{figures['p99_ms']:8.1f} {figures['delivered_per_s']:12.1f}"
        + ("" if cpu is None else f" {cpu:13.2f}")
        + ("" if cpu is None else f" {'-':>12}" if pg_cpu is None else f" {pg_cpu:12.2f}")
        + ("" if delivery_cpu is None else f" {delivery_cpu:13.2f}")
    )


class StageClock:
    """Thread CPU time spent inside wrapped functions, per stage (outermost call only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._inside: set[str] = set()

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if stage in self._inside:
                return function(*args, **kwargs)
            self._inside.add(stage)
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self._inside.discard(stage)
                spent = time.thread_time() - started
                self.seconds[stage] = self.seconds.get(stage, 0.0) + spent

        return timed


class RoundTrips:
    """The statements this process sends to PostgreSQL while `counting`, by kind: each is a round
    trip, which costs the listener psycopg's work, system calls and a GIL hand-off, and the
    backend a wake-up. Counted at psycopg: its cursors' `execute` (SQLAlchemy's and the driver
    statements' alike) and the BEGIN, COMMIT and ROLLBACK it sends by itself (through a private
    method of psycopg's, `_exec_command`: without it the count fails, it does not go wrong)."""

    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self.sent = 0
        # Each statement's kind, by its text: the pattern's search over a long statement took a
        # third of the lookups' instructions that --stages counts (1.26 -> 0.84 M per mail).
        self._kinds: dict[str, str] = {}

    @contextmanager
    def counting(self) -> Iterator[None]:
        import psycopg

        execute = psycopg.Cursor.execute
        command = psycopg.Connection._exec_command

        def counted_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(query)
            return execute(cursor, query, *args, **kwargs)

        def counted_command(connection: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(query)
            return command(connection, query, *args, **kwargs)

        setattr(psycopg.Cursor, "execute", counted_execute)  # noqa: B010 (a method, replaced)
        setattr(psycopg.Connection, "_exec_command", counted_command)  # noqa: B010
        try:
            yield
        finally:
            setattr(psycopg.Cursor, "execute", execute)  # noqa: B010
            setattr(psycopg.Connection, "_exec_command", command)  # noqa: B010

    def _count(self, query: Any) -> None:
        sql = query.decode() if isinstance(query, bytes) else str(query)
        self.sent += 1
        kind = self._kinds.get(sql)
        if kind is None:
            kind = self._kinds[sql] = _statement_kind(sql)
        self.by_kind[kind] += 1


# The statement's verb and what it works on: a CTE's name, or the first table it reads or writes.
_STATEMENT_KIND = re.compile(
    r"\s*(WITH)\s+(\w+)|\s*(\w+)(?:.*?\b(?:FROM|INTO|UPDATE)\s+(\w+))?", re.IGNORECASE | re.DOTALL
)


def _statement_kind(sql: str) -> str:
    found = _STATEMENT_KIND.match(sql)
    if found is None:
        return sql[:20]
    return " ".join(part for part in found.groups() if part).upper()


def run_stages(
    kind: str,
    pg_url: str,
    count: int,
    size: str,
    *,
    replies: bool = False,
    callgrind: bool = False,
    profile_to: str | None = None,
) -> None:
    """Per-stage CPU of RCPT + receive for `count` mails of `size`, in this thread. `replies`:
    one mail per pair first, so that every mail measured is a reply in an open thread and case,
    as 4 of 5 mails of the load are (1000 mails over PAIRS pairs); else 40 mails of warm-up and
    the first mail of a pair opens its thread. `callgrind`: this process runs under valgrind's
    callgrind with `--instr-atstart=no`, and instrumentation is switched on for the measured
    mails only. `profile_to`: cProfile (thread CPU) of the measured mails, as a pstats file."""
    clock = StageClock()
    with fresh_database(kind, pg_url) as (engine, _url):
        pairs = seed(engine)
        relay = InboundRelay(
            engine=engine,
            authenticator=SenderAuthenticator(zone()),
            check_policy=clock.wrap("policy check", policy.check),
            clock=lambda: datetime.now(UTC),
            limits=LIMITS,
            alias_domain=DOMAIN,
            read_engine=relay_read_engine(engine),
        )
        authenticate = relay.authenticator.authenticate
        relay.authenticator.authenticate = clock.wrap(  # type: ignore[method-assign]
            "SPF/DKIM/DMARC", authenticate
        )
        relay._read = clock.wrap("lookups", relay._read)  # type: ignore[method-assign]
        # `_store` rather than `_db`: on PostgreSQL the lookups also run through `_db`.
        relay._store = clock.wrap("message service", relay._store)  # type: ignore[method-assign]
        # The relay's module namespace and the hooks' class: the names `receive` calls.
        namespace = vars(inbound_module)
        original_parse = namespace["parse_mail"]
        original_hook = CaseHooks.message_stored
        original_dedupe_key = namespace["_dedupe_key"]
        unit_of_work = namespace["_RelayUnitOfWork"]
        original_commit = unit_of_work.commit
        namespace["parse_mail"] = clock.wrap("parse", original_parse)
        # Since 00c05d7 the body is read after the sender checks, not in parse_mail.
        original_body = namespace.get("_body_refusal")
        if original_body is not None:
            namespace["_body_refusal"] = clock.wrap("body text", original_body)
        namespace["_dedupe_key"] = clock.wrap("dedupe key", original_dedupe_key)
        # The relay's rows (the raw mail, the attachments' bytes) and the transaction's commit.
        unit_of_work.commit = clock.wrap("relay rows + commit", original_commit)
        CaseHooks.message_stored = clock.wrap("case hooks", original_hook)  # type: ignore[method-assign]

        def envelope(number: int) -> Envelope:
            buyer, alias = pairs[number % PAIRS]
            data = message(buyer, alias, size, number)
            return Envelope(buyer, alias, "127.0.0.1", "client.buyers.bench", data)

        round_trips = RoundTrips()
        try:
            # Warm-up: caches, compiled statements, the suffix list (and with `replies`, threads).
            for number in range(PAIRS if replies else 40):
                relay.receive(envelope(10**6 + number))
            envelopes = [envelope(number) for number in range(count)]
            clock.seconds.clear()
            with round_trips.counting() if kind == "postgresql" else nullcontext():
                profile = _stage_profile(profile_to)
                _instrument(callgrind, "on")
                started = time.thread_time()
                for incoming in envelopes:
                    if relay.check_recipient(incoming.recipient) is not None:
                        raise RuntimeError(f"RCPT refused {incoming.recipient}")
                    reply = relay.receive(incoming)
                    if not reply.startswith("250"):
                        raise RuntimeError(f"refused: {reply}")
                whole = time.thread_time() - started
                _instrument(callgrind, "off")
                if profile is not None and profile_to is not None:
                    profile.disable()
                    profile.dump_stats(f"{profile_to}.{kind}.{size}")
        finally:
            namespace["parse_mail"] = original_parse
            if original_body is not None:
                namespace["_body_refusal"] = original_body
            namespace["_dedupe_key"] = original_dedupe_key
            unit_of_work.commit = original_commit
            CaseHooks.message_stored = original_hook  # type: ignore[method-assign]
            relay.close()
    print(f"machine: {machine()}")
    print(
        f"{kind}, {count} mails of {size}{', replies in open threads' if replies else ''},"
        " RCPT check + receive in one thread, CPU ms per mail"
    )
    print(f"{'whole (RCPT + receive)':28} {1000 * whole / count:7.3f}")
    stages = ("parse", "body text", "dedupe key", "lookups", "SPF/DKIM/DMARC", "message service")
    for stage in stages:
        print(f"{stage:28} {1000 * clock.seconds.get(stage, 0.0) / count:7.3f}")
    for stage in ("policy check", "case hooks", "relay rows + commit"):
        print(f"{'  of it: ' + stage:28} {1000 * clock.seconds.get(stage, 0.0) / count:7.3f}")
    if round_trips.sent:
        # The first mail of a pair also opens its thread and case: more statements than a reply.
        print(f"{'statements per mail':28} {round_trips.sent / count:7.2f}  (round trips)")
        for statement, sent in sorted(round_trips.by_kind.items(), key=lambda item: -item[1]):
            print(f"{'  ' + statement[:26]:28} {sent / count:7.2f}")
    print("load average: " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))


def _instrument(callgrind: bool, switch: str) -> None:
    """Switch callgrind's instrumentation of this process on or off (`callgrind_control -i`)."""
    if callgrind:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True)


def _stage_profile(profile_to: str | None) -> Any:
    """A running cProfile on thread CPU time when `profile_to` names a file, else None."""
    if profile_to is None:
        return None
    import cProfile

    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    return profile


def _listener_url(database: str) -> str:
    """A URL of the bench's kind of database, for the default listener count (file or server)."""
    return "sqlite:///relay-bench.db" if database == "sqlite" else "postgresql://bench@localhost/"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("GOBETWEEN_TEST_DATABASE_URL", DEFAULT_PG_URL)
    )
    parser.add_argument("--messages", type=int, default=400, help="messages per size")
    parser.add_argument(
        "--listeners",
        type=int,
        nargs="+",
        default=None,
        help="listener processes sharing the port with SO_REUSEPORT; one row per count"
        " (default: as many as `gobetween serve` runs by default on this machine)",
    )
    parser.add_argument("--sizes", nargs="+", choices=("4k", "200k"), default=["4k", "200k"])
    parser.add_argument("--serve", nargs=3, metavar=("URL", "PORT", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--bare", metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--bare-kind", default="aiosmtpd", help=argparse.SUPPRESS)
    parser.add_argument("--deliver", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--sink", metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="cProfile every listener thread; stats to PATH.<size>.<listener> (pstats files),"
        " the delivery workers' to PATH.<size>.delivery;"
        " with --stages, the measured mails to PATH.<database>.<size>",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="also run another checkout's listener (e.g. a `git worktree`), alternating with ours",
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat everything; print medians")
    parser.add_argument(
        "--no-delivery", action="store_true", help="measure accepting only (no delivery workers)"
    )
    parser.add_argument(
        "--no-references", action="store_true", help="run neither aiosmtpd alone nor Postfix"
    )
    parser.add_argument(
        "--stages", type=int, metavar="N", help="per-stage CPU of N mails in-process, then stop"
    )
    parser.add_argument(
        "--replies",
        action="store_true",
        help="with --stages: every mail measured is a reply in an open thread (none opens one)",
    )
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="with --stages under `valgrind --tool=callgrind --instr-atstart=no`: instrument only"
        " the measured mails (callgrind_control -i on/off)",
    )
    args = parser.parse_args()
    if args.listeners is None:
        # Imported here: the delivery process runs this file against a baseline's src too.
        from gobetween.bootstrap.settings import Settings
        from gobetween.entrypoints.smtp import listener_count

        args.listeners = [listener_count(Settings(database_url=_listener_url(args.database)))]
    if args.stages:
        for size in args.sizes:
            run_stages(
                args.database,
                args.pg_url,
                args.stages,
                size,
                replies=args.replies,
                callgrind=args.callgrind,
                profile_to=args.profile,
            )
        return
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2] == "reuse", args.profile)
        return
    if args.bare:
        bare_listener(int(args.bare), args.bare_kind)
        return
    if args.deliver:
        deliver_all(args.deliver[0], int(args.deliver[1]), args.profile)
        return
    if args.sink:
        sink_listener(int(args.sink))
        return
    print(f"machine: {machine()}")
    print(f"load: {CLIENTS} concurrent SMTP clients, {args.messages} messages per size, loopback")
    print(
        f"gobetween xN: N listener processes on one port (SO_REUSEPORT), {args.database},"
        " real policy check, SPF/DMARC;"
        f" {DELIVERY_WORKERS} delivery workers, DKIM-signed"
    )
    print()
    header = (
        f"{'':12} {'size':>5} {'accepted/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'delivered/s':>12}"
        f" {'CPU ms/mail':>13} {'PG CPU ms':>12} {'deliv. CPU ms':>13}"
    )
    print(header)
    rows: dict[tuple[str, str], list[dict[str, float]]] = {}

    def measured(name: str, size: str, figures: dict[str, float]) -> dict[str, float]:
        print(row(name, size, figures), flush=True)
        rows.setdefault((name, size), []).append(figures)
        return figures

    for round_number in range(args.rounds):
        if args.rounds > 1:
            print(f"round {round_number + 1}: load average {os.getloadavg()[0]:.1f}", flush=True)
        for size in args.sizes:
            best: dict[str, dict[str, float]] = {}
            for listeners in args.listeners:
                # Baseline first, then ours, alternating within the round: same machine state.
                runs = [("base", args.baseline)] if args.baseline else []
                for who, source in [*runs, ("gobetween", None)]:
                    figures = measured(
                        f"{who} x{listeners}",
                        size,
                        run_gobetween(
                            args.database,
                            args.pg_url,
                            size,
                            args.messages,
                            listeners,
                            args.profile,
                            source=source,
                            deliver=not args.no_delivery,
                        ),
                    )
                    if figures["accepted_per_s"] > best.get(who, {}).get("accepted_per_s", 0.0):
                        best[who] = figures
            if args.profile:
                continue  # a profiled listener's rate says nothing; the references are not needed
            if not args.no_references:
                measured("aiosmtpd", size, run_aiosmtpd_alone(size, args.messages))
                if args.baseline:
                    measured(
                        "base smtp.py",
                        size,
                        run_aiosmtpd_alone(size, args.messages, "relay-class", args.baseline),
                    )
                measured("smtp.py", size, run_aiosmtpd_alone(size, args.messages, "relay-class"))
            reference = None if args.no_references else run_postfix(size, args.messages)
            if reference is None:
                if not args.no_references:
                    print(f"{'postfix':12} {size:>5}   (not run: {postfix_problem()})")
                continue
            measured("postfix", size, reference)
            for who, figures in best.items():
                ratio = figures["accepted_per_s"] / reference["accepted_per_s"]
                print(
                    f"{'ratio':12} {size:>5} {ratio:11.0%} of Postfix's accept rate"
                    f" (best {who} row)"
                )
    if args.rounds > 1:
        print()
        print(f"medians over {args.rounds} rounds")
        print(header)
        for (name, size), runs in rows.items():
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print(row(name, size, median))
    if args.baseline:
        print()
        for (name, size), runs in rows.items():
            if not name.startswith(("gobetween", "smtp.py")):
                continue
            base = rows.get(
                (
                    name.replace("gobetween", "base")
                    if name.startswith("gobetween")
                    else "base " + name,
                    size,
                )
            )
            if not base:
                continue
            against = median_change(runs, base)
            print(
                f"{name} {size}: CPU ms/mail {against('cpu_ms_per_message', '.2f')}, "
                f"accepted/s {against('accepted_per_s', '.1f')}, medians"
            )
            if "pg_cpu_ms_per_message" in runs[0] and "pg_cpu_ms_per_message" in base[0]:
                print(
                    f"{name} {size}: PostgreSQL backends' CPU ms/mail "
                    f"{against('pg_cpu_ms_per_message', '.2f')}, medians"
                )
            if "delivery_cpu_ms" in runs[0] and "delivery_cpu_ms" in base[0]:
                print(
                    f"{name} {size}: delivery CPU ms/mail {against('delivery_cpu_ms', '.2f')}, "
                    f"delivered/s {against('delivered_per_s', '.1f')}, medians"
                )
    print()
    print("load average at the end: " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))
    print("aiosmtpd = the same listener library with a handler that does nothing (its ceiling).")
    print(
        "smtp.py = the relay's SMTP class (entrypoints/smtp.py, its DATA reader) with the same"
        " do-nothing handler, on aiosmtpd's controller."
    )
    print("CPU ms/mail = the listener processes' CPU time during the load, per accepted mail.")
    print(
        "PG CPU ms = the CPU time of the PostgreSQL backends serving the listeners during the"
        " load (/proc, found by application_name), per accepted mail."
    )
    print(
        "delivered/s, deliv. CPU ms = the delivery process (same checkout as the row's listener)"
        " draining the outbox after the load: mails per second, its CPU time per mail (the"
        " sink it sends to runs in a process of its own, not counted)."
    )


if __name__ == "__main__":
    main()
