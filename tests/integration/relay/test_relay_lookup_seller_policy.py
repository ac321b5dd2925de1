"""The mail's one lookup statement also reads the seller's policy settings, as the access
repository reads them: no row, and a row with link domains and limits (JSON list, NULLs)."""

from __future__ import annotations

from relay_world import seed
from sqlalchemy import Engine
from test_relay_seller_policy import set_policy

from gobetween.adapters.db.access_repositories import SqlSellerPolicyRepository
from gobetween.adapters.db.relay_repository import SqlRelayRepository
from gobetween.services.access_ports import SellerPolicy


def _both(engine: Engine, alias: str) -> tuple[SellerPolicy | None, SellerPolicy | None]:
    with engine.connect() as connection:
        found = SqlRelayRepository(connection).inbound_lookup(alias, "<x@y>", "0" * 64)
        assert found.parties is not None
        return found.seller_policy, SqlSellerPolicyRepository(connection).find("s1")


def test_the_lookup_reads_the_seller_policy_as_the_access_repository_does(
    engine: Engine,
) -> None:
    aliases = seed(engine)
    for alias in (aliases.buyer.local_part, aliases.seller.local_part):
        assert _both(engine, alias) == (None, None)
    policies = [
        SellerPolicy(
            seller_id="s1",
            profile="strict",
            allowed_link_domains=("portal.example.com", "help.example.org"),
            daily_limit_base=7,
            daily_limit_multiplier=3,
        ),
        SellerPolicy(seller_id="s1"),  # the defaults: no domains, NULL limits
    ]
    for policy in policies:
        set_policy(engine, policy)
        for alias in (aliases.buyer.local_part, aliases.seller.local_part):
            ours, theirs = _both(engine, alias)
            assert ours == theirs == policy
