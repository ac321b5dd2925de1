"""API tokens and who a caller is: create, authenticate, list and revoke; the four roles.

A token is 32 random bytes from the operating system's CSPRNG (256 bits), shown once. Only its
SHA-256 is stored. Not argon2 or bcrypt: slow, salted hashes exist to protect low-entropy
passwords against guessing, and a 256-bit random token cannot be guessed whatever the hash costs;
a slow hash would add tens of milliseconds and megabytes of memory to every API request, and a
salted hash cannot be looked up by an index, so every request would have to try every token. An
unsalted SHA-256 is found with one unique-index lookup and still gives a thief of the database
nothing usable.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from gobetween.domain.cases import Actor
from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound
from gobetween.domain.parties import check_party_id
from gobetween.services.access_ports import ROLES, AccessUnitOfWork, Role, TokenRecord
from gobetween.services.ports import Clock

TOKEN_PREFIX: Final = "gbt_"  # noqa: S105 - a marker that names the token kind, not a secret
TOKEN_BYTES: Final = 32
# Enough of the token to tell tokens apart in `tokens list`, far too little to guess the rest.
SHOWN_PREFIX_CHARS: Final = 12
MAX_LABEL_CHARS: Final = 200


class UnauthenticatedError(GobetweenError):
    """No token, a malformed one, or one that is unknown or revoked."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a role and, for sellers and buyers, whose data it may touch."""

    role: Role
    seller_id: str | None = None
    buyer_id: str | None = None
    token_id: int | None = None

    @property
    def party_id(self) -> str:
        """The seller's or buyer's id; empty for operators and auditors."""
        return self.seller_id or self.buyer_id or ""

    @property
    def actor(self) -> Actor:
        """The same caller as the cases service names actors."""
        return Actor(self.role, self.party_id)

    @property
    def reads_everything(self) -> bool:
        """Operators and auditors read every thread (system.md, People and roles)."""
        return self.role in ("operator", "auditor")


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(value: object) -> Role:
    """Return `value` if it is one of the four roles, else raise InvalidInput."""
    if value not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}; got {value!r}")
    return value


def create_token(
    uow: AccessUnitOfWork,
    role: str,
    seller_id: str | None = None,
    buyer_id: str | None = None,
    *,
    now: datetime,
    label: str = "",
) -> str:
    """Store a new token for `role` inside the caller's open unit of work; return it, once.

    Sellers need `seller_id`, buyers `buyer_id` (each must exist); operators and auditors
    neither. The caller commits.
    """
    checked_role = check_role(role)
    if checked_role == "seller":
        if seller_id is None or buyer_id is not None:
            raise InvalidInput("seller_id", "a seller token needs a seller id and no buyer id")
        if uow.sellers.find(check_party_id(seller_id, field_name="seller_id")) is None:
            raise NotFound("seller", seller_id)
    elif checked_role == "buyer":
        if buyer_id is None or seller_id is not None:
            raise InvalidInput("buyer_id", "a buyer token needs a buyer id and no seller id")
        if uow.buyers.find(check_party_id(buyer_id, field_name="buyer_id")) is None:
            raise NotFound("buyer", buyer_id)
    elif seller_id is not None or buyer_id is not None:
        field = "seller_id" if seller_id is not None else "buyer_id"
        raise InvalidInput(field, f"an {checked_role} token belongs to no seller or buyer")
    if len(label) > MAX_LABEL_CHARS or any(ch in label for ch in "\r\n\x00"):
        raise InvalidInput("label", f"must be one line of at most {MAX_LABEL_CHARS} characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    uow.access.tokens.add(
        token_hash=token_hash(token),
        prefix=token[:SHOWN_PREFIX_CHARS],
        role=checked_role,
        seller_id=seller_id,
        buyer_id=buyer_id,
        label=label,
        now=now,
    )
    return token


def issue_token(
    role: str,
    seller_id: str | None = None,
    buyer_id: str | None = None,
    *,
    uow: AccessUnitOfWork,
    clock: Clock,
    label: str = "",
) -> str:
    """Create a token in a unit of work of its own (`gobetween tokens create`)."""
    with uow:
        token = create_token(
            uow, role, seller_id, buyer_id, now=clock().astimezone(UTC), label=label
        )
        uow.commit()
    return token


class VerifiedTokens:
    """Tokens found active in the database in the last `ttl_seconds`, by hash, in memory.

    Every API request needs its caller, and the lookup is a transaction of its own: a third of
    the work of a cheap request. A token seen active a moment ago is taken as still active for
    `ttl_seconds`, so a revocation (`gobetween tokens revoke`, which runs in another process) takes
    effect within that bound in every server process; 0 checks the database on every request.
    Only tokens found active are kept: an unknown or revoked token always reaches the database.
    The number of entries is bounded; when full, the cache starts over.
    """

    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = 100_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._now = now
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        """The principal of a token verified less than `ttl_seconds` ago, else None."""
        entry = self._verified.get(digest)
        if entry is None:
            return None
        principal, verified_at = entry
        if self._now() - verified_at >= self.ttl_seconds:
            return None
        return principal

    def remember(self, digest: str, principal: Principal) -> None:
        if self.ttl_seconds <= 0:
            return
        with self._lock:
            if len(self._verified) >= self._max_entries:
                self._verified.clear()
            self._verified[digest] = (principal, self._now())


def checked_token_hash(token: str | None) -> str:
    """The stored form of a well-shaped token; UnauthenticatedError for none or a malformed one."""
    if not token:
        raise UnauthenticatedError("an API token is required (Authorization: Bearer <token>)")
    # A cheap shape check before touching the database: no lookups for garbage.
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise UnauthenticatedError("the API token is malformed")
    return token_hash(token)


def authenticate(
    token: str | None, *, uow: AccessUnitOfWork, verified: VerifiedTokens | None = None
) -> Principal:
    """The caller a token stands for; UnauthenticatedError if missing, unknown or revoked.

    With `verified`, a token found active within its time-to-live is not looked up again.
    """
    digest = checked_token_hash(token)
    if verified is not None:
        known = verified.get(digest)
        if known is not None:
            return known
    with uow:
        record = uow.access.tokens.find_active_by_hash(digest)
    if record is None:
        raise UnauthenticatedError("the API token is unknown or revoked")
    principal = Principal(record.role, record.seller_id, record.buyer_id, record.id)
    if verified is not None:
        verified.remember(digest, principal)
    return principal


def revoke_token(token_id: int, *, uow: AccessUnitOfWork, clock: Clock) -> TokenRecord:
    """Revoke a token at once; NotFound for an unknown id, InvalidInput if already revoked."""
    with uow:
        record = uow.access.tokens.find(token_id)
        if record is None:
            raise NotFound("token", token_id)
        if not uow.access.tokens.revoke(token_id, now=clock().astimezone(UTC)):
            raise InvalidInput("token_id", f"token {token_id} is already revoked")
        revoked = uow.access.tokens.find(token_id)
        uow.commit()
    assert revoked is not None
    return revoked


def list_tokens(*, uow: AccessUnitOfWork) -> Sequence[TokenRecord]:
    """Every token ever created, revoked ones included, oldest first."""
    with uow:
        return uow.access.tokens.all()
