"""The SP-API surface: Amazon's message types as contact reasons, buyer attributes, solicitations.

Each message type of Amazon's Messaging API is one contact reason of policy.md §2 (the table
MESSAGE_TYPES), so the actions an order offers come from the same contact-reason rules as the
native API, and every message goes through the one send path (services/sending.py, which calls
`send_seller_message`) with the same policy check. A type that is not offered says which rule
removed it, where Amazon only answers "Invalid amazonOrderId and template combination".

The review request (`productReviewAndSellerFeedback`) is the marketplace's own fixed template
(policy.md §2): not free text, so not a policy-checked message; it is stored once per order in its
own table and queued for delivery in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import Final, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po

from gobetween.domain.contact_reasons import REASONS_BY_ID
from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound, Refused
from gobetween.domain.orders import Order, check_order_id
from gobetween.domain.parties import LANGUAGES, Buyer
from gobetween.domain.solicitations import (
    SolicitationFacts,
    SolicitationRefusal,
    solicitation_refusals,
)
from gobetween.policy import Verdict
from gobetween.services.access import Principal
from gobetween.services.attachments import store_attachment
from gobetween.services.inbox import ContactOptions, options_for
from gobetween.services.ports import Clock, OutboxItem
from gobetween.services.sending import DailyLimitStatus, Draft, Sending, send_message
from gobetween.services.spapi_ports import SolicitationRecord, SpapiUnitOfWork

AttachmentRule = Literal["none", "optional", "required"]
SOLICITATION: Final = "productReviewAndSellerFeedback"
CATALOG_DOMAIN: Final = "spapi"
# The sender of the review request: the buyer cannot answer it (Amazon's Solicitations API).
NO_REPLY_ALIAS: Final = "no-reply"

# Amazon marketplace ids and the marketplace codes orders carry (gobetween import).
MARKETPLACE_IDS: Final[Mapping[str, str]] = {
    "ATVPDKIKX0DER": "US",
    "A2EUQ1WTGCTBG2": "CA",
    "A1AM78C64UM0Y8": "MX",
    "A2Q3Y263D00KWC": "BR",
    "A1F83G8C2ARO7P": "UK",
    "A1PA6795UKMFR9": "DE",
    "A13V1IB3VIYZZH": "FR",
    "A1RKKUPIHCS9HA": "ES",
    "APJ6JRA9NG5V4": "IT",
    "A1805IZSGTT6HS": "NL",
    "A2NODRKZP88ZB9": "SE",
    "A1C3SOZRARQ6R3": "PL",
    "A33AVAJ2PDY3EV": "TR",
    "AMEN7PMS3EDWL": "BE",
    "A21TJRUUN4KGV": "IN",
    "A1VC38T7YXB528": "JP",
    "A39IBJ37TRP1C6": "AU",
    "A19VAU5U5O7RUS": "SG",
}
# Marketplace codes as orders may write them (`amazon.de`) to the two-letter code.
_DOMAIN_CODES: Final[Mapping[str, str]] = {
    "com": "US",
    "ca": "CA",
    "com.mx": "MX",
    "com.br": "BR",
    "co.uk": "UK",
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "it": "IT",
    "nl": "NL",
    "se": "SE",
    "pl": "PL",
    "com.tr": "TR",
    "com.be": "BE",
    "in": "IN",
    "co.jp": "JP",
    "com.au": "AU",
    "sg": "SG",
}
# The region of a language when the marketplace's own does not speak it (en-US, de-DE, ...).
_HOME_REGIONS: Final[Mapping[str, str]] = {
    "en": "US",
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "it": "IT",
    "ja": "JP",
}


@dataclass(frozen=True, slots=True)
class MessageType:
    """One message type of Amazon's Messaging API and the contact reason it is in gobetween."""

    name: str  # the action name and last path segment
    operation_id: str
    reason: str
    text: bool
    attachments: AttachmentRule
    # A further condition of the type beyond its reason's rules (status values it needs).
    statuses: frozenset[str] | None = None
    status_rule: str = ""
    status_explanation: str = ""
    coverage_dates: bool = False

    @property
    def max_chars(self) -> int:
        """The reason's text limit (policy.md §2), which is also Amazon's for the type."""
        return REASONS_BY_ID[self.reason].max_chars  # type: ignore[index]

    @property
    def critical(self) -> bool:
        return REASONS_BY_ID[self.reason].critical  # type: ignore[index]


