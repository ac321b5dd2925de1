"""Buyer-message triage and reports on wording the first rounds did not have: questions without a
question mark, demands in the informal imperative, an emoji alone, a long thank-you letter,
Japanese insults and threats, a payment made at the marketplace's checkout, review-selling spam
in Japanese."""

from __future__ import annotations

import pytest

from gobetween.policy import check


def _buyer(language: str) -> dict[str, object]:
    return {"direction": "buyer_to_seller", "initiation": "reply", "language": language}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "hola el cargador sirve tambien para el modelo anterior el T200 gracias"),
        (
            "it",
            "Buongiorno, vorrei sapere se il coperchio va bene anche per la pentola da 24 cm. "
            "Grazie",
        ),
        ("de", "Hallo, passt das Netzteil auch an das alte Modell. Danke"),
        ("en", "Hi, does it fit the 2019 model as well. Thanks"),
        ("es", "pasame tu numero de cuenta y te hago la transferencia, gracias"),
    ],
)
def test_a_question_or_demand_without_a_question_mark_needs_a_response(
    language: str, text: str
) -> None:
    assert check(text, _buyer(language)).triage == "needs_response"


@pytest.mark.parametrize(("language", "text"), [("en", "👍"), ("ja", "👍"), ("fr", "🙏")])
def test_an_acknowledging_emoji_alone_needs_no_response(language: str, text: str) -> None:
    assert check(text, _buyer(language)).triage == "no_response_needed"


_LETTER = (
    "Bonjour Julien,\n\nJe tenais à vous remercier chaleureusement. Le service à thé est arrivé "
    "en parfait état, emballé avec un soin incroyable, chaque tasse dans son papier de soie. Ma "
    "mère l'a découvert dimanche pour ses 70 ans et elle était aux anges, elle n'arrêtait pas de "
    "le montrer à tout le monde. Merci aussi pour le petit mot manuscrit glissé dans le colis, "
    "c'est ce genre d'attention qui fait la différence. Je n'ai absolument rien à redire, tout "
    "était parfait.\n\nExcellente continuation à votre atelier,\nHélène Marchand"
)


def test_a_long_thank_you_letter_needs_no_response() -> None:
    assert len(_LETTER) > 220
    assert check(_LETTER, _buyer("fr")).triage == "no_response_needed"


def test_a_long_message_with_a_thanks_or_two_needs_a_response() -> None:
    text = (
        "Bonjour, le colis est arrivé hier. La théière a une fissure sur le bec et le couvercle "
        "ne ferme plus correctement depuis le premier usage, l'eau coule sur la table à chaque "
        "fois que je sers le thé, ce qui rend l'objet inutilisable pour nous. Je vous envoie les "
        "photos dans un prochain message. Merci."
    )
    assert len(text) > 220
    assert check(text, _buyer("fr")).triage == "needs_response"


def test_japanese_insults_and_a_threat_are_abuse() -> None:
    text = (
        "ふざけんなよ、このクズ店が。今すぐ返金しろ。しないなら店に乗り込んでぶん殴ってやるからな。"
    )
    verdict = check(text, _buyer("ja"))
    assert (verdict.triage, verdict.report) == ("needs_response", "abuse")


@pytest.mark.parametrize(
    ("language", "text", "report"),
    [
        (
            "en",
            "I paid for the order with PayPal on Amazon at checkout and I can see two charges. "
            "Could you check whether the second one is a duplicate?",
            None,
        ),
        ("en", "Can I pay you with PayPal instead and skip Amazon?", "off_platform_payment"),
    ],
)
def test_a_payment_at_the_marketplaces_checkout_is_not_off_platform(
    language: str, text: str, report: str | None
) -> None:
    assert check(text, _buyer(language)).report == report


def test_japanese_review_selling_is_spam() -> None:
    text = (
        "Amazon出品者様へ。弊社では★5レビューの投稿代行サービスを行っております。"
        "最短3日で評価アップ！"
    )
    verdict = check(text, _buyer("ja"))
    assert (verdict.triage, verdict.report) == ("no_response_needed", "spam")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "de",
            "Eine Abholung mit Barzahlung oder eine andere Zahlung außerhalb von Amazon können wir "
            "leider nicht anbieten; Kauf und Zahlung laufen ausschließlich über Amazon.",
        ),
        (
            "es",
            "El pago se hace solo a través de Amazon; no podemos ofrecer Bizum ni transferencia.",
        ),
    ],
)
def test_a_seller_refusing_outside_payment_is_allowed(language: str, text: str) -> None:
    assert check(text, {"initiation": "reply", "language": language}).categories == []


def test_a_vosotros_demand_with_abuse_needs_a_response() -> None:
    text = "Sois unos estafadores. ¡Devolvedme el dinero YA o os denuncio!"
    verdict = check(text, _buyer("es"))
    assert (verdict.triage, verdict.report) == ("needs_response", "abuse")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("it", "Perfetto, grazie. Nessun problema, aspetto il pacco con calma."),
        ("de", "Alles klar, danke. Kein Problem, ich warte gern."),
        ("fr", "Merci, pas de problème, bonne journée."),
        ("es", "Vale, gracias, ningún problema, espero el paquete."),
        ("en", "Thanks for letting me know, no problem at all."),
    ],
)
def test_no_problem_is_no_problem(language: str, text: str) -> None:
    verdict = check(text, _buyer(language))
    assert (verdict.triage, verdict.report) == ("no_response_needed", None)


def test_a_problem_word_outside_the_set_phrase_still_needs_a_response() -> None:
    verdict = check("Nessun problema con la consegna, ma il coperchio è rotto.", _buyer("it"))
    assert verdict.triage == "needs_response"


@pytest.mark.parametrize(
    ("language", "text", "report"),
    [
        ("en", "I still haven't seen my refund. Friday, or I'm filing a chargeback.", None),
        (
            "de",
            "Sie schicken mir 30 € per PayPal, dann ziehe ich den A-bis-z-Antrag zurück.",
            "off_platform_payment",
        ),
        (
            "es",
            "O me devolvéis el dinero por Bizum hoy o abro una reclamación.",
            "off_platform_payment",
        ),
    ],
)
def test_an_ultimatum_needs_a_response(language: str, text: str, report: str | None) -> None:
    verdict = check(text, _buyer(language))
    assert (verdict.triage, verdict.report) == ("needs_response", report)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Do you sell on Amazon? We recover your FBA reimbursements, no upfront cost."),
        ("es", "¿Vendes en Amazon? Recuperamos tus reembolsos FBA sin coste inicial."),
        ("it", "Vendi su Amazon? Recuperiamo i tuoi rimborsi FBA senza costi iniziali."),
    ],
)
def test_selling_reimbursement_services_to_the_seller_is_spam(language: str, text: str) -> None:
    verdict = check(text, _buyer(language))
    assert (verdict.triage, verdict.report) == ("no_response_needed", "spam")
