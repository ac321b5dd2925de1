"""The engine's shortcuts skip only work that finds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy import check, engine
from gobetween.policy import rules as registry
from gobetween.policy.context import MessageContext
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Lexicon
from gobetween.policy.profiles import get_profile
from gobetween.policy.verdict import Finding, Verdict

_SUBJECT_PIECES = st.sampled_from(
    [
        *(" ", ": ", "Re: ", "AW: ", "!!!", "?", "URGENT ", "PLEASE READ NOW "),
        *("Your order", "review", "leave a review", "5 stars", "gift card", "coupon 10% off"),
        *("email me", "call us", "WhatsApp", "paypal", "new products", "visit our shop"),
        *("Bewertung", "avis", "reseña", "recensione", "レビュー", "Gutschein", "idiot"),
        *("114-7723390-1185602", "info@example.com", "www.example.com", "[image]"),
    ]
)


@settings(max_examples=300)
@given(
    st.lists(_SUBJECT_PIECES, min_size=1, max_size=8).map("".join),
    st.sampled_from(["reply", "proactive"]),
    st.sampled_from([frozenset({"en"}), frozenset({"de", "en"}), None]),
)
def test_subject_rules_left_out_find_nothing(
    subject: str, initiation: str, languages: frozenset[str] | None
) -> None:
    profile = get_profile("amazon")
    context = MessageContext.from_mapping({"initiation": initiation})
    normalized = normalize(subject)
    scan = profile.lexicon.scan(
        normalized.text, languages, groups=engine._groups(profile.lexicon, "seller_to_buyer")
    )
    text = "Your parcel ships today."
    message = registry.AnalyzedMessage(
        text=text,
        subject=subject,
        normalized=normalize(text),
        language="en",
        context=context,
        facts=engine._NO_FACTS,
        scan=None,
        profile=profile,
    )
    line = engine._with(message, text=subject, normalized=normalized, scan=scan, prior=())
    found = [
        finding
        for rule in engine._plan(initiation)[0]
        if rule.category in engine._SUBJECT_CATEGORIES
        for finding in rule.function(line)
    ]
    engine._set_prior(line, tuple(found))
    runnable = engine._runnable(
        initiation,
        scan.possible_groups(),
        frozenset(f.category for f in found),
        False,
        len(registry.REGISTRY),
    )
    for rule in engine._plan(initiation)[1]:
        if rule.category in engine._SUBJECT_CATEGORIES and rule not in runnable:
            assert list(rule.function(line)) == [], rule.name


def test_a_review_request_in_the_subject_line_is_found() -> None:
    verdict = check("Your parcel ships today.", {}, subject="Please leave us a review")
    assert [(f.category, f.field) for f in verdict.findings] == [("review_request", "subject")]


def _dev_seller_messages() -> list[tuple[str, dict[str, object], str | None]]:
    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "policy-dev.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        (case["text"], case["context"], case.get("subject"))
        for case in cases
        if case["context"].get("direction", "seller_to_buyer") == "seller_to_buyer"
    ]


def test_a_reply_s_scan_leaves_out_the_proactive_only_purposes() -> None:
    lexicon = get_profile("amazon").lexicon
    every = engine._groups(lexicon, "seller_to_buyer")
    planned = len(registry.REGISTRY)
    assert engine._groups(lexicon, "seller_to_buyer", "proactive", planned) == every
    assert every - engine._groups(lexicon, "seller_to_buyer", "reply", planned) == {
        "redundant_notification",
        "proactive_customer_service",
        "stock_or_delay_notice",
    }


def test_scans_made_for_the_initiation_give_the_answers_of_complete_seller_scans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    messages = _dev_seller_messages()
    assert len(messages) > 100
    answers = [check(text, context, subject=subject) for text, context, subject in messages]
    every = engine._groups.__wrapped__

    def seller_groups(
        lexicon: Lexicon, direction: str, initiation: str | None = None, planned: int = 0
    ) -> frozenset[str]:
        return every(lexicon, direction)

    monkeypatch.setattr(engine, "_groups", seller_groups)
    for (text, context, subject), answer in zip(messages, answers, strict=True):
        expected = check(text, context, subject=subject)
        assert answer.findings == expected.findings, text
        assert answer.verdict == expected.verdict


def _every_slot(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in type(value).__slots__}  # type: ignore[attr-defined]


def test_the_engine_builds_the_message_and_the_verdict_the_constructors_would() -> None:
    profile = get_profile("amazon")
    context = MessageContext.from_mapping({"initiation": "reply", "language": "de"})
    text = "Danke für Ihre Bestellung!"
    normalized = normalize(text)
    scan = profile.lexicon.scan(normalized.text)
    for subject, prior, detected in (("Re: Bestellung", (), True), (None, ("x",), None)):
        built = engine._new_message(
            text, subject, normalized, "de", context, engine._NO_FACTS, scan, profile, prior,
            detected,
        )  # fmt: skip
        made = registry.AnalyzedMessage(
            text=text,
            subject=subject,
            normalized=normalized,
            language="de",
            context=context,
            facts=engine._NO_FACTS,
            scan=scan,
            profile=profile,
            prior=prior,  # type: ignore[arg-type]
            language_detected=detected,
        )
        assert _every_slot(built) == _every_slot(made)
        assert built == made
    finding = Finding("contact_info", "phone_number", "block", (1, 4), "No phone numbers.")
    for args in (
        ("block", (finding,), True, (), None, None, "de", "amazon"),
        ("allow", (), False, (), "needs_response", "spam", None, "other"),
    ):
        verdict = engine._new_verdict(*args)  # type: ignore[arg-type]
        assert _every_slot(verdict) == _every_slot(Verdict(*args))  # type: ignore[arg-type]
        assert verdict == Verdict(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize("direction", ["seller_to_buyer", "buyer_to_seller"])
def test_a_verdict_reads_as_the_constructor_made_it(direction: str) -> None:
    verdict = check(
        "Call me at 0151 2345 6789!!! Leave a 5-star review.",
        {"direction": direction, "language": "en"},
        subject="Re: your order",
    )
    assert verdict == Verdict(**_every_slot(verdict))  # type: ignore[arg-type]
    assert repr(verdict) == repr(Verdict(**_every_slot(verdict)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "finding",
    [
        Finding("contact_info", "phone_number", "block", (3, 15), "No phone numbers."),
        Finding("language_mismatch", "language_mismatch", "warn", None, "Another language."),
        Finding("review_request", "ask", "block", None, "In the subject line: …", "subject"),
    ],
)
def test_one_finding_is_its_own_order(finding: Finding) -> None:
    # `check()` takes a single finding as it is, without `_distinct` and the sort.
    assert engine._distinct([finding]) == [finding]
    assert sorted([finding], key=lambda f: (f.category, f.span or (-1, -1), f.rule)) == [finding]


def test_a_message_with_one_finding_keeps_it() -> None:
    verdict = check("Our workshop number is 0151 2345 6789.", {"language": "en"})
    assert [(f.category, f.rule) for f in verdict.findings] == [("contact_info", "phone_number")]
    assert verdict.verdict == "block"
    clean = check("Your parcel ships today.", {"language": "en"})
    assert (clean.findings, clean.verdict, clean.suggestions) == ((), "allow", ())
