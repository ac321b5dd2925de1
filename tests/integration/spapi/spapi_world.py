"""A small marketplace behind the real app, addressed through the SP-API surface.

Requests go through FastAPI's TestClient into the real app, services, policy checker and database
of the `engine` fixture (SQLite and PostgreSQL). The clock is controlled so the solicitation
window and token expiry can be tested.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.spapi_store import SqlSpapiUnitOfWork
from gobetween.bootstrap import Platform, build_platform, load_settings
from gobetween.domain.orders import Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.entrypoints.http.app import create_app
from gobetween.services.access import create_token
from gobetween.services.spapi_credentials import SpapiAppCredentials, create_credentials

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
# Mira's personalised ring from Anna on amazon.de: seller-fulfilled, not shipped yet.
CUSTOM = "302-0000001-0000001"
# Noah's headphones from Anna: delivered 10 days ago, in the review-request window.
DELIVERED = "111-0000002-0000002"
# Noah's cable from Anna: delivered 2 days ago, too early for a review request.
EARLY = "111-0000003-0000003"
# Noah's order from Ben, shipped by the marketplace.
FBA = "111-0000004-0000004"
# Olga (opted out) bought from Anna: delivered 10 days ago.
OPTED = "111-0000005-0000005"
# Noah's lamp from Anna: delivered 12 days ago; Anna already wrote to Noah about it.
MESSAGED = "111-0000006-0000006"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


class Clock:
    """A clock the tests move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def content_md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


@dataclass
class World:
    """The running app and what the tests address it with."""

    client: TestClient
    platform: Platform
    clock: Clock
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"x-amz-access-token": self.tokens[who]}

    def get(self, who: str, path: str, marketplace: str | None = US, **kwargs: Any) -> Any:
        params = kwargs.pop("params", {})
        if marketplace is not None:
            params = {"marketplaceIds": marketplace, **params}
        return self.client.get(path, headers=self.headers(who), params=params, **kwargs)

    def post(self, who: str, path: str, marketplace: str | None = US, **kwargs: Any) -> Any:
        params = kwargs.pop("params", {})
        if marketplace is not None:
            params = {"marketplaceIds": marketplace, **params}
        return self.client.post(path, headers=self.headers(who), params=params, **kwargs)

    def message(self, who: str, order: str, kind: str, body: dict[str, Any], **kw: Any) -> Any:
        return self.post(who, f"/messaging/v1/orders/{order}/messages/{kind}", json=body, **kw)

    def upload(
        self, who: str, order: str, data: bytes, *, kind: str = "confirmCustomizationDetails"
    ) -> str:
        """Create a destination and PUT `data` to it; the destination id."""
        created = self.post(
            who,
            f"/uploads/2020-11-01/uploadDestinations/messaging/v1/orders/{order}/messages/{kind}",
            params={"contentMD5": content_md5(data), "contentType": "image/png"},
        )
        assert created.status_code == 201, created.text
        payload = created.json()["payload"]
        put = self.client.put(payload["url"], content=data, headers=payload["headers"])
        assert put.status_code == 200, put.text
        return str(payload["uploadDestinationId"])

    def credentials(self, seller_id: str) -> SpapiAppCredentials:
        return create_credentials(seller_id, uow=SqlSpapiUnitOfWork(self.engine), clock=self.clock)


def _order(ident: str, seller: str, buyer: str, **changes: Any) -> Order:
    values: dict[str, Any] = {
        "id": ident,
        "marketplace": "US",
        "seller_id": seller,
        "buyer_id": buyer,
        "fulfillment": "seller",
        "status": "delivered",
        "product_category": "electronics",
        "purchased_at": NOW - timedelta(days=20),
        "items": (OrderItem("SKU-1", "Headphones", 1, 4900, "USD"),),
        "shipping_address": {"name": "N. Buyer", "line1": "1 Main St", "country": "US"},
    }
    values.update(changes)
    return Order(**values)


def seed(engine: Engine) -> None:
    with SqlAccessUnitOfWork(engine) as uow:
        for buyer in (
            Buyer("b-mira", "Mira Keller", "mira@mail.example", "de"),
            Buyer("b-noah", "Noah Smith", "noah@mail.example", "en"),
            Buyer("b-olga", "Olga Ruiz", "olga@mail.example", "es", opted_out=True),
        ):
            uow.buyers.upsert(buyer, now=NOW)
        for ident, name in (("s-anna", "Anna's Atelier"), ("s-ben", "Ben Gadgets")):
            uow.sellers.upsert(
                Seller(
                    id=ident,
                    display_name=name,
                    business_name=f"{name} Ltd",
                    customer_service_address=f"service@{ident}.example",
                    registered_addresses=(f"owner@{ident}.example",),
                ),
                now=NOW,
            )
        delivered = {"status": "delivered"}
        for order in (
            _order(
                CUSTOM,
                "s-anna",
                "b-mira",
                marketplace="DE",
                status="unshipped",
                product_category="jewelry",
                purchased_at=NOW - timedelta(days=1),
            ),
            _order(
                DELIVERED,
                "s-anna",
                "b-noah",
                delivered_at=NOW - timedelta(days=10),
                latest_delivery_at=NOW - timedelta(days=8),
                **delivered,
            ),
            _order(EARLY, "s-anna", "b-noah", delivered_at=NOW - timedelta(days=2)),
            _order(
                FBA,
                "s-ben",
                "b-noah",
                fulfillment="marketplace",
                delivered_at=NOW - timedelta(days=10),
            ),
            _order(OPTED, "s-anna", "b-olga", delivered_at=NOW - timedelta(days=10)),
            _order(MESSAGED, "s-anna", "b-noah", delivered_at=NOW - timedelta(days=12)),
        ):
            uow.orders.upsert(order, now=NOW)
        uow.commit()


def make_world(engine: Engine, database_url: str, tmp_path: Path, **settings: Any) -> World:
    environ = {
        "GOBETWEEN_DATABASE_URL": database_url,
        "GOBETWEEN_ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
        "GOBETWEEN_DELIVERY_FOLDER": str(tmp_path / "delivered"),
        "GOBETWEEN_SPAPI_RATE_LIMIT_SCALE": "0",
    }
    environ |= {f"GOBETWEEN_{k.upper()}": str(v) for k, v in settings.items()}
    clock = Clock(NOW)
    platform = build_platform(load_settings(environ=environ), clock=clock)
    seed(engine)
    world = World(TestClient(create_app(platform)), platform, clock, engine)
    with SqlAccessUnitOfWork(engine) as uow:
        world.tokens = {
            "anna": create_token(uow, "seller", seller_id="s-anna", now=NOW),
            "ben": create_token(uow, "seller", seller_id="s-ben", now=NOW),
            "noah": create_token(uow, "buyer", buyer_id="b-noah", now=NOW),
        }
        uow.commit()
    return world


@contextmanager
def running_world(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[World]:
    """The marketplace on the `engine` fixture's database, rate limits off, closed afterwards."""
    built = make_world(engine, database_url, tmp_path)
    try:
        yield built
    finally:
        built.client.close()
        built.platform.close()
