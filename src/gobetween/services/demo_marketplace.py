"""The demo marketplace (`gobetween demo`): believable sellers, buyers, orders and conversations.

`build_demo_marketplace` is pure and deterministic for a seed: the same sellers, buyers, orders
and scripted messages every time, with dates placed relative to `now`. `load_demo_marketplace`
writes the parties and orders through the import service, then sends every message through the
real message service, so each one carries a real policy verdict and a link in its thread's hash
chain.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gobetween.domain.errors import GobetweenError
from gobetween.domain.orders import FULFILLMENTS, ORDER_STATUSES, Order, OrderItem
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.demo_catalog import (
    EUR_RATES,
    MAIL_DOMAINS,
    MARKETS,
    PEOPLE,
    SELLER_BUYER_EMAIL,
    SELLER_BUYER_NAME,
    SELLERS,
    DemoSeller,
    Market,
    Product,
)
from gobetween.services.demo_conversations import (
    ACTIVATION_KEY,
    ADDRESS,
    CONTACT_OFF_PLATFORM,
    DELIVERY_DAY,
    ENGRAVING,
    FBA_REFUND_MYSELF,
    MARKETING,
    MARKETPLACE_RETURN,
    OPTED_OUT_NOTICE,
    PRODUCT_QUESTION,
    REVIEW_INCENTIVE,
    REVIEW_REQUEST,
    SELLER_TO_SELLER,
    SUBJECTS,
    THANK_YOU,
    WARRANTY,
    WHERE_IS_MY_ORDER,
    Role,
    Script,
)
from gobetween.services.import_files import ImportBatch, ImportRow
from gobetween.services.importing import import_records
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import UnitOfWorkFactory

DEFAULT_SEED = 20251126
ORDER_COUNT = 330
# Buyers per marketplace code; together more than 50 across the six languages.
BUYERS_PER_MARKET = {"US": 12, "UK": 6, "DE": 10, "FR": 9, "ES": 8, "IT": 8, "JP": 9}
STATUS_WEIGHTS = {
    "pending": 8,
    "unshipped": 12,
    "shipped": 14,
    "delivered": 46,
    "cancelled": 10,
    "returned": 10,
}
# Share of orders that get a conversation, and of those, one written to break the policy.
CONVERSATION_SHARE = 0.7
POLICY_BREAKING_SHARE = 0.2
OPTED_OUT_SHARE = 0.1
CHANNEL = "web"


class DemoNotLoaded(GobetweenError):  # noqa: N818 - named for the outcome, like NotFound
    """The demo refuses to load into a database that already holds marketplace data."""


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One message to send when loading: who writes on which order, what, and when."""

    order_id: str
    role: Role
    reason: str
    subject: str
    text: str
    at: datetime
    script: str


@dataclass(frozen=True, slots=True)
class DemoMarketplace:
    """Everything the demo loads. `threads` are lists of messages of one order, in time order."""

    sellers: tuple[Seller, ...]
    buyers: tuple[Buyer, ...]
    orders: tuple[Order, ...]
    threads: tuple[tuple[PlannedMessage, ...], ...]

    @property
    def message_count(self) -> int:
        return sum(len(thread) for thread in self.threads)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What loading the demo stored, by what became of each message."""

    sellers: int
    buyers: int
    orders: int
    threads: int
    messages: int
    delivered: int
    blocked: int
    bounced: int
    blocked_categories: dict[str, int] = field(default_factory=dict)


def build_demo_marketplace(*, now: datetime, seed: int = DEFAULT_SEED) -> DemoMarketplace:
    """Generate the demo marketplace for `seed`, its newest events dated just before `now`."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    sellers = tuple(_seller(demo) for demo in SELLERS)
    buyers, homes = _buyers(rng)
    orders = _orders(rng, buyers, homes, now)
    threads = _threads(rng, orders, {b.id: b for b in buyers}, now)
    return DemoMarketplace(sellers=sellers, buyers=buyers, orders=orders, threads=threads)


