"""A small marketplace behind the real app on a real database, and a token for every role.

Three sellers (one of them also buys), three buyers, four orders; the clock is controlled so the
daily limit and the 30-day window can be tested. Requests go through FastAPI's TestClient into the
real app, the real services, the real policy checker and the real database of the `engine`
fixture (SQLite and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.bootstrap import Platform, build_platform, load_settings
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.entrypoints.http.app import create_app
from gobetween.services.access import create_token
from gobetween.services.aliases import ensure_pair_aliases

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ALIAS_DOMAIN = "relay.market.test"

# Anna's order from Mira: seller-fulfilled, unshipped, personalizable.
ANNA_ORDER = "111-0000001-0000001"
# Ben's order from Noah: marketplace-fulfilled and delivered.
BEN_ORDER = "111-0000002-0000002"
# Anna's order from Carl, who is a seller too.
CARL_BUYS_ORDER = "111-0000003-0000003"
# Anna's second order from Mira, delivered long ago.
OLD_ORDER = "111-0000004-0000004"


class Clock:
    """A clock the tests move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The running app and what the tests need to address it."""

    client: TestClient
    platform: Platform
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(who), **kwargs)

    def post(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self.headers(who), **kwargs)

    def put(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.put(f"/api/v1{path}", headers=self.headers(who), **kwargs)

    def send(self, who: str, order_id: str, **body: Any) -> Any:
        return self.post(who, f"/orders/{order_id}/messages", json=body)


def _seller(ident: str, name: str, business: str, buyer_id: str | None = None) -> Seller:
    return Seller(
        id=ident,
        display_name=name,
        business_name=business,
        customer_service_address=f"service@{ident}.example",
        registered_addresses=(f"owner@{ident}.example",),
        buyer_id=buyer_id,
    )


def _order(ident: str, seller: str, buyer: str, **changes: Any) -> Order:
    values: dict[str, Any] = {
        "id": ident,
        "marketplace": "US",
        "seller_id": seller,
        "buyer_id": buyer,
        "fulfillment": "seller",
        "status": "unshipped",
        "product_category": "jewelry",
        "purchased_at": NOW - timedelta(days=2),
        "items": (OrderItem("SKU-1", "Engraved silver ring", 1, 4900, "USD"),),
        "shipping_address": {
            "name": "M. Buyer",
            "line1": "1 Main St",
            "city": "Springfield",
            "country": "US",
        },
    }
    values.update(changes)
    return Order(**values)


def seed(engine: Engine) -> None:
    with SqlAccessUnitOfWork(engine) as uow:
        for buyer in (
            Buyer("b-mira", "Mira Keller", "mira@mail.example", "de"),
            Buyer("b-noah", "Noah Smith", "noah@mail.example", "en"),
            Buyer("b-carl", "Carl Jensen", "carl@mail.example", "en"),
        ):
            uow.buyers.upsert(buyer, now=NOW)
        for seller in (
            _seller("s-anna", "Anna's Atelier", "Anna Atelier GmbH"),
            _seller("s-ben", "Ben Gadgets", "Ben Gadgets LLC"),
            _seller("s-carl", "Carl Outdoor", "Carl Outdoor ApS", buyer_id="b-carl"),
        ):
            uow.sellers.upsert(seller, now=NOW)
        for order in (
            _order(ANNA_ORDER, "s-anna", "b-mira"),
            _order(
                BEN_ORDER,
                "s-ben",
                "b-noah",
                fulfillment="marketplace",
                status="delivered",
                product_category="electronics",
                delivered_at=NOW - timedelta(days=3),
            ),
            _order(CARL_BUYS_ORDER, "s-anna", "b-carl", status="shipped"),
            _order(
                OLD_ORDER,
                "s-anna",
                "b-mira",
                status="delivered",
                product_category="electronics",
                purchased_at=NOW - timedelta(days=80),
                delivered_at=NOW - timedelta(days=70),
            ),
        ):
            uow.orders.upsert(order, now=NOW)
        for buyer_id, seller_id in (
            ("b-mira", "s-anna"),
            ("b-noah", "s-ben"),
            ("b-carl", "s-anna"),
        ):
            ensure_pair_aliases(uow=uow, buyer_id=buyer_id, seller_id=seller_id, now=NOW)
        uow.commit()


def issue_tokens(engine: Engine) -> dict[str, str]:
    with SqlAccessUnitOfWork(engine) as uow:
        tokens = {
            "operator": create_token(uow, "operator", now=NOW),
            "auditor": create_token(uow, "auditor", now=NOW),
            "anna": create_token(uow, "seller", seller_id="s-anna", now=NOW),
            "ben": create_token(uow, "seller", seller_id="s-ben", now=NOW),
            "carl": create_token(uow, "seller", seller_id="s-carl", now=NOW),
            "mira": create_token(uow, "buyer", buyer_id="b-mira", now=NOW),
            "noah": create_token(uow, "buyer", buyer_id="b-noah", now=NOW),
        }
        uow.commit()
    return tokens


def make_world(engine: Engine, database_url: str, tmp_path: Path, **settings: Any) -> World:
    environ = {
        "GOBETWEEN_DATABASE_URL": database_url,
        "GOBETWEEN_ALIAS_DOMAIN": ALIAS_DOMAIN,
        "GOBETWEEN_ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
        "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
    }
    environ |= {f"GOBETWEEN_{k.upper()}": str(v) for k, v in settings.items()}
    clock = Clock(NOW)
    platform = build_platform(load_settings(environ=environ), clock=clock)
    seed(engine)
    world = World(TestClient(create_app(platform)), platform, clock)
    world.tokens = issue_tokens(engine)
    return world