# docs/spapi.md documents this table; the order is the order of the actions list.
MESSAGE_TYPES: Final[tuple[MessageType, ...]] = (
    MessageType(
        "confirmCustomizationDetails",
        "confirmCustomizationDetails",
        "customization",
        text=True,
        attachments="optional",
    ),
    MessageType(
        "confirmDeliveryDetails",
        "createConfirmDeliveryDetails",
        "delivery_scheduling",
        text=True,
        attachments="none",
    ),
    MessageType(
        "legalDisclosure",
        "createLegalDisclosure",
        "legal_disclosure",
        text=False,
        attachments="required",
    ),
    MessageType(
        "confirmOrderDetails",
        "createConfirmOrderDetails",
        "address_issue",
        text=True,
        attachments="none",
        statuses=frozenset({"pending", "unshipped"}),
        status_rule="order_details_before_shipment",
        status_explanation="Order details are confirmed before the order ships.",
    ),
    MessageType(
        "confirmServiceDetails",
        "createConfirmServiceDetails",
        "delivery_scheduling",
        text=True,
        attachments="none",
    ),
    MessageType(
        "warranty",
        "CreateWarranty",
        "warranty",
        text=False,
        attachments="required",
        coverage_dates=True,
    ),
    MessageType(
        "digitalAccessKey",
        "createDigitalAccessKey",
        "digital_access_key",
        text=True,
        attachments="optional",
    ),
    MessageType(
        "unexpectedProblem",
        "createUnexpectedProblem",
        "unexpected_problem",
        text=True,
        attachments="none",
    ),
    MessageType("invoice", "sendInvoice", "invoice", text=False, attachments="required"),
)
MESSAGE_TYPES_BY_NAME: Final = {message_type.name: message_type for message_type in MESSAGE_TYPES}
# Types Amazon removed from its model that clients still call: answered with why, never sent.
REMOVED_TYPES: Final[Mapping[str, str]] = {
    "negativeFeedbackRemoval": "Asking a buyer to remove or change feedback is not permitted "
    "(policy.md §4 review_change_request); Amazon removed this message type in 2025.",
    "amazonMotors": "Amazon removed this message type in 2026; send the documents with "
    "legalDisclosure or warranty.",
}
SOLICITATION_RULE: Final = "review_requested"


class TypeNotOffered(Refused):
    """The message type is not available for the order now; `rule` says which rule removed it."""

    def __init__(self, type_name: str, reason: str, rule: str, explanation: str) -> None:
        super().__init__(
            rule,
            f"{type_name} (contact reason {reason}) is not available for this order: {explanation}",
        )
        self.type_name = type_name
        self.reason_id = reason
        self.rule = rule
        self.explanation = explanation


class MessageBlockedError(GobetweenError):
    """The policy blocked the message: stored as evidence, not delivered; the verdict says why."""

    def __init__(self, message_id: int, verdict: Verdict) -> None:
        categories = ", ".join(verdict.categories) or "blocked"
        super().__init__(f"the message was blocked by the messaging policy ({categories})")
        self.message_id = message_id
        self.verdict = verdict


class MessageBouncedError(GobetweenError):
    """The buyer opted out of non-critical messages: stored, not delivered (policy.md §2)."""

    def __init__(self, message_id: int) -> None:
        super().__init__(
            "the buyer opted out of messages that are not critical; the message was stored and "
            "not delivered (buyer_opted_out)"
        )
        self.message_id = message_id


class DailyLimitReachedError(GobetweenError):
    """policy.md §4 daily_limit refused the message (stored as blocked evidence)."""

    def __init__(self, message_id: int, status: DailyLimitStatus) -> None:
        super().__init__(
            f"daily message limit reached: {status.count} of {status.limit} today; resets "
            f"{status.resets_at.isoformat()}"
        )
        self.message_id = message_id
        self.status = status


