"""An SPF verdict is kept with the DNS answers it read, and reused only while DNS answers the same.

`SenderAuthenticator.check_spf` skips pyspf's evaluation for a (client address, MAIL FROM,
HELO) it has judged when the resolver gives every answer that evaluation read again; any change
in the zone, or a lookup that fails, is evaluated afresh. So its verdict is, mail after mail,
the one a new authenticator (nothing kept) gives for the same zone at that moment.
"""

from __future__ import annotations

import spf
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import sender_auth
from gobetween.adapters.mail.sender_auth import SenderAuthenticator, StaticResolver


class _CountingResolver(StaticResolver):
    def __init__(self) -> None:
        super().__init__()
        self.questions: list[tuple[str, str]] = []

    def query(self, name: str, rtype: sender_auth.RecordType) -> list[str]:
        self.questions.append((name, rtype))
        return super().query(name, rtype)


def _zone() -> _CountingResolver:
    zone = _CountingResolver()
    zone.add("buyers.example", "TXT", "v=spf1 include:_spf.buyers.example -all")
    zone.add("_spf.buyers.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all")
    return zone


def _check(authenticator: SenderAuthenticator, ip: str = "192.0.2.10") -> str:
    return authenticator.check_spf(
        client_ip=ip, mail_from="bob@buyers.example", helo="mx.buyers.example"
    )


def test_a_kept_verdict_asks_the_same_questions_without_evaluating(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    zone = _zone()
    authenticator = SenderAuthenticator(zone)
    assert _check(authenticator) == "pass"
    first = list(zone.questions)
    evaluations = []
    check = spf.query.check
    monkeypatch.setattr(spf.query, "check", lambda query: evaluations.append(1) or check(query))
    zone.questions.clear()
    assert _check(authenticator) == "pass"
    assert evaluations == []
    assert zone.questions == first
    # Another client address is another question: evaluated.
    assert _check(authenticator, "198.51.100.7") == "fail"
    assert evaluations == [1]


def test_a_changed_record_is_evaluated_afresh() -> None:
    zone = _zone()
    authenticator = SenderAuthenticator(zone)
    assert _check(authenticator) == "pass"
    zone.records[("_spf.buyers.example", "TXT")] = ["v=spf1 ip4:203.0.113.0/24 -all"]
    assert _check(authenticator) == "fail"
    zone.records[("_spf.buyers.example", "TXT")] = ["v=spf1 ip4:192.0.2.0/24 -all"]
    assert _check(authenticator) == "pass"


def test_a_failing_lookup_is_a_temporary_error_again_and_such_a_verdict_is_not_kept() -> None:
    zone = _zone()
    authenticator = SenderAuthenticator(zone)
    assert _check(authenticator) == "pass"
    zone.failing.add("_spf.buyers.example")
    assert _check(authenticator) == "temperror"
    assert _check(authenticator) == "temperror"
    zone.failing.clear()
    assert _check(authenticator) == "pass"


def test_an_address_that_is_not_one_is_none() -> None:
    authenticator = SenderAuthenticator(_zone())
    assert _check(authenticator, "not-an-ip") == "none"
    assert _check(authenticator, "not-an-ip") == "none"


def test_the_oldest_verdict_goes_when_the_limit_is_reached() -> None:
    verdicts = sender_auth._SpfVerdicts(limit=2)
    kept = sender_auth._SpfVerdict((), "pass")
    for number in range(3):
        verdicts.keep((f"192.0.2.{number}", "a@b", "h"), kept)
    assert verdicts.get(("192.0.2.0", "a@b", "h")) is None
    assert verdicts.get(("192.0.2.2", "a@b", "h")) is kept


_RECORDS = [
    "v=spf1 ip4:192.0.2.0/24 -all",
    "v=spf1 ip4:203.0.113.0/24 ~all",
    "v=spf1 include:_spf.buyers.example -all",
    "v=spf1 a mx -all",
    "v=spf1 exists:%{l}.%{i}.ok.buyers.example -all",
    "v=spf1 redirect=_spf.buyers.example",
    "v=spf1 ptr -all",
    "v=spf1 +all",
    "not an spf record",
]
_NAMES = ["buyers.example", "_spf.buyers.example"]
_CHANGES = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(_NAMES), st.sampled_from(_RECORDS)),
    st.tuples(st.just("drop"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("fail"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("heal"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("a"), st.sampled_from(["192.0.2.10", "198.51.100.7"]), st.just("")),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            _CHANGES,
            st.sampled_from(["192.0.2.10", "198.51.100.7"]),
            st.sampled_from(["bob@buyers.example", "ann@buyers.example"]),
        ),
        max_size=12,
    )
)
def test_kept_verdicts_are_what_a_new_authenticator_answers(
    steps: list[tuple[tuple[str, str, str], str, str]],
) -> None:
    zone = StaticResolver()
    zone.add("buyers.example", "TXT", _RECORDS[2])
    zone.add("_spf.buyers.example", "TXT", _RECORDS[0])
    zone.add("bob.192.0.2.10.ok.buyers.example", "A", "127.0.0.2")
    zone.add("10.2.0.192.in-addr.arpa", "PTR", "mx.buyers.example")
    zone.add("mx.buyers.example", "A", "192.0.2.10")
    zone.add("buyers.example", "MX", "10 mx.buyers.example")
    keeping = SenderAuthenticator(zone)
    for (change, name, record), ip, sender in steps:
        if change == "set":
            zone.records[(name, "TXT")] = [record]
        elif change == "drop":
            zone.records.pop((name, "TXT"), None)
        elif change == "fail":
            zone.failing.add(name)
        elif change == "heal":
            zone.failing.discard(name)
        else:
            zone.records[("buyers.example", "A")] = [name]
        for _ in range(2):
            asked = {"client_ip": ip, "mail_from": sender, "helo": "mx.buyers.example"}
            assert keeping.check_spf(**asked) == SenderAuthenticator(zone).check_spf(**asked)
