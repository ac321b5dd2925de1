"""A UDP DNS server on 127.0.0.1 for the production resolver's tests (a real server, real wire)."""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class LoopbackDnsServer:
    """Answers each question by its name's behaviour in `names` (else `default`): "silent" never
    answers (the resolver times out), "servfail" and "nxdomain" answer with that rcode, "empty"
    answers with no record; any other value is the name's TXT record, with `ttl`. Every
    question's name is kept in `questions`, in order."""

    def __init__(
        self, names: dict[str, str] | None = None, *, default: str = "nxdomain", ttl: int = 300
    ) -> None:
        self.names = dict(names or {})
        self.default = default
        self.ttl = ttl
        self.questions: list[str] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
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
            name = question.name.to_text(omit_final_dot=True)
            self.questions.append(name)
            behaviour = self.names.get(name, self.default)
            if behaviour == "silent":
                continue
            response = dns.message.make_response(query)
            if behaviour == "servfail":
                response.set_rcode(dns.rcode.SERVFAIL)
            elif behaviour == "nxdomain":
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif behaviour != "empty":
                chunks = [behaviour[i : i + 255] for i in range(0, len(behaviour), 255)]
                response.answer.append(
                    dns.rrset.from_text(
                        question.name,
                        self.ttl,
                        dns.rdataclass.IN,
                        dns.rdatatype.TXT,
                        " ".join(f'"{chunk}"' for chunk in chunks),
                    )
                )
            self.socket.sendto(response.to_wire(), client)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()
