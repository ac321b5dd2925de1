"""`contact_info` (policy.md §4, §7): e-mail addresses, phone numbers and requests for the buyer's.

Obfuscated forms count (spelled digits, `(at)`, homoglyphs). Exempt: phone numbers in `warranty`
messages, and asking for the phone number the carrier needs in `delivery_scheduling` (never an
e-mail address, never the seller's own number). An e-mail address is `contact_info` only, not
`external_link`; a bare number is `contact_info` only, `off_platform` needs an invitation.
"""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.detectors.contact_requests import find_contact_requests
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

_PHONE_EXEMPT_REASONS = frozenset({"warranty"})
_PHONE_REQUEST_EXEMPT_REASONS = frozenset({"delivery_scheduling"})

_EMAIL = "E-mail addresses may not be shared: keep the conversation in the marketplace's messaging."
_PHONE = "Phone numbers may not be shared (only in warranty messages, for the claim)."
_EMAIL_REQUEST = "Do not ask for the buyer's e-mail address: the marketplace relays every message."
_PHONE_REQUEST = (
    "Do not ask for the buyer's phone number (only for the carrier, with the reason "
    "delivery_scheduling)."
)


@rule("contact_info")
def contact_info(message: AnalyzedMessage) -> Iterable[Finding]:
    """E-mail addresses, phone numbers and requests for the buyer's, with the §2 exemptions."""
    reason = message.context.contact_reason
    found: list[Finding] = []
    text = message.text
    # Addresses and numbers on the detector view, phones read in `message.phone_regions`.
    contacts = message.contact_information
    for email in contacts.emails:
        # `https://user@host/` is a link (external_link), not an address.
        token_start = max(text.rfind(c, 0, email.start) for c in " \t\n\"'<(") + 1
        if "://" in text[token_start : email.start]:
            continue
        found.append(
            Finding("contact_info", "email_address", "block", (email.start, email.end), _EMAIL)
        )
    if reason not in _PHONE_EXEMPT_REASONS:
        for phone in contacts.phones:
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
