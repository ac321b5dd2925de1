"""The contact reasons an order allows (policy.md §2), derived from data tables, never from ifs.

What the contact page offers depends on the order's fulfilment channel, status and product
category. Each reason that is not offered comes back with the rule that removed it, so a seller
(and a test) can see why. The tables below are the whole policy; `contact_reasons_for` only reads
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from gobetween.domain.errors import InvalidInput

ReasonId = Literal[
    "customization",
    "delivery_scheduling",
    "address_issue",
    "unexpected_problem",
    "invoice",
    "legal_disclosure",
    "warranty",
    "digital_access_key",
    "other",
]
OrderField = Literal["fulfillment", "status", "category"]


@dataclass(frozen=True, slots=True)
class ReasonSpec:
    """One contact reason of policy.md §2: whether it is critical, may start contact, its limit."""

    id: ReasonId
    critical: bool
    proactive: bool
    max_chars: int
    description: str


# policy.md §2, row by row. `unexpected_problem` is proactive only on seller-fulfilled orders not
# yet delivered; the requirements below already offer it nowhere else.
REASONS: Final[tuple[ReasonSpec, ...]] = (
    ReasonSpec(
        "customization",
        True,
        True,
        800,
        "Questions about a personalized item (design, engraving, size)",
    ),
    ReasonSpec(
        "delivery_scheduling",
        True,
        True,
        2000,
        "Coordinating the delivery of a large or special item",
    ),
    ReasonSpec(
        "address_issue", True, True, 2000, "An incomplete, wrong or unverifiable shipping address"
    ),
    ReasonSpec(
        "unexpected_problem",
        True,
        True,
        2000,
        "A problem that stops fulfilment, other than stock or delay",
    ),
    ReasonSpec("invoice", False, True, 2000, "Sending a required invoice (PDF)"),
    ReasonSpec("legal_disclosure", True, True, 2000, "A disclosure the law requires"),
    ReasonSpec("warranty", False, True, 2000, "Warranty information for the purchased item"),
    ReasonSpec(
        "digital_access_key",
        False,
        True,
        400,
        "Keys or codes needed to use a purchased digital product",
    ),
    ReasonSpec("other", False, False, 2000, "Anything else, as a reply to the buyer"),
)
REASONS_BY_ID: Final = {spec.id: spec for spec in REASONS}

# Product categories, as the order system names them (lower case, words joined by "_").
PERSONALIZABLE_CATEGORIES: Final = frozenset(
    {
        "handmade",
        "jewelry",
        "jewellery",
        "watches",
        "clothing",
        "apparel",
        "shoes",
        "home",
        "home_decor",
        "kitchen",
        "gifts",
        "custom",
        "personalized",
        "art",
        "stationery",
        "luggage",
        "accessories",
    }
)
LARGE_ITEM_CATEGORIES: Final = frozenset(
    {
        "furniture",
        "appliances",
        "large_appliances",
        "major_appliances",
        "mattresses",
        "home_improvement",
        "garden",
        "patio",
        "outdoor",
        "fitness",
        "exercise",
        "bicycles",
        "televisions",
        "tv",
    }
)
DIGITAL_CATEGORIES: Final = frozenset(
    {
        "software",
        "video_games",
        "digital",
        "digital_goods",
        "gift_cards",
        "ebooks",
        "music",
        "apps",
        "subscriptions",
    }
)
# Digital products carry no physical warranty.
WARRANTY_EXCLUDED_CATEGORIES: Final = DIGITAL_CATEGORIES | frozenset({"grocery", "food", "books"})
ALL_STATUSES: Final = frozenset(
    {"pending", "unshipped", "shipped", "delivered", "cancelled", "returned"}
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """A rule: `reasons` are offered only when the order's `field` is in `values` (or, when
    `negate`, not in them). `rule` is the id shown to the seller when it removes a reason."""

    rule: str
    reasons: frozenset[ReasonId]
    field: OrderField
    values: frozenset[str]
    explanation: str
    negate: bool = False

    def allows(self, order: OrderFacts) -> bool:
        value = getattr(order, self.field)
        return (value not in self.values) if self.negate else (value in self.values)


# The order of the table is the order in which a reason's missing rule is reported: the broadest
# reason first (channel, then status, then category).
REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    Requirement(
        "marketplace_fulfilled",
        frozenset({"delivery_scheduling", "address_issue", "unexpected_problem"}),
        "fulfillment",
        frozenset({"seller"}),
        "The marketplace ships this order and handles its delivery and address questions.",
    ),
    Requirement(
        "order_cancelled",
        frozenset(
            {
                "customization",
                "delivery_scheduling",
                "address_issue",
                "unexpected_problem",
                "warranty",
                "digital_access_key",
            }
        ),
        "status",
        frozenset({"cancelled"}),
        "The order was cancelled: nothing is left to make, ship or use.",
        negate=True,
    ),
    Requirement(
        "customization_before_shipment",
        frozenset({"customization"}),
        "status",
        frozenset({"pending", "unshipped"}),
        "Personalization can only be settled before the item ships.",
    ),
    Requirement(
        "address_before_delivery",
        frozenset({"address_issue"}),
        "status",
        frozenset({"pending", "unshipped", "shipped"}),
        "The shipping address matters only until the order is delivered.",
    ),
    Requirement(
        "delivery_not_yet_done",
        frozenset({"delivery_scheduling", "unexpected_problem"}),
        "status",
        frozenset({"pending", "unshipped", "shipped"}),
        "The order is already delivered (or returned): there is no delivery left to arrange.",
    ),
    Requirement(
        "invoice_after_payment",
        frozenset({"invoice"}),
        "status",
        frozenset({"pending"}),
        "No invoice is due while the payment is still pending.",
        negate=True,
    ),
    Requirement(
        "warranty_after_shipment",
        frozenset({"warranty"}),
        "status",
        frozenset({"shipped", "delivered", "returned"}),
        "Warranty information concerns an item the buyer has received or is receiving.",
    ),
    Requirement(
        "personalizable_category",
        frozenset({"customization"}),
        "category",
        PERSONALIZABLE_CATEGORIES,
        "Items of this category are not personalized.",
    ),
    Requirement(
        "large_item_category",
        frozenset({"delivery_scheduling"}),
        "category",
        LARGE_ITEM_CATEGORIES,
        "Items of this category are delivered by the carrier without an appointment.",
    ),
    Requirement(
        "digital_category",
        frozenset({"digital_access_key"}),
        "category",
        DIGITAL_CATEGORIES,
        "This is not a digital product: there is no access key to send.",
    ),
    Requirement(
        "warranty_category",
        frozenset({"warranty"}),
        "category",
        WARRANTY_EXCLUDED_CATEGORIES,
        "Products of this category carry no warranty.",
        negate=True,
    ),
    Requirement(
        "digital_key_before_return",
        frozenset({"digital_access_key"}),
        "status",
        frozenset({"returned"}),
        "The product was returned: its access key is no longer the buyer's to use.",
        negate=True,
    ),
)

# system.md: marketplace-fulfilled orders offer the seller a reply template that sends the buyer to
# the marketplace's customer service for returns, refunds and delivery.
CUSTOMER_SERVICE_REDIRECT: Final = "customer_service_redirect"
OUTSIDE_WINDOW_RULE: Final = "outside_window"


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the contact page looks at: fulfilment channel, status and product category."""

    fulfillment: str
    status: str
    category: str

    @classmethod
    def of(cls, *, fulfillment: str, status: str, product_category: str) -> OrderFacts:
        """Validate and normalise (`Home Improvement` and `home-improvement` are one category)."""
        if fulfillment not in ("marketplace", "seller"):
            raise InvalidInput("fulfillment", f"must be marketplace or seller; got {fulfillment!r}")
        if status not in ALL_STATUSES:
            raise InvalidInput(
                "status", f"must be one of {', '.join(sorted(ALL_STATUSES))}; got {status!r}"
            )
        category = "_".join(product_category.strip().lower().replace("-", " ").split())
        return cls(fulfillment, status, category)


