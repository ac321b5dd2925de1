"""The rule registry: one module per policy.md category, each registering small named rules.

A rule is a function from the analysed message to the findings it makes. Rules register with
`@rule("category_id")`; the engine runs every rule whose category applies to the message's
direction and initiation and records which fired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.detectors.contact_information import (
    ContactInformation,
    phone_regions_for,
)
from gobetween.policy.normalize import NormalizedText
from gobetween.policy.phrases import Match, Scan
from gobetween.policy.profiles import DEFAULT_PROFILE, Profile, get_profile
from gobetween.policy.verdict import Finding, Severity


@dataclass(frozen=True, slots=True)
class AnalyzedMessage:
    """What every rule sees: the text, its normalised form, the language, the context."""

    text: str
    subject: str | None
    normalized: NormalizedText
    language: str
    context: MessageContext
    facts: SystemFacts
    # The phrase hits of the normalised text, computed once by the engine for every rule.
    scan: Scan | None = None
    profile: Profile | None = None
    # Findings of the rules that ran before (the detectors): later rules may build on them,
    # e.g. `off_platform` needs an invitation next to an address `contact_info` found.
    prior: tuple[Finding, ...] = ()
    # Whether `language` is the detector's answer for `text` (True) or the buyer's language the
    # engine fell back to (False); None when the caller did not say, and a rule that needs to
    # know asks the detector.
    language_detected: bool | None = None
    # The message's e-mail addresses, phone numbers and links, found once for the rules that
    # read them (`contact_information`).
    _contacts: ContactInformation | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def contact_information(self) -> ContactInformation:
        """E-mail addresses, phone numbers (read in `phone_regions`) and links, each kind found
        on first read and shared by the rules of this check."""
        contacts = self._contacts
        if contacts is None:
            contacts = ContactInformation(self.normalized, self.phone_regions)
            object.__setattr__(self, "_contacts", contacts)
        return contacts

    @property
    def typographic_original(self) -> bytes | None:
        """`text`'s `typographic_latin1` bytes, when `normalize()` made them for this very text
        (`NormalizedText.original_data`), for the rules that search the original text."""
        normalized = self.normalized
        return normalized.original_data if normalized.original is self.text else None

    @property
    def phone_regions(self) -> tuple[str, ...]:
        """Regions to read national phone formats in: the marketplace's, then the languages'."""
        return phone_regions_for(
            self.context.marketplace_region, self.language, self.context.language
        )

    @property
    def policy(self) -> Profile:
        """The profile in force (the context's, or the default)."""
        return self.profile if self.profile is not None else get_profile(DEFAULT_PROFILE)

    @property
    def phrases(self) -> Scan:
        """The phrase scan of the normalised text (made here if the engine did not pass one)."""
        if self.scan is not None:
            return self.scan
        return self.policy.lexicon.scan(self.normalized.text)


RuleFunction = Callable[[AnalyzedMessage], Iterable[Finding]]

# A match's (start, end), read in C: matches are sorted by it for every rule that reports them.
_START_END = itemgetter(3, 4)


@dataclass(frozen=True, slots=True)
class RegisteredRule:
    category: str
    name: str
    function: RuleFunction
    # The rule finds nothing unless one of these phrase groups has a match (None: no such
    # promise); the engine then skips it when the scan shows none of them can match.
    groups: frozenset[str] | None = None
    # ... or unless an earlier rule found something in one of these categories.
    after: frozenset[str] = frozenset()
    # The rule reads only the system's facts: nothing to find when the caller passed none.
    facts_only: bool = False


REGISTRY: list[RegisteredRule] = []


def rule(
    category: str,
    *,
    groups: Iterable[str] | None = None,
    after: Iterable[str] = (),
    facts_only: bool = False,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule for `category` (a policy.md id); its name is the function's name.

    `groups` promises that the rule finds nothing when none of those phrase groups matched and
    no detector rule found anything of the `after` categories (in `message.prior`), and
    `facts_only` that it reads nothing but `message.facts`: the engine skips the rule when its
    promise says there is nothing to find (most rules on most messages), without calling it.
    """

    def register(function: RuleFunction) -> RuleFunction:
        REGISTRY.append(
            RegisteredRule(
                category=category,
                name=function.__name__,
                function=function,
                groups=None if groups is None else frozenset(groups),
                after=frozenset(after),
                facts_only=facts_only,
            )
        )
        return function

    return register


def phrase_findings(
    message: AnalyzedMessage,
    group: str,
    category: str,
    explanation: str,
    *,
    severity: Severity = "block",
) -> list[Finding]:
    """One finding per run of overlapping matches of the patterns feeding `group`."""
    matches = message.phrases.matches(group)
    if not matches:
        # Most groups match nothing in most messages.
        return []
    return match_findings(message, matches, category, explanation, severity=severity)


def match_findings(
    message: AnalyzedMessage,
    matches: Iterable[Match],
    category: str,
    explanation: str,
    *,
    severity: Severity = "block",
) -> list[Finding]:
    """Findings for pattern matches: overlapping matches merge, the rule is the pattern's name
    and the span is in the original text."""
    if not matches:
        # An empty list (most rules on most messages): nothing to sort or build.
        return []
    merged: list[tuple[int, int, str]] = []
    for match in sorted(matches, key=_START_END):
        if merged and match.start < merged[-1][1]:
            start, end, name = merged[-1]
            merged[-1] = (start, max(end, match.end), name)
        else:
            merged.append((match.start, match.end, match.name))
    return [
        Finding(
            category=category,
            rule=name,
            severity=severity,
            span=message.normalized.to_original(start, end),
            message=explanation,
        )
        for start, end, name in merged
    ]
