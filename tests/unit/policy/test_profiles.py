"""Operator profiles are strict: a misspelt key or a wrong type is refused, named by its path."""

from __future__ import annotations

from typing import Any

import pytest

from gobetween.domain.errors import InvalidInput
from gobetween.policy import check
from gobetween.policy.profiles import (
    AMAZON_DOMAINS,
    get_profile,
    load_profile_toml,
    profile_from_mapping,
)


def refusal(data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        profile_from_mapping({"name": "typo-shop", **data})
    return caught.value


def test_a_complete_valid_profile_is_accepted_with_every_key() -> None:
    profile = load_profile_toml(
        """
        name = "every-key"
        extends = "amazon"
        allowed_link_domains = ["Portal.Example.com."]
        marketplace_domains = ["market.example"]
        marketplace_name = "Example Market"
        [attachments]
        allowed_types = ["PDF"]
        max_files = 2
        max_total_bytes = 1000
        [limits]
        proactive_window_days = 20
        review_request_min_days = 4
        review_request_max_days = 25
        daily_limit_order_multiplier = 3
        daily_limit_base = 100
        [limits.text_length]
        customization = 500
        default = 1500
        [phrases.en.classes]
        marketing_phrase = ["mega deal"]
        shop_party = ["shop party"]
        [[phrases.en.patterns]]
        group = "marketing"
        name = "party_invite"
        all = ["shop_party"]
        window = 4
        ordered = false
        scope = "sentence"
        unless_before = []
        unless_window = 2
        unless_sentence = []
        """
    )
    assert profile.allowed_link_domains == ("portal.example.com",)
    assert profile.marketplace_domains == ("market.example",)
    assert profile.attachments.allowed_types == ("pdf",)
    assert profile.limits.length_limit("customization") == 500
    assert profile.limits.length_limit("invoice") == 1500
    assert profile.limits.daily_message_limit(10) == 130
    context = {"initiation": "reply", "profile": "every-key"}
    assert check("Come to our shop party tonight.", context).categories == ["marketing"]


@pytest.mark.parametrize(
    ("data", "path", "suggestion"),
    [
        ({"limts": {"daily_limit_base": 1}}, "profile.limts", "limits"),
        ({"allowed_link_domain": ["a.example"]}, "profile.allowed_link_domain", None),
        ({"limits": {"daily_limit_bse": 1}}, "profile.limits.daily_limit_bse", "daily_limit_base"),
        (
            {"limits": {"text_length": {"customisation": 9}}},
            "profile.limits.text_length.customisation",
            "customization",
        ),
        ({"attachments": {"max_file": 1}}, "profile.attachments.max_file", "max_files"),
        ({"phrases": {"en": {"clases": {}}}}, "profile.phrases.en.clases", "classes"),
        (
            {"phrases": {"de": {"patterns": [{"group": "marketing", "all": ["x"], "windw": 3}]}}},
            "profile.phrases.de.patterns[0].windw",
            "window",
        ),
    ],
)
def test_an_unknown_key_is_refused_by_its_full_path_with_the_known_keys(
    data: dict[str, Any], path: str, suggestion: str | None
) -> None:
    error = refusal(data)
    assert error.field == path
    assert "unknown key" in error.problem
    assert "known: " in error.problem
    if suggestion is not None:
        assert f"did you mean {suggestion!r}" in error.problem


def test_the_top_level_error_lists_every_known_key() -> None:
    error = refusal({"limts": {}})
    for key in ("allowed_link_domains", "attachments", "extends", "limits", "phrases"):
        assert key in error.problem


def test_a_misspelt_word_class_that_nothing_reads_is_refused() -> None:
    error = refusal({"phrases": {"en": {"classes": {"marketing_phrse": ["flash sale"]}}}})
    assert error.field == "profile.phrases.en.classes.marketing_phrse"
    assert "did you mean 'marketing_phrase'" in error.problem


def test_a_pattern_feeding_a_group_no_rule_reads_is_refused() -> None:
    pattern = {"group": "marketting", "all": ["marketing_phrase"]}
    error = refusal({"phrases": {"en": {"patterns": [pattern]}}})
    assert error.field == "profile.phrases.en.patterns[0].group"
    assert "did you mean 'marketing'" in error.problem
    assert "review_request" in error.problem


@pytest.mark.parametrize(
    ("data", "path", "problem"),
    [
        ({"name": ""}, "profile.name", "non-empty string"),
        ({"extends": 3}, "profile.extends", "must name a profile"),
        ({"extends": "nowhere"}, "profile.extends", "unknown profile 'nowhere'"),
        ({"allowed_link_domains": "a.example"}, "profile.allowed_link_domains", "list"),
        ({"marketplace_domains": "amazon.com"}, "profile.marketplace_domains", "list"),
        ({"marketplace_name": 7}, "profile.marketplace_name", "non-empty string"),
        ({"attachments": [1]}, "profile.attachments", "must be a table"),
        ({"attachments": {"allowed_types": "pdf"}}, "profile.attachments.allowed_types", "list"),
        ({"attachments": {"max_files": "3"}}, "profile.attachments.max_files", "integer"),
        ({"limits": [1]}, "profile.limits", "must be a table"),
        ({"limits": {"daily_limit_base": -1}}, "profile.limits.daily_limit_base", "integer"),
        (
            {"limits": {"proactive_window_days": True}},
            "profile.limits.proactive_window_days",
            "integer",
        ),
        ({"limits": {"text_length": 800}}, "profile.limits.text_length", "contact reasons"),
        ({"phrases": ["en"]}, "profile.phrases", "keyed by language"),
        ({"phrases": {"xx": {}}}, "profile.phrases.xx", "language must be one of"),
        ({"phrases": {"en": "flash sale"}}, "profile.phrases.en", "must be a table"),
        ({"phrases": {"en": {"classes": ["a"]}}}, "profile.phrases.en.classes", "table"),
        (
            {"phrases": {"en": {"classes": {"marketing_phrase": "sale"}}}},
            "profile.phrases.en.classes.marketing_phrase",
            "list",
        ),
        (
            {"phrases": {"en": {"patterns": {"group": "marketing"}}}},
            "profile.phrases.en.patterns",
            "list of tables",
        ),
        (
            {"phrases": {"en": {"patterns": ["marketing"]}}},
            "profile.phrases.en.patterns[0]",
            "table",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_by_its_path(
    data: dict[str, Any], path: str, problem: str
) -> None:
    error = refusal(data)
    assert error.field == path
    assert problem in error.problem


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("group", "", "rule group"),
        ("all", "marketing_phrase", "word classes"),
        ("window", "8", "positive integer"),
        ("window", 0, "positive integer"),
        ("ordered", "yes", "true or false"),
        ("scope", "paragraph", "'sentence' or 'message'"),
        ("name", 5, "non-empty string"),
        ("unless_before", "negation", "list of word class names"),
        ("unless_window", 2.5, "positive integer"),
        ("unless_sentence", [1], "list of word class names"),
    ],
)
def test_a_pattern_field_of_the_wrong_type_is_refused_by_its_path(
    field: str, value: object, problem: str
) -> None:
    pattern: dict[str, object] = {"group": "marketing", "all": ["marketing_phrase"]}
    pattern[field] = value
    error = refusal({"phrases": {"fr": {"patterns": [pattern]}}})
    assert error.field == f"profile.phrases.fr.patterns[0].{field}"
    assert problem in error.problem


def test_a_refused_profile_is_not_registered_and_the_default_is_unchanged() -> None:
    with pytest.raises(InvalidInput, match=r"profile\.limts"):
        load_profile_toml('name = "never-registered"\n[limts]\ndaily_limit_base = 1\n')
    with pytest.raises(InvalidInput, match=r"context\.profile"):
        get_profile("never-registered")
    assert get_profile("amazon").marketplace_domains == AMAZON_DOMAINS
