"""How categories combine (policy.md §7), spans, suggestions, profiles, properties of check()."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.domain.errors import InvalidInput
from gobetween.policy import MessageContext, check
from gobetween.policy.profiles import load_profile_toml, profile_from_mapping
from gobetween.policy.verdict import DeferredSuggestions, Suggestion

THANKS = "Hi Jo,\n\nThank you so much for your order, we really appreciate it!\n\nBest,\nAnna"
TIPS = "Hello,\n\nA few care tips: oil the board monthly and never soak it.\n\nBest,\nAnna"


def proactive(**extra: Any) -> dict[str, Any]:
    return {"initiation": "proactive", **extra}


def test_proactive_thank_you_is_non_critical_and_thank_you_only() -> None:
    verdict = check(THANKS, proactive())
    assert verdict.verdict == "block"
    assert set(verdict.categories) == {"non_critical_proactive", "thank_you_only"}


def test_proactive_only_categories_are_allowed_in_replies() -> None:
    assert check(THANKS, {"initiation": "reply"}).verdict == "allow"
    assert check(TIPS, {"initiation": "reply"}).verdict == "allow"


def test_politeness_inside_a_legitimate_message_is_fine() -> None:
    text = "Thank you for your order. Could you confirm the engraving text?"
    assert check(text, proactive(contact_reason="customization")).verdict == "allow"


def test_opted_out_buyer_bounces_non_critical_proactive_messages_only() -> None:
    text = "Hello,\n\nHere is the invoice for your order.\n\nRegards"
    bounced = check(text, proactive(contact_reason="invoice", buyer_opted_out=True))
    assert bounced.categories == ["buyer_opted_out"]
    critical = check(
        "Could you confirm the house number?",
        proactive(contact_reason="address_issue", buyer_opted_out=True),
    )
    assert critical.verdict == "allow"
    assert critical.critical
    reply = check("The mug is dishwasher safe.", {"initiation": "reply", "buyer_opted_out": True})
    assert reply.verdict == "allow"


def test_change_request_is_an_incentive_only_with_value_tied() -> None:
    plain = check("Could you please remove your 1-star review?", {"initiation": "reply"})
    assert plain.categories == ["review_change_request"]
    paid = check(
        "We'll refund you in full if you remove your 1-star review.", {"initiation": "reply"}
    )
    assert set(paid.categories) == {"review_change_request", "review_incentive"}


def test_buyer_messages_are_always_allowed_with_triage() -> None:
    verdict = check("You idiots, where is my parcel?", {"direction": "buyer_to_seller"})
    assert verdict.verdict == "allow"
    assert verdict.triage == "needs_response"
    assert verdict.report == "abuse"
    assert verdict.to_dict()["report"] == "abuse"


def test_warnings_never_block() -> None:
    verdict = check("YES WE CAN DO THAT FOR YOU!!!", {"initiation": "reply"})
    assert verdict.verdict == "allow"
    assert {f.category for f in verdict.findings} == {"unprofessional"}
    assert all(f.severity == "warn" for f in verdict.findings)
    assert verdict.categories == []


def test_spans_slice_the_original_text_through_obfuscation() -> None:
    text = "Glad you like it! Please leave a r e v i e w on Amazon."
    verdict = check(text, {"initiation": "reply"})
    (finding,) = [f for f in verdict.findings if f.category == "review_request"]
    assert finding.span is not None
    assert "r e v i e w" in text[finding.span[0] : finding.span[1]]


def test_rewrite_drops_the_offending_sentence_and_keeps_the_rest() -> None:
    text = (
        "Hi,\n\nThe strap fits the 42 mm case. Follow us on Instagram for new designs!\n\nBest,\nJo"
    )
    verdict = check(text, {"initiation": "reply"})
    rewrite = verdict.suggestions[0].rewrite
    assert rewrite is not None
    assert "42 mm" in rewrite
    assert "Instagram" not in rewrite
    assert check(rewrite, {"initiation": "reply"}).verdict == "allow"


@pytest.mark.parametrize(
    ("text", "context", "action"),
    [
        ("Please leave us a review on Amazon.", {"initiation": "reply"}, "request_review"),
        (
            "Hello,\n\nThe teapot you ordered is out of stock until May.\n\nBest",
            proactive(),
            "cancel_order",
        ),
        (
            "So sorry! Just send it back to us and I'll refund you.",
            {"initiation": "reply", "fulfillment": "marketplace"},
            "customer_service_redirect",
        ),
    ],
)
def test_suggestion_names_the_compliant_action(
    text: str, context: dict[str, Any], action: str
) -> None:
    actions = {s.action for s in check(text, context).suggestions}
    assert action in actions


def test_redirect_template_speaks_the_buyers_language() -> None:
    verdict = check(
        "Schicken Sie den Artikel einfach direkt an uns zurück, dann erstatten wir den Kaufpreis.",
        {"initiation": "reply", "fulfillment": "marketplace", "language": "de"},
    )
    (redirect,) = [s for s in verdict.suggestions if s.action == "customer_service_redirect"]
    assert redirect.rewrite is not None
    assert "Kundenservice" in redirect.rewrite


def test_context_accepts_a_mapping_or_the_dataclass() -> None:
    mapping = check("Leave a review please.", {"initiation": "reply"})
    typed = check("Leave a review please.", MessageContext(initiation="reply"))
    assert mapping == typed


def test_invalid_context_names_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"context\.contact_reason"):
        check("Hi", {"contact_reason": "gossip"})


def test_operator_profile_adds_phrases_domains_and_limits() -> None:
    load_profile_toml(
        """
        name = "tests-shop"
        allowed_link_domains = ["portal.example.com"]
        [limits]
        daily_limit_base = 10
        [limits.text_length]
        default = 50
        [phrases.en.classes]
        marketing_phrase = ["mega deal"]
        """
    )
    context = {"initiation": "reply", "profile": "tests-shop"}
    assert check("This week only: a mega deal on lamps.", context).categories == ["marketing"]
    assert (
        check("This week only: a mega deal on lamps.", {"initiation": "reply"}).verdict == "allow"
    )
    assert "length" in check("x " * 40, context).categories


def test_operator_profile_is_validated() -> None:
    with pytest.raises(InvalidInput, match=r"profile\.phrases\.xx"):
        profile_from_mapping({"name": "bad", "phrases": {"xx": {}}})
    with pytest.raises(InvalidInput, match="unknown class"):
        profile_from_mapping(
            {
                "name": "bad",
                "phrases": {"en": {"patterns": [{"group": "marketing", "all": ["nope"]}]}},
            }
        )
    with pytest.raises(InvalidInput, match=r"context\.profile"):
        check("Hi", {"profile": "nobody"})


CONTEXTS = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["seller_to_buyer", "buyer_to_seller"]),
        "initiation": st.sampled_from(["proactive", "reply"]),
        "fulfillment": st.sampled_from(["marketplace", "seller"]),
        "contact_reason": st.sampled_from(["other", "customization", "warranty", "invoice"]),
        "buyer_opted_out": st.booleans(),
    }
)
PHRASY = st.sampled_from(
    [
        "review",
        "5 stars",
        "whatsapp",
        "paypal",
        "r3v13w",
        "coupon",
        "\u200b",
        "ｗｈａｔｓａｐｐ",
        "。",
        "@",
        " at ",
        "!",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PHRASY, st.text(max_size=12)), max_size=40).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, context=CONTEXTS)
def test_spans_are_in_bounds_and_check_is_deterministic(text: str, context: dict[str, Any]) -> None:
    first = check(text, context)
    for finding in first.findings:
        if finding.span is not None:
            start, end = finding.span
            assert 0 <= start <= end <= len(text)
            # A blocking finding names the characters that triggered it.
            assert finding.severity == "warn" or start < end
    assert check(text, context) == first


LARGE = st.tuples(st.text(min_size=1, max_size=2_000), st.integers(1, 400)).map(
    lambda pair: (pair[0] * pair[1])[:100_000]
)


@settings(max_examples=10, deadline=None)
@given(text=LARGE)
def test_never_raises_on_large_arbitrary_unicode(text: str) -> None:
    check(text, {"initiation": "proactive"})
    check(text, {"direction": "buyer_to_seller"})


def test_lone_surrogates_do_not_break_the_check() -> None:
    text = "Please leave a review \ud800 on Amazon \udfff"
    verdict = check(text, {"initiation": "reply"})
    assert verdict.categories == ["review_request"]
    for finding in verdict.findings:
        assert finding.span is not None
        assert 0 <= finding.span[0] < finding.span[1] <= len(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Could you send us a phone number the courier can use?", "address_issue"),
        (
            "Please send us your email address so the carrier can book a slot.",
            "delivery_scheduling",
        ),
    ],
)
def test_asking_for_the_buyers_contact_is_contact_info_alone(text: str, reason: str) -> None:
    verdict = check(text, proactive(contact_reason=reason))
    assert verdict.categories == ["contact_info"]


def test_suggestions_are_built_when_read_and_behave_like_the_tuple() -> None:
    calls: list[int] = []
    advice = (Suggestion(explanation="Use the review action.", action="request_review"),)

    def make() -> tuple[Suggestion, ...]:
        calls.append(1)
        return advice

    deferred = DeferredSuggestions(make)
    assert calls == []
    assert deferred == advice
    assert advice == deferred
    assert list(deferred) == list(advice)
    assert deferred[0] is advice[0]
    assert len(deferred) == 1
    assert hash(deferred) == hash(advice)
    assert calls == [1]  # built once, whatever reads it
    restored = pickle.loads(pickle.dumps(deferred))  # noqa: S301 (our own bytes)
    assert type(restored) is tuple
    assert restored == advice
    assert deferred != [advice[0]]

    text = "Hi! Please leave us a 5-star review. Your parcel ships on Monday."
    verdict = check(text, {})
    assert isinstance(verdict.suggestions, DeferredSuggestions)
    assert verdict == check(text, {})
    assert verdict.suggestions[0].rewrite == "Hi! Your parcel ships on Monday."
    # An allowed message has nothing to suggest, and no deferred builder either.
    assert check("Your parcel ships on Monday.", {"initiation": "reply"}).suggestions == ()


def test_a_context_mapping_is_validated_every_time_though_parsed_once() -> None:
    domains = ["shop.example"]
    link = "Manual: https://shop.example/manual"
    assert check(link, {"allowed_link_domains": domains}).verdict == "allow"
    # The same mapping changed in place is a new context, not the one parsed before.
    domains[0] = "other.example"
    assert check(link, {"allowed_link_domains": domains}).verdict == "block"
    assert check("Hello", {"buyer_opted_out": True, "initiation": "proactive"}).blocked
    # 1 equals True, but only a boolean is a valid flag, cached parse or not.
    with pytest.raises(InvalidInput, match="buyer_opted_out"):
        check("Hello", {"buyer_opted_out": 1, "initiation": "proactive"})
    attachment = {"filename": "manual.pdf", "content_type": "application/pdf", "size": 10}
    assert check("See the manual.", {"attachments": [attachment]}).verdict == "allow"


def test_the_buyers_language_is_read_when_the_detector_is_sure_of_another() -> None:
    # pycld2 is sure this Italian sentence is English; the buyer reads Italian, and the seller
    # usually writes in the buyer's language, so the Italian patterns are read too.
    text = "Non serve aspettare, ci scriva su WhatsApp."
    assert check(text, {"language": "en"}).verdict == "allow"
    verdict = check(text, {"language": "it"})
    assert (verdict.verdict, verdict.categories) == ("block", ["off_platform"])
    assert text[slice(*verdict.findings[0].span)] == "ci scriva su WhatsApp"


def test_a_delay_notice_is_no_unexpected_problem() -> None:
    # policy.md §2: unexpected_problem is a problem "other than stock or delay".
    context = proactive(
        contact_reason="unexpected_problem", fulfillment="seller", order_status="unshipped"
    )
    delay = "Hello, your order will be delayed by about ten days because our supplier is late."
    verdict = check(delay, context)
    assert set(verdict.categories) == {"non_critical_proactive", "stock_or_delay_notice"}
    assert "stock_or_delay_is_no_unexpected_problem" in {f.rule for f in verdict.findings}
    problem = (
        "Hello, the engraving machine damaged your plate during production. We can remake it in "
        "brushed steel by Friday, or refund the order. Which would you prefer?"
    )
    assert check(problem, context).verdict == "allow"
