"""Pair aliases against fakes: two per pair, stable, collision retry, lookup by alias."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from message_core_fakes import FakeUnitOfWork, Store

from gobetween.domain.aliases import Alias
from gobetween.domain.errors import InvalidInput
from gobetween.services.aliases import (
    MAX_DRAWS,
    AliasSpaceExhaustedError,
    ensure_pair_aliases,
    find_orders_by_alias,
)

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def draws(*values: str) -> Callable[[], str]:
    source: Iterator[str] = iter(values)
    return lambda: next(source)


def test_a_pair_gets_one_alias_per_side_and_keeps_them() -> None:
    store = Store()
    with FakeUnitOfWork(store) as uow:
        first = ensure_pair_aliases(uow=uow, buyer_id="b1", seller_id="s1", now=NOW)
        again = ensure_pair_aliases(uow=uow, buyer_id="b1", seller_id="s1", now=NOW)
        uow.commit()
    assert first == again
    assert (first.buyer.side, first.seller.side) == ("buyer", "seller")
    assert first.buyer.local_part != first.seller.local_part
    assert len(store.aliases) == 2


def test_a_taken_local_part_is_drawn_again() -> None:
    store = Store()
    store.aliases["a" * 16] = Alias("a" * 16, "b9", "s9", "buyer")
    with FakeUnitOfWork(store) as uow:
        pair = ensure_pair_aliases(
            uow=uow,
            buyer_id="b1",
            seller_id="s1",
            now=NOW,
            draw=draws("a" * 16, "b" * 16, "c" * 16),
        )
    assert pair.buyer.local_part == "b" * 16
    assert pair.seller.local_part == "c" * 16


def test_a_broken_random_source_fails_loudly() -> None:
    store = Store()
    store.aliases["a" * 16] = Alias("a" * 16, "b9", "s9", "buyer")
    with FakeUnitOfWork(store) as uow, pytest.raises(AliasSpaceExhaustedError):
        ensure_pair_aliases(uow=uow, buyer_id="b1", seller_id="s1", now=NOW, draw=lambda: "a" * 16)
    assert MAX_DRAWS >= 3


def test_an_alias_lookup_is_scoped_to_the_seller_asking() -> None:
    store = Store()
    store.aliases["k" * 16] = Alias("k" * 16, "b1", "s1", "buyer")
    with FakeUnitOfWork(store) as uow:
        assert (
            find_orders_by_alias(
                uow=uow, address="K" * 16 + "@relay.example", domain="relay.example", seller_id="s2"
            )
            == ()
        )
        assert find_orders_by_alias(uow=uow, address="z" * 16, domain="relay.example") == ()
        with pytest.raises(InvalidInput, match="alias"):
            find_orders_by_alias(uow=uow, address="x@other.example", domain="relay.example")
