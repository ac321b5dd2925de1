"""Review changes asked as a condition, payment on the seller's own site, messenger handles, a
payment address asked for, and a buyer closing the case: each with the allowed wording next to it
that the same words must not block."""

from __future__ import annotations

import pytest

from gobetween.policy import check


def _reply(language: str) -> dict[str, object]:
    return {"initiation": "reply", "language": language}


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "We will refund you once you have removed the negative review.",
            {"review_change_request", "review_incentive"},
        ),
        (
            "fr",
            "Nous lancerons le remboursement dès que vous aurez supprimé l'avis négatif.",
            {"review_change_request", "review_incentive"},
        ),
        (
            "es",
            "Le devolvemos el envío en cuanto haya eliminado la reseña negativa.",
            {"review_change_request"},
        ),
        (
            "de",
            "Sobald Sie die Bewertung entfernt haben, erstatten wir den Betrag.",
            {"review_change_request", "review_incentive"},
        ),
        (
            "de",
            "Wären Sie so nett, Ihre Bewertung noch einmal anzupassen?",
            {"review_change_request"},
        ),
        # A change already made, told without a condition, asks nothing.
        ("en", "I have updated the review section of the manual we sent you.", set()),
        ("en", "Amazon removed the review because it contained a link.", set()),
        ("en", "If you have changed your mind about the colour, you can return it.", set()),
    ],
)
def test_a_review_change_asked_as_a_condition(language: str, text: str, expected: set[str]) -> None:
    assert set(check(text, _reply(language)).categories) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "You can pay the difference on our website and we ship the XL.", {"off_platform"}),
        (
            "de",
            "Die Differenz können Sie in Ihrem Kundenkonto auf unserer Website bezahlen.",
            {"off_platform"},
        ),
        (
            "fr",
            "Vous pouvez régler la différence dans votre espace client sur notre site.",
            {"off_platform"},
        ),
        ("it", "Può pagare la differenza sul nostro sito.", {"off_platform"}),
        # A negation right before the site, or a refusal in the sentence.
        ("en", "Payment is only possible through Amazon, not on our website.", set()),
        ("fr", "Le paiement se fait uniquement sur Amazon, pas sur notre site.", set()),
        ("it", "Il pagamento avviene solo su Amazon, non sul nostro sito.", set()),
        (
            "en",
            "Your payment was processed by Amazon; our website only shows the catalogue.",
            set(),
        ),
    ],
)
def test_payment_on_the_sellers_own_site(language: str, text: str, expected: set[str]) -> None:
    assert set(check(text, _reply(language)).categories) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "My Instagram is @brandt_bikes", {"off_platform"}),
        (
            "de",
            "Schicken Sie mir ein Foto vom Ausfallende per Telegram an @brandt_radteile.",
            {"off_platform"},
        ),
        # An e-mail address is not a handle: contact information alone.
        ("en", "My address is brandt@bikes.example", {"contact_info"}),
        # A carrier's handle, no messenger invitation.
        ("en", "The carrier posts delays on its status page; their account is @dhl_de.", set()),
    ],
)
def test_a_messenger_named_next_to_a_handle(language: str, text: str, expected: set[str]) -> None:
    assert set(check(text, _reply(language)).categories) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Envíeme su dirección de PayPal y le devuelvo el dinero."),
        ("it", "Mi mandi il suo indirizzo PayPal e le rimborso la differenza."),
        ("en", "Please send me your PayPal address so I can refund you."),
    ],
)
def test_asking_for_a_paypal_address_moves_the_payment(language: str, text: str) -> None:
    assert set(check(text, _reply(language)).categories) == {"contact_info", "off_platform"}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Envíeme una foto del defecto, por favor; no aceptamos PayPal ni transferencias."),
        ("it", "Mi mandi una foto del difetto; il pagamento avviene solo su Amazon."),
    ],
)
def test_send_me_without_a_payment_channel_is_allowed(language: str, text: str) -> None:
    assert check(text, _reply(language)).categories == []


@pytest.mark.parametrize(
    ("language", "text", "triage"),
    [
        (
            "it",
            "Grazie, il pezzo è arrivato e funziona tutto. Potete pure chiudere la pratica.",
            "no_response_needed",
        ),
        ("de", "Danke, alles angekommen. Sie können den Fall schließen.", "no_response_needed"),
        ("it", "Per favore non chiudete la pratica, il problema c'è ancora.", "needs_response"),
        ("en", "Please don't close the case yet, the lamp still flickers.", "needs_response"),
    ],
)
def test_a_buyer_closing_the_case(language: str, text: str, triage: str) -> None:
    verdict = check(text, {"direction": "buyer_to_seller", "language": language})
    assert verdict.triage == triage


@pytest.mark.parametrize(
    ("reason", "text", "expected"),
    [
        (
            "customization",
            "Hallo Frau Sommer, leider ist der Stoff in Salbeigrün gerade nicht vorrätig. Ihre "
            "Bestellung verschiebt sich dadurch um etwa 10 Tage. Wir bitten um Verständnis!",
            {"non_critical_proactive", "stock_or_delay_notice"},
        ),
        (
            "delivery_scheduling",
            "Good news, Tom! Your order shipped today with DPD, estimated delivery Friday. No "
            "action needed on your side.",
            {"non_critical_proactive", "redundant_notification"},
        ),
        # Asking the buyer to choose serves the reason (the delay rule reads it so too).
        (
            "customization",
            "Your order will be delayed by two weeks because the sage fabric is sold out. Would "
            "the olive one suit your cushion instead?",
            set(),
        ),
        (
            "delivery_scheduling",
            "Your sofa has shipped. Please tell us which weekday suits you for the delivery slot.",
            {"redundant_notification"},
        ),
    ],
)
def test_a_notice_under_a_reason_for_asking_that_asks_nothing(
    reason: str, text: str, expected: set[str]
) -> None:
    context = {"initiation": "proactive", "contact_reason": reason, "fulfillment": "seller"}
    assert set(check(text, context).categories) == expected
