"""The demo marketplace, loaded through the real services into SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from gobetween import policy
from gobetween.adapters.db import tables
from gobetween.adapters.db.repositories import SqlEvidenceReader
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.domain.orders import FULFILLMENTS, ORDER_STATUSES
from gobetween.domain.parties import LANGUAGES
from gobetween.entrypoints.cli.demo import demo_json
from gobetween.services.audit import verify_chains
from gobetween.services.demo_marketplace import (
    DemoNotLoaded,
    DemoSummary,
    build_demo_marketplace,
    load_demo_marketplace,
)
from gobetween.services.messaging import MessagingLimits

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_the_marketplace_is_believable_and_deterministic() -> None:
    demo = build_demo_marketplace(now=NOW)
    assert demo == build_demo_marketplace(now=NOW)
    assert demo != build_demo_marketplace(now=NOW, seed=7)
    assert len(demo.sellers) >= 5
    buying_sellers = [s for s in demo.sellers if s.buyer_id]
    assert len(buying_sellers) == 1
    assert buying_sellers[0].buyer_id in {b.id for b in demo.buyers}
    assert len(demo.buyers) >= 50
    assert set(Counter(b.language for b in demo.buyers)) == set(LANGUAGES)
    assert len({b.email for b in demo.buyers}) == len(demo.buyers)
    assert len(demo.orders) >= 300
    assert len({o.id for o in demo.orders}) == len(demo.orders)
    combinations = {(o.status, o.fulfillment) for o in demo.orders}
    assert combinations == {(s, f) for s in ORDER_STATUSES for f in FULFILLMENTS}
    assert len({o.product_category for o in demo.orders}) >= 5
    for order in demo.orders:
        assert order.purchased_at < NOW
        if order.delivered_at is not None:
            assert order.shipped_at is not None
            assert order.purchased_at < order.shipped_at < order.delivered_at < NOW
    for thread in demo.threads:
        times = [message.at for message in thread]
        assert times == sorted(times)
        assert times[-1] < NOW
    assert demo.message_count >= 250


def test_loading_sends_every_message_through_the_message_service(engine: Engine) -> None:
    demo = build_demo_marketplace(now=NOW)
    summary = load_demo_marketplace(
        demo,
        uow_factory=lambda: SqlUnitOfWork(engine),
        check_policy=policy.check,
        limits=MessagingLimits(),
        now=NOW,
    )
    assert summary.messages == demo.message_count
    assert summary.delivered + summary.blocked + summary.bounced == summary.messages
    assert summary.blocked >= 1
    with engine.connect() as connection:

        def count(table: object, *where: object) -> int:
            query = select(func.count()).select_from(table)  # type: ignore[arg-type]
            return int(connection.execute(query.where(*where)).scalar_one())  # type: ignore[arg-type]

        assert count(tables.sellers) == len(demo.sellers)
        assert count(tables.buyers) == len(demo.buyers)
        assert count(tables.orders) == len(demo.orders)
        assert count(tables.messages) == summary.messages
        assert count(tables.threads) == summary.threads
        blocked = tables.messages.c.disposition == "blocked"
        assert count(tables.messages, blocked) == summary.blocked
        # Every blocked message is stored with the findings that say why.
        blocked_ids = select(tables.messages.c.id).where(blocked)
        with_findings = (
            select(func.count(func.distinct(tables.findings.c.message_id)))
            .where(tables.findings.c.message_id.in_(blocked_ids))
            .where(tables.findings.c.severity == "block")
        )
        assert connection.execute(with_findings).scalar_one() == summary.blocked
        # Delivered messages wait in the outbox; blocked ones never reach it.
        assert count(tables.outbox, tables.outbox.c.kind == "message") == summary.delivered
    # Every thread's hash chain verifies.
    report = verify_chains(reader=SqlEvidenceReader(engine), thread_id=None)
    assert report.ok
    assert report.messages_checked == summary.messages
    with pytest.raises(DemoNotLoaded, match="already holds demo data"):
        load_demo_marketplace(
            demo,
            uow_factory=lambda: SqlUnitOfWork(engine),
            check_policy=policy.check,
            limits=MessagingLimits(),
            now=NOW,
        )


def test_json_view_has_tokens_for_every_account_and_every_order() -> None:
    demo = build_demo_marketplace(now=NOW)
    summary = DemoSummary(7, 63, 330, 1, 1, 1, 0, 0)
    view = demo_json(demo, summary)
    assert set(view) >= {"operator_token", "auditor_token", "sellers", "buyers", "orders"}
    assert view["operator_token"] != view["auditor_token"]
    assert [s["id"] for s in view["sellers"]] == [s.id for s in demo.sellers]
    assert all(s["token"] for s in view["sellers"])
    assert all(b["token"] and b["language"] in LANGUAGES for b in view["buyers"])
    order = view["orders"][0]
    assert set(order) >= {"id", "seller_id", "buyer_id", "fulfillment", "status"}
    tokens = [s["token"] for s in view["sellers"]] + [b["token"] for b in view["buyers"]]
    assert len(set(tokens)) == len(tokens)
