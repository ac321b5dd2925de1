"""Anonymous aliases (system.md): two per (buyer, seller) pair, random, stable, never reused."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from gobetween.domain.errors import InvalidInput

AliasSide = Literal["buyer", "seller"]

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# 16 characters of a-z0-9 carry 16 * log2(36) = 82.7 bits, above the 75 bits system.md asks for.
LOCAL_PART_LENGTH = 16
ALIAS_BITS = LOCAL_PART_LENGTH * math.log2(len(ALPHABET))
_LOCAL_PART = re.compile(rf"[a-z0-9]{{{LOCAL_PART_LENGTH}}}")


def new_local_part() -> str:
    """Draw a fresh random local part from the operating system's CSPRNG."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LOCAL_PART_LENGTH))


def parse_alias(address: str, *, domain: str) -> str:
    """Return the local part of an alias address on `domain`, case-insensitively.

    Accepts a bare local part too, and a display-name form such as `"Jo" <abc@domain>` as pasted
    from a mail client's From line.
    """
    candidate = address.strip()
    if "<" in candidate and candidate.endswith(">"):
        candidate = candidate[candidate.rindex("<") + 1 : -1]
    candidate = candidate.lower()
    if "@" in candidate:
        local, _, host = candidate.rpartition("@")
        if host != domain.lower():
            raise InvalidInput("alias", f"is not on the alias domain {domain}: {address!r}")
        candidate = local
    if not _LOCAL_PART.fullmatch(candidate):
        raise InvalidInput("alias", f"is not a gobetween alias: {address!r}")
    return candidate


@dataclass(frozen=True, slots=True)
class Alias:
    """One alias; `side` says whose stand-in it is: the seller writes to the buyer's alias."""

    local_part: str
    buyer_id: str
    seller_id: str
    side: AliasSide
    active: bool = True

    def address(self, domain: str) -> str:
        return f"{self.local_part}@{domain}"
