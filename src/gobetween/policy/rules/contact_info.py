"""`contact_info` (policy.md §4, §7): e-mail addresses, phone numbers and requests for the buyer's.

Obfuscated forms count (spelled digits, `(at)`, homoglyphs). Exempt: phone numbers in `warranty`
messages, and asking for the phone number the carrier needs in `delivery_scheduling` (never an
e-mail address, never the seller's own number). An e-mail address is `contact_info` only, not
`external_link`; a bare number is `contact_info` only, `off_platform` needs an invitation.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from gobetween.policy.detectors.contact_requests import find_contact_requests
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.phones import find_phones
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

# The region whose national number format a message in this language most likely uses.
LANGUAGE_REGIONS = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}
_PHONE_EXEMPT_REASONS = frozenset({"warranty"})
_PHONE_REQUEST_EXEMPT_REASONS = frozenset({"delivery_scheduling"})

_EMAIL = "E-mail addresses may not be shared: keep the conversation in the marketplace's messaging."
_PHONE = "Phone numbers may not be shared (only in warranty messages, for the claim)."
_EMAIL_REQUEST = "Do not ask for the buyer's e-mail address: the marketplace relays every message."
_PHONE_REQUEST = (
    "Do not ask for the buyer's phone number (only for the carrier, with the reason "
    "delivery_scheduling)."
)


def phone_regions(message: AnalyzedMessage) -> tuple[str, ...]:
    """Regions to read national phone formats in: the marketplace's, then the languages'."""
    return _regions(message.context.marketplace_region, message.language, message.context.language)


@lru_cache(maxsize=256)
def _regions(marketplace: str, written: str, buyer: str | None) -> tuple[str, ...]:
    regions = [marketplace]
    for language in (written, buyer):
        region = LANGUAGE_REGIONS.get((language or "")[:2])
        if region is not None:
            regions.append(region)
    return tuple(dict.fromkeys(regions))


@rule("contact_info")
def contact_info(message: AnalyzedMessage) -> Iterable[Finding]:
    """E-mail addresses, phone numbers and requests for the buyer's, with the §2 exemptions."""
    reason = message.context.contact_reason
    found: list[Finding] = []
    text = message.text
    for email in find_emails(message.normalized):
        # `https://user@host/` is a link (external_link), not an address.
        token_start = max(text.rfind(c, 0, email.start) for c in " \t\n\"'<(") + 1
        if "://" in text[token_start : email.start]:
            continue
        found.append(
            Finding("contact_info", "email_address", "block", (email.start, email.end), _EMAIL)
        )
    if reason not in _PHONE_EXEMPT_REASONS:
        for phone in find_phones(message.normalized, phone_regions(message)):
            found.append(
                Finding("contact_info", "phone_number", "block", (phone.start, phone.end), _PHONE)
            )
    languages = message.scan.languages if message.scan is not None else None
    for request in find_contact_requests(message.normalized, languages):
        if request.kind == "phone_request":
            if reason in _PHONE_REQUEST_EXEMPT_REASONS:
                continue
            found.append(
                Finding(
                    "contact_info",
                    "phone_number_request",
                    "block",
                    (request.start, request.end),
                    _PHONE_REQUEST,
                )
            )
        else:
            found.append(
                Finding(
                    "contact_info",
                    "email_address_request",
                    "block",
                    (request.start, request.end),
                    _EMAIL_REQUEST,
                )
            )
    return found
