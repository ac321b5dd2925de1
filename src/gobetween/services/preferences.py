"""The parties' own choices: a buyer's opt-out, a seller's bounce notices (system.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from gobetween.domain.errors import NotFound
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.ports import Clock, Event, UnitOfWork


def set_buyer_opt_out(buyer_id: str, opted_out: bool, *, uow: UnitOfWork, clock: Clock) -> Buyer:
    """Opt a buyer out of (or back into) non-critical messages; the change is kept as an event."""
    now = clock().astimezone(UTC)
    with uow:
        buyer = uow.buyers.find(buyer_id)
        if buyer is None:
            raise NotFound("buyer", buyer_id)
        if buyer.opted_out != opted_out:
            uow.buyers.set_opted_out(buyer_id, opted_out, now=now)
            uow.events.append(
                Event(
                    kind="buyer.opted_out" if opted_out else "buyer.opted_in",
                    subject_type="buyer",
                    subject_id=buyer_id,
                    actor=f"buyer:{buyer_id}",
                ),
                now=now,
            )
        uow.commit()
    return replace(buyer, opted_out=opted_out)


def set_bounce_notices(seller_id: str, enabled: bool, *, uow: UnitOfWork, clock: Clock) -> Seller:
    """Switch the seller's opt-out bounce notices (Settings › Notifications › Messaging)."""
    now = clock().astimezone(UTC)
    with uow:
        seller = uow.sellers.find(seller_id)
        if seller is None:
            raise NotFound("seller", seller_id)
        changed = replace(seller, opt_out_bounce_notices=enabled)
        if seller.opt_out_bounce_notices != enabled:
            uow.sellers.upsert(changed, now=now)
            uow.events.append(
                Event(
                    kind="seller.bounce_notices_changed",
                    subject_type="seller",
                    subject_id=seller_id,
                    actor=f"seller:{seller_id}",
                    data={"opt_out_bounce_notices": enabled},
                ),
                now=now,
            )
        uow.commit()
    return changed


def get_bounce_notices(seller_id: str, *, uow: UnitOfWork) -> Seller:
    """The seller, for its notification preferences; NotFound if unknown."""
    with uow:
        seller = uow.sellers.find(seller_id)
    if seller is None:
        raise NotFound("seller", seller_id)
    return seller