class SolicitationRefused(Refused):
    """The review request is not available for the order; every failed condition is listed."""

    def __init__(self, refusals: Sequence[SolicitationRefusal]) -> None:
        super().__init__(refusals[0].rule, " ".join(refusal.explanation for refusal in refusals))
        self.refusals = tuple(refusals)


@dataclass(frozen=True, slots=True)
class UnavailableType:
    """A message type the order does not offer, with the rule that removed it and why."""

    name: str
    reason: str
    rule: str
    explanation: str


@dataclass(frozen=True, slots=True)
class MessagingActions:
    """What getMessagingActionsForOrder answers: offered types, and the others with their rule."""

    order_id: str
    offered: tuple[MessageType, ...]
    unavailable: tuple[UnavailableType, ...]


@dataclass(frozen=True, slots=True)
class SolicitationActions:
    """What getSolicitationActionsForOrder answers: the review request, or why not."""

    order_id: str
    available: bool
    refusals: tuple[SolicitationRefusal, ...]


@dataclass(frozen=True, slots=True)
class Spapi:
    """The collaborators of the SP-API services, wired by the composition root."""

    uow_factory: Callable[[], SpapiUnitOfWork]
    sending: Sending
    clock: Clock


@dataclass(frozen=True, slots=True)
class Attached:
    """An attachment of an SP-API message: an upload destination and the name the buyer sees."""

    upload_destination_id: str
    file_name: str


def marketplace_code(marketplace_id: str) -> str | None:
    """The marketplace code of an Amazon marketplace id, or None for an id we do not know."""
    return MARKETPLACE_IDS.get(marketplace_id)


def order_marketplace_code(order: Order) -> str:
    """The two-letter code of the order's marketplace (`US`, `amazon.de` -> `DE`)."""
    value = order.marketplace.strip()
    if value.lower().startswith("amazon."):
        return _DOMAIN_CODES.get(value.lower().removeprefix("amazon."), value.upper())
    return value.upper()


def buyer_locale(language: str, marketplace: str) -> str:
    """The IETF tag of the buyer's preferred language in the marketplace's region (`de-DE`).

    The marketplace's region is used when Babel knows the language there (an English speaker on
    amazon.de is `en-DE`); otherwise the language's home region.
    """
    region = "GB" if marketplace == "UK" else marketplace
    try:
        Locale.parse(f"{language}_{region}")
    except (UnknownLocaleError, ValueError):
        region = _HOME_REGIONS.get(language, "US")
    return f"{language}-{region}"


def messaging_actions(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None = None
) -> MessagingActions:
    """The message types the order offers its seller now, and every other one with its rule."""
    options, solicited = _order_options(
        order_id, seller=seller, spapi=spapi, marketplace_id=marketplace_id
    )
    offered: list[MessageType] = []
    unavailable: list[UnavailableType] = []
    for message_type in MESSAGE_TYPES:
        problem = _type_problem(message_type, options, solicited=solicited)
        if problem is None:
            offered.append(message_type)
        else:
            unavailable.append(problem)
    return MessagingActions(options.order.id, tuple(offered), tuple(unavailable))


def get_message_type(type_name: str) -> MessageType:
    """The message type `type_name`; Refused for a removed type, NotFound for an unknown one."""
    message_type = MESSAGE_TYPES_BY_NAME.get(type_name)
    if message_type is None:
        if type_name in REMOVED_TYPES:
            raise Refused("message_type_removed", REMOVED_TYPES[type_name])
        raise NotFound("message type", type_name)
    return message_type


def buyer_attributes(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None = None
) -> str:
    """GetAttributes: the buyer's locale (their preferred language in the order's marketplace)."""
    order, buyer = _order_and_buyer(
        order_id, seller=seller, spapi=spapi, marketplace_id=marketplace_id
    )
    return buyer_locale(buyer.language, order_marketplace_code(order))


