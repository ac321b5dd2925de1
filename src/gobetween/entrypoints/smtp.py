"""The relay's SMTP (or LMTP) listener on the alias domain, wired from a Platform.

aiosmtpd runs the protocol on its own event loop thread; every decision that touches the
database or DNS runs in a worker thread (`run_in_executor`), so one slow DNS lookup never stalls
the other sessions. One alias per transaction: a second RCPT gets 452, and the client sends the
rest in another transaction, which keeps "250 only after the commit" true per recipient (and
LMTP's one reply per recipient trivially right).
"""

from __future__ import annotations

import asyncio
import fcntl
import ipaddress
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import MISSING, SMTP, Envelope, Session, syntax
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.read_engine import build_read_engine
from gobetween.adapters.mail.inbound import Envelope as RelayEnvelope
from gobetween.adapters.mail.inbound import InboundRelay
from gobetween.adapters.mail.sender_auth import DnsPythonResolver, Resolver, SenderAuthenticator
from gobetween.bootstrap import Platform, build_platform
from gobetween.bootstrap.settings import Settings
from gobetween.entrypoints.log_format import configure_logging
from gobetween.entrypoints.port_sharing_processes import (
    Child,
    freeze_startup_objects,
    start_children,
    stop_children,
)

log = logging.getLogger(__name__)

_XFORWARD_ATTRIBUTES = ("NAME", "ADDR", "PROTO", "HELO")


def _is_loopback(peer: Any) -> bool:
    try:
        host = peer[0] if isinstance(peer, tuple) else str(peer)
        return ipaddress.ip_address(host).is_loopback
    except (ValueError, IndexError, TypeError):
        return False


