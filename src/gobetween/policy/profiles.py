"""Policy profiles: the `amazon` default and operator profiles that extend it from config.

A profile is what an operator may change without code: extra phrases (per language and word
class, or whole patterns), link domains that are always allowed, attachment rules and limits.
The compiled lexicon of each profile is built once, when the profile is registered; checking a
message never reads files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gobetween.domain.errors import InvalidInput
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import (
    LANGUAGES,
    Lexicon,
    load_builtin_lexicons,
    parse_lexicon,
)

DEFAULT_PROFILE = "amazon"

# The marketplace's own domains: links to them never leave the platform (policy.md §4).
AMAZON_DOMAINS: tuple[str, ...] = (
    "amazon.com",
    "amazon.ca",
    "amazon.com.mx",
    "amazon.com.br",
    "amazon.co.uk",
    "amazon.de",
    "amazon.fr",
    "amazon.es",
    "amazon.it",
    "amazon.nl",
    "amazon.se",
    "amazon.pl",
    "amazon.com.be",
    "amazon.com.tr",
    "amazon.ae",
    "amazon.sa",
    "amazon.eg",
    "amazon.in",
    "amazon.co.jp",
    "amazon.sg",
    "amazon.com.au",
    "amzn.to",
)


@dataclass(frozen=True, slots=True)
class AttachmentRules:
    """policy.md §4 `attachment_not_permitted`: permitted types, how many files, how many bytes."""

    allowed_types: tuple[str, ...] = ("pdf", "txt", "jpeg", "png", "doc", "docx")
    max_files: int = 5
    max_total_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The numeric limits of policy.md §2 and §4."""

    # Free-text characters by contact reason; `default` for every other reason.
    text_length: Mapping[str, int] = field(
        default_factory=lambda: {"customization": 800, "digital_access_key": 400, "default": 2000}
    )
    proactive_window_days: int = 30
    review_request_min_days: int = 5
    review_request_max_days: int = 30
    daily_limit_order_multiplier: int = 5
    daily_limit_base: int = 600

    def length_limit(self, reason: str) -> int:
        """Characters of free text allowed for `reason`."""
        return self.text_length.get(reason, self.text_length.get("default", 2000))

    def daily_message_limit(self, average_daily_orders: float) -> int:
        """policy.md §4 `daily_limit`: multiplier x average daily orders (last 7 days) + base."""
        return (
            int(self.daily_limit_order_multiplier * max(average_daily_orders, 0.0))
            + self.daily_limit_base
        )


@dataclass(frozen=True, slots=True)
class Profile:
    """One named policy: the lexicon to match with and the operator's data."""

    name: str
    lexicon: Lexicon
    marketplace_domains: tuple[str, ...] = AMAZON_DOMAINS
    allowed_link_domains: tuple[str, ...] = ()
    attachments: AttachmentRules = AttachmentRules()
    limits: Limits = Limits()
    marketplace_name: str = "Amazon"


def _fold(phrase: str) -> str:
    return normalize(phrase).text


_BUILTIN = load_builtin_lexicons()
_PROFILES: dict[str, Profile] = {
    DEFAULT_PROFILE: Profile(name=DEFAULT_PROFILE, lexicon=Lexicon(_BUILTIN, _fold)),
}


def get_profile(name: str) -> Profile:
    """The registered profile called `name`; InvalidInput names the field when it is unknown."""
    profile = _PROFILES.get(name)
    if profile is None:
        raise InvalidInput(
            "context.profile", f"unknown profile {name!r} (known: {', '.join(sorted(_PROFILES))})"
        )
    return profile


def register_profile(profile: Profile) -> Profile:
    """Make `profile` available to `check()` under its name (replacing one of the same name)."""
    _PROFILES[profile.name] = profile
    return profile