def send_spapi_message(
    type_name: str,
    order_id: str,
    *,
    text: str | None,
    attachments: Sequence[Attached],
    coverage: tuple[datetime, datetime] | None,
    seller: Principal,
    spapi: Spapi,
    marketplace_id: str | None = None,
) -> int:
    """Send one SP-API message type through the native send path; returns the message id.

    Raises TypeNotOffered when the order does not offer the type, InvalidInput for a body the
    type does not take, and MessageBlockedError, MessageBouncedError or DailyLimitReachedError
    when the message was stored but not delivered.
    """
    message_type = get_message_type(type_name)
    # Whether the order offers the type comes first: a caller learns the rule before the body.
    options, solicited = _order_options(
        order_id, seller=seller, spapi=spapi, marketplace_id=marketplace_id
    )
    problem = _type_problem(message_type, options, solicited=solicited)
    if problem is not None:
        raise TypeNotOffered(problem.name, problem.reason, problem.rule, problem.explanation)
    _check_body(message_type, text, attachments, coverage)
    sha256s = tuple(
        _attachment_sha256(attached, index, seller=seller, spapi=spapi)
        for index, attached in enumerate(attachments)
    )
    body = _message_text(message_type, text, attachments, coverage, options.buyer_language)
    outcome = send_message(
        Draft(
            order_id=options.order.id,
            text=body,
            contact_reason=message_type.reason,
            attachments=sha256s,
        ),
        sender=seller,
        sending=spapi.sending,
    )
    result = outcome.result
    if outcome.daily_limit is not None:
        raise DailyLimitReachedError(result.message_id, outcome.daily_limit)
    if result.disposition == "blocked":
        raise MessageBlockedError(result.message_id, result.verdict)
    if result.disposition == "bounced":
        raise MessageBouncedError(result.message_id)
    return result.message_id


def solicitation_actions(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None = None
) -> SolicitationActions:
    """Whether the order may get its review request now, and every condition that fails."""
    check_order_id(order_id, field_name="amazonOrderId")
    now = spapi.clock().astimezone(UTC)
    with spapi.uow_factory() as uow:
        order, buyer = _visible(uow, order_id, seller, marketplace_id)
        facts = _solicitation_facts(uow, order, buyer)
    refusals = solicitation_refusals(facts, now=now)
    return SolicitationActions(order.id, not refusals, refusals)


def request_review(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None = None
) -> SolicitationRecord:
    """Send the order's one review request in the buyer's language; SolicitationRefused if not now.

    The check and the insert happen in one transaction, and the order id is the table's key, so
    two processes asking at once send one request and refuse the other.
    """
    check_order_id(order_id, field_name="amazonOrderId")
    now = spapi.clock().astimezone(UTC)
    with spapi.uow_factory() as uow:
        order, buyer = _visible(uow, order_id, seller, marketplace_id)
        refusals = solicitation_refusals(_solicitation_facts(uow, order, buyer), now=now)
        if refusals:
            raise SolicitationRefused(refusals)
        parties = uow.orders.find_with_parties(order.id)
        if parties is None:
            raise NotFound("order", order_id)
        language = buyer.language if buyer.language in LANGUAGES else "en"
        values = {
            "order_id": order.id,
            "buyer_name": buyer.first_name,
            "seller_name": parties.seller.display_name,
        }
        record = SolicitationRecord(
            order_id=order.id,
            seller_id=order.seller_id,
            buyer_id=buyer.id,
            language=language,
            subject=translate(SOLICITATION_SUBJECT, language).format_map(values),
            body=translate(SOLICITATION_BODY, language).format_map(values),
            created_at=now,
        )
        if not uow.spapi.add_solicitation(record):
            # Another process sent it between our check and our insert.
            raise SolicitationRefused(
                (SolicitationRefusal("already_requested", "A review was already requested."),)
            )
        uow.outbox.add(
            OutboxItem(
                kind="message",
                recipient=buyer.email,
                delivery_key=f"solicitation-{order.id}",
                payload={
                    "from_alias": NO_REPLY_ALIAS,
                    "from_name": parties.seller.display_name,
                    "order_id": order.id,
                    "subject": record.subject,
                    "text": record.body,
                    "attachments": [],
                },
            ),
            now=now,
        )
        uow.commit()
    return record


