"""Rules that read a message as mail is laid out: a thank-you's signature block and footer, and a
buyer's reply pasted with the seller's message quoted below it."""

from __future__ import annotations

import pytest

from gobetween.policy import check
from gobetween.policy.sentences import is_signature_line, new_text_end

_PROACTIVE = {"initiation": "proactive", "contact_reason": "other"}
_BUYER = {"direction": "buyer_to_seller", "initiation": "reply", "language": "fr"}


@pytest.mark.parametrize(
    "text",
    [
        # An address line and an unsubscribe footer after the sign-off.
        "Dear Sophie,\n\nThank you so much for choosing us for your candle set. It means a great "
        "deal to a small family business like ours.\n\nWarm regards,\nHannah & James\nWillow & "
        "Wick Candle Co.\nThe Old Dairy, Church Street, Ludlow SY8 1AP\n\nYou are receiving this "
        "message because you bought from Willow & Wick. To unsubscribe, reply STOP.",
        # The company line is longer than a short signature line, but ends no sentence.
        "Gentile Sig. Marino,\n\ndesideriamo ringraziarLa sentitamente per aver scelto la "
        "nostra bottega.\n\nCon i più cordiali saluti\n\nLa famiglia Bartolucci\nCeramiche "
        "Bartolucci – Via Tiberina 27 – 06053 Deruta (PG)",
        # A Japanese letter: the opening wishes, the thanks, 敬具, the date and the shop.
        "中村 様\n\n拝啓 初秋の候、ますますご健勝のこととお慶び申し上げます。\n\nこのたびは当店を"
        "お選びいただき、誠にありがとうございました。\n\n敬具\n\n株式会社タオルの森\n"
        "〒794-0042 愛媛県今治市旭町3-1-15",
        # A register line with a full stop is a footer line by its words.
        "Hi Tom,\n\nThanks a lot for your order!\n\nBest,\nAnna\nLumo Ltd. Registered in England "
        "and Wales, company number 01234567.",
    ],
)
def test_thanks_with_a_signature_block_and_footer_is_thank_you_only(text: str) -> None:
    assert "thank_you_only" in check(text, _PROACTIVE).categories


@pytest.mark.parametrize(
    "after",
    [
        "P.S. Your order ships on Monday from our Leeds workshop, tracked.",
        "We have also checked the lid you asked about, and it fits the 2 l jar.",
    ],
)
def test_a_sentence_after_the_signature_stays_part_of_the_body(after: str) -> None:
    text = f"Hi Tom,\n\nThanks a lot for your order!\n\nBest,\nAnna\n\n{after}"
    assert "thank_you_only" not in check(text, _PROACTIVE).categories
    # The same thanks without it is thanks only.
    alone = "Hi Tom,\n\nThanks a lot for your order!\n\nBest,\nAnna"
    assert "thank_you_only" in check(alone, _PROACTIVE).categories


def test_a_footers_off_platform_words_do_not_make_thanks_a_message_about_something_else() -> None:
    text = (
        "Hi Tom,\n\nThank you for your order, we hope you love it!\n\nKind regards,\nAnna\n\n"
        "To unsubscribe from these messages, visit https://lumo.example/unsubscribe"
    )
    categories = check(text, _PROACTIVE).categories
    # The unsubscribe link is still its own violation.
    assert {"thank_you_only", "off_platform", "external_link"} <= set(categories)


def test_a_sign_off_in_the_first_line_does_not_end_the_body() -> None:
    text = "Best wishes from all of us\nThe lid you asked about ships tomorrow."
    assert "thank_you_only" not in check(text, _PROACTIVE).categories


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hannah & James", True),
        ("Willow & Wick Candle Co.", True),
        ("Ceramiche Bartolucci – Via Tiberina 27 – 06053 Deruta (PG)", True),
        ("", True),
        ("Your order ships on Monday from our Leeds workshop.", False),
        ("one two three four five six seven eight nine ten eleven twelve thirteen", False),
    ],
)
def test_signature_lines(line: str, expected: bool) -> None:
    assert is_signature_line(line) is expected


_QUOTED = (
    "Bien reçu ce matin, tout est en parfait état. Merci !\n\nCordialement,\nIsabelle Moreau\n\n"
    "Le mar. 4 juin 2024 à 10:12, Les Confitures du Vercors a écrit :\n"
    "> Bonjour Madame Moreau,\n> Votre colis a été remis à Colissimo le 03/06/2024.\n"
    "> Pourriez-vous nous dire s'il est bien arrivé ?\n> Julien Marchand"
)


