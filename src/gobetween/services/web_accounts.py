"""Web sign-in: accounts with argon2 password hashes, and server-side login sessions.

A session is a random 256-bit token in an HTTP-only cookie; the store keeps only its SHA-256, with
the CSRF synchronizer token every form of that session must echo. Sessions live server-side (not
signed cookies) so that signing out, or disabling an account, ends them at once on every web process
without a shared signing key to rotate.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.services.ports import Clock

WebRole = Literal["operator", "seller", "buyer", "auditor"]
WEB_ROLES: tuple[WebRole, ...] = ("operator", "seller", "buyer", "auditor")

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# Demo data only: printed by `make run` next to the demo accounts, never a real default.
DEMO_PASSWORD = "gobetween-demo"  # noqa: S105
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms per sign-in
# on a small 2-core server, where the argon2-cffi default (64 MiB, 3 passes, 4 lanes) took 400 ms
# and would let a few concurrent sign-ins stall the web process. Stored hashes carry their
# parameters; `sign_in` rehashes on the next sign-in whenever these are raised.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Checked when the e-mail address is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class WebAccount:
    """Someone who signs in to the message center, in one role, for one seller or buyer."""

    id: int
    email: str
    role: WebRole
    seller_id: str | None
    buyer_id: str | None
    display_name: str
    created_at: datetime
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in session: whose it is and the CSRF token its forms carry."""

    account: WebAccount
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """What signing in hands out: the cookie token (shown once, never stored) and the session."""

    token: str
    session: WebSession


class WebAccountStore(Protocol):
    """Storage of accounts and sessions; each call is its own short transaction."""

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
        """Insert an account; None when the e-mail address is taken."""
        ...

    def find_by_email(self, email: str) -> tuple[WebAccount, str] | None:
        """The account and its password hash."""
        ...

    def set_password_hash(self, account_id: int, password_hash: str) -> None: ...
    def accounts(self) -> Sequence[WebAccount]: ...
    def party_exists(self, role: WebRole, party_id: str) -> bool:
        """Whether the seller (role seller) or buyer (role buyer) is known."""
        ...

    def add_session(
        self,
        *,
        token_hash: str,
        account_id: int,
        csrf_token: str,
        now: datetime,
        expires_at: datetime,
    ) -> None: ...
    def find_session(self, token_hash: str, *, now: datetime) -> WebSession | None:
        """The live session (not revoked, not expired, account not disabled) for a token hash."""
        ...

    def revoke_session(self, token_hash: str, *, now: datetime) -> bool: ...


def normalize_email(email: str) -> str:
    """The stored form of a sign-in address: trimmed and lower-cased."""
    return email.strip().lower()


def create_account(
    *,
    email: str,
    password: str,
    role: str,
    seller_id: str | None = None,
    buyer_id: str | None = None,
    display_name: str = "",
    store: WebAccountStore,
    clock: Clock,
) -> WebAccount:
    """Create a sign-in account; InvalidInput names the bad field, Refused a taken address."""
    address = normalize_email(email)
    if not _EMAIL.match(address) or len(address) > 320:
        raise InvalidInput("email", f"must be an e-mail address; got {email!r}")
    check_password(password)
    web_role = _check_role(role)
    party_id = _check_party(web_role, seller_id=seller_id, buyer_id=buyer_id)
    if party_id is not None and not store.party_exists(web_role, party_id):
        raise NotFound(web_role, party_id)
    name = display_name.strip() or address
    if len(name) > 200:
        raise InvalidInput("display_name", "must be at most 200 characters")
    account = store.add_account(
        email=address,
        password_hash=_HASHER.hash(password),
        role=web_role,
        seller_id=seller_id if web_role == "seller" else None,
        buyer_id=buyer_id if web_role == "buyer" else None,
        display_name=name,
        now=_now(clock),
    )
    if account is None:
        raise Refused("email_taken", f"an account for {address} already exists")
    return account