@dataclass(frozen=True, slots=True)
class OfferedReason:
    """A reason the contact page offers; `proactive` says whether it may start a conversation."""

    id: ReasonId
    critical: bool
    proactive: bool
    max_chars: int
    description: str
    # Why the reason may not start contact although policy.md §2 would allow it (outside_window).
    proactive_rule: str | None = None


@dataclass(frozen=True, slots=True)
class MissingReason:
    """A reason the order does not allow, with the rule that removed it and why."""

    id: ReasonId
    rule: str
    explanation: str


@dataclass(frozen=True, slots=True)
class ContactReasons:
    """What an order allows: offered reasons, missing ones with their rule, reply templates."""

    offered: tuple[OfferedReason, ...]
    missing: tuple[MissingReason, ...]
    reply_templates: tuple[str, ...]

    @property
    def offered_ids(self) -> frozenset[str]:
        return frozenset(reason.id for reason in self.offered)

    def find(self, reason: str) -> OfferedReason | None:
        """The offered reason `reason`, or None when the order does not allow it."""
        return next((offered for offered in self.offered if offered.id == reason), None)


def contact_reasons_for(
    order: OrderFacts,
    *,
    days_since_delivery: float | None = None,
    window_days: int = 30,
) -> ContactReasons:
    """Apply REQUIREMENTS to `order`: every reason of policy.md §2 ends up offered or missing.

    `days_since_delivery` (None before delivery) closes proactive contact after `window_days`
    (policy.md §2, `outside_window`): the reasons stay offered, as replies only.
    """
    window_closed = days_since_delivery is not None and days_since_delivery > window_days
    offered: list[OfferedReason] = []
    missing: list[MissingReason] = []
    for spec in REASONS:
        broken = next(
            (req for req in REQUIREMENTS if spec.id in req.reasons and not req.allows(order)), None
        )
        if broken is not None:
            missing.append(MissingReason(spec.id, broken.rule, broken.explanation))
            continue
        proactive = spec.proactive and not window_closed
        offered.append(
            OfferedReason(
                id=spec.id,
                critical=spec.critical,
                proactive=proactive,
                max_chars=spec.max_chars,
                description=spec.description,
                proactive_rule=OUTSIDE_WINDOW_RULE if spec.proactive and window_closed else None,
            )
        )
    templates = (CUSTOMER_SERVICE_REDIRECT,) if order.fulfillment == "marketplace" else ()
    return ContactReasons(tuple(offered), tuple(missing), templates)
