"""Refusals, reported questions and negations: a seller who says what it may not do, or answers
the buyer's question about paying elsewhere, invites nothing; a "but" after the refusal does."""

from __future__ import annotations

import pytest
from policy_checks import categories

from gobetween.policy import check


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # The buyer's question repeated before the answer: the channel is the buyer's idea.
        (
            "You asked if you could pay for the engraving by bank transfer. We only take payment "
            "through Amazon.",
            "en",
        ),
        (
            "Sie hatten gefragt, ob Sie per PayPal bezahlen können. Das geht leider nur über "
            "Amazon.",
            "de",
        ),
        ("Vous nous demandez si vous pouvez payer par virement. Tout passe par Amazon.", "fr"),
        (
            "Nos preguntas si puedes pagar por transferencia. Solo cobramos a través de Amazon.",
            "es",
        ),
        ("Ci chiede se può pagare con bonifico. Il pagamento avviene solo tramite Amazon.", "it"),
        ("代金引換でのお支払いは可能か、とのお問い合わせをいただきました。", "ja"),
        # The platform's rules named as the reason nothing is offered.
        (
            "We're not allowed to talk by phone, so let's keep it here: which size did you order?",
            "en",
        ),
        ("Amazon no nos permite hablar por teléfono, así que seguimos por aquí.", "es"),
        ("規約により、お電話でのご案内はいたしかねます。", "ja"),
        # Nothing of value for a review, said as a refusal.
        ("We can't give you anything in exchange for a review, and that's fine.", "en"),
        ("Non possiamo offrire sconti né buoni in cambio di una recensione.", "it"),
        # "No newsletter": none sent.
        ("Wir verschicken keine Newsletter und keine Werbung.", "de"),
    ],
)
def test_a_refusal_or_a_reported_question_invites_nothing(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # What follows "but" holds.
        (
            "We're not supposed to say this, but call us on the shop line after six.",
            "en",
            ["off_platform"],
        ),
        (
            "We don't accept PayPal here, but you can pay by bank transfer instead.",
            "en",
            ["off_platform"],
        ),
        (
            "Nunca pedimos datos por correo, pero llámenos a la tienda y lo vemos.",
            "es",
            ["off_platform"],
        ),
        # A hedge is no refusal.
        (
            "No pressure at all, but a five-star review would mean the world to us.",
            "en",
            ["review_request"],
        ),
    ],
)
def test_a_but_after_the_refusal_still_invites(text: str, lang: str, expected: list[str]) -> None:
    assert categories(text, lang) == expected


def test_you_wont_is_no_prize_notice() -> None:
    # "you won" (a prize) is spam wording; "you won't" is not.
    verdict = check(
        "You won't refund me and you won't answer. Are you going to fix the chair or not?",
        {"direction": "buyer_to_seller", "language": "en"},
    )
    assert (verdict.triage, verdict.report) == ("needs_response", None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gana 500€ al día desde casa, sin experiencia. Plazas limitadas.", "es"),
        ("Guadagna da casa senza esperienza, posti limitati!", "it"),
        ("Work from home, no experience needed, limited spots left.", "en"),
    ],
)
def test_work_from_home_offers_are_spam(text: str, lang: str) -> None:
    verdict = check(text, {"direction": "buyer_to_seller", "language": lang})
    assert (verdict.triage, verdict.report) == ("no_response_needed", "spam")
