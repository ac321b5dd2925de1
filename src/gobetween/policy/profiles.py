"""Policy profiles: the `amazon` default and operator profiles that extend it from config.

A profile is what an operator may change without code: extra phrases (per language and word
class, or whole patterns), link domains that are always allowed, attachment rules and limits.
The compiled lexicon of each profile is built once, when the profile is registered; checking a
message never reads files.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gobetween.domain.errors import InvalidInput
from gobetween.policy.categories import CONTACT_REASONS
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import (
    LANGUAGES,
    Lexicon,
    LexiconData,
    load_builtin_lexicons,
    parse_lexicon,
    reject_unknown_keys,
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


_PROFILE_KEYS = (
    "name",
    "extends",
    "phrases",
    "allowed_link_domains",
    "marketplace_domains",
    "marketplace_name",
    "attachments",
    "limits",
)
_LANGUAGE_KEYS = ("classes", "patterns")
_ATTACHMENT_KEYS = ("allowed_types", "max_files", "max_total_bytes")
_LIMIT_KEYS = (
    "text_length",
    "proactive_window_days",
    "review_request_min_days",
    "review_request_max_days",
    "daily_limit_order_multiplier",
    "daily_limit_base",
)
# `text_length` is keyed by contact reason; `default` covers the reasons not listed.
_TEXT_LENGTH_KEYS = (*CONTACT_REASONS, "default")
# The groups some rule reads: a profile pattern feeding any other group would never fire.
_RULE_GROUPS = tuple(sorted({pattern.group for pattern in _BUILTIN.patterns}))


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

    Strict: a key the format does not have (`limts`, `allowed_link_domain`) or a value of the
    wrong type raises InvalidInput naming the key's full path, so that an operator's typo is
    refused instead of silently doing nothing.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("profile", "must be a table")
    reject_unknown_keys(data, _PROFILE_KEYS, where="profile")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("profile.name", "must be a non-empty string")
    extends = data.get("extends", DEFAULT_PROFILE)
    if not isinstance(extends, str) or not extends:
        raise InvalidInput("profile.extends", "must name a profile")
    base = _PROFILES.get(extends)
    if base is None:
        raise InvalidInput(
            "profile.extends",
            f"unknown profile {extends!r} (known: {', '.join(sorted(_PROFILES))})",
        )
    lexicon_data = _BUILTIN
    phrases = data.get("phrases", {})
    if not isinstance(phrases, Mapping):
        raise InvalidInput("profile.phrases", "must be a table keyed by language")
    for lang, document in phrases.items():
        where = f"profile.phrases.{lang}"
        if lang not in LANGUAGES:
            raise InvalidInput(where, f"language must be one of {', '.join(LANGUAGES)}")
        lexicon_data = lexicon_data.merge(_profile_phrases(lang, document, where))
    return Profile(
        name=name,
        lexicon=Lexicon(lexicon_data, _fold) if phrases else base.lexicon,
        marketplace_domains=_domains(
            data, "marketplace_domains", base.marketplace_domains, replace=True
        ),
        allowed_link_domains=_domains(
            data, "allowed_link_domains", base.allowed_link_domains, replace=False
        ),
        attachments=_attachment_rules(data.get("attachments", {}), base.attachments),
        limits=_limits(data.get("limits", {}), base.limits),
        marketplace_name=_text(data, "marketplace_name", base.marketplace_name),
    )


def load_profile_toml(text: str) -> Profile:
    """Parse an operator profile from TOML text and register it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("profile", f"not valid TOML: {error}") from error
    return register_profile(profile_from_mapping(data))


def _profile_phrases(lang: str, document: object, where: str) -> LexiconData:
    """One language's extra classes and patterns, validated against the built-in lexicon."""
    if not isinstance(document, Mapping):
        raise InvalidInput(where, "must be a table")
    reject_unknown_keys(document, _LANGUAGE_KEYS, where=where)
    own_classes = document.get("classes", {})
    if not isinstance(own_classes, Mapping):
        raise InvalidInput(f"{where}.classes", "must be a table of phrase lists")
    builtin_classes = {cls for (code, cls) in _BUILTIN.classes if code == lang}
    # Extra patterns may use the built-in classes of their language, so declare those names
    # (with no phrases of their own) for validation.
    classes: dict[str, Any] = {cls: [] for cls in builtin_classes}
    classes.update(own_classes)
    extra = parse_lexicon(
        lang, {"classes": classes, "patterns": document.get("patterns", [])}, where=where
    )
    for index, pattern in enumerate(extra.patterns):
        if pattern.group not in _RULE_GROUPS:
            close = difflib.get_close_matches(pattern.group, _RULE_GROUPS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InvalidInput(
                f"{where}.patterns[{index}].group",
                f"unknown group {pattern.group!r} ({hint}known: {', '.join(_RULE_GROUPS)})",
            )
    # A new class is read only through this profile's patterns; one that none uses (a misspelt
    # built-in class, most likely) would add phrases that nothing reads.
    used = {
        cls
        for pattern in extra.patterns
        for cls in (*pattern.classes, *pattern.unless_before, *pattern.unless_sentence)
    }
    for cls in own_classes:
        if cls not in builtin_classes and cls not in used:
            close = difflib.get_close_matches(str(cls), sorted(builtin_classes), n=3)
            hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise InvalidInput(
                f"{where}.classes.{cls}",
                f"unknown word class ({hint}a new class must be used by one of the profile's"
                f" patterns; built-in classes of {lang}: {', '.join(sorted(builtin_classes))})",
            )
    return extra


def _domains(
    data: Mapping[str, Any], key: str, base: tuple[str, ...], *, replace: bool
) -> tuple[str, ...]:
    if key not in data:
        return base
    domains = data[key]
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise InvalidInput(f"profile.{key}", "must be a list of domain names")
    cleaned = tuple(d.lower().strip(".") for d in domains)
    return cleaned if replace else base + cleaned


def _text(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"profile.{key}", "must be a non-empty string")
    return value


def _attachment_rules(data: object, base: AttachmentRules) -> AttachmentRules:
    if not isinstance(data, Mapping):
        raise InvalidInput("profile.attachments", "must be a table")
    reject_unknown_keys(data, _ATTACHMENT_KEYS, where="profile.attachments")
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
    reject_unknown_keys(data, _LIMIT_KEYS, where="profile.limits")
    lengths = dict(base.text_length)
    raw_lengths = data.get("text_length", {})
    if not isinstance(raw_lengths, Mapping):
        raise InvalidInput("profile.limits.text_length", "must map contact reasons to characters")
    reject_unknown_keys(raw_lengths, _TEXT_LENGTH_KEYS, where="profile.limits.text_length")
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
