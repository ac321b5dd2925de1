"""The engine skips a rule whose registered promise says it has nothing to find: the promises
(`groups`, `facts_only`) are checked here against the rules themselves, on the dev set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gobetween.policy import check, engine
from gobetween.policy import rules as registry
from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.normalize import normalize
from gobetween.policy.profiles import get_profile
from gobetween.policy.rules import AnalyzedMessage

DEV_SET = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "policy-dev.jsonl"


def _seller_messages() -> list[tuple[str, MessageContext]]:
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    messages = [
        (case["text"], MessageContext.from_mapping(case["context"]))
        for case in cases
        if case["context"].get("direction", "seller_to_buyer") == "seller_to_buyer"
    ]
    assert len(messages) > 100
    return messages


def _analyzed(text: str, context: MessageContext, facts: SystemFacts) -> AnalyzedMessage:
    profile = get_profile(context.profile)
    normalized = normalize(text)
    language, languages, detected = engine._language(text, context)
    return AnalyzedMessage(
        text=text,
        subject=None,
        normalized=normalized,
        language=language,
        context=context,
        facts=facts,
        scan=profile.lexicon.scan(
            normalized.text, languages, groups=engine._groups(profile.lexicon, context.direction)
        ),
        profile=profile,
        language_detected=detected,
    )


def test_possible_groups_hold_every_group_that_matches() -> None:
    for text, context in _seller_messages():
        scan = _analyzed(text, context, SystemFacts()).phrases
        possible = scan.possible_groups()
        for group in get_profile("amazon").lexicon.groups:
            if scan.matches(group):
                assert group in possible, (group, text)


@pytest.mark.parametrize(
    ("text", "possible"),
    [
        # "please" starts review_request's patterns, but no review word is there.
        ("Please let us know if the size fits.", set()),
        ("Could you please confirm the engraving text?", set()),
        ("Please leave us a review.", {"review_request"}),
    ],
)
def test_a_group_is_possible_only_when_every_class_of_a_pattern_occurred(
    text: str, possible: set[str]
) -> None:
    lexicon = get_profile("amazon").lexicon
    groups = engine._groups(lexicon, "seller_to_buyer", "reply", len(registry.REGISTRY))
    scan = lexicon.scan(normalize(text).text, frozenset({"en"}), groups=groups)
    assert scan.possible_groups() - lexicon.groups_outside(groups) == possible


def test_a_rule_skipped_for_its_groups_would_have_found_nothing() -> None:
    gated = [rule for rule in registry.REGISTRY if rule.groups is not None]
    assert {rule.category for rule in gated} >= {"marketing", "review_request"}
    skipped = 0
    for text, context in _seller_messages():
        message = _analyzed(text, context, SystemFacts())
        prior = [f for r in engine._plan(context.initiation)[0] for f in r.function(message)]
        engine._set_prior(message, tuple(prior))
        found = {finding.category for finding in prior}
        possible = message.phrases.possible_groups()
        for rule in gated:
            assert rule.groups is not None
            if rule.groups.isdisjoint(possible) and rule.after.isdisjoint(found):
                skipped += 1
                assert list(rule.function(message)) == [], (rule.name, text)
    # The promise is worth something only if it lets the engine skip most calls.
    assert skipped > len(gated) * 100


@pytest.mark.parametrize(
    "facts",
    [
        SystemFacts(messages_sent_today=600, daily_limit=600),
        SystemFacts(case_state="closed"),
        SystemFacts(days_since_delivery=31),
        SystemFacts(sender_and_recipient_are_sellers=True),
    ],
)
def test_facts_only_rules_run_when_facts_are_given_and_find_nothing_without(
    facts: SystemFacts,
) -> None:
    context: dict[str, Any] = {"initiation": "proactive", "contact_reason": "invoice"}
    facts_rules = {rule.category for rule in registry.REGISTRY if rule.facts_only}
    assert facts_rules == {"daily_limit", "case_closed", "outside_window", "seller_to_seller"}
    with_facts = set(check("Your invoice is attached.", context, facts=facts).categories)
    assert with_facts & facts_rules
    assert not set(check("Your invoice is attached.", context).categories) & facts_rules
    text, message_context = "Your invoice is attached.", MessageContext.from_mapping(context)
    for rule in registry.REGISTRY:
        if rule.facts_only:
            assert list(rule.function(_analyzed(text, message_context, SystemFacts()))) == []


def test_off_platform_runs_after_a_contact_finding_without_a_phrase_of_its_own() -> None:
    # No pattern of off_platform's groups can start here: the invitation ("ring") next to the
    # number found by contact_info is what makes it off_platform.
    text = "Thanks, any questions just ring 07700 900 456"
    context = {"initiation": "reply", "contact_reason": "other", "marketplace_region": "GB"}
    scan = _analyzed(text, MessageContext.from_mapping(context), SystemFacts()).phrases
    assert not {"off_platform", "off_platform_call"} & scan.possible_groups()
    verdict = check(text, context)
    assert [f.rule for f in verdict.findings if f.category == "off_platform"] == [
        "invitation_to_contact"
    ]
    assert "contact_info" in verdict.categories


def test_a_gated_rule_still_fires_when_its_group_matches() -> None:
    verdict = check(
        "Please leave us a 5-star review, and we will send you a gift card.",
        {"initiation": "proactive", "contact_reason": "other"},
    )
    assert {"review_request", "review_incentive"} <= set(verdict.categories)
