"""Contact information in a message: e-mail addresses, phone numbers and links (policy.md §4, §7).

What the `contact_info` and `external_link` rules read, found on the detector view of
`normalize()` (obfuscated separators and digit words already rewritten). Each kind is found the
first time it is read and kept for the other rules of the same check.

`find_contact_information(text, regions)` is the same work for a caller that wants contact
information alone: it builds only the detector view (`normalize_contacts`), not the phrase view.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from gobetween.policy.detectors.emails import EmailHit, find_emails
from gobetween.policy.detectors.links import LinkHit, find_links
from gobetween.policy.detectors.phones import PhoneHit, find_phones
from gobetween.policy.normalize import NormalizedText, normalize_contacts

_new_object = object.__new__

# The region whose national number format a message in this language most likely uses.
LANGUAGE_REGIONS = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}


@lru_cache(maxsize=256)
def phone_regions_for(marketplace: str, written: str, buyer: str | None) -> tuple[str, ...]:
    """Regions to read national phone formats in: the marketplace's, then those of the language
    the message is written in and of the buyer's language."""
    regions = [marketplace]
    for language in (written, buyer):
        region = LANGUAGE_REGIONS.get((language or "")[:2])
        if region is not None:
            regions.append(region)
    return tuple(dict.fromkeys(regions))


class ContactInformation:
    """The e-mail addresses, phone numbers and links of one message, each kind found when first
    read. `links` leaves out the domains inside e-mail addresses (an address is contact
    information, not a link)."""

    __slots__ = ("_emails", "_links", "_phones", "normalized", "regions")

    def __init__(self, normalized: NormalizedText, regions: Iterable[str]) -> None:
        self.normalized = normalized
        self.regions = tuple(regions)
        self._emails: list[EmailHit] | None = None
        self._phones: list[PhoneHit] | None = None
        self._links: list[LinkHit] | None = None

    @property
    def emails(self) -> list[EmailHit]:
        if self._emails is None:
            self._emails = find_emails(self.normalized)
        return self._emails

    @property
    def phones(self) -> list[PhoneHit]:
        if self._phones is None:
            self._phones = find_phones(self.normalized, self.regions)
        return self._phones

    @property
    def links(self) -> list[LinkHit]:
        if self._links is None:
            links = find_links(self.normalized)
            # Without an e-mail address there is no domain of one to leave out (most messages
            # with a link): no spans to build and test every link against.
            if links and self.emails:
                spans = [(email.start, email.end) for email in self.emails]
                links = [link for link in links if not any(a <= link.start < b for a, b in spans)]
            self._links = links
        return self._links


def find_contact_information(
    message: NormalizedText | str, regions: Iterable[str] = ("US",)
) -> ContactInformation:
    """The contact information of a message (or of its `normalize()` views), phone numbers read
    in `regions`: a string is normalised for the detectors only (`normalize_contacts`)."""
    normalized = normalize_contacts(message) if isinstance(message, str) else message
    # `ContactInformation(normalized, regions)`, its slots stored here on a bare object: no
    # `__init__` frame for the one built per message (test_contact_information_built compares
    # the two).
    contacts: Any = _new_object(ContactInformation)
    contacts.normalized = normalized
    contacts.regions = tuple(regions)
    contacts._emails = None
    contacts._phones = None
    contacts._links = None
    built: ContactInformation = contacts
    return built
