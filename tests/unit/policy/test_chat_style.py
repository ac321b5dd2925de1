"""Short, chat-style messages: texting abbreviations, informal (du / tu) invitations, a messenger
proposed in one word, a single tip; and the longer forms they must not disturb."""

from __future__ import annotations

import pytest
from policy_checks import categories


@pytest.mark.parametrize(
    ("text", "lang", "context", "expected"),
    [
        # Texting thanks sent on its own.
        (
            "thnx so much for ur order, enjoy ur new lamp!!",
            "en",
            {"initiation": "proactive"},
            ["non_critical_proactive", "thank_you_only"],
        ),
        # Informal invitations next to a number or an address.
        ("ruf mich einfach an: 0151 23456789", "de", {}, ["contact_info", "off_platform"]),
        ("appelle-moi au 06 12 34 56 78 stp", "fr", {}, ["contact_info", "off_platform"]),
        ("per info scrivimi a ordini@lampade-rossi.it", "it", {}, ["contact_info", "off_platform"]),
        # A messenger proposed as a one-word question.
        ("telegram? ti mando le foto dei colori", "it", {}, ["off_platform"]),
        # Paying outside to save the fees.
        ("bank transfer is fine too, saves us both the fees", "en", {}, ["off_platform"]),
        # Texting request cues.
        ("ya te llegó? nos dejas una reseña porfi", "es", {}, ["review_request"]),
        ("届きましたか？レビューよろです", "ja", {}, ["review_request"]),
        # The second person of a change verb ("si borras la reseña").
        (
            "si borras la reseña negativa te hacemos un descuento",
            "es",
            {},
            ["review_change_request", "review_incentive"],
        ),
        # One unsolicited tip, sent proactively.
        (
            "un consiglio: lasci asciugare la vernice 24 ore",
            "it",
            {"initiation": "proactive"},
            ["non_critical_proactive", "proactive_customer_service"],
        ),
        # A "tip" that pitches the newsletter is marketing, not customer service.
        (
            "Tipp: Abonnieren Sie unseren Newsletter!",
            "de",
            {"initiation": "proactive"},
            ["marketing", "non_critical_proactive"],
        ),
    ],
)
def test_chat_style_messages(
    text: str, lang: str, context: dict[str, object], expected: list[str]
) -> None:
    assert categories(text, lang, **context) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("thx, it ships tomorrow", "en"),
        ("Unser guter Ruf ist uns wichtig, deshalb prüfen wir jede Lampe.", "de"),
        ("porfa confirma si la talla es la M", "es"),
        ("Un consiglio: lo ricarichi completamente prima dell'uso.", "it"),
        ("Tip: keep the lid closed while it heats up.", "en"),
    ],
)
def test_short_replies_that_break_nothing(text: str, lang: str) -> None:
    assert categories(text, lang) == []
