"""Message templates per contact reason, rendered in the buyer's language from Babel catalogs.

A template is fixed text with a few fields. The system fills the order id, the names and dates; the
seller fills the rest, and what the seller typed is checked like free text because the whole
rendered message goes through the policy with the rest of the message (policy.md §2).

The catalogs are the `.po` files under `gobetween/locale/<lang>/LC_MESSAGES/templates.po`, read
with Babel once per process. Reading the `.po` files at run time instead of compiling `.mo` files
at build time keeps one source of truth in the repository (no build step, no stale binaries) and
costs a few milliseconds at start for a few dozen strings.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Final

from babel.dates import format_date
from babel.messages.pofile import read_po

from gobetween.domain.contact_reasons import CUSTOMER_SERVICE_REDIRECT, REASONS_BY_ID
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.parties import LANGUAGES

CATALOG_DOMAIN: Final = "templates"
# Fields the system fills from the order and the parties; a seller may not set them.
SYSTEM_FIELDS: Final = frozenset({"order_id", "buyer_name", "seller_name", "purchase_date"})

GREETING: Final = "Hello {buyer_name},"
CLOSING: Final = "Kind regards,\n{seller_name}"


@dataclass(frozen=True, slots=True)
class TemplateField:
    """A field the seller fills; `multiline` fields may hold several lines."""

    name: str
    label: str
    multiline: bool = False


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """Fixed subject and body for one contact reason, as English msgids the catalogs translate."""

    id: str
    reason: str
    subject: str
    body: str
    fields: tuple[TemplateField, ...]
    # Only as an answer to the buyer (the customer-service redirect), never to start contact.
    reply_only: bool = False


TEMPLATES: Final[tuple[MessageTemplate, ...]] = (
    MessageTemplate(
        "customization",
        "customization",
        "Question about the personalization of your order {order_id}",
        "To make your personalized item exactly as you want it, we need one more detail from "
        "you:\n\n{question}\n\nPlease answer this message; we will start making your item as "
        "soon as we hear from you.",
        (TemplateField("question", "Your question about the personalization", multiline=True),),
    ),
    MessageTemplate(
        "delivery_scheduling",
        "delivery_scheduling",
        "Scheduling the delivery of your order {order_id}",
        "To bring your order to you, {carrier} needs an appointment with you. The following times "
        "are possible:\n\n{proposed_times}\n\nPlease answer this message with the time that "
        "suits you best.",
        (
            TemplateField("carrier", "Carrier"),
            TemplateField("proposed_times", "Possible delivery times", multiline=True),
        ),
    ),
    MessageTemplate(
        "address_issue",
        "address_issue",
        "Shipping address of your order {order_id}",
        "We cannot ship your order to the address we received:\n\n{problem}\n\nPlease answer "
        "this message with the complete and correct address.",
        (TemplateField("problem", "What is wrong with the address", multiline=True),),
    ),
    MessageTemplate(
        "unexpected_problem",
        "unexpected_problem",
        "A problem with your order {order_id}",
        "An unexpected problem is holding up your order:\n\n{problem}\n\nPlease answer this "
        "message and let us know how you would like us to proceed.",
        (TemplateField("problem", "The problem and the options", multiline=True),),
    ),
    MessageTemplate(
        "invoice",
        "invoice",
        "Invoice for your order {order_id}",
        "Attached is invoice {invoice_number} for your order of {purchase_date}.",
        (TemplateField("invoice_number", "Invoice number"),),
    ),
    MessageTemplate(
        "legal_disclosure",
        "legal_disclosure",
        "Legally required information about your order {order_id}",
        "The law requires us to inform you of the following about your order:\n\n{disclosure}",
        (TemplateField("disclosure", "The required disclosure", multiline=True),),
    ),
    MessageTemplate(
        "warranty",
        "warranty",
        "Warranty for your order {order_id}",
        "Here is the warranty information for the item you bought:\n\n{warranty_terms}",
        (TemplateField("warranty_terms", "Warranty terms and how to claim", multiline=True),),
    ),
    MessageTemplate(
        "digital_access_key",
        "digital_access_key",
        "Access key for your order {order_id}",
        "Here is the access key for the product you bought:\n\n{access_key}",
        (TemplateField("access_key", "Access key or code"),),
    ),
    MessageTemplate(
        CUSTOMER_SERVICE_REDIRECT,
        "other",
        "Your question about order {order_id}",
        "This order was shipped by the marketplace, so its customer service takes care of "
        "returns, refunds and delivery questions, and it can help you fastest. Please contact it "
        "from the Help page of your account.",
        (),
        reply_only=True,
    ),
)
TEMPLATES_BY_ID: Final = {template.id: template for template in TEMPLATES}


@dataclass(frozen=True, slots=True)
class RenderedTemplate:
    """A template filled in one language: what goes to the message service as subject and text."""

    template_id: str
    reason: str
    language: str
    subject: str
    text: str


def catalog_msgids() -> tuple[str, ...]:
    """Every string the catalogs must translate."""
    ids = [GREETING, CLOSING]
    for template in TEMPLATES:
        ids += [template.subject, template.body]
    return tuple(ids)


@cache
def catalog(language: str) -> Mapping[str, str]:
    """The translations of `language`, msgid → msgstr; English is the msgids themselves."""
    if language not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}; got {language!r}")
    path = files("gobetween") / "locale" / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language, domain=CATALOG_DOMAIN)
    translations: dict[str, str] = {}
    for message in po:
        # Fuzzy entries are guesses awaiting a translator; gettext skips them, and so do we.
        usable = isinstance(message.id, str) and isinstance(message.string, str)
        if usable and message.id and message.string and not message.fuzzy:
            translations[str(message.id)] = str(message.string)
    return translations


def translate(msgid: str, language: str) -> str:
    """`msgid` in `language`; English text when the catalog lacks it (tests forbid that)."""
    return catalog(language).get(msgid, msgid)


def get_template(template_id: str) -> MessageTemplate:
    """The template `template_id`, or NotFound."""
    template = TEMPLATES_BY_ID.get(template_id)
    if template is None:
        raise NotFound("template", template_id)
    return template


def templates_for_reasons(
    reasons: frozenset[str], reply_templates: tuple[str, ...]
) -> list[MessageTemplate]:
    """The templates of the offered reasons plus the order's reply templates, in table order."""
    return [
        template
        for template in TEMPLATES
        if (template.reply_only and template.id in reply_templates)
        or (not template.reply_only and template.reason in reasons)
    ]