# The fixed review request (policy.md §2), translated in locale/<lang>/LC_MESSAGES/spapi.po.
SOLICITATION_SUBJECT: Final = "Share your experience with your order {order_id}"
SOLICITATION_BODY: Final = (
    "Hello {buyer_name},\n\n"
    "Your order {order_id} from {seller_name} was delivered recently. Would you take a moment to "
    "review the product and rate your experience with the seller? It helps other customers.\n\n"
    "You can write your review and feedback from the order in your account.\n\n"
    "This message was sent by the marketplace on behalf of the seller. Please do not reply to it."
)
ATTACHED_LINE: Final = "Attached: {files}"
WARRANTY_LINE: Final = "Warranty coverage: {start} to {end}."


def catalog_msgids() -> tuple[str, ...]:
    """Every string the SP-API catalogs must translate."""
    return (SOLICITATION_SUBJECT, SOLICITATION_BODY, ATTACHED_LINE, WARRANTY_LINE)


@cache
def catalog(language: str) -> Mapping[str, str]:
    """The SP-API strings of `language`, msgid -> msgstr (English: the msgids themselves)."""
    if language not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}; got {language!r}")
    path = files("gobetween") / "locale" / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language, domain=CATALOG_DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in po
        if isinstance(message.id, str) and message.id and message.string and not message.fuzzy
    }


def translate(msgid: str, language: str) -> str:
    """`msgid` in `language` (the English msgid when the catalog lacks it; tests forbid that)."""
    return catalog(language).get(msgid, msgid)


def _order_options(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None
) -> tuple[ContactOptions, bool]:
    check_order_id(order_id, field_name="amazonOrderId")
    with spapi.uow_factory() as uow:
        order, buyer = _visible(uow, order_id, seller, marketplace_id)
        solicited = uow.spapi.find_solicitation(order.id) is not None
    options = options_for(
        order,
        buyer.language,
        now=spapi.clock().astimezone(UTC),
        window_days=spapi.sending.window_days,
    )
    return options, solicited


def _order_and_buyer(
    order_id: str, *, seller: Principal, spapi: Spapi, marketplace_id: str | None = None
) -> tuple[Order, Buyer]:
    check_order_id(order_id, field_name="amazonOrderId")
    with spapi.uow_factory() as uow:
        return _visible(uow, order_id, seller, marketplace_id)


def _visible(
    uow: SpapiUnitOfWork, order_id: str, seller: Principal, marketplace_id: str | None = None
) -> tuple[Order, Buyer]:
    """The seller's own order and its buyer; NotFound for anyone else's (never 'forbidden').

    A known marketplace id that is not the order's marketplace is InvalidInput; orders of a
    marketplace Amazon has no id for take any.
    """
    order = uow.orders.find(order_id)
    if order is None or seller.role != "seller" or order.seller_id != seller.seller_id:
        raise NotFound("order", order_id)
    code = order_marketplace_code(order)
    expected = MARKETPLACE_IDS.get(marketplace_id or "")
    if expected is not None and code in MARKETPLACE_IDS.values() and code != expected:
        raise InvalidInput(
            "marketplaceIds",
            f"order {order.id} was placed in marketplace {code}, not {expected} ({marketplace_id})",
        )
    buyer = uow.buyers.find(order.buyer_id)
    if buyer is None:
        raise NotFound("order", order_id)
    return order, buyer


def _type_problem(
    message_type: MessageType, options: ContactOptions, *, solicited: bool
) -> UnavailableType | None:
    reason = options.reasons.find(message_type.reason)
    if reason is None:
        missing = next(m for m in options.reasons.missing if m.id == message_type.reason)
        return UnavailableType(
            message_type.name, message_type.reason, missing.rule, missing.explanation
        )
    if message_type.statuses is not None and options.order.status not in message_type.statuses:
        return UnavailableType(
            message_type.name,
            message_type.reason,
            message_type.status_rule,
            message_type.status_explanation,
        )
    if solicited and not message_type.critical:
        return UnavailableType(
            message_type.name,
            message_type.reason,
            SOLICITATION_RULE,
            "A review was requested for this order; an order gets either the review request or "
            "non-critical proactive messages, not both.",
        )
    return None


