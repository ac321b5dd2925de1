"""Alias use cases: give a (buyer, seller) pair its two stable aliases, and find orders by alias."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from gobetween.domain.aliases import Alias, AliasSide, new_local_part, parse_alias
from gobetween.domain.errors import GobetweenError
from gobetween.domain.orders import Order
from gobetween.services.ports import UnitOfWork

# With 82 bits per alias a collision is astronomically unlikely; a few draws make it impossible in
# practice while a broken random source still fails loudly instead of looping forever.
MAX_DRAWS = 8


class AliasSpaceExhaustedError(GobetweenError):
    """Every fresh local part drawn was taken: the random source is broken."""


@dataclass(frozen=True, slots=True)
class PairAliases:
    """The pair's two aliases: the seller writes to `buyer`, the buyer writes to `seller`."""

    buyer: Alias
    seller: Alias


def ensure_pair_aliases(
    *,
    uow: UnitOfWork,
    buyer_id: str,
    seller_id: str,
    now: datetime,
    draw: Callable[[], str] = new_local_part,
    known: Iterable[Alias] | None = None,
) -> PairAliases:
    """Return the pair's aliases, creating whichever is missing, inside the caller's transaction.

    `known`: the pair's aliases as the caller already read them in this transaction (the send
    path gets them with its other facts), so they are not read again.
    """
    found = uow.aliases.of_pair(buyer_id, seller_id) if known is None else known
    existing = {alias.side: alias for alias in found}
    return PairAliases(
        buyer=existing.get("buyer") or _create_side(uow, buyer_id, seller_id, "buyer", now, draw),
        seller=existing.get("seller")
        or _create_side(uow, buyer_id, seller_id, "seller", now, draw),
    )


def _create_side(
    uow: UnitOfWork,
    buyer_id: str,
    seller_id: str,
    side: AliasSide,
    now: datetime,
    draw: Callable[[], str],
) -> Alias:
    for _ in range(MAX_DRAWS):
        alias = Alias(local_part=draw(), buyer_id=buyer_id, seller_id=seller_id, side=side)
        if uow.aliases.add(alias, now=now):
            return alias
        # Not inserted: either a concurrent transaction gave the pair its alias first (use it),
        # or the local part is taken (by any pair, ever: aliases are never deleted), so draw again.
        existing = uow.aliases.for_pair(buyer_id, seller_id, side)
        if existing is not None:
            return existing
    raise AliasSpaceExhaustedError(
        f"no free alias after {MAX_DRAWS} draws; check the random source"
    )


def find_orders_by_alias(
    *, uow: UnitOfWork, address: str, domain: str, seller_id: str | None = None
) -> Sequence[Order]:
    """Orders of the pair an alias belongs to, given the alias in any case or as a From line.

    With `seller_id`, only that seller's orders: another seller's alias finds nothing, so a search
    never reveals that an alias exists. An unknown alias finds nothing; a malformed one raises
    InvalidInput.
    """
    local_part = parse_alias(address, domain=domain)
    alias = uow.aliases.find(local_part)
    if alias is None or (seller_id is not None and alias.seller_id != seller_id):
        return ()
    return uow.orders.for_pair(alias.buyer_id, alias.seller_id)
