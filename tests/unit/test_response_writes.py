"""A response's writes leave as one socket write per event-loop turn (entrypoints/http/
response_writes.py), in order, and nothing held is lost when the connection closes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from gobetween.entrypoints.http.response_writes import GatheredHttpToolsProtocol, GatheredWrites


def _run_on_a_loop_of_its_own(coroutine: Coroutine[Any, Any, None]) -> None:
    # Not asyncio.run(): that would also unset the thread's current loop, which aiosmtpd's class
    # sets and keeps for listeners built without one (tests/unit/mail), leaving that loop unclosed
    # for the garbage collector to warn about in a later test.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


class RecordingTransport:
    """What a socket transport was asked to do, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", bytes(data)))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.calls.append(("close", b""))
        self.closing = True

    def abort(self) -> None:
        self.calls.append(("abort", b""))
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8025) if name == "sockname" else default


def gathered() -> tuple[GatheredWrites, RecordingTransport]:
    transport = RecordingTransport()
    return GatheredWrites(transport, asyncio.get_running_loop()), transport  # type: ignore[arg-type]


def test_the_writes_of_one_turn_leave_as_one_write_after_it() -> None:
    _run_on_a_loop_of_its_own(_the_writes_of_one_turn_leave_as_one_write_after_it())


async def _the_writes_of_one_turn_leave_as_one_write_after_it() -> None:
    writes, transport = gathered()
    writes.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n")
    writes.write(b"{}")
    assert transport.calls == []
    assert writes.get_write_buffer_size() == 7 + 45
    await asyncio.sleep(0)
    assert transport.calls == [("write", b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}")]


def test_writes_of_different_turns_leave_separately_and_in_order() -> None:
    _run_on_a_loop_of_its_own(_writes_of_different_turns_leave_separately_and_in_order())


async def _writes_of_different_turns_leave_separately_and_in_order() -> None:
    writes, transport = gathered()
    writes.write(b"first")
    await asyncio.sleep(0)
    writes.write(b"")  # nothing to send: no write
    writes.writelines([b"sec", b"ond"])
    await asyncio.sleep(0)
    assert transport.calls == [("write", b"first"), ("write", b"second")]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    _run_on_a_loop_of_its_own(_close_sends_what_is_held_first_and_abort_drops_it())


async def _close_sends_what_is_held_first_and_abort_drops_it() -> None:
    writes, transport = gathered()
    writes.write(b"last words")
    writes.close()
    await asyncio.sleep(0)
    assert transport.calls == [("write", b"last words"), ("close", b"")]

    writes, transport = gathered()
    writes.write(b"never sent")
    writes.abort()
    await asyncio.sleep(0)
    assert transport.calls == [("abort", b"")]


def test_other_transport_calls_reach_the_socket_transport() -> None:
    _run_on_a_loop_of_its_own(_other_transport_calls_reach_the_socket_transport())


async def _other_transport_calls_reach_the_socket_transport() -> None:
    writes, _transport = gathered()
    assert writes.get_extra_info("sockname") == ("127.0.0.1", 8025)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """/stream answers in two chunks a turn apart; anything else one JSON body."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one,", "more_body": True})
        await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b"two", "more_body": False})
        return
    body = b'{"path": "' + scope["path"].encode() + b'"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> bytes:
    writer.write(f"GET {path} HTTP/1.1\r\nhost: test\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head:
        return head + await reader.readuntil(b"0\r\n\r\n")
    length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
    return head + await reader.readexactly(length)


def test_a_server_with_gathered_writes_answers_whole_responses_on_a_kept_connection() -> None:
    _run_on_a_loop_of_its_own(
        _a_server_with_gathered_writes_answers_whole_responses_on_a_kept_connection()
    )


async def _a_server_with_gathered_writes_answers_whole_responses_on_a_kept_connection() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        port = listening.getsockname()[1]
        config = uvicorn.Config(
            app, http=GatheredHttpToolsProtocol, log_config=None, lifespan="off", loop="asyncio"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            first = await exchange(reader, writer, "/one")
            second = await exchange(reader, writer, "/two")
            streamed = await exchange(reader, writer, "/stream")
        finally:
            writer.close()
            server.should_exit = True
            await serving
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert first.endswith(b'{"path": "/one"}')
    assert second.endswith(b'{"path": "/two"}')
    assert streamed.endswith(b"4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n")