def _check_body(
    message_type: MessageType,
    text: str | None,
    attachments: Sequence[Attached],
    coverage: tuple[datetime, datetime] | None,
) -> None:
    if text is not None and not message_type.text:
        raise InvalidInput("text", f"{message_type.name} takes no text, only attachments")
    if message_type.text and text is not None:
        if not text.strip():
            raise InvalidInput("text", "must not be empty")
        if len(text) > message_type.max_chars:
            raise InvalidInput(
                "text",
                f"is {len(text)} characters; {message_type.name} allows at most "
                f"{message_type.max_chars}",
            )
    if attachments and message_type.attachments == "none":
        raise InvalidInput("attachments", f"{message_type.name} takes no attachments")
    if not attachments and message_type.attachments == "required":
        raise InvalidInput("attachments", f"{message_type.name} needs at least one attachment")
    if len(attachments) > 5:
        raise InvalidInput("attachments", f"at most 5 files; got {len(attachments)}")
    if message_type.text and text is None and not attachments:
        raise InvalidInput("text", "is required (or attachments, where the type takes them)")
    if message_type.coverage_dates:
        if coverage is None:
            raise InvalidInput(
                "coverageStartDate", "coverageStartDate and coverageEndDate are required"
            )
        if coverage[1] < coverage[0]:
            raise InvalidInput("coverageEndDate", "is before coverageStartDate")


def _attachment_sha256(attached: Attached, index: int, *, seller: Principal, spapi: Spapi) -> str:
    """The stored content behind an upload destination, under the name the buyer will see."""
    field = f"attachments[{index}].uploadDestinationId"
    with spapi.uow_factory() as uow:
        destination = uow.spapi.find_upload(attached.upload_destination_id)
    if destination is None or destination.seller_id != seller.seller_id:
        raise InvalidInput(
            field,
            f"attachment with ID {attached.upload_destination_id!r} does not exist; create it "
            "with createUploadDestinationForResource",
        )
    if destination.sha256 is None:
        raise InvalidInput(
            field,
            f"upload destination {attached.upload_destination_id!r} has no file yet: PUT the bytes "
            "to its url first",
        )
    # Recorded again under the buyer-visible name (the newest upload row names the file).
    stored = store_attachment(
        spapi.sending.blobs.get(destination.sha256),
        filename=attached.file_name,
        uploader=seller,
        uow=spapi.uow_factory(),
        blobs=spapi.sending.blobs,
        clock=spapi.clock,
    )
    return stored.sha256


def _message_text(
    message_type: MessageType,
    text: str | None,
    attachments: Sequence[Attached],
    coverage: tuple[datetime, datetime] | None,
    language: str,
) -> str:
    """The text the buyer reads: the seller's text, or for attachment-only types a short line."""
    language = language if language in LANGUAGES else "en"
    lines: list[str] = []
    if text is not None:
        lines.append(text)
    if coverage is not None:
        start, end = (_format(moment.date(), language) for moment in coverage)
        lines.append(translate(WARRANTY_LINE, language).format(start=start, end=end))
    if not message_type.text and attachments:
        names = ", ".join(attached.file_name for attached in attachments)
        lines.append(translate(ATTACHED_LINE, language).format(files=names))
    return "\n\n".join(lines)


def _format(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


def _solicitation_facts(uow: SpapiUnitOfWork, order: Order, buyer: Buyer) -> SolicitationFacts:
    existing = uow.spapi.find_solicitation(order.id)
    return SolicitationFacts(
        status=order.status,
        delivered_at=order.delivered_at,
        latest_delivery_at=order.latest_delivery_at,
        buyer_opted_out=buyer.opted_out,
        already_requested_at=None if existing is None else existing.created_at,
        proactive_message_sent=uow.spapi.proactive_message_sent(order.id),
    )