def load_demo_marketplace(
    marketplace: DemoMarketplace,
    *,
    uow_factory: UnitOfWorkFactory,
    check_policy: PolicyCheck,
    limits: MessagingLimits,
    now: datetime,
) -> DemoSummary:
    """Store the demo: parties and orders in one transaction, then each message in its own.

    Raises DemoNotLoaded when the demo's sellers or orders already exist, so loading twice never
    doubles its conversations.
    """
    with uow_factory() as uow:
        clash = next((s.id for s in marketplace.sellers if uow.sellers.find(s.id)), None)
        clash = clash or next((o.id for o in marketplace.orders[:1] if uow.orders.find(o.id)), None)
        if clash is not None:
            raise DemoNotLoaded(
                f"the database already holds demo data ({clash}); not loading again"
            )
    rows = [ImportRow("demo", n, "buyer", b) for n, b in enumerate(marketplace.buyers, 1)]
    rows += [ImportRow("demo", n, "seller", s) for n, s in enumerate(marketplace.sellers, 1)]
    rows += [ImportRow("demo", n, "order", o) for n, o in enumerate(marketplace.orders, 1)]
    import_records([ImportBatch("demo", rows=rows)], uow=uow_factory(), clock=lambda: now)
    orders = {order.id: order for order in marketplace.orders}
    delivered = blocked = bounced = 0
    categories: dict[str, int] = {}
    for thread in marketplace.threads:
        for planned in thread:
            result = _send(planned, orders[planned.order_id], uow_factory, check_policy, limits)
            if result == "delivered":
                delivered += 1
            elif result == "bounced":
                bounced += 1
            else:
                blocked += 1
                for category in result:
                    categories[category] = categories.get(category, 0) + 1
    return DemoSummary(
        sellers=len(marketplace.sellers),
        buyers=len(marketplace.buyers),
        orders=len(marketplace.orders),
        threads=len(marketplace.threads),
        messages=marketplace.message_count,
        delivered=delivered,
        blocked=blocked,
        bounced=bounced,
        blocked_categories=dict(sorted(categories.items())),
    )


def _send(
    planned: PlannedMessage,
    order: Order,
    uow_factory: UnitOfWorkFactory,
    check_policy: PolicyCheck,
    limits: MessagingLimits,
) -> str | list[str]:
    """Send one planned message; "delivered", "bounced", or the blocking categories."""
    at = planned.at

    def clock() -> datetime:
        return at

    if planned.role == "buyer":
        result = record_buyer_message(
            RecordBuyerMessage(
                order_id=order.id,
                buyer_id=order.buyer_id,
                subject=planned.subject,
                text=planned.text,
                channel=CHANNEL,
            ),
            uow=uow_factory(),
            check_policy=check_policy,
            hooks=CaseHooks(),
            clock=clock,
            limits=limits,
        )
    else:
        result = send_seller_message(
            SendSellerMessage(
                order_id=order.id,
                seller_id=order.seller_id,
                subject=planned.subject,
                text=planned.text,
                contact_reason=planned.reason,
                channel=CHANNEL,
            ),
            uow=uow_factory(),
            check_policy=check_policy,
            hooks=CaseHooks(),
            clock=clock,
            limits=limits,
        )
    if result.disposition == "blocked":
        return list(result.verdict.categories)
    return result.disposition


# --------------------------------------------------------------------------------------------
# Parties


def _seller(demo: DemoSeller) -> Seller:
    return Seller(
        id=demo.id,
        display_name=demo.display_name,
        business_name=demo.business_name,
        customer_service_address=f"service@{demo.domain}",
        registered_addresses=(f"orders@{demo.domain}",),
        authorized_addresses=(f"team@{demo.domain}",),
        buyer_id=demo.buyer_id,
    )


@dataclass(frozen=True, slots=True)
class _Home:
    market: Market
    address: dict[str, str]


def _buyers(rng: random.Random) -> tuple[tuple[Buyer, ...], dict[str, _Home]]:
    buyers: list[Buyer] = []
    homes: dict[str, _Home] = {}
    emails: set[str] = set()
    for market in MARKETS:
        people = PEOPLE[market.country]
        for number in range(1, BUYERS_PER_MARKET[market.code] + 1):
            given, family = rng.choice(people.given), rng.choice(people.family)
            name = f"{family} {given}" if people.family_first else f"{given} {family}"
            email = _email(given, family, people.romaji, rng, emails)
            buyer_id = f"buyer-{market.code.lower()}-{number:03d}"
            opted_out = rng.random() < OPTED_OUT_SHARE
            buyers.append(Buyer(buyer_id, name, email, market.language, opted_out=opted_out))
            place = rng.choice(people.places)
            address = {
                "name": name,
                "line1": place.line1.format(n=rng.randint(1, 120)),
                "city": place.city,
                "postal_code": place.postal_code,
                "country": market.country,
            }
            if place.region:
                address["region"] = place.region
            homes[buyer_id] = _Home(market, address)
    # The seller that also buys (system.md): PixelPeak's purchasing account.
    pixelpeak = next(s for s in SELLERS if s.buyer_id)
    assert pixelpeak.buyer_id is not None
    buyers.append(Buyer(pixelpeak.buyer_id, SELLER_BUYER_NAME, SELLER_BUYER_EMAIL, "en"))
    homes[pixelpeak.buyer_id] = _Home(
        MARKETS[0],
        {
            "name": SELLER_BUYER_NAME,
            "line1": "500 Harbor Boulevard",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94607",
            "country": "US",
        },
    )
    return tuple(buyers), homes


