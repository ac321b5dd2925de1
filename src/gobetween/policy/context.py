"""What a verdict depends on besides the text: the fields of policy.md §1 and the system's facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from gobetween.domain.errors import InvalidInput
from gobetween.policy.categories import CONTACT_REASONS, CRITICAL_REASONS

Direction = Literal["seller_to_buyer", "buyer_to_seller"]
Initiation = Literal["proactive", "reply"]
Fulfillment = Literal["marketplace", "seller"]
OrderStatus = Literal["pending", "unshipped", "shipped", "delivered", "cancelled", "returned"]
CaseState = Literal["opened", "resolved", "closed"]

DIRECTIONS: tuple[Direction, ...] = ("seller_to_buyer", "buyer_to_seller")
INITIATIONS: tuple[Initiation, ...] = ("proactive", "reply")
FULFILLMENTS: tuple[Fulfillment, ...] = ("marketplace", "seller")
ORDER_STATUSES: tuple[OrderStatus, ...] = (
    "pending",
    "unshipped",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
)
# policy.md §1: Amazon's names for the two fulfilment channels are accepted as synonyms.
FULFILLMENT_SYNONYMS: dict[str, Fulfillment] = {
    "marketplace": "marketplace",
    "fba": "marketplace",
    "afn": "marketplace",
    "seller": "seller",
    "mfn": "seller",
}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message; `head` holds the first bytes, to judge the type by content."""

    filename: str
    content_type: str
    size: int
    head: bytes | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str = "attachment") -> Attachment:
        """Build from a JSON-like mapping, naming the field that is wrong."""
        filename = data.get("filename")
        if not isinstance(filename, str) or not filename:
            raise InvalidInput(f"{where}.filename", "must be a non-empty string")
        content_type = data.get("content_type", "application/octet-stream")
        if not isinstance(content_type, str):
            raise InvalidInput(f"{where}.content_type", "must be a string")
        size = data.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidInput(f"{where}.size", "must be a non-negative integer (bytes)")
        head = data.get("head")
        if head is not None and not isinstance(head, bytes):
            raise InvalidInput(f"{where}.head", "must be bytes")
        return cls(filename=filename, content_type=content_type, size=size, head=head)


@dataclass(frozen=True, slots=True)
class MessageContext:
    """The fields of policy.md §1, validated. `language` is the recipient buyer's language."""

    direction: Direction = "seller_to_buyer"
    initiation: Initiation = "reply"
    fulfillment: Fulfillment = "seller"
    order_status: OrderStatus = "shipped"
    contact_reason: str = "other"
    buyer_opted_out: bool = False
    attachments: tuple[Attachment, ...] = ()
    allowed_link_domains: tuple[str, ...] = ()
    language: str | None = None
    # ISO 3166 region of the marketplace: phone numbers in national format are read in it.
    marketplace_region: str = "US"
    # The policy profile to apply (policy.md: `amazon` by default, operators add their own).
    profile: str = "amazon"

    @property
    def critical(self) -> bool:
        """Whether the contact reason is critical (policy.md §2): delivered to opted-out buyers."""
        return self.contact_reason in CRITICAL_REASONS

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MessageContext:
        """Validate a JSON-like mapping; unknown values raise InvalidInput naming the field."""
        if not isinstance(data, Mapping):
            raise InvalidInput("context", "must be an object")
        known = _KNOWN_FIELDS
        if not known.issuperset(data):
            unknown = sorted(set(data) - known)
            raise InvalidInput(
                f"context.{unknown[0]}", f"unknown field (known: {', '.join(sorted(known))})"
            )
        defaults = _DEFAULT_CONTEXT
        direction = _choice(data, "direction", DIRECTIONS, defaults.direction)
        initiation = _choice(data, "initiation", INITIATIONS, defaults.initiation)
        raw_fulfillment = data.get("fulfillment", defaults.fulfillment)
        if (
            not isinstance(raw_fulfillment, str)
            or raw_fulfillment.lower() not in FULFILLMENT_SYNONYMS
        ):
            raise InvalidInput(
                "context.fulfillment",
                f"must be one of marketplace, seller, FBA, AFN, MFN; got {raw_fulfillment!r}",
            )
        order_status = _choice(data, "order_status", ORDER_STATUSES, defaults.order_status)
        reason = _choice(data, "contact_reason", CONTACT_REASONS, defaults.contact_reason)
        opted_out = data.get("buyer_opted_out", False)
        if not isinstance(opted_out, bool):
            raise InvalidInput("context.buyer_opted_out", "must be true or false")
        raw_attachments = data.get("attachments", ())
        if not isinstance(raw_attachments, list | tuple):
            raise InvalidInput("context.attachments", "must be a list")
        attachments = tuple(
            a if isinstance(a, Attachment) else _attachment(a, i)
            for i, a in enumerate(raw_attachments)
        )
        domains = data.get("allowed_link_domains", ())
        if not isinstance(domains, list | tuple) or not all(isinstance(d, str) for d in domains):
            raise InvalidInput("context.allowed_link_domains", "must be a list of domain names")
        language = data.get("language")
        if language is not None and (not isinstance(language, str) or not language):
            raise InvalidInput("context.language", "must be a language code such as 'en' or null")
        region = data.get("marketplace_region", defaults.marketplace_region)
        if not isinstance(region, str) or len(region) != 2 or not region.isalpha():
            raise InvalidInput(
                "context.marketplace_region", "must be a two-letter region code such as 'US'"
            )
        profile = data.get("profile", defaults.profile)
        if not isinstance(profile, str) or not profile:
            raise InvalidInput("context.profile", "must be a profile name")
        return cls(
            direction=direction,
            initiation=initiation,
            fulfillment=FULFILLMENT_SYNONYMS[raw_fulfillment.lower()],
            order_status=order_status,
            contact_reason=reason,
            buyer_opted_out=opted_out,
            attachments=attachments,
            allowed_link_domains=tuple(d.lower().strip(".") for d in domains),
            language=language.lower() if language else None,
            marketplace_region=region.upper(),
            profile=profile,
        )


# Made once: a context is parsed for every message checked.
_KNOWN_FIELDS = frozenset(MessageContext.__dataclass_fields__)
_DEFAULT_CONTEXT = MessageContext()


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """What only the system knows; the system rules of policy.md §4 are decided from these."""

    messages_sent_today: int | None = None
    daily_limit: int | None = None
    case_state: CaseState | None = None
    days_since_delivery: float | None = None
    sender_and_recipient_are_sellers: bool = False
    # Reasons the order's contact page offers (policy.md §2); None when the caller does not know.
    offered_reasons: frozenset[str] | None = field(default=None)


def _choice(data: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> Any:
    value = data.get(name, default)
    if value not in allowed:
        raise InvalidInput(f"context.{name}", f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _attachment(value: object, index: int) -> Attachment:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"context.attachments[{index}]", "must be an object")
    return Attachment.from_mapping(
        cast(Mapping[str, Any], value), where=f"context.attachments[{index}]"
    )
