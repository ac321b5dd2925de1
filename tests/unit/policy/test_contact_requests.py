"""Requests for the buyer's contact details: the seller's own address is not one; languages."""

from __future__ import annotations

import pytest

from gobetween.policy import check
from gobetween.policy.detectors.contact_requests import find_contact_requests


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("For a faster answer write to us at our email address listed on our website.", "en"),
        ("Schreiben Sie an unsere E-Mail-Adresse auf der Website.", "de"),
        ("Écrivez-nous à notre adresse e-mail indiquée sur le site.", "fr"),
        ("Escríbanos a nuestra dirección de correo de la web.", "es"),
        ("Ci scriva al nostro indirizzo email indicato sul sito.", "it"),
        ("当店のメールアドレスまでご連絡ください。", "ja"),
    ],
)
def test_the_sellers_own_address_is_an_invitation_not_a_request(text: str, lang: str) -> None:
    assert find_contact_requests(text) == []
    verdict = check(text, {"language": lang})
    # Pointing the buyer to the seller's address moves the conversation: off_platform alone.
    assert verdict.categories == ["off_platform"]


@pytest.mark.parametrize(
    "text",
    [
        "Could you send us your email address?",
        "What is your email address so the courier can reach you?",
        "Pourriez-vous nous donner votre adresse e-mail ?",
    ],
)
def test_the_buyers_address_is_still_a_request(text: str) -> None:
    assert [hit.kind for hit in find_contact_requests(text)] == ["email_request"]


def test_a_phrase_of_another_language_is_no_request() -> None:
    text = "Ci contatti direttamente su WhatsApp così facciamo prima."
    assert find_contact_requests(text, frozenset({"it", "en"})) == []
    # Without the language known, the Spanish "su whatsapp" would match.
    assert [hit.language for hit in find_contact_requests(text)] == ["es"]
    assert check(text, {"language": "it"}).categories == ["off_platform"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'm afraid we're not allowed to share a phone number or an email address here.", "en"),
        ("We don't need your email address: the marketplace relays every message.", "en"),
        ("Leider dürfen wir weder eine Telefonnummer noch eine E-Mail-Adresse nennen.", "de"),
        ("Nous ne sommes pas autorisés à vous communiquer un numéro de téléphone.", "fr"),
        ("Nous n'avons pas accès à votre adresse e-mail.", "fr"),
        ("Amazon no nos permite darte un número de teléfono ni una dirección de correo.", "es"),
        ("Amazon non ci consente di fornirle un numero di telefono né un indirizzo email.", "it"),
        ("規約により、メールアドレスをお伝えすることはできかねます。", "ja"),
        ("お客様の電話番号は不要です。", "ja"),
    ],
)
def test_a_refused_request_is_no_request(text: str, lang: str) -> None:
    assert find_contact_requests(text, frozenset({lang, "en"})) == []
    assert "contact_info" not in check(text, {"language": lang}).categories


@pytest.mark.parametrize(
    "text",
    [
        # A refusal in another clause does not reach the request.
        "We can't reach you by courier, what's your phone number?",
        "We never share your data; please send us your phone number for the courier.",
        # Farther than the window: the negation belongs to another thought.
        "We won't need to change anything on the frame or the glass, but could you send us your "
        "phone number?",
        # Not a refusal: "don't hesitate", a negative question asking for it.
        "Please don't hesitate to send us your phone number.",
        "電話番号を教えていただくことはできませんか？",
        "電話番号を教えていただけませんか。",
    ],
)
def test_a_request_near_a_negation_that_does_not_refuse_it_is_still_one(text: str) -> None:
    assert [hit.kind for hit in find_contact_requests(text)] == ["phone_request"]
