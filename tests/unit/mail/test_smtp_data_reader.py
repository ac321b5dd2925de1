"""DATA as the listener reads it (in large pieces) against aiosmtpd's own line-by-line reading.

Both servers get the same bytes in the same pieces (each piece one arrival on the connection)
and must write the same replies and hand their handler the same envelopes: dot-stuffed lines,
a line that is just ".", CRLF and CRLF.CRLF split across arrivals, lines at and over the length
limit, mails at and over the size limit, pipelined commands after the mail, decode_data.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gobetween.entrypoints.smtp import (
    _DOT_LINES_SKIPPED,
    _DOTS_LOOKED_AT,
    _END_OF_DATA,
    RelaySMTP,
    _end_of_data_in,
    _may_have_stuffed_lines,
    _without_dot_stuffing,
    data_refusal,
)

HEAD = b"EHLO client.example\r\nMAIL FROM:<a@client.example>\r\nRCPT TO:<b@relay.test>\r\nDATA\r\n"


@dataclass
class _Recorder:
    """A handler that keeps what DATA handed it and answers like a do-nothing handler."""

    envelopes: list[tuple[Any, ...]] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                type(envelope.content),
                envelope.content,
                envelope.original_content,
            )
        )
        return "250 2.0.0 Stored"


class _Wire(asyncio.Transport):
    """The server's side of a connection: keeps what the server writes."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 40000) if name == "peername" else default

    def pause_reading(self) -> None:
        """The reader pauses a connection whose unread bytes pass twice its limit; no-op here."""

    def resume_reading(self) -> None:
        """See pause_reading."""


async def _settle() -> None:
    """Let the server's coroutine run until it waits for more bytes."""
    for _ in range(60):
        await asyncio.sleep(0)


async def _converse(server_class: type[SMTP], pieces: list[bytes], **options: Any) -> Any:
    handler = _Recorder()
    server = server_class(
        handler, hostname="relay.test", loop=asyncio.get_running_loop(), **options
    )
    wire = _Wire()
    server.connection_made(wire)
    await _settle()
    for piece in pieces:
        if wire.closed:
            break
        server.data_received(piece)
        await _settle()
    server.connection_lost(None)
    await _settle()
    return bytes(wire.written), handler.envelopes


def _both(pieces: list[bytes], **options: Any) -> tuple[Any, Any]:
    """(aiosmtpd's replies and envelopes, the listener's) for the same arrivals."""

    async def run() -> tuple[Any, Any]:
        theirs = await _converse(SMTP, pieces, **options)
        ours = await _converse(RelaySMTP, pieces, **options)
        return theirs, ours

    # A loop of its own, not asyncio.run(): that would also unset the thread's current loop, which
    # aiosmtpd's class sets and keeps for listeners built without one (test_smtp_addresses.py),
    # leaving that loop unclosed for the garbage collector.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


def _split(stream: bytes, cuts: list[int]) -> list[bytes]:
    """`stream` cut at the given offsets, each piece one arrival."""
    points = sorted({cut for cut in cuts if 0 < cut < len(stream)})
    return [
        stream[start:end] for start, end in zip([0, *points], [*points, len(stream)], strict=True)
    ]


def _assert_same(pieces: list[bytes], **options: Any) -> bytes:
    theirs, ours = _both(pieces, **options)
    assert ours == theirs
    replies: bytes = theirs[0]
    return replies


CASES = {
    "plain": b"Subject: x\r\n\r\nHello\r\n.\r\n",
    "empty mail": b".\r\n",
    "dot-stuffed lines": b"Hello\r\n..one\r\n..\r\n...\r\n....\r\n.x.\r\nBye\r\n.\r\n",
    "first line stuffed": b"..\r\n.\r\n",
    "first line a stuffed dot, then end": b"..\r\nx\r\n.\r\n",
    "one empty line": b"\r\n.\r\n",
    "no final CRLF before dot in the text": b"a.\r\n\r\n.\r\n",
    "bare LF and CR inside lines": b"a\nb\rc\r\r\n.\n.\r\r\n\n.\r\n.\r\n",
    "line of 999": b"x" * 999 + b"\r\n.\r\n",
    "line of 1000": b"x" * 1000 + b"\r\n.\r\n",
    "line of 1001": b"x" * 1001 + b"\r\n.\r\n",
    "line of 1003": b"x" * 1003 + b"\r\n.\r\n",
    "line of 5000 then more": b"x" * 5000 + b"\r\nok\r\n.\r\n",
    "stuffed line of 999": b".." + b"z" * 997 + b"\r\n.\r\n",
    "big": b"".join(b"line %06d of the mail\r\n" % n for n in range(9_000)) + b".\r\n",
    "8-bit": "Grüße, ça va ?\r\n".encode() + b"\xff\xfe\r\n.\r\n",
}


