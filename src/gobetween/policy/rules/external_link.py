"""`external_link` (policy.md §4, §7): any URL or bare domain, obfuscated ones too.

Allowed: HTTPS links to the operator's `allowed_link_domains` and to the marketplace's own
domains. A plain mention of the marketplace's domain ("your Amazon.de order") is allowed too: it
names the platform the conversation is already on. E-mail addresses are `contact_info`, not
links, so a domain inside one is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.detectors.links import LinkHit, host_matches
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

# The marketplace's own domains when the profile does not name them (the default profile mirrors
# Amazon's).
MARKETPLACE_DOMAINS: tuple[str, ...] = (
    "amazon.com", "amazon.ca", "amazon.com.mx", "amazon.com.br", "amazon.co.uk", "amazon.de",
    "amazon.fr", "amazon.es", "amazon.it", "amazon.nl", "amazon.se", "amazon.pl",
    "amazon.com.be", "amazon.com.tr", "amazon.ae", "amazon.sa", "amazon.eg", "amazon.in",
    "amazon.co.jp", "amazon.sg", "amazon.com.au", "amzn.to", "amzn.eu", "a.co",
    "sellercentral.amazon.com",
)  # fmt: skip

_LINK = (
    "Links are not allowed, except HTTPS links to the marketplace or to domains the operator "
    "approved for this seller."
)
_PLAIN_HTTP = "Only HTTPS links may go to an approved domain; this one is plain HTTP."


def _domains(message: AnalyzedMessage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    profile = message.profile
    marketplace = tuple(getattr(profile, "marketplace_domains", ()) or MARKETPLACE_DOMAINS)
    allowed = message.context.allowed_link_domains + tuple(
        getattr(profile, "allowed_link_domains", ()) or ()
    )
    return marketplace, allowed


def allowed_link(link: LinkHit, marketplace: tuple[str, ...], allowed: tuple[str, ...]) -> bool:
    """policy.md §4: HTTPS to an approved or marketplace domain; a bare marketplace mention."""
    if link.scheme == "https":
        return host_matches(link.host, marketplace) or host_matches(link.host, allowed)
    return link.scheme is None and not link.obfuscated and host_matches(link.host, marketplace)


@rule("external_link")
def external_link(message: AnalyzedMessage) -> Iterable[Finding]:
    """Every link or domain that is not an allowed HTTPS link."""
    # Links outside e-mail addresses: an address is contact_info, not a link.
    links = message.contact_information.links
    if not links:
        return []
    marketplace, allowed = _domains(message)
    found: list[Finding] = []
    for link in links:
        if allowed_link(link, marketplace, allowed):
            continue
        explanation = _LINK
        if link.scheme == "http" and (
            host_matches(link.host, allowed) or host_matches(link.host, marketplace)
        ):
            explanation = _PLAIN_HTTP
        found.append(Finding("external_link", "link", "block", (link.start, link.end), explanation))
    return found
