"""Satisfaction surveys and "rate us from 1 to 5" are review requests; cross-selling inside an
answer and a discount written as a negative percentage are marketing; each with the allowed
wording next to it that the same words must not block."""

from __future__ import annotations

import pytest

from gobetween.policy import check


def _reply(language: str) -> dict[str, object]:
    return {"initiation": "reply", "language": language}


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "fr",
            "Auriez-vous deux minutes pour notre petite enquête de satisfaction ? Il suffit de "
            "répondre en notant de 1 à 5 la qualité du produit.",
            {"review_request"},
        ),
        (
            "es",
            "Nos encantaría saber tu experiencia: puntúanos del 1 al 5 aquí.",
            {"review_request"},
        ),
        ("en", "Would you fill in our short satisfaction survey?", {"review_request"}),
        # A range of days is no rating scale.
        ("it", "La consegna avviene da 1 a 5 giorni lavorativi.", set()),
    ],
)
def test_a_satisfaction_survey_is_a_review_request(
    language: str, text: str, expected: set[str]
) -> None:
    assert set(check(text, _reply(language)).categories) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "de",
            "Kundinnen und Kunden, die diese Bettwäsche gekauft haben, lieben auch unser passendes "
            "Spannbettlaken.",
            {"marketing"},
        ),
        (
            "es",
            "La tapa a juego y nuestra sartén de 20 cm completan el set perfecto.",
            {"marketing"},
        ),
        ("en", "Our matching console table makes a lovely set with it.", {"marketing"}),
        ("fr", "Notre collier assorti est à -20 % jusqu'à dimanche.", {"marketing"}),
        # Naming a matching product the buyer asked about, and temperatures below zero.
        ("en", "Yes, our matching console table is 120 cm wide, as you asked.", set()),
        ("en", "At -20 °C the battery loses about 30 % of its capacity.", set()),
    ],
)
def test_cross_selling_and_a_negative_percentage_are_marketing(
    language: str, text: str, expected: set[str]
) -> None:
    assert set(check(text, _reply(language)).categories) == expected


def test_a_return_is_not_feedback() -> None:
    text = (
        "Comme votre commande a été expédiée par Amazon, le retour se fait directement chez "
        "Amazon : allez dans Vos commandes, puis « Retourner ou remplacer des articles »."
    )
    context = {"initiation": "reply", "language": "fr", "fulfillment": "marketplace"}
    assert check(text, context).categories == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # The sale price the buyer paid, and reviews already written, mentioned.
        (
            "ja",
            "お客様はセール価格の2,980円でご購入されていますので、返金額は2,980円となります。",
            set(),
        ),
        (
            "ja",
            "商品ページのレビューでご指摘のあった症状は、旧ロットのみで発生しておりました。",
            set(),
        ),
        ("ja", "ただいまセール中です。この機会にぜひどうぞ。", {"marketing"}),
        # Asking for the buyer's private address is a request for contact information.
        ("es", "¿Me puede pasar su email personal para la factura?", {"contact_info"}),
        ("en", "Could you give me your personal email for the invoice?", {"contact_info"}),
        ("es", "Gracias por su email, le contesto enseguida.", set()),
    ],
)
def test_loanwords_and_private_addresses(language: str, text: str, expected: set[str]) -> None:
    assert set(check(text, _reply(language)).categories) == expected


def test_colloquial_shipped_is_a_shipment_notice() -> None:
    text = "Hallo Anna, Ihre Bestellung ist heute mit DHL rausgegangen. Liebe Grüße, Modehaus Kern"
    context = {"initiation": "proactive", "contact_reason": "other", "language": "de"}
    assert "redundant_notification" in check(text, context).categories