class RelaySMTP(SMTP):
    """SMTP with Postfix's XFORWARD: the front MTA names the real client's address and HELO.

    Accepted only from loopback, where our own Postfix runs; anyone else could use it to
    pretend to be any host and pass SPF (relay-notes.md, Inbound pipeline).
    """

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """MAIL FROM's and RCPT TO's address: the common `<local@domain>` without the parser.

        aiosmtpd reads every address with the stdlib's RFC 5322 header parser, about 0.14 ms
        each (two per mail). An address of plain dot-atoms in angle brackets reads the same
        without it; anything else (quotes, comments, `<>`, non-ASCII, source routes) still goes
        to aiosmtpd's own reading. tests/unit/mail/test_smtp_addresses.py compares the two.
        """
        found = _PLAIN_ANGLE_ADDRESS.match(arg or "")
        if found is None:
            return super()._getaddr(arg)
        address, rest = found.group(1), arg[found.end() :]
        if rest[:1] in (" ", "\t"):
            # The parser takes the white space after ">" (all of it, as str.lstrip does).
            rest = rest.lstrip()
        if rest.startswith("(") or len(address.rpartition("@")[0]) > self.local_part_limit > 0:
            return super()._getaddr(arg)
        return address, rest

    @syntax("XFORWARD attribute=value ...")
    async def smtp_XFORWARD(self, arg: str) -> None:  # noqa: N802 (aiosmtpd's naming)
        assert self.session is not None
        if not _is_loopback(self.session.peer):
            await self.push("550 5.7.0 XFORWARD is not permitted from your address")
            return
        forwarded: dict[str, str] = dict(getattr(self.session, "xforward", {}))
        for item in (arg or "").split():
            name, sep, value = item.partition("=")
            if not sep or name.upper() not in _XFORWARD_ATTRIBUTES:
                await self.push(f"501 5.5.4 Bad XFORWARD attribute: {name}")
                return
            if value.upper() not in ("[UNAVAILABLE]", "[TEMPUNAVAIL]"):
                forwarded[name.upper()] = value.removeprefix("IPV6:")
        self.session.xforward = forwarded  # type: ignore[attr-defined]
        await self.push("250 2.0.0 Ok")

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802 (aiosmtpd's naming)
        """aiosmtpd's DATA with the mail read in a few large pieces instead of line by line.

        aiosmtpd awaits `readuntil(CRLF)` for every line: 2,700 coroutine calls for a 200 kB
        mail, which held aiosmtpd with a do-nothing handler to 120-150 such mails a second
        (docs/performance.md, Mail relay). Here the mail is taken from the stream reader's
        buffer up to CRLF.CRLF in a few pieces (_read_to_end_of_data), and lengths, the size
        limit and dot-stuffing are bytes operations on the whole mail. The replies, the envelope
        and the bytes after the mail (pipelined commands) are aiosmtpd's:
        tests/unit/mail/test_smtp_data_reader.py runs both on the same streams.
        """
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        lines, complete = await self._read_mail_lines()
        refusal = data_refusal(
            lines,
            complete=complete,
            size_limit=self.data_size_limit,
            line_limit=self.line_length_limit,
        )
        if refusal is not None:
            self._set_post_data_state()  # type: ignore[no-untyped-call]
            await self.push(refusal)
            return
        original_content = _without_dot_stuffing(lines)
        content: str | bytes = original_content
        if self._decode_data:
            if self.enable_SMTPUTF8:
                content = original_content.decode("utf-8", errors="surrogateescape")
            else:
                try:
                    content = original_content.decode("ascii", errors="strict")
                except UnicodeDecodeError:
                    await self.push("500 Error: strict ASCII mode")  # aiosmtpd keeps the envelope
                    return
        self.envelope.content = content
        self.envelope.original_content = original_content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()  # type: ignore[no-untyped-call]
        await self.push("250 OK" if status is MISSING else status)

    async def _read_mail_lines(self) -> tuple[bytes, bool]:
        """The mail's lines as sent, each with its CRLF, without the final "." line.

        Returns them and True; past the size limit only the prefix that decides the refusal
        (`data_refusal`) is kept, the rest read and dropped, and False. Nothing after the
        final "." is read: pipelined commands stay in the reader for aiosmtpd's command loop.
        A lost connection cancels this coroutine, as it cancels aiosmtpd's.
        """
        reader = self._reader
        size_limit = self.data_size_limit
        keep = size_limit + self.line_length_limit + len(_END_OF_DATA) if size_limit else 0
        # The CRLF in front stands for the end of the DATA command: the mail's first line then
        # follows a CRLF like every other, and "." alone ends an empty mail.
        received = bytearray(b"\r\n")
        # The reader can only find CRLF.CRLF in what it has not handed out yet. While what was
        # read ends in the start of a terminator, read just the bytes that would finish it.
        while started := _terminator_started(received):
            received += await reader.readexactly(len(_END_OF_DATA) - started)
            if received.endswith(_END_OF_DATA):
                return bytes(received[2:-3]), True
        # The pieces as the reader hands them out, joined once at the end: appending each to a
        # bytearray copied the mail once more, and again as the bytearray grew.
        pieces: list[bytes | bytearray | memoryview] = [received]
        size = len(received)
        prefix = b""  # past the size limit: what names the refusal
        while True:
            piece, found = await _read_to_end_of_data(reader)
            if pieces:
                size += len(piece)
                if keep and size > keep + 2:
                    # Over the size limit: keep what names the refusal, drop the rest as it comes.
                    prefix = b"".join((*pieces, piece))[2 : keep + 2]
                    pieces = []
                elif found:
                    # The mail in one copy: the pieces without the CRLF in front and the last
                    # one up to the terminator's CRLF.
                    pieces[0] = memoryview(received)[2:]
                    return b"".join((*pieces, memoryview(piece)[:-3])), True
                else:
                    pieces.append(piece)
            if found:
                return prefix, False


async def _read_to_end_of_data(reader: asyncio.StreamReader) -> tuple[bytes, bool]:
    """`reader.readuntil(CRLF.CRLF)` and True; or, when the reader holds more than its limit
    (line_length_limit) without one, what cannot hold a terminator's start (all but the last
    four bytes, as `read(LimitOverrunError.consumed)` would take) and False.

    readuntil's own search compares the whole terminator at every few bytes: 0.11 ms of a
    270 kB mail, a fifth of the event loop's CPU per mail. Here the search jumps from "." to
    "." (memchr), which a base64 body never holds (_end_of_data_in). It works on the reader's
    buffer as readuntil does (asyncio's StreamReader keeps it in `_buffer` and wakes its one
    reading coroutine through `_wait_for_data`), so what is read, what stays in the reader for
    the commands after the mail, and the pausing of the connection are readuntil's.
    """
    stream: Any = reader  # the StreamReader's own state, as its read methods use it
    if stream._exception is not None:
        raise stream._exception
    buffer: bytearray = stream._buffer
    offset = 0
    while True:
        end = _end_of_data_in(buffer, offset)
        if end >= 0:
            taken = end
            found = True
            break
        if len(buffer) - len(_END_OF_DATA) + 1 > stream._limit:
            taken = len(buffer) - len(_END_OF_DATA) + 1
            found = False
            break
        if stream._eof:
            rest = bytes(buffer)
            buffer.clear()
            raise asyncio.IncompleteReadError(rest, None)
        offset = max(0, len(buffer) - len(_END_OF_DATA) + 1)
        await stream._wait_for_data("readuntil")
    piece = bytes(memoryview(buffer)[:taken])
    del buffer[:taken]
    stream._maybe_resume_transport()
    return piece, found


def _end_of_data_in(buffer: bytearray, start: int) -> int:
    """Where the first CRLF.CRLF that starts at or after `start` ends, or -1.

    Finds "." (memchr) and looks at the bytes around it; after _DOTS_LOOKED_AT dots that start
    no terminator (a text of sentences) the search for the whole terminator takes the rest, so
    such a text costs what readuntil's search did.
    """
    dot = buffer.find(b".", start + 2)
    for _ in range(_DOTS_LOOKED_AT):
        if dot < 0:
            return -1
        if buffer[dot - 2 : dot + 3] == _END_OF_DATA:
            return dot + 3
        dot = buffer.find(b".", dot + 1)
    if dot < 0:
        return -1
    found = buffer.find(_END_OF_DATA, dot - 2)
    return found + len(_END_OF_DATA) if found >= 0 else -1


_END_OF_DATA = b"\r\n.\r\n"
# Dots looked at one by one before the search for the whole terminator takes the rest: each
# costs a slice, a comparison and a memchr, about 0.3 us.
_DOTS_LOOKED_AT = 16
# RFC 5322 atext, and a domain of letters, digits and hyphens, in dot-atoms: what the header
# parser's angle-addr gives back unchanged (addr_spec quotes none of these local parts).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ANGLE_ADDRESS = re.compile(
    rf"<({_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>", re.ASCII
)


