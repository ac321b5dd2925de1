"""The marketplace's own words and business orders: a star rating asked for by reply, a brand
store followed or a flash sale announced (marketing, but not a move off the marketplace),
payment on the seller's own site, an arrival date in a message that schedules the delivery;
invoicing a company directly, a PO sent to the office e-mail, a B2B desk to call, lead-generation
spam; and their innocent look-alikes."""

from __future__ import annotations

import pytest
from policy_checks import categories

from gobetween.policy import check


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("You can also just reply here with your stars (1 to 5) and a line about it.", "en"),
        ("Puedes contestar aquí mismo con tus estrellas y dos líneas sobre la freidora.", "es"),
        ("このメッセージに星の数とひとことを返信していただくだけでも結構です。", "ja"),
    ],
)
def test_stars_asked_for_by_reply_are_a_review_request(text: str, lang: str) -> None:
    assert categories(text, lang) == ["review_request"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Just reply with your order number and we'll check.", "en"),
        ("Puede contestar aquí con la talla que necesita.", "es"),
    ],
)
def test_a_reply_asked_for_without_stars_is_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Folgen Sie unserem Brand Store, damit Sie keine Neuheit verpassen.", "de"),
        ("Síguenos en nuestra tienda de marca en Amazon: habrá ofertas flash.", "es"),
    ],
)
def test_following_the_brand_store_is_marketing_not_leaving(text: str, lang: str) -> None:
    assert categories(text, lang) == ["marketing"]


def test_a_past_flash_sale_named_is_no_promotion() -> None:
    text = "Debido a la gran demanda durante la oferta flash, el pedido sale el lunes."
    assert "marketing" not in categories(text, "es")


def test_a_coupon_that_was_not_applied_is_no_promotion() -> None:
    text = "El cupón del 20 % que viste solo se aplicaba si lo activabas antes de comprar."
    assert categories(text, "es") == []


def test_paying_on_the_sellers_own_site_is_off_platform() -> None:
    text = "Vous pouvez régler ce supplément avec Amazon Pay sur notre propre site."
    assert categories(text, "fr", initiation="proactive", contact_reason="customization") == [
        "off_platform"
    ]


def test_an_existing_review_described_is_no_request() -> None:
    text = (
        "商品ページのレビューに「Vineメンバーのカスタマーレビュー」と表示されているものは、"
        "メンバーが商品を無料で受け取って書いたレビューです。"
    )
    assert categories(text, "ja") == []


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("delivery_scheduling", []),
        ("other", ["non_critical_proactive", "redundant_notification"]),
    ],
)
def test_an_arrival_date_schedules_a_delivery(reason: str, expected: list[str]) -> None:
    text = "Su sofá llegará en camión la semana que viene. ¿Qué día le viene bien?"
    assert categories(text, "es", initiation="proactive", contact_reason=reason) == expected


def test_a_shipment_confirmation_is_still_one_when_scheduling() -> None:
    text = "Your order has shipped. Tracking: 1Z999AA10123456784. Which day suits you?"
    assert "redundant_notification" in categories(
        text, "en", initiation="proactive", contact_reason="delivery_scheduling"
    )


def test_a_delivery_confirmation_with_the_participle_at_the_end() -> None:
    text = "Ihr Paket mit den Notizbüchern wurde laut DHL gestern zugestellt."
    assert "redundant_notification" in categories(text, "de", initiation="proactive")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Cancel the marketplace order and we'll invoice you directly on 30-day payment terms.",
            "en",
            ["off_platform"],
        ),
        ("Just send the signed PO to our office e-mail.", "en", ["off_platform"]),
        (
            "Le plus simple est d'appeler notre service B2B au 01 84 88 12 34.",
            "fr",
            ["contact_info", "off_platform"],
        ),
        (
            "Schreiben Sie mir die E-Mail-Adresse Ihrer Buchhaltung, dann läuft alles weitere "
            "direkt über uns.",
            "de",
            ["contact_info", "off_platform"],
        ),
    ],
)
def test_business_orders_taken_off_the_marketplace(
    text: str, lang: str, expected: list[str]
) -> None:
    assert categories(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Amazon will invoice you directly for this order; see Your Orders.", "en"),
        ("The easiest way is to call DHL on the number on the card they left.", "en"),
        ("Wir können Ihnen leider nicht direkt auf Rechnung liefern, bitte über Amazon.", "de"),
    ],
)
def test_the_same_words_on_the_marketplace_are_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


def test_lead_generation_spam_needs_no_response() -> None:
    text = (
        "We help marketplace sellers land 50+ qualified wholesale buyers every month with our "
        "done-for-you lead generation. Grab a free strategy call this week."
    )
    verdict = check(text, {"direction": "buyer_to_seller", "language": "en"})
    assert (verdict.triage, verdict.report) == ("no_response_needed", "spam")


def test_a_partial_shipment_for_lack_of_stock_is_a_stock_notice() -> None:
    text = "Ne abbiamo disponibili solo 120; le altre 80 arriveranno in magazzino tra un mese."
    assert categories(text, "it", initiation="proactive") == [
        "non_critical_proactive",
        "stock_or_delay_notice",
    ]
