"""A UDP DNS server on 127.0.0.1 for the production resolver's tests (a real server, real wire)."""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

# A name's behaviour: one of BEHAVIOURS, a TXT record's text, or several TXT records (each a
# text, or a tuple of the character-strings it is made of).
Answer = str | list[str | tuple[str, ...]]

# The answers that are not records, by what the server does.
RCODES = {
    "servfail": dns.rcode.SERVFAIL,
    "nxdomain": dns.rcode.NXDOMAIN,
    "refused": dns.rcode.REFUSED,
    "formerr": dns.rcode.FORMERR,
    "notimp": dns.rcode.NOTIMP,
    "yxdomain": dns.rcode.YXDOMAIN,
}
BEHAVIOURS = frozenset({"silent", "empty", "garbage", "truncated", *RCODES})


class LoopbackDnsServer:
    """Answers each question by its name's behaviour in `names` (else `default`): "silent" never
    answers (the resolver times out); "servfail", "nxdomain", "refused", "formerr", "notimp" and
    "yxdomain" answer with that rcode; "empty" answers with no record; "garbage" answers with
    bytes that are not a DNS message; "truncated" sets TC (and nothing serves TCP). Any other
    value is the name's TXT records, with `ttl`: a text is one record, split into 255-octet
    character-strings; a list is several records, in that order on the wire, each a text or a
    tuple of its character-strings. Every question's name is kept in `questions`, in order."""

    def __init__(
        self,
        names: dict[str, Answer] | None = None,
        *,
        default: Answer = "nxdomain",
        ttl: int = 300,
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
            if behaviour == "garbage":
                # The query's id, then bytes no DNS message is made of.
                self.socket.sendto(wire[:2] + b"\x81\x80\xff\xff", client)
                continue
            response = dns.message.make_response(query)
            if isinstance(behaviour, str) and behaviour in RCODES:
                response.set_rcode(RCODES[behaviour])
            elif behaviour == "truncated":
                response.flags |= dns.flags.TC
            elif behaviour != "empty":
                records = [behaviour] if isinstance(behaviour, str) else behaviour
                answer = dns.rrset.RRset(question.name, dns.rdataclass.IN, dns.rdatatype.TXT)
                for record in records:
                    # One by one: the order given is the order on the wire.
                    answer.add(
                        dns.rdata.from_text(
                            dns.rdataclass.IN, dns.rdatatype.TXT, _txt_rdata(record)
                        ),
                        self.ttl,
                    )
                response.answer.append(answer)
            # In the order given: dnspython would shuffle the records, as servers rotate them.
            self.socket.sendto(response.to_wire(want_shuffle=False), client)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


def _txt_rdata(record: str | tuple[str, ...]) -> str:
    """A TXT record in zone-file text: its character-strings, each quoted."""
    chunks = (
        record
        if isinstance(record, tuple)
        else tuple(record[i : i + 255] for i in range(0, len(record), 255))
    )
    return " ".join('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in chunks)