def _without_dot_stuffing(lines: bytes) -> bytes:
    """The mail's lines (as sent, each with its CRLF) with dot-stuffing undone (RFC 5321
    4.5.2): every line's first "." goes.

    Most mails have no line that starts with "." (base64 has no "." at all), and
    `_may_have_stuffed_lines` tells so faster than the replace below; a LF before a "." that is
    not a line's start (a bare LF) only sends the mail the long way, which gives the same bytes.
    """
    if not _may_have_stuffed_lines(lines):
        return lines
    # With a CRLF in front every line follows one; replace() is non-overlapping, left to
    # right, so "\r\n.\r\n." loses both dots, as two lines of "." each lose theirs.
    return (b"\r\n" + lines).replace(b"\r\n.", b"\r\n")[2:]


def _may_have_stuffed_lines(lines: bytes) -> bool:
    """Whether `lines` starts with "." or holds a LF followed by a ".".

    The regular expression's search for a LF and a "." reads the mail byte by byte: 0.23-0.28
    ms of a 200 kB mail, the dearest step of reading DATA. Searching for the "." alone is
    memchr; a "." that does not follow a LF rules out the rest of its line, so the search goes
    on after the line's next LF. A mail of a short text and a base64 attachment has a few such
    lines and then no "." at all; text with a "." on most lines goes back to the regular
    expression after _DOT_LINES_SKIPPED of them, where it starts no further back than the
    expression alone would.
    """
    if lines.startswith(b"."):
        return True
    dot = lines.find(b".")
    for _ in range(_DOT_LINES_SKIPPED):
        if dot < 0:
            return False
        if lines[dot - 1] == _LF:  # dot > 0: the mail does not start with "."
            return True
        line_end = lines.find(b"\n", dot)
        if line_end < 0:
            return False
        dot = lines.find(b".", line_end + 1)
    return dot >= 0 and _DOT_AFTER_LF.search(lines, dot - 1) is not None


