"""Pure parts of the message center: passwords and sessions over a hand-written store; spans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.entrypoints.http.pages.presenting import Segment, highlight, time_left
from gobetween.services.web_accounts import (
    WebAccount,
    WebRole,
    WebSession,
    create_account,
    csrf_matches,
    find_session,
    sign_in,
    sign_out,
    token_hash,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class MemoryStore:
    """A WebAccountStore in memory, for the service's rules only."""

    def __init__(self, parties: set[str]) -> None:
        self.parties = parties
        self.rows: dict[str, tuple[WebAccount, str]] = {}
        self.sessions: dict[str, tuple[int, str, datetime, bool]] = {}

    def add_account(
        self,
        *,
        email: str,
        password_hash: str,
        role: WebRole,
        seller_id: str | None,
        buyer_id: str | None,
        display_name: str,
        now: datetime,
    ) -> WebAccount | None:
        if email in self.rows:
            return None
        account = WebAccount(
            len(self.rows) + 1, email, role, seller_id, buyer_id, display_name, now
        )
        self.rows[email] = (account, password_hash)
        return account

    def find_by_email(self, email: str) -> tuple[WebAccount, str] | None:
        return self.rows.get(email)

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        raise AssertionError("not expected: the hashes are current")

    def accounts(self) -> Sequence[WebAccount]:
        return [account for account, _ in self.rows.values()]

    def party_exists(self, role: WebRole, party_id: str) -> bool:
        return party_id in self.parties

    def add_session(
        self,
        *,
        token_hash: str,
        account_id: int,
        csrf_token: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self.sessions[token_hash] = (account_id, csrf_token, expires_at, False)

    def find_session(self, token_hash: str, *, now: datetime) -> WebSession | None:
        found = self.sessions.get(token_hash)
        if found is None or found[3] or found[2] <= now:
            return None
        account = next(a for a, _ in self.rows.values() if a.id == found[0])
        return WebSession(account, found[1], found[2])

    def revoke_session(self, token_hash: str, *, now: datetime) -> bool:
        found = self.sessions.get(token_hash)
        if found is None or found[3]:
            return False
        self.sessions[token_hash] = (*found[:3], True)
        return True


def test_an_account_signs_in_case_insensitively_and_signs_out_for_good() -> None:
    store = MemoryStore({"s1"})
    create_account(
        email=" Ann@Shop.example ",
        password="a long passphrase",
        role="seller",
        seller_id="s1",
        store=store,
        clock=lambda: NOW,
    )
    assert "ann@shop.example" in store.rows
    assert "a long passphrase" not in store.rows["ann@shop.example"][1]
    grant = sign_in(
        email="ANN@shop.example", password="a long passphrase", store=store, clock=lambda: NOW
    )
    assert grant is not None
    assert token_hash(grant.token) in store.sessions
    assert grant.token not in store.sessions
    session = find_session(token=grant.token, store=store, clock=lambda: NOW)
    assert session is not None
    assert session.account.seller_id == "s1"
    assert csrf_matches(session, session.csrf_token)
    assert not csrf_matches(session, session.csrf_token[:-1] + "x")
    assert not csrf_matches(session, None)
    assert sign_out(token=grant.token, store=store, clock=lambda: NOW)
    assert find_session(token=grant.token, store=store, clock=lambda: NOW) is None
    later = NOW + timedelta(hours=13)
    again = sign_in(
        email="ann@shop.example", password="a long passphrase", store=store, clock=lambda: NOW
    )
    assert again is not None
    assert find_session(token=again.token, store=store, clock=lambda: later) is None


def test_wrong_passwords_and_unknown_addresses_get_the_same_answer() -> None:
    store = MemoryStore(set())
    create_account(
        email="op@market.example",
        password="operator secret",
        role="operator",
        store=store,
        clock=lambda: NOW,
    )
    assert (
        sign_in(email="op@market.example", password="wrong secret!", store=store, clock=lambda: NOW)
        is None
    )
    assert (
        sign_in(
            email="nobody@market.example",
            password="operator secret",
            store=store,
            clock=lambda: NOW,
        )
        is None
    )
    assert store.sessions == {}


@pytest.mark.parametrize(
    ("fields", "error", "field_name"),
    [
        ({"email": "not-an-address"}, InvalidInput, "email"),
        ({"password": "short"}, InvalidInput, "password"),
        ({"role": "admin"}, InvalidInput, "role"),
        ({"role": "seller"}, InvalidInput, "seller_id"),
        ({"role": "auditor", "buyer_id": "b1"}, InvalidInput, "role"),
        ({"role": "buyer", "buyer_id": "nobody"}, NotFound, None),
    ],
)
def test_bad_accounts_are_refused_naming_what_is_wrong(
    fields: dict[str, str], error: type[Exception], field_name: str | None
) -> None:
    store = MemoryStore({"b1"})
    values = {"email": "x@y.example", "password": "long enough pw", "role": "operator"} | fields
    with pytest.raises(error) as raised:
        create_account(**values, store=store, clock=lambda: NOW)  # type: ignore[arg-type]
    if field_name is not None:
        assert getattr(raised.value, "field", None) == field_name
    assert store.rows == {}


def test_a_taken_address_is_refused() -> None:
    store = MemoryStore(set())
    create_account(
        email="a@b.example",
        password="long enough pw",
        role="auditor",
        store=store,
        clock=lambda: NOW,
    )
    with pytest.raises(Refused):
        create_account(
            email="A@B.example",
            password="other long pw",
            role="auditor",
            store=store,
            clock=lambda: NOW,
        )


def test_highlight_marks_spans_and_merges_overlaps() -> None:
    text = "Leave a review and mail me at a@b.example"
    segments = highlight(text, [(6, 14), None, (30, 41), (8, 12)])
    assert "".join(s.text for s in segments) == text
    assert segments[1] == Segment("a review", 1)
    assert segments[3] == Segment("a@b.example", 3)
    assert [s.finding for s in segments if s.finding] == [1, 3]
    assert highlight("abc", [(2, 99), (-5, 1)]) == [Segment("a", 2), Segment("b"), Segment("c", 1)]


def test_time_left_says_due_soon_under_four_hours_and_overdue_after_24() -> None:
    assert time_left(NOW - timedelta(hours=2), NOW).tone == "time"
    assert time_left(NOW - timedelta(hours=2), NOW).label == "22 h left"
    soon = time_left(NOW - timedelta(hours=21, minutes=30), NOW)
    assert (soon.tone, soon.label) == ("due", "2 h 30 min left")
    late = time_left(NOW - timedelta(hours=30), NOW)
    assert (late.tone, late.label) == ("late", "6 h overdue")