def _email(
    given: str, family: str, romaji: dict[str, str] | None, rng: random.Random, taken: set[str]
) -> str:
    def latin(word: str) -> str:
        if romaji and word in romaji:
            return romaji[word]
        folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        return "".join(ch for ch in folded.lower() if ch.isalnum())

    while True:
        email = f"{latin(given)}.{latin(family)}{rng.randint(1, 99)}@{rng.choice(MAIL_DOMAINS)}"
        if email not in taken:
            taken.add(email)
            return email


# --------------------------------------------------------------------------------------------
# Orders


def _orders(
    rng: random.Random, buyers: Sequence[Buyer], homes: dict[str, _Home], now: datetime
) -> tuple[Order, ...]:
    ordinary = [b for b in buyers if not any(s.buyer_id == b.id for s in SELLERS)]
    buyer_sellers = [b for b in buyers if b not in ordinary]
    ids: set[str] = set()
    orders: list[Order] = []
    # Every status on both channels first, so the demo always shows each combination.
    combos = [(status, channel) for status in ORDER_STATUSES for channel in FULFILLMENTS]
    for index in range(ORDER_COUNT):
        if index < len(combos):
            status, channel = combos[index]
            candidates = [s for s in SELLERS if _ships(s, channel)]
            seller = rng.choice(candidates)
            buyer = rng.choice(ordinary)
        elif index < len(combos) + 3:
            # The seller who buys orders from another seller (a kitchen seller, say).
            seller, buyer = SELLERS[0], buyer_sellers[0]
            status = "unshipped" if index == len(combos) else "delivered"
            channel = "seller"
        else:
            seller = rng.choice(SELLERS)
            buyer = rng.choice(ordinary)
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            channel = (
                "marketplace" if rng.random() < seller.marketplace_fulfilled_share else "seller"
            )
        home = homes[buyer.id]
        orders.append(_order(rng, ids, seller, buyer.id, home, status, channel, now))
    return tuple(orders)


def _ships(seller: DemoSeller, channel: str) -> bool:
    if channel == "marketplace":
        return seller.marketplace_fulfilled_share > 0
    return seller.marketplace_fulfilled_share < 1


def _order(
    rng: random.Random,
    ids: set[str],
    seller: DemoSeller,
    buyer_id: str,
    home: _Home,
    status: str,
    channel: str,
    now: datetime,
) -> Order:
    market = home.market
    while True:
        prefix = rng.choice(market.order_prefixes)
        order_id = f"{prefix}-{rng.randint(0, 9_999_999):07d}-{rng.randint(0, 9_999_999):07d}"
        if order_id not in ids:
            ids.add(order_id)
            break
    purchased, shipped, delivered = _dates(rng, status, now)
    product = rng.choice(seller.products)
    items = [_item(product, market, quantity=1 if rng.random() < 0.85 else 2)]
    if rng.random() < 0.2:
        extra = rng.choice([p for p in seller.products if p != product])
        items.append(_item(extra, market, quantity=1))
    return Order(
        id=order_id,
        marketplace=market.code,
        seller_id=seller.id,
        buyer_id=buyer_id,
        fulfillment=channel,
        status=status,
        product_category=seller.category,
        purchased_at=purchased,
        items=tuple(items),
        shipping_address=dict(home.address),
        shipped_at=shipped,
        delivered_at=delivered,
        latest_delivery_at=purchased + timedelta(days=7),
    )


def _dates(
    rng: random.Random, status: str, now: datetime
) -> tuple[datetime, datetime | None, datetime | None]:
    def days(low: float, high: float) -> timedelta:
        return timedelta(minutes=round(rng.uniform(low, high) * 24 * 60))

    if status == "pending":
        return now - days(0.1, 1.5), None, None
    if status == "unshipped":
        return now - days(0.3, 3), None, None
    if status == "cancelled":
        return now - days(1, 60), None, None
    if status == "shipped":
        purchased = now - days(3, 8)
        return purchased, purchased + days(0.5, 2), None
    # Returned orders were delivered a while ago; delivered ones span the last three months.
    purchased = now - days(6 if status == "delivered" else 20, 85)
    shipped = purchased + days(0.5, 2)
    return purchased, shipped, shipped + days(1, 4)


def _item(product: Product, market: Market, *, quantity: int) -> OrderItem:
    price = product.price_eur * EUR_RATES[market.currency]
    # Yen prices end in a round ten; the others keep cents.
    minor = round(price / 10) * 10 if market.currency == "JPY" else round(price * 100)
    return OrderItem(product.sku, product.title, quantity, minor, market.currency)


