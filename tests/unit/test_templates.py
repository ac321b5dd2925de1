"""Message templates: every template renders in every language, fields substituted and checked."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from gobetween.domain.contact_reasons import REASONS_BY_ID
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.parties import LANGUAGES
from gobetween.policy import MessageContext, check
from gobetween.policy.categories import CONTACT_REASONS
from gobetween.services.templates import (
    SYSTEM_FIELDS,
    TEMPLATES,
    TEMPLATES_BY_ID,
    catalog,
    catalog_msgids,
    field_budget,
    placeholders,
    render_template,
    templates_for_reasons,
)

PURCHASED = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)


def sample_fields(template_id: str) -> dict[str, str]:
    return {field.name: f"<{field.name}-value>" for field in TEMPLATES_BY_ID[template_id].fields}


def render(template_id: str, language: str = "en", /, **fields: object) -> tuple[str, str]:
    rendered = render_template(
        template_id,
        language=language,
        fields=fields or sample_fields(template_id),
        order_id="114-3941689-8772232",
        buyer_name="Mira",
        seller_name="Kettle & Co",
        purchased_at=PURCHASED,
    )
    return rendered.subject, rendered.text


def test_every_contact_reason_except_other_has_a_template() -> None:
    reasons = {template.reason for template in TEMPLATES if not template.reply_only}
    assert reasons == set(CONTACT_REASONS) - {"other"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_string_with_the_same_fields(language: str) -> None:
    translations = catalog(language)
    for msgid in catalog_msgids():
        assert msgid in translations, f"{language} lacks {msgid!r}"
        assert placeholders(translations[msgid]) == placeholders(msgid), msgid
        if language != "en":
            assert translations[msgid] != msgid, f"{language} leaves {msgid!r} untranslated"


@pytest.mark.parametrize(
    ("template_id", "language"), list(itertools.product(TEMPLATES_BY_ID, LANGUAGES))
)
def test_every_template_renders_in_every_language_with_its_fields(
    template_id: str, language: str
) -> None:
    subject, text = render(template_id, language)
    assert "114-3941689-8772232" in subject
    assert "Mira" in text
    assert "Kettle & Co" in text
    for name in sample_fields(template_id):
        assert f"<{name}-value>" in text
    # Nothing left unfilled, in any language.
    assert "{" not in subject + text
    assert "}" not in subject + text
    template = TEMPLATES_BY_ID[template_id]
    assert len(text) <= REASONS_BY_ID[template.reason].max_chars  # type: ignore[index]


def test_the_buyer_language_changes_the_wording_and_the_date_format() -> None:
    _, english = render("invoice", "en", invoice_number="R-2026-118")
    _, german = render("invoice", "de", invoice_number="R-2026-118")
    _, japanese = render("invoice", "ja", invoice_number="R-2026-118")
    assert english.startswith("Hello Mira,")
    assert "November 3, 2026" in english
    assert german.startswith("Guten Tag Mira,")
    assert "vom 3. November 2026" in german
    assert "2026年11月3日" in japanese
    assert german.endswith("Mit freundlichen Grüßen\nKettle & Co")


def test_a_missing_field_is_named() -> None:
    with pytest.raises(InvalidInput) as raised:
        render("delivery_scheduling", carrier="DHL Freight")
    assert raised.value.field == "fields.proposed_times"
    assert "required" in raised.value.problem


def test_an_unknown_field_is_named_with_the_ones_that_exist() -> None:
    with pytest.raises(InvalidInput) as raised:
        render("invoice", invoice_number="R-1", coupon="SAVE10")
    assert raised.value.field == "fields.coupon"
    assert "invoice_number" in raised.value.problem


def test_system_fields_cannot_be_overridden_by_the_seller() -> None:
    assert not any(field.name in SYSTEM_FIELDS for t in TEMPLATES for field in t.fields)
    with pytest.raises(InvalidInput) as raised:
        render("invoice", invoice_number="R-1", order_id="999-0000000-0000000")
    assert raised.value.field == "fields.order_id"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"invoice_number": "  "}, "empty"),
        ({"invoice_number": "R-1\nline two"}, "one line"),
        ({"invoice_number": 42}, "string"),
    ],
)
def test_malformed_fields_are_refused(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        render("invoice", **fields)
    assert raised.value.field == "fields.invoice_number"
    assert problem in raised.value.problem


def test_fields_longer_than_the_reason_allows_are_refused_before_the_policy_sees_them() -> None:
    budget = field_budget(TEMPLATES_BY_ID["digital_access_key"])
    assert 0 < budget < 400
    render("digital_access_key", access_key="K" * budget)
    with pytest.raises(InvalidInput) as raised:
        render("digital_access_key", access_key="K" * (budget + 1))
    assert raised.value.field == "fields.access_key"


def test_field_values_are_inserted_literally() -> None:
    _, text = render("invoice", invoice_number="{order_id}")
    assert "{order_id}" in text


def test_unknown_template_and_language() -> None:
    with pytest.raises(NotFound):
        render("review_request", text="Please leave a review")
    with pytest.raises(InvalidInput) as raised:
        render("invoice", "pt", invoice_number="R-1")
    assert raised.value.field == "language"


def test_templates_follow_the_offered_reasons_and_reply_templates() -> None:
    ids = [t.id for t in templates_for_reasons(frozenset({"invoice", "other"}), ())]
    assert ids == ["invoice"]
    with_redirect = templates_for_reasons(frozenset({"invoice"}), ("customer_service_redirect",))
    assert [t.id for t in with_redirect] == ["invoice", "customer_service_redirect"]


BENIGN_FIELDS = {
    "question": "Which initials should we engrave on the ring?",
    "carrier": "DHL Freight",
    "proposed_times": "Monday 9-12, Tuesday 14-18",
    "problem": "The house number is missing.",
    "invoice_number": "R-2026-118",
    "disclosure": "The battery contains lithium and must be recycled separately.",
    "warranty_terms": "Two years from delivery, covering manufacturing defects.",
    "access_key": "ABCD-EFGH-IJKL-MNOP",
}


@pytest.mark.parametrize(
    ("template_id", "language"), list(itertools.product(TEMPLATES_BY_ID, LANGUAGES))
)
def test_every_template_passes_the_policy_in_every_language(
    template_id: str, language: str
) -> None:
    """The fixed wording itself never trips the checker: only what a seller types can."""
    template = TEMPLATES_BY_ID[template_id]
    fields = {field.name: BENIGN_FIELDS[field.name] for field in template.fields}
    subject, text = render(template_id, language, **fields)
    context = MessageContext(
        direction="seller_to_buyer",
        initiation="reply" if template.reply_only else "proactive",
        fulfillment="marketplace" if template.reply_only else "seller",
        order_status="delivered"
        if template.reason in ("warranty", "digital_access_key")
        else "unshipped",
        contact_reason=template.reason,
        language=language,
    )
    verdict = check(text, context, subject=subject)
    assert verdict.categories == [], [
        f.to_dict() for f in verdict.findings if f.severity == "block"
    ]
