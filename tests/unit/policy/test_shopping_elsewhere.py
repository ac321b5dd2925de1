"""Sending the buyer to shop elsewhere (the seller's own site, a search for the shop on Google,
Etsy or eBay) is an invitation to move and to shop: `off_platform` and `marketing`. The same
places named for a manual, a fix or a part are not."""

from __future__ import annotations

import pytest
from policy_checks import categories

from gobetween.policy import check


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The refills are cheaper on our own website, so order them there next time.", "en"),
        ("Just search for Birch & Bloom on Etsy, we have the matching napkins there.", "en"),
        ("Suchen Sie bei Google nach „Kerzenhof Lenz“, dort finden Sie unser Sortiment.", "de"),
        ("Tapez « Atelier Sauge » sur Google : nous y vendons toute la gamme.", "fr"),
        ("Búsquenos en eBay como «Textil Arlanza», allí tenemos más colores.", "es"),
        ("Le ricariche le trova sul nostro sito, costano meno che qui.", "it"),
        ("次回は当店の公式サイトからご注文いただくと割安です。", "ja"),
    ],
)
def test_sending_the_buyer_to_shop_elsewhere(text: str, lang: str) -> None:
    assert categories(text, lang) == ["marketing", "off_platform"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("If you search for the error code on Google you'll find the fix in two minutes.", "en"),
        ("Search the marketplace for part number KX-300 and you'll see the right filter.", "en"),
        ("We don't sell that size, sorry: we only make the small one.", "en"),
        ("Cerca il codice E4 su Google: è un errore del sensore, si risolve da solo.", "it"),
    ],
)
def test_the_same_places_named_for_help_are_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # The carrier's text message is no invitation to write by SMS.
        ("Der Paketdienst kündigt die Lieferung per SMS an.", "de", []),
        # Refusing anything in return for a review change asks for no change.
        ("We can't offer anything in return for changing a review, that's up to you.", "en", []),
        (
            "If you don't mind, could you remove the review once the new one arrives?",
            "en",
            ["review_change_request"],
        ),
        # The Japanese "we do not do that".
        ("LINEでのやり取りは行っておりません。", "ja", []),
    ],
)
def test_refusals_and_third_parties(text: str, lang: str, expected: list[str]) -> None:
    assert categories(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "report"),
    [
        (
            "Can you just PayPal me the £20 back? My PayPal is sam.k@gmail.com",
            "en",
            "off_platform_payment",
        ),
        (
            "I paid with PayPal when I checked out. The refund still isn't showing in my PayPal "
            "account, can you check?",
            "en",
            None,
        ),
        ("注文時にPayPalで支払いました。返金はPayPalに戻りますか？", "ja", None),
        # Asking for the refund another way than the marketplace's is still a payment demand.
        (
            "Please refund me via PayPal instead of the original payment method, my card is "
            "cancelled.",
            "en",
            "off_platform_payment",
        ),
        (
            "Bitte überweisen Sie das Geld zurück auf mein PayPal-Konto.",
            "de",
            "off_platform_payment",
        ),
    ],
)
def test_buyers_paypal_requests_and_paypal_at_checkout(
    text: str, lang: str, report: str | None
) -> None:
    verdict = check(text, {"direction": "buyer_to_seller", "language": lang})
    assert (verdict.triage, verdict.report) == ("needs_response", report)


def test_a_refund_going_back_to_the_buyers_paypal_is_no_invitation() -> None:
    text = "The refund goes back to your PayPal account through Amazon within five days."
    assert categories(text, "en") == []
