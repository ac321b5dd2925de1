"""One socket write per response: uvicorn's httptools protocol with its writes gathered.

uvicorn writes a response's status line and headers as soon as the app starts the response, and
its body as a second write right after. On loopback and behind a proxy each write is a system
call that also wakes the reader, which then reads the headers alone and sleeps again until the
body arrives: two wake-ups of each side per response where one does. `GatheredWrites` holds what
is written during one turn of the event loop and hands it to the socket as one write at the end
of that turn, so a response made in one go (every JSON answer of the API, every page) leaves in
one write, and a streamed one still leaves each chunk in the turn it was written.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class GatheredWrites:
    """A transport that passes every write of one event-loop turn on as one write.

    Everything else (closing, flow control, addresses) is the wrapped transport's; closing or
    ending the stream first passes on what is held, so nothing written is lost or reordered.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes | bytearray | memoryview] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        """Pass what this turn wrote on to the socket, as one write."""
        if not self._held:
            return
        data = b"".join(self._held)
        self._held.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(data) for data in self._held)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GatheredHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing through `GatheredWrites`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        gathered: Any = GatheredWrites(transport, self.loop)
        super().connection_made(gathered)