def check_password(password: str) -> None:
    """Raise InvalidInput when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")


def sign_in(
    *, email: str, password: str, store: WebAccountStore, clock: Clock
) -> SessionGrant | None:
    """Start a session when the password matches an enabled account; None otherwise.

    The caller is not told whether the address exists: a wrong address and a wrong password take
    the same path and the same time.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    found = store.find_by_email(normalize_email(email))
    stored_hash = found[1] if found is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    account = found[0]
    if account.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(stored_hash):
        store.set_password_hash(account.id, _HASHER.hash(password))
    now = _now(clock)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires_at = now + SESSION_LIFETIME
    store.add_session(
        token_hash=token_hash(token),
        account_id=account.id,
        csrf_token=csrf,
        now=now,
        expires_at=expires_at,
    )
    return SessionGrant(token, WebSession(account, csrf, expires_at))


def find_session(*, token: str, store: WebAccountStore, clock: Clock) -> WebSession | None:
    """The live session a cookie token stands for, or None (unknown, expired, signed out)."""
    if not token or len(token) > 128:
        return None
    return store.find_session(token_hash(token), now=_now(clock))


def sign_out(*, token: str, store: WebAccountStore, clock: Clock) -> bool:
    """End the session of a cookie token; False when there was none to end."""
    if not token or len(token) > 128:
        return False
    return store.revoke_session(token_hash(token), now=_now(clock))


def csrf_matches(session: WebSession, submitted: str | None) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return submitted is not None and secrets.compare_digest(
        session.csrf_token.encode(), submitted.encode()
    )


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a session token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo sign-in, printed by `make run` so people can try each role."""

    email: str
    password: str
    role: WebRole
    display_name: str


def ensure_demo_accounts(
    *,
    sellers: Sequence[tuple[str, str]],
    buyers: Sequence[tuple[str, str]],
    store: WebAccountStore,
    clock: Clock,
    password: str = DEMO_PASSWORD,
    domain: str = "demo.gobetween.localhost",
) -> list[DemoAccount]:
    """Create (or keep) one operator, one auditor, and an account per (id, name) seller and buyer.

    Idempotent: accounts that already exist are listed again and left as they are.
    """
    wanted: list[tuple[str, WebRole, str | None, str | None, str]] = [
        (f"operator@{domain}", "operator", None, None, "Marketplace operator"),
        (f"auditor@{domain}", "auditor", None, None, "Dispute auditor"),
    ]
    wanted += [(f"{_slug('seller', i)}@{domain}", "seller", i, None, n) for i, n in sellers]
    wanted += [(f"{_slug('buyer', i)}@{domain}", "buyer", None, i, n) for i, n in buyers]
    made: list[DemoAccount] = []
    for email, role, seller_id, buyer_id, name in wanted:
        if store.find_by_email(email) is None:
            create_account(
                email=email,
                password=password,
                role=role,
                seller_id=seller_id,
                buyer_id=buyer_id,
                display_name=name,
                store=store,
                clock=clock,
            )
        made.append(DemoAccount(email, password, role, name))
    return made


def _slug(role: str, party_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", party_id.lower()).strip("-") or "x"
    return slug if slug.startswith(role + "-") else f"{role}-{slug}"


def _check_role(role: str) -> WebRole:
    for known in WEB_ROLES:
        if role == known:
            return known
    raise InvalidInput("role", f"must be one of {', '.join(WEB_ROLES)}; got {role!r}")


def _check_party(role: WebRole, *, seller_id: str | None, buyer_id: str | None) -> str | None:
    if role == "seller":
        if not seller_id or buyer_id:
            raise InvalidInput("seller_id", "a seller account needs --seller and no --buyer")
        return seller_id
    if role == "buyer":
        if not buyer_id or seller_id:
            raise InvalidInput("buyer_id", "a buyer account needs --buyer and no --seller")
        return buyer_id
    if seller_id or buyer_id:
        raise InvalidInput("role", f"an {role} account belongs to no seller or buyer")
    return None


def _now(clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise InvalidInput("clock", "must return timezone-aware UTC time")
    return now.astimezone(UTC)
