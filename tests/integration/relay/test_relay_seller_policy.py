"""The relay judges a seller's mail with the operator's settings for that seller, as the API and
the pages do: the essential link domains and the daily limit of the seller's policy."""

from __future__ import annotations

from datetime import datetime

from relay_world import NOW, SELLER_OWNER, World, mail, running_world
from sqlalchemy import Engine
from test_relay_review_request_exclusion import seller_messages, send

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.services.access_ports import SellerPolicy

PORTAL_LINK = "Upload the photo for your engraving at https://portal.example.com/orders/1 please."


def set_policy(engine: Engine, policy: SellerPolicy, now: datetime = NOW) -> None:
    with SqlAccessUnitOfWork(engine) as uow:
        uow.access.seller_policies.upsert(policy, now=now)
        uow.commit()


def portal_mail(world: World, message_id: str) -> tuple[int, str]:
    return send(
        world,
        mail(
            sender=SELLER_OWNER,
            to=world.buyer_alias,
            subject="Your engraving [reason:customization]",
            message_id=message_id,
            text=PORTAL_LINK,
        ),
    )


def test_a_link_to_the_sellers_essential_domain_passes_only_with_the_policy(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        code, reply = portal_mail(world, "<portal-1@seller.example>")
        assert code == 550, reply
        assert "5.7.1" in reply
        set_policy(
            engine, SellerPolicy(seller_id="s1", allowed_link_domains=("portal.example.com",))
        )
        code, reply = portal_mail(world, "<portal-2@seller.example>")
        assert code == 250, reply
        # Both are stored as evidence: the first blocked, the second delivered.
        assert seller_messages(engine) == 2


def test_the_sellers_own_daily_limit_applies_to_mail(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        set_policy(
            engine,
            SellerPolicy(seller_id="s1", daily_limit_base=0, daily_limit_multiplier=1),
        )
        code, reply = send(
            world,
            mail(
                sender=SELLER_OWNER,
                to=world.buyer_alias,
                subject="Your engraving [reason:customization]",
                message_id="<limit@seller.example>",
                text="Which initials should we engrave on the ring?",
            ),
        )
        assert code == 550, reply
        assert "today's limit of 0 messages" in reply, reply
