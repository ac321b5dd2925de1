"""The subject line is checked for the content rules; its findings name the subject."""

from __future__ import annotations

import pytest

from gobetween.policy import check

_BODY = "Hello, could you confirm the engraving text? Thanks, Anna"
_CONTEXT = {
    "contact_reason": "customization",
    "initiation": "proactive",
    "order_status": "unshipped",
}


@pytest.mark.parametrize(
    ("subject", "categories"),
    [
        ("Please leave us a 5 star review!", ["review_request"]),
        ("Tel 555-867-5309", ["contact_info"]),
        ("Visit www.myshop-deals.com", ["external_link"]),
        ("Ihr Gravurentwurf 😊", ["prohibited_media"]),
        ("WhatsApp us for a faster answer", ["off_platform"]),
        ("Abonnez-vous à notre newsletter", ["marketing"]),
    ],
)
def test_subject_breaking_a_content_rule_blocks(subject: str, categories: list[str]) -> None:
    verdict = check(_BODY, _CONTEXT, subject=subject)
    assert verdict.verdict == "block"
    assert sorted(verdict.categories) == categories
    for finding in verdict.findings:
        assert finding.field == "subject"
        assert finding.span is None
        assert finding.message.startswith("In the subject line: ")
        assert finding.to_dict()["field"] == "subject"


@pytest.mark.parametrize(
    "subject",
    [
        "Your engraving proof",
        "Feedback on your engraving proof",
        "Re: Phone number",
        "Order 112-3456789-0123456",
        "Question about your order",
        "Thank you for your order",
    ],
)
def test_ordinary_subject_allows(subject: str) -> None:
    assert check(_BODY, _CONTEXT, subject=subject).verdict == "allow"


def test_text_findings_keep_their_shape() -> None:
    verdict = check("Please leave us a review.", {})
    finding = verdict.findings[0]
    assert finding.field == "text"
    assert set(finding.to_dict()) == {"category", "rule", "severity", "span", "message"}


def test_the_same_category_in_text_and_subject_gives_two_findings() -> None:
    verdict = check("Please leave us a review.", {}, subject="Leave a review")
    fields = sorted(f.field for f in verdict.findings if f.category == "review_request")
    assert fields == ["subject", "text"]
