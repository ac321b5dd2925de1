"""The engine's shortcuts skip only work that finds nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy import check, engine
from gobetween.policy import rules as registry
from gobetween.policy.context import MessageContext
from gobetween.policy.normalize import normalize
from gobetween.policy.profiles import get_profile

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