_DOT_AFTER_LF = re.compile(rb"\n\.")
_LF = ord("\n")
# Lines with a "." not at their start that are skipped one by one before the regular expression
# takes the rest: each costs two searches and a turn of the loop, about 0.4 us.
_DOT_LINES_SKIPPED = 16


def _terminator_started(received: bytearray) -> int:
    """How many bytes of CRLF.CRLF `received` ends with, when it is not all of it."""
    for length in range(len(_END_OF_DATA) - 1, 0, -1):
        if received.endswith(_END_OF_DATA[:length]):
            return length
    return 0


def data_refusal(
    lines: bytes, *, complete: bool, size_limit: int | None, line_limit: int
) -> str | None:
    """aiosmtpd's refusal of a mail's lines (as sent, each with its CRLF), or None.

    aiosmtpd reads line by line and keeps the first of two states: a line longer than
    `line_limit` with its CRLF answers 500, the line that takes the total past `size_limit`
    answers 552. A line too long even for its stream reader (more than `line_limit` bytes before
    the CRLF) is refused before it is counted, so it answers 500 even as the line that passes
    the size limit. `complete` is False for a prefix of a mail over the size limit that reaches
    `line_limit` + 5 bytes past the limit, which is enough to decide.
    """
    if not size_limit or (complete and len(lines) <= size_limit):
        return _LINE_TOO_LONG if _has_line_longer_than(lines, line_limit - 2) else None
    # The line during which the total passed the limit starts after the last CRLF before it.
    last_end = lines.rfind(b"\r\n", 0, size_limit)
    crossing = last_end + 2 if last_end >= 0 else 0
    if crossing and _has_line_longer_than(lines[:crossing], line_limit - 2):
        return _LINE_TOO_LONG
    end = lines.find(b"\r\n", crossing)
    crossing_length = end - crossing if end >= 0 else len(lines) - crossing
    return _LINE_TOO_LONG if crossing_length > line_limit else "552 Error: Too much mail data"


def _has_line_longer_than(lines: bytes, length: int) -> bool:
    """Whether a line of `lines` (split at CRLF) is longer than `length` bytes without its CRLF.

    Every line that starts at `start` and ends within start + length is as long as allowed, so
    the search jumps to just past the last CRLF in that window, about `length` bytes at a time,
    instead of splitting the mail into its lines: 0.07 ms where the split and max took 0.45 ms
    for a 200 kB mail of 76-byte lines. A window without a CRLF holds a line that is too long.
    """
    start = 0
    while len(lines) - start > length:
        last_break = lines.rfind(b"\r\n", start, start + length + 2)
        if last_break < 0:
            return True
        start = last_break + 2
    return False


_LINE_TOO_LONG = "500 Line too long (see RFC5321 4.5.3.1.6)"


class RelayLMTP(LMTP, RelaySMTP):
    """LMTP (behind Postfix) with XFORWARD."""


# Threads deciding mail (RCPT lookups, DATA) at once. asyncio's default executor has
# min(32, cores + 4) threads: 6 on a 2-core machine, so with 20 sessions at most 6 mails were
# being decided, all of them often just waiting for the group commit's fsync, while the other
# sessions' RCPT lookups and parses queued behind them; and a SQLite batch never held more than
# 6 mails. A waiting thread costs no CPU; more sessions than this still queue, as before.
RELAY_WORKERS = 32
# On PostgreSQL there is no group commit: each deciding thread runs its mail's statements and
# COMMIT itself, a dozen round trips, and all of them share this process's GIL. With 32 threads
# (20 sessions) the listener spent 5.7-6.1 ms of CPU per 4 kB mail against 4.2-4.6 with 8
# threads, at 153-160 against 200-216 accepted/s (bench/relay.py, same runs; 4 threads: only
# -7 %): each round trip ends in a contended GIL hand-off (a loop of prepared SELECTs costs
# 42-55 us of process CPU each from 1-4 threads, 100-115 us from 8-16, mostly system time).
RELAY_WORKERS_POSTGRESQL = 8


def relay_workers(engine: Engine) -> int:
    """Threads deciding mail at once: many on SQLite (they wait for the group commit), few
    on PostgreSQL (they do their own database work and contend for the GIL)."""
    return RELAY_WORKERS if engine.dialect.name == "sqlite" else RELAY_WORKERS_POSTGRESQL