def placeholders(text: str) -> frozenset[str]:
    """The `{name}` fields that `text` uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@cache
def field_budget(template: MessageTemplate) -> int:
    """Characters left for the seller's fields: the reason's limit less the longest fixed text.

    So that a filled template never trips the `length` rule of policy.md §2 in any language.
    """
    limit = REASONS_BY_ID[template.reason].max_chars  # type: ignore[index]
    empty = dict.fromkeys(SYSTEM_FIELDS | {f.name for f in template.fields}, "")
    longest = max(len(_body(template, language).format_map(empty)) for language in LANGUAGES)
    return limit - longest


def render_template(
    template_id: str,
    *,
    language: str,
    fields: Mapping[str, object],
    order_id: str,
    buyer_name: str,
    seller_name: str,
    purchased_at: datetime,
) -> RenderedTemplate:
    """Fill `template_id` in `language`; a missing, unknown or bad field raises InvalidInput."""
    template = get_template(template_id)
    if language not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}; got {language!r}")
    values = _check_fields(template, fields)
    values.update(
        order_id=order_id,
        buyer_name=buyer_name,
        seller_name=seller_name,
        purchase_date=format_date(purchased_at.date(), format="long", locale=language),
    )
    subject = translate(template.subject, language).format_map(values)
    text = _body(template, language).format_map(values)
    return RenderedTemplate(template.id, template.reason, language, subject, text)


def _body(template: MessageTemplate, language: str) -> str:
    return "\n\n".join(
        (
            translate(GREETING, language),
            translate(template.body, language),
            translate(CLOSING, language),
        )
    )


def _check_fields(template: MessageTemplate, fields: Mapping[str, object]) -> dict[str, str]:
    known = {field.name: field for field in template.fields}
    for name in fields:
        if name not in known:
            expected = ", ".join(known) or "none"
            raise InvalidInput(
                f"fields.{name}", f"is not a field of template {template.id} (fields: {expected})"
            )
    values: dict[str, str] = {}
    total = 0
    for field in template.fields:
        value = fields.get(field.name)
        if value is None:
            raise InvalidInput(f"fields.{field.name}", f"is required by template {template.id}")
        if not isinstance(value, str):
            raise InvalidInput(
                f"fields.{field.name}", f"must be a string; got {type(value).__name__}"
            )
        value = value.strip()
        if not value:
            raise InvalidInput(f"fields.{field.name}", "must not be empty")
        if not field.multiline and any(ch in value for ch in "\r\n"):
            raise InvalidInput(f"fields.{field.name}", "must be one line")
        if "\x00" in value:
            raise InvalidInput(f"fields.{field.name}", "must not contain NUL characters")
        total += len(value)
        values[field.name] = value
    budget = field_budget(template)
    if total > budget:
        raise InvalidInput(
            f"fields.{template.fields[-1].name}",
            f"the fields of template {template.id} hold {total} characters; at most {budget} fit",
        )
    return values