def test_the_new_text_ends_before_the_attribution_of_the_quote() -> None:
    end = new_text_end(_QUOTED)
    assert _QUOTED[:end].endswith("Isabelle Moreau")


@pytest.mark.parametrize(
    "text",
    [
        "No quote here, is it?",
        "> Only a quote\n> and nothing new",
        "\n\n  > a quote under blank lines\nthen the answer",
    ],
)
def test_without_new_text_before_a_quote_the_whole_text_counts(text: str) -> None:
    assert new_text_end(text) == len(text)


def test_a_quote_without_attribution_ends_the_new_text_at_the_first_quoted_line() -> None:
    text = "Got it, thanks.\n\n> Your parcel left today."
    assert text[: new_text_end(text)] == "Got it, thanks."


def test_a_buyers_thanks_over_a_quoted_question_needs_no_response() -> None:
    # The question mark and the length are the seller's quoted words, not the buyer's.
    assert check(_QUOTED, _BUYER).triage == "no_response_needed"
    # The buyer's own question still needs an answer.
    asked = _QUOTED.replace("Merci !", "Merci ! Et pour la facture ?")
    assert check(asked, _BUYER).triage == "needs_response"


def test_a_payment_demand_quoted_from_the_seller_is_not_the_buyers() -> None:
    text = (
        "Thanks, all clear now.\n\nOn Tue, 4 Jun 2024 at 10:12, Shop wrote:\n"
        "> You can pay the rest by PayPal friends and family to shop@example.com"
    )
    verdict = check(text, {**_BUYER, "language": "en"})
    assert verdict.report is None
    assert verdict.triage == "no_response_needed"


def test_a_greeting_sentence_and_a_closing_emoji_are_part_of_a_thank_you() -> None:
    text = (
        "¡Hola Andrés! Solo queríamos darte las gracias por tu compra. Esperamos que disfrutes "
        "mucho de tu cafetera. ¡Un abrazo de todo el equipo de Café Alba! ☕"
    )
    context = {**_PROACTIVE, "language": "es"}
    assert {"thank_you_only", "prohibited_media"} <= set(check(text, context).categories)


_OUTLOOK = (
    "Danke für die Info, dann warte ich einfach noch ab.\n\nViele Grüße\nSabine Köhler\n\n"
    "-----Ursprüngliche Nachricht-----\nVon: Gartenwelt Rhein\nGesendet: Dienstag, 8. April 2025\n"
    "Betreff: Ihre Bestellung\n\nDie Sendung sollte bis Donnerstag ankommen. Können wir sonst "
    "noch etwas für Sie tun?"
)


def test_a_clients_separator_line_ends_the_new_text() -> None:
    assert _OUTLOOK[: new_text_end(_OUTLOOK)].endswith("Sabine Köhler")
    verdict = check(_OUTLOOK, {**_BUYER, "language": "de"})
    assert verdict.triage == "no_response_needed"


@pytest.mark.parametrize(
    "separator",
    [
        "-----Original Message-----",
        "-----Message d'origine-----",
        "________________________________",
    ],
)
def test_client_separators(separator: str) -> None:
    text = f"Got it, thanks.\n\n{separator}\nFrom: Shop\nCan we help with anything else?"
    assert text[: new_text_end(text)] == "Got it, thanks."


def test_a_dashed_line_inside_the_new_text_before_any_quote_is_kept_when_nothing_precedes() -> None:
    # A separator with nothing before it is no reply above a quote.
    text = "-----Original Message-----\nFrom: Shop\nIs the lamp dimmable?"
    assert new_text_end(text) == len(text)


def test_a_greeting_opening_a_long_sentence_does_not_make_it_thanks() -> None:
    text = (
        "Bonjour Madame Dubois, pour graver votre bracelet il nous manque le texte : le champ est "
        "resté vide. Vous pouvez saisir la gravure sur la page de personnalisation de votre "
        "commande. Merci d'avance, Hélène Clément"
    )
    context = {"initiation": "proactive", "contact_reason": "customization", "language": "fr"}
    assert "thank_you_only" not in check(text, context).categories