class RelayHandler:
    """aiosmtpd hooks that hand each decision to the InboundRelay, off the event loop."""

    def __init__(self, relay: InboundRelay, *, workers: int = RELAY_WORKERS) -> None:
        self.relay = relay
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="relay")

    async def handle_EHLO(  # noqa: N802 (aiosmtpd's hook names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if _is_loopback(session.peer):
            responses.insert(len(responses) - 1, "250-XFORWARD " + " ".join(_XFORWARD_ATTRIBUTES))
        return responses

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if envelope.rcpt_tos:
            return "452 4.5.3 One alias per message: send to the others separately"
        loop = asyncio.get_running_loop()
        try:
            refusal = await loop.run_in_executor(self.executor, self.relay.check_recipient, address)
        except Exception:
            log.exception("RCPT %s: lookup failed", address)
            return "451 4.3.0 Temporary failure, try again later"
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        forwarded: dict[str, str] = getattr(session, "xforward", {})
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        mail_from = envelope.mail_from or ""
        data = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not data:
            data = envelope.content
        incoming = RelayEnvelope(
            mail_from="" if mail_from == "<>" else mail_from,
            recipient=envelope.rcpt_tos[0],
            client_ip=forwarded.get("ADDR", peer),
            helo=forwarded.get("HELO", session.host_name or ""),
            data=data,
        )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor, self.relay.receive, incoming)
        except Exception:
            # Nothing was committed (or it was, and the retry will be recognised): ask for a retry.
            log.exception("DATA for %s failed", incoming.recipient)
            return "451 4.3.0 Temporary failure, try again later"


def _event_loop() -> asyncio.AbstractEventLoop:
    """The listener's event loop: uvloop's where it is installed (as uvicorn uses it).

    Every SMTP command is a read, a reply and a turn of the loop, four or five per mail; uvloop
    runs the loop and the sockets in C.
    """
    try:
        import uvloop
    except ImportError:  # not on Windows
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class RelayController(Controller):
    """Runs the relay's listener on its own thread; `protocol` is "smtp" or "lmtp".

    `reuse_port` binds with SO_REUSEPORT, so several listener processes can share one port and
    the kernel spreads the connections over them: one Python process is bound to one core by the
    GIL, and the relay's work per mail is CPU (parse, policy check, SQL). Each process decides
    and commits its mails on its own; the exactly-once key is a UNIQUE index, so two processes
    racing on copies of one mail still store it once (docs/relay.md, Several listeners).
    """

    def __init__(
        self,
        relay: InboundRelay,
        *,
        hostname: str,
        port: int,
        protocol: str = "smtp",
        max_bytes: int = 25 * 1024 * 1024,
        reuse_port: bool = False,
        workers: int = RELAY_WORKERS,
    ) -> None:
        self.protocol = protocol
        self.reuse_port = reuse_port
        super().__init__(
            RelayHandler(relay, workers=workers),
            hostname=hostname,
            port=port,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            ident="gobetween relay",
            loop=_event_loop(),
        )

    @property
    def bound_port(self) -> int:
        """The port listened on: `port`, or the one the system chose for port 0."""
        server = getattr(self, "server", None)
        if server is None or not server.sockets:
            return self.port
        return int(server.sockets[0].getsockname()[1])

    def stop(self, no_assert: bool = False) -> None:
        """Stop listening, then let the relay finish its queued database work."""
        try:
            super().stop(no_assert=no_assert)
        finally:
            try:
                self.handler.executor.shutdown(wait=True)  # mails being decided finish
            finally:
                self.handler.relay.close()

    def _create_server(self) -> Any:
        return self.loop.create_server(
            self._factory_invoker,
            host=self.hostname,
            port=self.port,
            ssl=self.ssl_context,
            reuse_port=self.reuse_port or None,
        )

    def _trigger_server(self) -> None:
        if not self.reuse_port:
            super()._trigger_server()  # type: ignore[no-untyped-call]
            return
        # aiosmtpd proves the listener works by connecting to the port; with several listeners
        # on it the kernel may hand that connection to another one. Build the protocol on this
        # listener's loop instead: a failing factory is still reported by start().
        self.loop.call_soon_threadsafe(self._factory_invoker)

    def factory(self) -> SMTP:
        server_class = RelayLMTP if self.protocol == "lmtp" else RelaySMTP
        return server_class(self.handler, **self.SMTP_kwargs)


