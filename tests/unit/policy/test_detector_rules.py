"""The detector rules: contact_info, external_link, prohibited_media, attachments, length…"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.detectors.language as language_module
import gobetween.policy.engine as engine
import gobetween.policy.rules.language_mismatch as language_mismatch_module
from gobetween.policy import check
from gobetween.policy.context import Attachment, MessageContext, SystemFacts
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.emoji import find_emoji
from gobetween.policy.detectors.links import find_links
from gobetween.policy.detectors.markup import find_markup
from gobetween.policy.detectors.phones import find_phones
from gobetween.policy.normalize import normalize
from gobetween.policy.rules import AnalyzedMessage
from gobetween.policy.rules.attachment_not_permitted import attachment_not_permitted
from gobetween.policy.rules.contact_info import contact_info
from gobetween.policy.rules.external_link import external_link
from gobetween.policy.rules.language_mismatch import language_mismatch
from gobetween.policy.rules.length import length
from gobetween.policy.rules.prohibited_media import prohibited_media
from gobetween.policy.verdict import Finding


def _message(text: str, detected: str = "en", **context: Any) -> AnalyzedMessage:
    return AnalyzedMessage(
        text=text,
        subject=None,
        normalized=normalize(text),
        language=detected,
        context=MessageContext.from_mapping(context) if context else MessageContext(),
        facts=SystemFacts(),
    )


def _spans(text: str, findings: list[Finding]) -> list[str]:
    return [text[f.span[0] : f.span[1]] for f in findings if f.span is not None]


@pytest.mark.parametrize(
    ("text", "reason", "language", "flagged"),
    [
        ("Sure, it's 503-555-0148. Call any time.", "other", "en", ["503-555-0148"]),
        (
            "Signature\nMike\nmike.ridgeway.parts@gmail.com",
            "other",
            "en",
            ["mike.ridgeway.parts@gmail.com"],
        ),
        ("Rufen Sie an unter 030 5558 4127.", "other", "de", ["030 5558 4127"]),
        (
            "Could you reply with an email address they can use?",
            "delivery_scheduling",
            "en",
            ["email address"],
        ),
        (
            "also give us a phone number the courier can call",
            "address_issue",
            "en",
            ["phone number"],
        ),
        (
            "please call our dispatch office at 1-866-555-0123",
            "delivery_scheduling",
            "en",
            ["1-866-555-0123"],
        ),
        (
            "Pouvez-vous nous donner votre numéro de téléphone ?",
            "other",
            "fr",
            ["numéro de téléphone"],
        ),
        ("¿Nos das tu número de teléfono?", "other", "es", ["número de teléfono"]),
        ("Ci lascia il suo numero di telefono?", "other", "it", ["numero di telefono"]),
        ("Bitte senden Sie uns Ihre Telefonnummer.", "other", "de", ["Telefonnummer"]),
        ("メールアドレスを教えてください。", "other", "ja", ["メールアドレス"]),
        ("What's your number? I'll text you.", "other", "en", ["your number"]),
    ],
)
def test_contact_info_blocks(text: str, reason: str, language: str, flagged: list[str]) -> None:
    findings = list(
        contact_info(_message(text, language, contact_reason=reason, language=language))
    )
    assert _spans(text, findings) == flagged
    assert all(f.category == "contact_info" and f.severity == "block" for f in findings)


@pytest.mark.parametrize(
    ("text", "reason", "language"),
    [
        ("Claims: call AirChef at 1-877-555-0117.", "warranty", "en"),
        ("Die Hotline erreichen Sie unter 0800 555 2190.", "warranty", "de"),
        (
            "The carrier requires a phone number to call before arrival.",
            "delivery_scheduling",
            "en",
        ),
        ("Die Spedition benötigt eine Telefonnummer.", "delivery_scheduling", "de"),
        (
            "配送業者より当日の連絡用にお電話番号が必要と言われております。",
            "delivery_scheduling",
            "ja",
        ),
        ("Il corriere ci chiede un numero di telefono.", "delivery_scheduling", "it"),
        (
            "Your order 114-3941689-8772232 shipped with tracking 9400 1118 9956 4432 1078 22.",
            "other",
            "en",
        ),
        ("Thanks for your email! Pair the speaker with your phone.", "other", "en"),
        ("LINE ID は＠ｋｏｍｏｒｅｂｉ＿ｓｈｏｐ です", "other", "ja"),
        ("Download at https://user@evil.example/x", "other", "en"),
    ],
)
def test_contact_info_allows(text: str, reason: str, language: str) -> None:
    assert list(contact_info(_message(text, language, contact_reason=reason))) == []


@pytest.mark.parametrize(
    ("text", "allowed", "flagged"),
    [
        ("download: bit.ly/lp200-manual", [], ["bit.ly/lp200-manual"]),
        (
            "http://proofs.engravecraft.com/p/3JX9QA",
            ["proofs.engravecraft.com"],
            ["http://proofs.engravecraft.com/p/3JX9QA"],
        ),
        ("https://proofs.engravecraft.com/p/8K2Q7LM", ["proofs.engravecraft.com"], []),
        ("https://x.engravecraft.com/p", ["engravecraft.com"], []),
        (
            "https://proofs.engravecraft.com.proofview-secure.net/a",
            ["proofs.engravecraft.com"],
            ["https://proofs.engravecraft.com.proofview-secure.net/a"],
        ),
        ("contact them: https://www.amazon.com/gp/help/customer/contact-us", [], []),
        ("your Amazon.de order", [], []),
        ("http://www.amazon.com/x", [], ["http://www.amazon.com/x"]),
        (
            "grading guide: vintagevinylhub dot com slash grading",
            [],
            ["vintagevinylhub dot com slash grading"],
        ),
        ("email design.lunasilver@gmail.com", [], []),  # contact_info, not a link
        (
            "https://activate.nimbusoft.com and https://nimbusoft-downloads.net/nbh",
            ["activate.nimbusoft.com"],
            ["https://nimbusoft-downloads.net/nbh"],
        ),
    ],
)
def test_external_link(text: str, allowed: list[str], flagged: list[str]) -> None:
    findings = list(external_link(_message(text, allowed_link_domains=allowed)))
    assert _spans(text, findings) == flagged


def test_prohibited_media() -> None:
    text = (
        'Thanks 👍 <span style="color:red">Yes</span> © 2025\n'
        '<img src="https://t.x.io/p.gif" width="1" height="1">'
    )
    findings = list(prohibited_media(_message(text)))
    assert [f.rule for f in findings] == ["emoji", "styling", "html_tag", "tracking_pixel"]
    assert _spans(text, findings)[0] == "👍"


def test_attachments() -> None:
    pdf = Attachment("a.pdf", "application/pdf", 1000, b"%PDF-1.7")
    exe = Attachment("setup.exe", "application/vnd.microsoft.portable-executable", 1000)
    assert list(attachment_not_permitted(_message("x", attachments=[pdf]))) == []
    findings = list(attachment_not_permitted(_message("x", attachments=[pdf, exe])))
    assert [(f.rule, f.span) for f in findings] == [("attachment_type", None)]
    many = list(attachment_not_permitted(_message("x", attachments=[pdf] * 6)))
    assert [f.rule for f in many] == ["attachment_count"]


@pytest.mark.parametrize(
    ("reason", "size", "blocked"),
    [
        ("customization", 800, False),
        ("customization", 801, True),
        ("digital_access_key", 401, True),
        ("digital_access_key", 400, False),
        ("other", 2000, False),
        ("warranty", 2001, True),
    ],
)
def test_length(reason: str, size: int, blocked: bool) -> None:
    findings = list(length(_message("x" * size, contact_reason=reason)))
    assert bool(findings) is blocked
    if blocked:
        limit = {"customization": 800, "digital_access_key": 400}.get(reason, 2000)
        assert findings[0].span == (limit, size)


def test_language_mismatch_warns_only_when_sure() -> None:
    text = "Vielen Dank für Ihre Bestellung. Können Sie uns den Gravurtext bestätigen?"
    findings = list(language_mismatch(_message(text, "de", language="en")))
    assert [(f.category, f.severity) for f in findings] == [("language_mismatch", "warn")]
    assert list(language_mismatch(_message(text, "de", language="de"))) == []
    assert list(language_mismatch(_message("Danke!", "de", language="en"))) == []
    assert list(language_mismatch(_message(text, "de"))) == []  # buyer's language unknown


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_detectors_never_raise_and_spans_slice_the_original(text: str) -> None:
    normalized = normalize(text)
    hits: list[tuple[int, int]] = []
    hits += [(h.start, h.end) for h in find_phones(normalized, ("US", "DE", "JP"))]
    hits += [(h.start, h.end) for h in find_emails(normalized)]
    hits += [(h.start, h.end) for h in find_links(normalized)]
    hits += [(h.start, h.end) for h in find_emoji(text)]
    hits += [(h.start, h.end) for h in find_markup(text)]
    for start, end in hits:
        assert 0 <= start < end <= len(text)


def test_language_mismatch_trusts_the_engines_detection() -> None:
    text = "Vielen Dank für Ihre Bestellung. Können Sie uns den Gravurtext bestätigen?"
    detected = replace(_message(text, "de", language="en"), language_detected=True)
    fallback = replace(_message(text, "de", language="en"), language_detected=False)
    assert [f.category for f in language_mismatch(detected)] == ["language_mismatch"]
    assert list(language_mismatch(fallback)) == []


def test_the_language_is_detected_once_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = language_module.detect_language

    def counted(text: str) -> str | None:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(language_module, "detect_language", counted)
    monkeypatch.setattr(engine, "detect_language", counted)
    monkeypatch.setattr(language_mismatch_module, "detect_language", counted)
    text = "Vielen Dank für Ihre Bestellung. Können Sie uns den Gravurtext bestätigen?"
    verdict = check(text, {"language": "en", "marketplace_region": "DE"})
    assert "language_mismatch" in {f.category for f in verdict.findings}
    assert calls == [text]
