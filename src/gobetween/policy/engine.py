"""The rule engine: normalise once, scan once, run the applicable rules, combine (policy.md §7)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from gobetween.policy import rules as registry
from gobetween.policy.categories import (
    ALL_CATEGORIES,
    PROACTIVE_CATEGORIES,
    SELLER_CATEGORIES,
    SYSTEM_CATEGORIES,
    WARNING_CATEGORIES,
)
from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.detectors.language import detect_language
from gobetween.policy.normalize import NormalizedText, normalize
from gobetween.policy.phrases import LANGUAGES, Lexicon, Scan
from gobetween.policy.profiles import Profile, get_profile
from gobetween.policy.rules import AnalyzedMessage, RegisteredRule
from gobetween.policy.suggestions import suggest
from gobetween.policy.triage import TRIAGE_GROUPS, triage
from gobetween.policy.verdict import (
    DeferredSuggestions,
    Finding,
    ReportReason,
    Suggestion,
    Triage,
    Verdict,
    VerdictValue,
)

# The rule modules register themselves on import; one module per policy.md category.
_RULE_MODULES = (
    "review_request",
    "review_incentive",
    "review_change_request",
    "marketing",
    "off_platform",
    "fba_customer_service",
    "non_critical_proactive",
    "redundant_notification",
    "proactive_customer_service",
    "stock_or_delay_notice",
    "thank_you_only",
    "buyer_opted_out",
    "seller_to_seller",
    "daily_limit",
    "outside_window",
    "case_closed",
    "unprofessional",
)
for _name in _RULE_MODULES:
    importlib.import_module(f"gobetween.policy.rules.{_name}")

# The detector rules (contact_info, external_link, prohibited_media, attachments, length,
# language_mismatch) register from their own module.
importlib.import_module("gobetween.policy.rules.detector_rules")

# The detector categories run first: later rules read their findings (`AnalyzedMessage.prior`).
_FIRST = frozenset(
    {
        "contact_info",
        "external_link",
        "prohibited_media",
        "attachment_not_permitted",
        "length",
        "language_mismatch",
    }
)
_ALWAYS = (
    frozenset(SELLER_CATEGORIES) | frozenset(SYSTEM_CATEGORIES) | frozenset(WARNING_CATEGORIES)
)
_PROACTIVE = frozenset(PROACTIVE_CATEGORIES)

# Findings are listed system rules first, then the bounce and the purpose, then the content.
_ORDER: dict[str, int] = {}
for _category in (*SYSTEM_CATEGORIES, "buyer_opted_out", "non_critical_proactive", *ALL_CATEGORIES):
    _ORDER.setdefault(_category, len(_ORDER))


# What the rules see when the caller knows no system facts (immutable, so one serves all).
_NO_FACTS = SystemFacts()


# The pattern languages of a message detected in one language and written to a buyer who reads
# another (or the same): one set per pair, made once, so that the scan's caches keyed on it find
# it by identity with its hash already computed.
_PATTERN_LANGUAGES = {
    (code, buyer): frozenset({code, "en", buyer}) for code in LANGUAGES for buyer in LANGUAGES
}


def _language(text: str, context: MessageContext) -> tuple[str, frozenset[str] | None, bool]:
    """The message's language (detected when the detector is sure, else the buyer's), the
    languages whose patterns apply (the detected one and English, since product and brand words
    are often English, and the buyer's, since pycld2 is sure of English for some short texts in
    other languages: "Non serve aspettare, ci scriva su WhatsApp."; all six when the detector is
    not sure) and whether it was detected."""
    detected = detect_language(text)
    if detected in LANGUAGES:
        buyer = context.language[:2] if context.language else detected
        return (
            detected,
            _PATTERN_LANGUAGES.get((detected, buyer)) or _PATTERN_LANGUAGES[detected, detected],
            True,
        )
    if context.language and context.language[:2] in LANGUAGES:
        return context.language[:2], None, False
    return "en", None, False


def _applies(rule: RegisteredRule, initiation: str) -> bool:
    if rule.category in _ALWAYS:
        return True
    return rule.category in _PROACTIVE and initiation == "proactive"


# The rules to run for a seller message, by initiation: detector rules first, then the rest.
# Rebuilt when a rule registers after import (an operator's own rule module).
_PLAN: dict[str, tuple[tuple[RegisteredRule, ...], tuple[RegisteredRule, ...]]] = {}
_PLANNED: list[int] = [-1]


def _plan(initiation: str) -> tuple[tuple[RegisteredRule, ...], tuple[RegisteredRule, ...]]:
    if _PLANNED[0] != len(registry.REGISTRY):
        _PLAN.clear()
        for kind in ("proactive", "reply"):
            rules = [r for r in registry.REGISTRY if _applies(r, kind)]
            _PLAN[kind] = (
                tuple(r for r in rules if r.category in _FIRST),
                tuple(r for r in rules if r.category not in _FIRST),
            )
        _PLANNED[0] = len(registry.REGISTRY)
    return _PLAN[initiation]


@lru_cache(maxsize=512)
def _runnable(
    initiation: str,
    possible: frozenset[str],
    found: frozenset[str],
    has_facts: bool,
    planned: int,
) -> tuple[RegisteredRule, ...]:
    """The rules after the detectors that can find something in a message whose scan may match
    `possible` groups and whose detector rules found `found` categories: a rule promising to
    need one of its groups (or a finding of its `after` categories), none of which is there, or
    only the system's facts when there are none, is not called. `planned` (the registry's size)
    makes a rule registered later count."""
    del planned
    return tuple(
        rule
        for rule in _plan(initiation)[1]
        if (
            rule.groups is None
            or not rule.groups.isdisjoint(possible)
            or not rule.after.isdisjoint(found)
        )
        and (has_facts or not rule.facts_only)
    )


@lru_cache(maxsize=64)
def _groups(
    lexicon: Lexicon, direction: str, initiation: str | None = None, planned: int = 0
) -> frozenset[str]:
    """The rule groups a message in `direction` is asked about: triage's for a buyer message,
    every other for a seller message (the scan then skips the other side's phrases).

    With its `initiation`, a seller message is not asked about the groups that only rules which
    do not run for it promise to need: a reply's scan skips the phrases of the proactive-only
    purposes (about a fifth of a reply's hits). A rule that asks about such a group anyway gets
    its matches from a broader scan, so this changes the cost, never an answer. `planned` (the
    registry's size) makes a rule registered later count.
    """
    del planned
    if direction == "buyer_to_seller":
        return TRIAGE_GROUPS
    seller = lexicon.groups - TRIAGE_GROUPS
    if initiation is None:
        return seller
    first, rest = _plan(initiation)
    running = {*first, *rest}
    needed: set[str] = set()
    idle: set[str] = set()
    for rule in registry.REGISTRY:
        if rule.groups is not None:
            (needed if rule in running else idle).update(rule.groups)
    return seller - (idle - needed)


def _context(data: Mapping[str, Any]) -> MessageContext:
    """The validated context, parsed once per distinct mapping: a service sends a few dozen
    different contexts (direction, initiation, reason, status, language) millions of times."""
    # A dict (most callers) is a Mapping, known without the ABC's instance check.
    if type(data) is not dict and not isinstance(data, Mapping):
        return MessageContext.from_mapping(data)
    # Each value's type is part of the key: 1 == True, but only True is a valid flag. The three
    # tuples are made in C (a tuple per item made in a generator cost twice as much).
    values = tuple(data.values())
    types = tuple(map(type, values))
    if list in types:
        # Lists (allowed link domains, attachments) are read as the tuples they are parsed into.
        values = tuple(tuple(value) if type(value) is list else value for value in values)
    try:
        return _parsed_context(tuple(data), types, values)
    except TypeError:
        # Unhashable values (attachments as mappings): parsed every time.
        return MessageContext.from_mapping(data)


@lru_cache(maxsize=1024)
def _parsed_context(
    names: tuple[Any, ...], types: tuple[type, ...], values: tuple[Any, ...]
) -> MessageContext:
    # Invalid contexts raise, and an exception is never cached. `types` only tells apart
    # values that compare equal.
    del types
    return MessageContext.from_mapping(dict(zip(names, values, strict=True)))


def check(
    text: str,
    context: MessageContext | Mapping[str, Any],
    *,
    subject: str | None = None,
    facts: SystemFacts | None = None,
) -> Verdict:
    """Check one message against the policy and return the verdict with every finding."""
    return _check(text, context, subject=subject, facts=facts)


def _check(
    text: str,
    context: MessageContext | Mapping[str, Any],
    *,
    subject: str | None,
    facts: SystemFacts | None,
) -> Verdict:
    ctx = context if isinstance(context, MessageContext) else _context(context)
    profile = get_profile(ctx.profile)
    normalized = normalize(text)
    language, pattern_languages, detected = _language(text, ctx)
    message = _new_message(
        text,
        subject,
        normalized,
        language,
        ctx,
        facts if facts is not None else _NO_FACTS,
        profile.lexicon.scan(
            normalized.text,
            pattern_languages,
            groups=_groups(profile.lexicon, ctx.direction, ctx.initiation, len(registry.REGISTRY)),
            typographic_data=normalized.data,
        ),
        profile,
        (),
        detected,
    )
    if ctx.direction == "buyer_to_seller":
        # policy.md §5: buyer messages are always delivered; the checker triages them instead.
        outcome = triage(message)
        return _new_verdict(
            "allow",
            (),
            ctx.critical,
            outcome.suggestions,
            outcome.triage,
            outcome.report,
            message.language,
            profile.name,
        )
    first = _plan(ctx.initiation)[0]
    findings: list[Finding] = []
    for rule in first:
        findings.extend(rule.function(message))
    # The later rules read the detectors' findings. The message is frozen for the rules; the
    # engine fills in `prior` once, in place, instead of building a second message (a frozen
    # dataclass of nine fields costs about 2.5 µs to make).
    _set_prior(message, tuple(findings))
    runnable = _runnable(
        ctx.initiation,
        message.phrases.possible_groups(),
        frozenset([finding.category for finding in findings]) if findings else frozenset(),
        facts is not None,
        len(registry.REGISTRY),
    )
    for rule in runnable:
        findings.extend(rule.function(message))
    if subject and subject.strip():
        findings.extend(_subject_findings(message, subject, profile, pattern_languages))
    ordered: tuple[Finding, ...]
    if len(findings) > 1:
        ordered = tuple(
            sorted(
                _distinct(findings),
                key=lambda f: (_ORDER.get(f.category, len(_ORDER)), f.span or (-1, -1), f.rule),
            )
        )
    else:
        # None or one (most messages): nothing to merge or order (about 1.7 µs for one).
        ordered = tuple(findings)
    blocked = bool(ordered) and any(finding.severity == "block" for finding in ordered)
    return _new_verdict(
        "block" if blocked else "allow",
        ordered,
        ctx.critical,
        # The rewrite and advice are built when read: many callers only need the verdict.
        DeferredSuggestions(lambda: suggest(message, ordered)) if blocked else (),
        None,
        None,
        message.language,
        profile.name,
    )


# A frozen dataclass's `__init__` sets each field with `object.__setattr__` (its own
# `__setattr__` refuses), and its slots' descriptors take a call per field. A check makes one
# message and one verdict, each built as a draft: a class with the same slots and no frozen
# `__setattr__`, whose fields are set by plain attribute stores, then given the dataclass as its
# class. CPython lays slots out in the sorted order of their names, so the same names make the
# same layout and the object is the dataclass's in every respect (about 0.2 against 0.43 µs for
# a message; 0.79 µs through the dataclass's `__init__`).
_NEW = object.__new__


class _AnalyzedMessageDraft:
    __slots__ = (
        "_contacts",
        "context",
        "facts",
        "language",
        "language_detected",
        "normalized",
        "prior",
        "profile",
        "scan",
        "subject",
        "text",
    )


class _VerdictDraft:
    __slots__ = (
        "critical",
        "findings",
        "language",
        "policy_version",
        "report",
        "suggestions",
        "triage",
        "verdict",
    )


# A field added to either dataclass must be added to its draft: the class assignment would
# refuse the draft at the first check; this says why, at import.
for _draft, _made in ((_AnalyzedMessageDraft, AnalyzedMessage), (_VerdictDraft, Verdict)):
    if sorted(_draft.__slots__) != sorted(_made.__slots__):
        raise TypeError(f"{_draft.__name__} must have the slots of {_made.__name__}")

_SET_PRIOR = vars(AnalyzedMessage)["prior"].__set__


def _new_message(
    text: str,
    subject: str | None,
    normalized: NormalizedText,
    language: str,
    context: MessageContext,
    facts: SystemFacts,
    scan: Scan | None,
    profile: Profile | None,
    prior: tuple[Finding, ...],
    language_detected: bool | None,
) -> AnalyzedMessage:
    """`AnalyzedMessage(...)` with every field given in order, its contact information not
    found yet: the same value."""
    draft: Any = _NEW(_AnalyzedMessageDraft)
    draft.text = text
    draft.subject = subject
    draft.normalized = normalized
    draft.language = language
    draft.context = context
    draft.facts = facts
    draft.scan = scan
    draft.profile = profile
    draft.prior = prior
    draft.language_detected = language_detected
    draft._contacts = None
    draft.__class__ = AnalyzedMessage
    # Typed by an annotated name, not by `typing.cast`, a function call on every one built.
    message: AnalyzedMessage = draft
    return message


def _new_verdict(
    verdict: VerdictValue,
    findings: tuple[Finding, ...],
    critical: bool,
    suggestions: Sequence[Suggestion],
    triage: Triage | None,
    report: ReportReason | None,
    language: str | None,
    policy_version: str,
) -> Verdict:
    """`Verdict(...)` with every field given in order: the same value."""
    draft: Any = _NEW(_VerdictDraft)
    draft.verdict = verdict
    draft.findings = findings
    draft.critical = critical
    draft.suggestions = suggestions
    draft.triage = triage
    draft.report = report
    draft.language = language
    draft.policy_version = policy_version
    draft.__class__ = Verdict
    made: Verdict = draft
    return made


# What a subject line can break on its own: the content rules of policy.md §4. The purpose of a
# message (thank-you only, a notification, not a §2 reason), its length and its attachments are
# judged on the text, and the system rules do not read text at all.
_SUBJECT_CATEGORIES = frozenset(
    {
        "review_request",
        "review_incentive",
        "review_change_request",
        "marketing",
        "external_link",
        "contact_info",
        "off_platform",
        "prohibited_media",
        "fba_customer_service",
        "unprofessional",
    }
)


# Characters without which the contact, link and markup detectors find nothing in ASCII text.
# A colon matters only beside a bracket ("Re: [image]" is markup): on its own ("Re: Your
# order") it starts no address, link or markup, and most subject lines have one.
_DETECTOR_MARKS = re.compile(r"[\d@./<>&]")


def _set_prior(message: AnalyzedMessage, prior: tuple[Finding, ...]) -> None:
    _SET_PRIOR(message, prior)


def _with(
    message: AnalyzedMessage,
    *,
    text: str,
    normalized: NormalizedText,
    scan: Scan | None,
    prior: tuple[Finding, ...],
) -> AnalyzedMessage:
    """The message with another text and prior findings; built directly, because
    `dataclasses.replace` costs more than a rule."""
    return _new_message(
        text,
        message.subject,
        normalized,
        message.language,
        message.context,
        message.facts,
        scan,
        message.profile,
        prior,
        None,
    )


def _subject_findings(
    message: AnalyzedMessage,
    subject: str,
    profile: Profile,
    pattern_languages: frozenset[str] | None,
) -> list[Finding]:
    """The content rules run on the subject line, in the text's language; findings name the
    subject (`field="subject"`, no span: spans index the text)."""
    normalized = normalize(subject)
    groups = _groups(
        profile.lexicon, "seller_to_buyer", message.context.initiation, len(registry.REGISTRY)
    )
    scan = profile.lexicon.scan(normalized.text, pattern_languages, groups=groups)
    view = normalized.contacts
    # Most subjects ("Your engraving", "Re: Order 123-…") give the rules nothing to work on: the
    # phrase rules need a phrase hit, the detectors a digit, an address or markup character, a
    # non-ASCII character (emoji) or something spelled out.
    # (A hit of any phrase in any language counts, as it always has: the scan limited to the
    # pattern languages and the seller's groups may have none where a complete one has some.)
    phrases = scan.has_hits() or profile.lexicon.has_phrase(normalized.text)
    detectors = (
        not subject.isascii()
        or (view is not None and view.text != normalized.text)
        or _DETECTOR_MARKS.search(subject) is not None
        or (":" in subject and "[" in subject)
    )
    if not (phrases or detectors):
        return []
    line = _with(message, text=subject, normalized=normalized, scan=scan, prior=())
    first = _plan(message.context.initiation)[0]
    found: list[Finding] = []
    if detectors:
        for rule in first:
            if rule.category in _SUBJECT_CATEGORIES:
                found.extend(rule.function(line))
        _set_prior(line, tuple(found))
    if phrases:
        # The rules that can find something in the line, as for the text: most subject lines
        # have a phrase hit or two but no group that can match.
        runnable = _runnable(
            message.context.initiation,
            scan.possible_groups(),
            frozenset([finding.category for finding in found]) if found else frozenset(),
            message.facts is not _NO_FACTS,
            len(registry.REGISTRY),
        )
        for rule in runnable:
            if rule.category in _SUBJECT_CATEGORIES:
                found.extend(rule.function(line))
    return [
        Finding(
            f.category, f.rule, f.severity, None, f"In the subject line: {f.message}", "subject"
        )
        for f in found
        # A subject naming the topic ("Re: Phone number") is a label, not a request for the
        # buyer's number; an address or number written in the subject still counts.
        if not (f.category == "contact_info" and f.rule.endswith("_request"))
    ]


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per category and stretch of text: overlapping spans of a category merge."""
    unique: list[Finding] = []
    spans: dict[str, list[int]] = {}
    for finding in sorted(findings, key=lambda f: (f.category, f.span or (-1, -1))):
        if finding.span is None:
            if not any(
                f.category == finding.category and f.span is None and f.field == finding.field
                for f in unique
            ):
                unique.append(finding)
            continue
        indexes = spans.setdefault(finding.category, [])
        if indexes:
            last = unique[indexes[-1]]
            if last.span is not None and finding.span[0] < last.span[1]:
                merged = (last.span[0], max(last.span[1], finding.span[1]))
                unique[indexes[-1]] = replace(last, span=merged)
                continue
        indexes.append(len(unique))
        unique.append(finding)
    return unique