def profile_from_mapping(data: Mapping[str, Any]) -> Profile:
    """Build an operator profile from a TOML-like mapping; see docs/policy.md for the format.

    ```toml
    name = "myshop"
    extends = "amazon"
    allowed_link_domains = ["portal.myshop.example"]
    [limits]
    daily_limit_base = 300
    [attachments]
    max_files = 3
    [phrases.en.classes]
    marketing_phrase = ["flash sale"]
    ```
    """
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("profile.name", "must be a non-empty string")
    base = get_profile(str(data.get("extends", DEFAULT_PROFILE)))
    lexicon_data = _BUILTIN
    phrases = data.get("phrases", {})
    if not isinstance(phrases, Mapping):
        raise InvalidInput("profile.phrases", "must be a table keyed by language")
    for lang, document in phrases.items():
        if lang not in LANGUAGES:
            raise InvalidInput(
                f"profile.phrases.{lang}", f"language must be one of {', '.join(LANGUAGES)}"
            )
        if not isinstance(document, Mapping):
            raise InvalidInput(f"profile.phrases.{lang}", "must be a table")
        extra = parse_lexicon(
            lang, _with_known_classes(lang, document), where=f"profile.phrases.{lang}"
        )
        lexicon_data = lexicon_data.merge(extra)
    domains = data.get("allowed_link_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise InvalidInput("profile.allowed_link_domains", "must be a list of domain names")
    return Profile(
        name=name,
        lexicon=Lexicon(lexicon_data, _fold) if phrases else base.lexicon,
        marketplace_domains=tuple(data.get("marketplace_domains", base.marketplace_domains)),
        allowed_link_domains=base.allowed_link_domains
        + tuple(d.lower().strip(".") for d in domains),
        attachments=_attachment_rules(data.get("attachments", {}), base.attachments),
        limits=_limits(data.get("limits", {}), base.limits),
        marketplace_name=str(data.get("marketplace_name", base.marketplace_name)),
    )


def load_profile_toml(text: str) -> Profile:
    """Parse an operator profile from TOML text and register it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("profile", f"not valid TOML: {error}") from error
    return register_profile(profile_from_mapping(data))


def _with_known_classes(lang: str, document: Mapping[str, Any]) -> dict[str, Any]:
    # Extra patterns may use the built-in classes of their language, so declare those names
    # (with no phrases of their own) for validation.
    classes: dict[str, Any] = {cls: [] for (code, cls) in _BUILTIN.classes if code == lang}
    classes.update(document.get("classes", {}))
    return {"classes": classes, "patterns": document.get("patterns", [])}


def _attachment_rules(data: object, base: AttachmentRules) -> AttachmentRules:
    if not isinstance(data, Mapping):
        raise InvalidInput("profile.attachments", "must be a table")
    types = data.get("allowed_types", list(base.allowed_types))
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise InvalidInput("profile.attachments.allowed_types", "must be a list of type names")
    return AttachmentRules(
        allowed_types=tuple(t.lower() for t in types),
        max_files=_positive(data, "max_files", base.max_files, "profile.attachments"),
        max_total_bytes=_positive(
            data, "max_total_bytes", base.max_total_bytes, "profile.attachments"
        ),
    )


def _limits(data: object, base: Limits) -> Limits:
    if not isinstance(data, Mapping):
        raise InvalidInput("profile.limits", "must be a table")
    lengths = dict(base.text_length)
    raw_lengths = data.get("text_length", {})
    if not isinstance(raw_lengths, Mapping):
        raise InvalidInput("profile.limits.text_length", "must map contact reasons to characters")
    for reason in raw_lengths:
        lengths[str(reason)] = _positive(raw_lengths, reason, 0, "profile.limits.text_length")
    return Limits(
        text_length=lengths,
        proactive_window_days=_positive(
            data, "proactive_window_days", base.proactive_window_days, "profile.limits"
        ),
        review_request_min_days=_positive(
            data, "review_request_min_days", base.review_request_min_days, "profile.limits"
        ),
        review_request_max_days=_positive(
            data, "review_request_max_days", base.review_request_max_days, "profile.limits"
        ),
        daily_limit_order_multiplier=_positive(
            data,
            "daily_limit_order_multiplier",
            base.daily_limit_order_multiplier,
            "profile.limits",
        ),
        daily_limit_base=_positive(
            data, "daily_limit_base", base.daily_limit_base, "profile.limits"
        ),
    )


def _positive(data: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{where}.{key}", "must be a non-negative integer")
    return value