@pytest.mark.parametrize("body", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("piece", [None, 1, 2, 3, 4, 5, 7, 1000, 4096])
def test_same_replies_and_envelopes_as_aiosmtpd(body: bytes, piece: int | None) -> None:
    stream = HEAD + body + b"NOOP\r\nQUIT\r\n"
    pieces = (
        [stream] if piece is None else [stream[i : i + piece] for i in range(0, len(stream), piece)]
    )
    if piece is not None and len(pieces) > 2_000:
        pieces = _split(stream, list(range(0, len(stream), 4_999)))
    replies = _assert_same(pieces)
    assert replies.endswith(b"250 OK\r\n221 Bye\r\n")  # the NOOP after the mail was answered


def test_the_mail_and_its_dots_as_stored() -> None:
    theirs, ours = _both([HEAD + CASES["dot-stuffed lines"] + b"QUIT\r\n"])
    assert ours == theirs
    assert ours[1][0][4] == b"Hello\r\n.one\r\n.\r\n..\r\n...\r\nx.\r\nBye\r\n"


def test_terminator_split_in_every_place() -> None:
    body = b"Subject: x\r\n\r\nShort one.\r\n.\r\n"
    stream = HEAD + body + b"QUIT\r\n"
    end = len(HEAD) + len(body)
    for cut in range(end - 8, end + 1):
        for second in range(cut, end + 2):
            _assert_same(_split(stream, [len(HEAD), cut, second]))


def test_a_200_kb_mail_whole_and_in_64_kb_arrivals() -> None:
    lines = b"".join(b"QUJD" * 19 + b"\r\n" for _ in range(2_700))
    stream = HEAD + lines + b".\r\nNOOP\r\nQUIT\r\n"
    for pieces in ([stream], _split(stream, list(range(0, len(stream), 65_536)))):
        theirs, ours = _both(pieces)
        assert ours == theirs
        assert ours[1][0][4] == lines
        # Around the size where the listener stops keeping the whole mail (the limit, then a
        # line of line_length_limit and CRLF.CRLF past it).
        for limit in range(len(lines) - 1_012, len(lines) - 996):
            _assert_same(pieces, data_size_limit=limit)


@pytest.mark.parametrize("limit", [100, 1_500, 4_000])
def test_mails_around_the_size_limit(limit: int) -> None:
    for size in range(limit - 3, limit + 4):
        lines = b"".join(b"y" * 48 + b"\r\n" for _ in range(size // 50))
        lines += b"z" * (size - len(lines) - 2) + b"\r\n" if size - len(lines) >= 2 else b""
        for body in (lines, b"." + lines):
            stream = HEAD + body + b".\r\nNOOP\r\nQUIT\r\n"
            replies = _assert_same([stream], data_size_limit=limit)
            refused = b"552 Error: Too much mail data" in replies
            assert refused == (len(body) > limit)


def test_a_long_line_and_too_much_data_answer_whichever_came_first() -> None:
    long_line = b"L" * 1200 + b"\r\n"
    filler = b"f" * 98 + b"\r\n"
    for body in (
        long_line + filler * 30,  # long line first: 500
        filler * 30 + long_line,  # limit passed first: 552
        filler * 9 + long_line + filler * 30,  # the long line passes the limit: 500
        filler * 9 + b"m" * 1000 + b"\r\n" + filler * 30,  # 1000 passes the limit: 552
    ):
        for pieces in (
            [HEAD + body + b".\r\nQUIT\r\n"],
            _split(HEAD + body + b".\r\nQUIT\r\n", list(range(0, 10_000, 333))),
        ):
            _assert_same(pieces, data_size_limit=1_000)


def test_decode_data_gives_the_same_text() -> None:
    body = "Grüße\r\n..dot\r\n.\r\n".encode()
    for smtputf8 in (True, False):
        theirs, ours = _both(
            [HEAD + body + b"QUIT\r\n"], decode_data=True, enable_SMTPUTF8=smtputf8
        )
        assert ours == theirs
    theirs, ours = _both([HEAD + body + b"QUIT\r\n"], decode_data=True, enable_SMTPUTF8=True)
    assert ours[1][0][2] is str


def test_connection_lost_in_the_middle_of_the_mail() -> None:
    theirs, ours = _both([HEAD + b"Subject: x\r\n\r\nHalf a mail\r\n"])
    assert ours == theirs
    assert ours[1] == []


def test_refusal_of_a_prefix_over_the_limit() -> None:
    limit = 2_000
    lines = b"a" * 98 + b"\r\n"
    prefix = (lines * 40)[: limit + 1001 + 5]
    assert data_refusal(prefix, complete=False, size_limit=limit, line_limit=1001) == (
        "552 Error: Too much mail data"
    )
    endless = lines * 19 + b"b" * 3_000
    refusal = data_refusal(
        endless[: limit + 1001 + 5], complete=False, size_limit=limit, line_limit=1001
    )
    assert refusal == "500 Line too long (see RFC5321 4.5.3.1.6)"


_line = st.one_of(
    st.sampled_from([b"", b".", b"..", b"...", b".x", b"x.", b"\r", b"\n", b"a\rb", b"a\nb"]),
    st.binary(max_size=40).map(lambda raw: raw.replace(b"\r\n", b"")),
    st.integers(995, 1006).map(lambda n: b"w" * n),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(_line, max_size=12),
    cuts=st.lists(st.integers(0, 4_000), max_size=6),
    limit=st.sampled_from([None, 0, 10, 60, 1_000, 2_500]),
    after=st.sampled_from([b"", b"NOOP\r\n", b"RSET\r\nNOOP\r\n", b"MAIL FROM:<c@d.example>\r\n"]),
)
def test_any_mail_in_any_pieces(
    lines: list[bytes], cuts: list[int], limit: int | None, after: bytes
) -> None:
    body = b"".join(line + b"\r\n" for line in lines) + b".\r\n"
    stream = HEAD + body + after + b"QUIT\r\n"
    options = {} if limit is None else {"data_size_limit": limit}
    _assert_same(_split(stream, cuts), **options)


@pytest.mark.parametrize(
    "lines",
    [
        *CASES.values(),
        b"no dot starts a line. Here. Or here.\r\n",
        b".first\r\nsecond\r\n",
        b"bare LF\n.before a dot\r\n",
        b"A" * 200_000 + b"\r\n..last\r\n",
    ],
)
def test_dot_stuffing_undone_as_on_every_crlf(lines: bytes) -> None:
    expected = (b"\r\n" + lines).replace(b"\r\n.", b"\r\n")[2:]
    assert _without_dot_stuffing(lines) == expected


@given(st.lists(st.sampled_from([b".", b"..", b"\r\n", b"\n", b"\r", b"x", b"\r\n."]), max_size=40))
def test_dot_stuffing_undone_for_any_mix_of_dots_and_line_breaks(pieces: list[bytes]) -> None:
    lines = b"".join(pieces)
    assert _without_dot_stuffing(lines) == (b"\r\n" + lines).replace(b"\r\n.", b"\r\n")[2:]


def _lf_before_a_dot(lines: bytes) -> bool:
    """The earlier test: the mail starts with "." or a regular expression finds LF then "."."""
    return lines.startswith(b".") or re.search(rb"\n\.", lines) is not None


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from([b".", b"..", b"\r\n", b"\n", b"\r", b"x", b"x.", b"a.b\r\n", b"\r\n."]),
        max_size=80,
    )
)
def test_the_search_for_stuffed_lines_answers_as_the_regular_expression(
    pieces: list[bytes],
) -> None:
    lines = b"".join(pieces)
    assert _may_have_stuffed_lines(lines) == _lf_before_a_dot(lines)


@pytest.mark.parametrize("dotted_lines", [0, 1, _DOT_LINES_SKIPPED - 1, _DOT_LINES_SKIPPED, 40])
@pytest.mark.parametrize("last", [b"", b".stuffed\r\n", b"bare LF\n.dot\r\n", b"x\r\n"])
def test_stuffed_lines_found_before_and_after_the_lines_skipped_one_by_one(
    dotted_lines: int, last: bytes
) -> None:
    # Lines with a "." inside, as many as are skipped one by one or more, then base64 (no "."),
    # then the last line: whether it has a LF before a "." is all that decides.
    text = b"A sentence. Another one.\r\n" * dotted_lines
    lines = text + b"QUJD" * 5_000 + b"\r\n" + last
    assert _may_have_stuffed_lines(lines) == _lf_before_a_dot(lines) == (b"\n." in b"\n" + last)
    assert _without_dot_stuffing(lines) == (b"\r\n" + lines).replace(b"\r\n.", b"\r\n")[2:]


def _end_of_data_found(buffer: bytearray, start: int) -> int:
    """What readuntil's search finds: the whole terminator compared from `start` on."""
    found = buffer.find(_END_OF_DATA, start)
    return found + len(_END_OF_DATA) if found >= 0 else -1


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from([b".", b"\r\n", b"\n", b"\r", b"x", b"x.", b"a.b\r\n", b"\r\n.", b".\r\n"]),
        max_size=80,
    ),
    st.integers(min_value=0, max_value=20),
)
def test_the_end_of_data_is_found_where_the_whole_terminator_is(
    pieces: list[bytes], start: int
) -> None:
    buffer = bytearray(b"".join(pieces))
    assert _end_of_data_in(buffer, start) == _end_of_data_found(buffer, start)


@pytest.mark.parametrize("dotted_lines", [0, 1, _DOTS_LOOKED_AT - 1, _DOTS_LOOKED_AT, 40])
@pytest.mark.parametrize("end", [b"\r\n.\r\n", b"\r\n.\r", b"\r\n..\r\n", b""])
def test_the_end_of_data_after_the_dots_looked_at_one_by_one(dotted_lines: int, end: bytes) -> None:
    # Sentences (a "." that ends no mail), as many as are looked at one by one or more, base64
    # (no "."), then the terminator, a part of it, a stuffed line or nothing.
    buffer = bytearray(b"A sentence. Another one.\r\n" * dotted_lines + b"QUJD" * 5_000 + end)
    assert _end_of_data_in(buffer, 0) == _end_of_data_found(buffer, 0)
    assert (_end_of_data_in(buffer, 0) == len(buffer)) == (end == b"\r\n.\r\n")
