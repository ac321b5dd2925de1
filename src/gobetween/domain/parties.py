"""Sellers and buyers: who they are, where their real mail goes, what they have chosen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from gobetween.domain.errors import InvalidInput

LANGUAGES = ("en", "de", "fr", "es", "it", "ja")

# Deliberately simple: one @, a dotted domain, no spaces. Real validation is the mail server's job;
# this catches typos and garbage at the edge.
_ADDRESS = re.compile(
    r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
_PARTY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_address(value: object, *, field_name: str) -> str:
    """Return the address lower-cased if it looks like an e-mail address; else InvalidInput."""
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value.strip()):
        raise InvalidInput(field_name, f"must be an e-mail address; got {value!r}")
    return value.strip().lower()


def check_party_id(value: object, *, field_name: str) -> str:
    """Return `value` if it is a usable seller or buyer id (letters, digits, _ . -; up to 64)."""
    if not isinstance(value, str) or not _PARTY_ID.fullmatch(value):
        raise InvalidInput(
            field_name, f"must be 1-64 letters, digits, '_', '.' or '-'; got {value!r}"
        )
    return value


def check_language(value: object, *, field_name: str = "language") -> str:
    """Return a supported language code, else raise InvalidInput."""
    if value not in LANGUAGES:
        raise InvalidInput(field_name, f"must be one of {', '.join(LANGUAGES)}; got {value!r}")
    return str(value)


@dataclass(frozen=True, slots=True)
class Seller:
    """A seller; `buyer_id` is set when the same business also buys on the marketplace."""

    id: str
    display_name: str
    business_name: str
    customer_service_address: str
    registered_addresses: tuple[str, ...]
    authorized_addresses: tuple[str, ...] = ()
    opt_out_bounce_notices: bool = True
    buyer_id: str | None = None
    created_at: datetime | None = None

    @property
    def sending_addresses(self) -> frozenset[str]:
        """Addresses allowed to send mail as this seller (system.md: registered or authorized)."""
        return frozenset(self.registered_addresses) | frozenset(self.authorized_addresses)


@dataclass(frozen=True, slots=True)
class Buyer:
    """A buyer: real address (never shown to sellers), preferred language, opt-out choice."""

    id: str
    name: str
    email: str
    language: str
    opted_out: bool = False
    created_at: datetime | None = None

    @property
    def first_name(self) -> str:
        """What outbound mail shows as the buyer's display name."""
        return self.name.split()[0] if self.name.strip() else "Buyer"
