"""Orders as the marketplace's order system hands them over: ids, channels, states, items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gobetween.domain.errors import InvalidInput

# Amazon-style order ids: three digits, seven digits, seven digits.
ORDER_ID_PATTERN = re.compile(r"\d{3}-\d{7}-\d{7}")

FULFILLMENTS = ("marketplace", "seller")
ORDER_STATUSES = ("pending", "unshipped", "shipped", "delivered", "cancelled", "returned")


def check_order_id(value: object, *, field_name: str = "order_id") -> str:
    """Return `value` if it is an order id like 114-3941689-8772232, else raise InvalidInput."""
    if not isinstance(value, str) or not ORDER_ID_PATTERN.fullmatch(value):
        raise InvalidInput(field_name, f"must look like 114-3941689-8772232; got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One line of an order. Prices are kept in minor units (cents) to stay exact."""

    sku: str
    title: str
    quantity: int
    price_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class Order:
    """An order between one seller and one buyer on one marketplace."""

    id: str
    marketplace: str
    seller_id: str
    buyer_id: str
    fulfillment: str
    status: str
    product_category: str
    purchased_at: datetime
    items: tuple[OrderItem, ...] = ()
    shipping_address: dict[str, Any] = field(default_factory=dict)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    latest_delivery_at: datetime | None = None