# --------------------------------------------------------------------------------------------
# Conversations


def _threads(
    rng: random.Random, orders: Sequence[Order], buyers: dict[str, Buyer], now: datetime
) -> tuple[tuple[PlannedMessage, ...], ...]:
    threads: list[tuple[PlannedMessage, ...]] = []
    seller_by_id = {s.id: s for s in SELLERS}
    for order in orders:
        buyer = buyers[order.buyer_id]
        script = _script_for(rng, order, buyer)
        if script is None:
            continue
        seller = seller_by_id[order.seller_id]
        threads.append(_plan(rng, script, order, buyer, seller, now))
    return tuple(threads)


def _script_for(rng: random.Random, order: Order, buyer: Buyer) -> Script | None:
    if any(s.buyer_id == buyer.id for s in SELLERS):
        return SELLER_TO_SELLER if order.status == "unshipped" else None
    if rng.random() > CONVERSATION_SHARE:
        return None
    choices = _fitting(order, buyer, breaking=rng.random() < POLICY_BREAKING_SHARE)
    return rng.choice(choices) if choices else None


def _fitting(order: Order, buyer: Buyer, *, breaking: bool) -> list[Script]:
    """Scripts that make sense for the order's channel, status and category."""
    seller_ships = order.fulfillment == "seller"
    status, category = order.status, order.product_category
    options: list[Script] = []
    if breaking:
        options.append(MARKETING)
        if status == "delivered":
            options.append(REVIEW_REQUEST)
            options.append(CONTACT_OFF_PLATFORM if seller_ships else FBA_REFUND_MYSELF)
            if category == "home_kitchen":
                options.append(REVIEW_INCENTIVE)
        if status in ("pending", "unshipped"):
            options.append(THANK_YOU)
        return options
    if buyer.opted_out and status == "delivered" and seller_ships:
        return [OPTED_OUT_NOTICE]
    if status in ("pending", "unshipped", "delivered"):
        options.append(PRODUCT_QUESTION)
    if status == "unshipped" and seller_ships:
        options.append(ADDRESS)
        if category in ("personalized_jewelry", "stationery"):
            options += [ENGRAVING, ENGRAVING]
        if category == "furniture":
            options += [DELIVERY_DAY, DELIVERY_DAY]
    if status == "shipped" and seller_ships:
        options.append(WHERE_IS_MY_ORDER)
        if category == "furniture":
            options.append(DELIVERY_DAY)
    if status in ("delivered", "returned") and not seller_ships:
        options.append(MARKETPLACE_RETURN)
    if status == "delivered" and category == "software":
        options.append(ACTIVATION_KEY)
    if status == "delivered" and seller_ships and category in ("electronics", "home_kitchen"):
        options.append(WARRANTY)
    return options


def _plan(
    rng: random.Random,
    script: Script,
    order: Order,
    buyer: Buyer,
    seller: DemoSeller,
    now: datetime,
) -> tuple[PlannedMessage, ...]:
    language = buyer.language if all(buyer.language in t.texts for t in script.turns) else "en"
    fields = {
        "name": buyer.first_name,
        "product": order.items[0].title,
        "order_id": order.id,
        "seller": seller.display_name,
        "domain": seller.domain,
    }
    times = _times(rng, order, len(script.turns), now)
    subject = SUBJECTS[language].format(**fields)
    planned: list[PlannedMessage] = []
    for number, (turn, at) in enumerate(zip(script.turns, times, strict=True)):
        planned.append(
            PlannedMessage(
                order_id=order.id,
                role=turn.role,
                reason=turn.reason,
                subject=subject if number == 0 else f"Re: {subject}",
                text=turn.texts[language].format(**fields),
                at=at,
                script=script.id,
            )
        )
    return tuple(planned)


def _times(rng: random.Random, order: Order, count: int, now: datetime) -> list[datetime]:
    """Message times after the order's latest event, hours apart, the last one before `now`."""
    start = order.delivered_at or order.shipped_at or order.purchased_at
    start += timedelta(minutes=rng.randint(30, 3 * 24 * 60 if order.delivered_at else 12 * 60))
    gaps = [timedelta(minutes=rng.randint(20, 18 * 60)) for _ in range(count - 1)]
    times = [start]
    for gap in gaps:
        times.append(times[-1] + gap)
    latest = now - timedelta(minutes=rng.randint(5, 90))
    if times[-1] > latest:
        shift = times[-1] - latest
        times = [t - shift for t in times]
    if times[0] < order.purchased_at:
        # Too little time since the order: squeeze the exchange in evenly.
        step = (latest - order.purchased_at) / (count + 1)
        times = [order.purchased_at + step * (n + 1) for n in range(count)]
    return times