class ListenerWriters(GroupCommitter):
    """A group committer whose batches take turns with other listener processes' by a file lock.

    Several listener processes on one SQLite file (smtp_listeners > 1) each have a writer, and
    SQLite lets one write at a time. A writer that finds the lock taken waits in SQLite's busy
    handler, which sleeps in steps of up to 100 ms and does not wake when the lock is freed:
    the processes then idle while mail waits (p99 of seconds, docs/performance.md). Here each
    batch first takes an exclusive flock on a file beside the database, which the kernel hands
    to the next waiting writer the moment it is released, after the COMMIT. SQLite's own
    locking still decides correctness; this only orders the relay's writers.
    """

    def __init__(self, engine: Engine, lock_file: Path) -> None:
        self.lock_file = lock_file
        super().__init__(engine)

    def _run_batch(self, batch: Any) -> None:
        with self.lock_file.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                super()._run_batch(batch)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def relay_committer(engine: Engine, *, shared_port: bool) -> GroupCommitter | None:
    """The relay's writer: group commit on SQLite (taking turns by file lock when several
    listener processes share the port), none on PostgreSQL (its sessions commit on their own)."""
    if engine.dialect.name != "sqlite":
        return None
    if shared_port and _is_sqlite_file(engine.url):
        return ListenerWriters(engine, Path(f"{engine.url.database}.relay-writers.lock"))
    # SQLite has one writer and an fsync per COMMIT: batch the sessions' commits.
    return GroupCommitter(engine)


def relay_read_engine(engine: Engine) -> Engine:
    """The engine of the relay's lookups (RCPT's alias, a mail's seen-before and parties).

    SQLite: a read-only engine beside the writer (read_engine.py). PostgreSQL: the same pool in
    autocommit, so a lookup is its one SELECT; in a transaction it was four round trips (BEGIN,
    the SELECT, the check whether anything was written, COMMIT) and two of them per mail.
    """
    if engine.dialect.name == "sqlite":
        return build_read_engine(engine)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def build_relay(
    platform: Platform, *, resolver: Resolver | None = None, shared_port: bool = False
) -> InboundRelay:
    """The inbound relay wired from the platform's settings and services.

    `shared_port`: other listener processes share smtp_port (and, on SQLite, the writer).
    """
    settings = platform.settings
    engine = platform.engine
    return InboundRelay(
        engine=engine,
        authenticator=SenderAuthenticator(resolver or DnsPythonResolver()),
        check_policy=platform.check_policy,
        clock=platform.clock,
        limits=platform.messaging_limits,
        alias_domain=settings.alias_domain,
        unauthenticated="refuse" if settings.relay_unauthenticated == "refuse" else "hold",
        group_commit=relay_committer(engine, shared_port=shared_port),
        read_engine=relay_read_engine(engine),
    )


def start_listener(
    platform: Platform, *, resolver: Resolver | None = None, reuse_port: bool = False
) -> RelayController:
    """Start the SMTP/LMTP listener on smtp_host:smtp_port; the caller stops it."""
    settings = platform.settings
    controller = RelayController(
        build_relay(platform, resolver=resolver, shared_port=reuse_port),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        protocol=settings.smtp_protocol,
        workers=relay_workers(platform.engine),
        max_bytes=settings.smtp_max_bytes,
        reuse_port=reuse_port,
    )
    controller.start()
    log.info(
        "%s listener on %s:%d for @%s",
        settings.smtp_protocol.upper(),
        settings.smtp_host,
        settings.smtp_port,
        settings.alias_domain,
    )
    return controller


# How long an extra listener process may take to import, wire and bind before `serve` gives up.
LISTENER_START_SECONDS = 60.0
LISTENER_STOP_SECONDS = 30.0
LISTENER_NAME = "gobetween-relay-listener"


