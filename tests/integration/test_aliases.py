"""Aliases on real databases: format and entropy, uniqueness, stability, lookup, never reused."""

from __future__ import annotations

import math
import threading

from message_core_world import (
    ALIAS_DOMAIN,
    NOW,
    ORDER,
    OTHER_SELLERS_ORDER,
    SECOND_ORDER,
    seed,
    seller_sends,
)
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.aliases import ALPHABET, Alias
from gobetween.domain.parties import Buyer
from gobetween.services.aliases import PairAliases, ensure_pair_aliases, find_orders_by_alias


def pair(engine: Engine, buyer_id: str = "b1", seller_id: str = "s1") -> PairAliases:
    with SqlUnitOfWork(engine) as uow:
        aliases = ensure_pair_aliases(uow=uow, buyer_id=buyer_id, seller_id=seller_id, now=NOW)
        uow.commit()
    return aliases


def alias_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(t.aliases)).scalar_one())


def test_aliases_are_16_random_characters_carrying_over_75_bits(engine: Engine) -> None:
    seed(engine)
    aliases = pair(engine)
    for alias in (aliases.buyer, aliases.seller):
        assert len(alias.local_part) == 16
        assert set(alias.local_part) <= set(ALPHABET)
    assert len(aliases.buyer.local_part) * math.log2(len(ALPHABET)) >= 75


def test_every_pair_gets_two_distinct_aliases_and_all_are_unique(engine: Engine) -> None:
    seed(engine)
    with SqlUnitOfWork(engine) as uow:
        for number in range(40):
            uow.buyers.upsert(Buyer(f"x{number}", "X", f"x{number}@example.com", "en"), now=NOW)
        uow.commit()
    seen = []
    for number in range(40):
        for seller in ("s1", "s2"):
            aliases = pair(engine, f"x{number}", seller)
            seen += [aliases.buyer.local_part, aliases.seller.local_part]
    assert len(seen) == 160
    assert len(set(seen)) == 160
    assert alias_rows(engine) == 160


def test_aliases_stay_the_same_across_orders_of_the_pair(engine: Engine) -> None:
    seed(engine)
    first = seller_sends(engine, order_id=ORDER)
    second = seller_sends(engine, order_id=SECOND_ORDER)
    assert first.thread_id != second.thread_id
    with SqlUnitOfWork(engine) as uow:
        payloads = [uow.outbox.find(n) for n in (1, 2)]
    aliases = [p.payload["from_alias"] for p in payloads if p is not None]
    assert len(aliases) == 2
    assert aliases[0] == aliases[1] == pair(engine).seller.local_part
    assert alias_rows(engine) == 2


def test_either_alias_finds_the_pairs_orders_in_any_case(engine: Engine) -> None:
    seed(engine)
    aliases = pair(engine)
    pasted = [
        aliases.buyer.local_part.upper() + "@" + ALIAS_DOMAIN.upper(),
        f'"Jo" <{aliases.seller.local_part.upper()}@{ALIAS_DOMAIN}>',
        aliases.buyer.local_part,
    ]
    with SqlUnitOfWork(engine) as uow:
        for address in pasted:
            orders = find_orders_by_alias(uow=uow, address=address, domain=ALIAS_DOMAIN)
            assert {o.id for o in orders} == {ORDER, SECOND_ORDER}
            assert OTHER_SELLERS_ORDER not in {o.id for o in orders}
        mine = find_orders_by_alias(
            uow=uow, address=aliases.buyer.local_part, domain=ALIAS_DOMAIN, seller_id="s1"
        )
        theirs = find_orders_by_alias(
            uow=uow, address=aliases.buyer.local_part, domain=ALIAS_DOMAIN, seller_id="s2"
        )
    assert len(mine) == 2
    assert theirs == ()


def test_a_local_part_is_never_handed_out_again(engine: Engine) -> None:
    seed(engine)
    aliases = pair(engine)
    with SqlUnitOfWork(engine) as uow:
        taken = Alias(aliases.buyer.local_part, "b1", "s2", "buyer")
        assert uow.aliases.add(taken, now=NOW) is False
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        still = uow.aliases.find(aliases.buyer.local_part)
        other_pair = uow.aliases.for_pair("b1", "s2", "buyer")
    assert still == aliases.buyer
    assert other_pair is None


def test_concurrent_first_messages_agree_on_the_pairs_aliases(engine: Engine) -> None:
    seed(engine)
    results: list[PairAliases] = []
    start = threading.Barrier(4)

    def ensure() -> None:
        start.wait()
        results.append(pair(engine))

    workers = [threading.Thread(target=ensure) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 4
    assert all(result == results[0] for result in results)
    assert alias_rows(engine) == 2
