"""The production resolver asks a real (loopback) DNS server once per record and TTL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from gobetween.adapters.mail.sender_auth import DnsPythonResolver


class _TxtServer:
    """A UDP DNS server on 127.0.0.1 answering every TXT question with one record."""

    def __init__(self, ttl: int) -> None:
        self.ttl = ttl
        self.questions: list[str] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            self.questions.append(question.name.to_text(omit_final_dot=True))
            response = dns.message.make_response(query)
            response.answer.append(
                dns.rrset.from_text(
                    question.name,
                    self.ttl,
                    dns.rdataclass.IN,
                    dns.rdatatype.TXT,
                    '"v=DMARC1; p=reject"',
                )
            )
            self.socket.sendto(response.to_wire(), client)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def server() -> Iterator[_TxtServer]:
    running = _TxtServer(ttl=300)
    try:
        yield running
    finally:
        running.close()


def test_a_record_is_asked_once_within_its_ttl(server: _TxtServer) -> None:
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=2.0)
    first = resolver.query("_dmarc.buyer.example", "TXT")
    second = resolver.query("_dmarc.buyer.example", "TXT")
    other = resolver.query("_dmarc.seller.example", "TXT")
    assert first == second == other == ["v=DMARC1; p=reject"]
    assert server.questions == ["_dmarc.buyer.example", "_dmarc.seller.example"]


def test_a_zero_ttl_is_asked_again(server: _TxtServer) -> None:
    server.ttl = 0
    resolver = DnsPythonResolver(nameservers=["127.0.0.1"], port=server.port, lifetime=2.0)
    resolver.query("_dmarc.buyer.example", "TXT")
    resolver.query("_dmarc.buyer.example", "TXT")
    assert server.questions == ["_dmarc.buyer.example"] * 2