class RelayListeners:
    """The relay's listeners of one `gobetween serve`: this process's and the extra processes'.

    N listeners (listener_count: `smtp_listeners`, or by cores) are this one and N-1 processes
    beside it, all bound to smtp_port with SO_REUSEPORT (docs/relay.md, Several listeners).
    Each child watches a pipe to this process: it stops when told to, and also when this
    process dies, even by `kill -9`, so no orphan keeps answering on the port after a crash.
    """

    def __init__(self, controller: RelayController, children: list[Child]) -> None:
        self.controller = controller
        self.children = children

    def stop(self) -> None:
        """Stop the extra processes (each finishes its queued commits), then this listener."""
        try:
            stop_children(self.children, name=LISTENER_NAME, stop_seconds=LISTENER_STOP_SECONDS)
        finally:
            self.controller.stop()


# smtp_listeners = 0 (the default) runs, on SQLite, one listener per core, up to this many. On a
# 2-core machine two SQLite listeners accepted more mails per second than one in 6 of 7
# same-run comparisons at 200 kB (median +41 %) and 4 of 7 at 4 kB (median +14 %; losing
# when other work already filled both cores; docs/relay.md, Several listeners); more than two
# were never measured, and each process holds its own relay threads. On PostgreSQL two
# listeners cost 8-39 % more listener CPU per mail and their rates went from -34 % to +42 %:
# the database server's backends need the same cores, so the default there stays one.
MAX_LISTENERS_BY_CORES = 2


def listener_count(settings: Settings, *, cores: int | None = None) -> int:
    """The listener processes `gobetween serve` runs: smtp_listeners when set; for 0, on a SQLite
    file one per core this process may run on (`cores`, read from the system when None), at most
    MAX_LISTENERS_BY_CORES, and one on PostgreSQL or an in-memory SQLite database (one per
    process)."""
    if settings.smtp_listeners > 0:
        return settings.smtp_listeners
    if not settings.is_sqlite or not _is_sqlite_file(make_url(settings.database_url)):
        return 1
    if cores is None:
        cores = _usable_cores()
    return max(1, min(MAX_LISTENERS_BY_CORES, cores))


def _is_sqlite_file(url: URL) -> bool:
    """Whether a SQLite URL names a file, which several processes can share (not `:memory:`)."""
    return url.database not in (None, "", ":memory:")


def _usable_cores() -> int:
    """The cores this process may run on (its affinity, e.g. a container's cpuset), else all."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start_listeners(platform: Platform, *, resolver: Resolver | None = None) -> RelayListeners:
    """Start listener_count listeners on smtp_host:smtp_port: this process's and N-1 children.

    Raises OSError when the port cannot be bound, RuntimeError when a child does not start; what
    was started is stopped first.
    """
    count = listener_count(platform.settings)
    controller = start_listener(platform, resolver=resolver, reuse_port=count > 1)
    listeners = RelayListeners(controller, [])
    # With smtp_port 0 the children must join the port this listener was given.
    settings = replace(platform.settings, smtp_port=controller.bound_port)
    try:
        listeners.children = start_children(
            _listener_process,
            (settings, resolver),
            count=count - 1,
            name=LISTENER_NAME,
            start_seconds=LISTENER_START_SECONDS,
            stop_seconds=LISTENER_STOP_SECONDS,
            error=RuntimeError,
        )
    except BaseException:
        listeners.stop()
        raise
    return listeners


def _listener_process(settings: Settings, resolver: Resolver | None, control: Connection) -> None:
    """One extra listener process: serve until told to stop or until the parent is gone."""
    # The lines of the serving process (text or JSON, `log_format`); aiosmtpd's per-connection
    # INFO lines stay quiet there too.
    configure_logging(settings.log_level, settings.log_format)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    platform = build_platform(settings)
    try:
        try:
            controller = start_listener(platform, resolver=resolver, reuse_port=True)
        except Exception as error:  # told to the parent, which refuses to start
            control.send(f"{type(error).__name__}: {error}")
            return
        # As `serve` does for its own listener: the platform and the relay's tables stay out of
        # the full GC passes that the mails' garbage sets off.
        freeze_startup_objects()
        control.send("ready")
        try:
            control.recv()  # "stop"; EOFError when the parent died without saying so
        except (EOFError, OSError):
            log.warning("relay listener process: the serving process is gone; stopping")
        finally:
            controller.stop()
    finally:
        platform.close()
