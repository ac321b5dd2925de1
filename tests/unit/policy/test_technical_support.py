"""Technical support and order confirmations: a remote-desktop session (AnyDesk, TeamViewer,
"Fernwartung") takes the conversation off the marketplace, while a warning about such tools does
not; an order-received confirmation sent proactively is a redundant notification; a display that
"muestra" (shows) an error offers no free sample; and on a marketplace-fulfilled order a German
"Ich schicke Ihnen … ein neues …" is the seller replacing the item itself, while "Wir schicken
Ihnen die Anleitung" is not."""

from __future__ import annotations

import pytest
from policy_checks import categories


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Install TeamViewer and send me the ID and password here, I'll fix it remotely.", "en"),
        ("Installieren Sie AnyDesk, dann richte ich den Drucker per Fernwartung ein.", "de"),
        ("Installez AnyDesk et donnez-moi le code, je prends la main à distance.", "fr"),
        ("Podemos hacer una sesión de asistencia remota y lo configuro yo.", "es"),
        ("Possiamo fare una sessione di assistenza remota se vuole.", "it"),
        ("リモートサポートで設定いたしますので、IDをお知らせください。", "ja"),
    ],
)
def test_a_remote_desktop_session_is_off_platform(text: str, lang: str) -> None:
    assert categories(text, lang) == ["off_platform"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Never share your AnyDesk ID with anyone who contacts you.", "en"),
        ("Wir bieten keine Fernwartung an, bitte wenden Sie sich an den Hersteller.", "de"),
        ("The camera supports remote viewing from the app once it is paired.", "en"),
    ],
)
def test_warnings_and_product_features_are_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We have received your order and will ship it tomorrow.", "en"),
        ("Ihre Bestellung ist bei uns eingegangen und wird morgen versendet.", "de"),
        ("Bonjour, nous avons bien reçu votre commande. Merci !", "fr"),
        ("Hemos recibido tu pedido y lo enviaremos mañana.", "es"),
        ("Buongiorno, le confermiamo che il suo ordine è stato ricevuto.", "it"),
        ("ご注文を受け付けました。", "ja"),
    ],
)
def test_an_order_received_confirmation_is_a_redundant_notification(text: str, lang: str) -> None:
    assert categories(text, lang, initiation="proactive") == [
        "non_critical_proactive",
        "redundant_notification",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Have you received your order yet?",
        "Nach Eingang Ihrer Bestellung fertigen wir die Gravur an.",
    ],
)
def test_asking_about_or_describing_receipt_is_not(text: str) -> None:
    lang = "de" if "Bestellung" in text else "en"
    assert "redundant_notification" not in categories(text, lang, initiation="proactive")


def test_a_delay_in_weeks_is_a_delay_notice() -> None:
    text = "Sorry, your order will be about a week late because our supplier let us down."
    assert categories(text, "en", initiation="proactive") == [
        "non_critical_proactive",
        "stock_or_delay_notice",
    ]


def test_a_display_that_shows_an_error_offers_no_sample() -> None:
    text = 'Si la pantalla muestra "Err", cambie las pilas. Déjenos una reseña.'
    assert categories(text, "es") == ["review_request"]
    offer = "Le enviamos una muestra gratis si deja una reseña."
    assert categories(offer, "es") == ["review_incentive", "review_request"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich schicke Ihnen dann direkt von uns ein neues Netzteil zu.", ["fba_customer_service"]),
        ("Wir schicken Ihnen gern die Anleitung als PDF.", []),
        ("Bitte wenden Sie sich an Amazon, dort bekommen Sie ein neues Gerät.", []),
    ],
)
def test_sending_a_new_one_on_a_marketplace_order(text: str, expected: list[str]) -> None:
    assert categories(text, "de", fulfillment="marketplace") == expected


# Evasion: the same rules reached by other words.


def test_a_refusal_to_take_outside_payments_is_not_an_invitation() -> None:
    text = "We can't take PayPal, bank transfers or any other payment outside Amazon anyway."
    assert categories(text, "en") == []
    assert categories("You can pay me by PayPal or bank transfer instead.", "en") == [
        "off_platform"
    ]


def test_a_euro_sign_inside_a_word_reads_as_an_e() -> None:
    text = "Wenn Sie 5 St€rne dalassen, lege ich Ihnen noch etwas Schönes mit ins Paket."
    assert categories(text, "de") == ["review_incentive", "review_request"]
    # Beside a digit it is an amount.
    assert categories("Der Bezug kostet 45€ oder €45 mit Versand.", "de") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("NEU: Herbstkollektion – 3 kaufen, 2 bezahlen", "de"),
        ("3 pour le prix de 2 sur toute la gamme", "fr"),
        ("Oferta 3x2 en todas las fundas", "es"),
        ("Prendi 3 paghi 2 su tutte le candele", "it"),
    ],
)
def test_multi_buy_offers_are_marketing(text: str, lang: str) -> None:
    assert categories(text, lang) == ["marketing"]


def test_dimensions_written_like_an_offer_are_not() -> None:
    assert categories("La alfombra mide 3x2 metros.", "es") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Pas la peine de repasser par la plateforme : un virement et je vous l'envoie.", "fr"),
        ("I dati per il bonifico li trova nella foto allegata.", "it"),
        ("Las novedades las publicamos primero en Instagram.", "es"),
        ("Neue Farben zeigen wir immer zuerst auf Instagram.", "de"),
        ("Am besten schreiben Sie mir direkt, da antworte ich schneller.", "de"),
    ],
)
def test_moving_elsewhere_in_other_words_is_off_platform(text: str, lang: str) -> None:
    assert "off_platform" in categories(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Pour un retour, pas besoin de passer par la Poste, le transporteur passe.", "fr"),
        ("We post your parcel with DHL tomorrow.", "en"),
        ("Feel free to write to me directly here in the Amazon messages.", "en"),
    ],
)
def test_the_same_words_without_leaving_are_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("P.S. Stars are the lifeblood of tiny makers like us – you know what to do.", "en"),
        ("Unas palabras bonitas donde siempre nos ayudarían mucho.", "es"),
        ("Ein paar nette Worte an der üblichen Stelle würden uns sehr freuen.", "de"),
    ],
)
def test_a_review_asked_for_in_other_words(text: str, lang: str) -> None:
    assert categories(text, lang) == ["review_request"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "The glow-in-the-dark stars stick to any ceiling; you know what to do with the pads.",
            "en",
        ),
        ("Small shops like us print the stars by hand.", "en"),
        ("Lo trova al solito posto, con le stelle dorate.", "it"),
    ],
)
def test_stars_and_kind_words_without_the_ask_are_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Your review mentions the old model; if you could update it, that would be great.", "en"),
        ("Ihre Bewertung bezieht sich auf das alte Modell – könnten Sie sie aktualisieren?", "de"),
        ("Le commentaire que vous avez laissé est ancien : si vous pouviez le modifier…", "fr"),
        ("Su reseña habla del modelo antiguo; si pudiera actualizarla, se lo agradecería.", "es"),
        ("La sua recensione parla del vecchio modello: potrebbe aggiornarla?", "it"),
    ],
)
def test_a_change_asked_for_with_a_pronoun(text: str, lang: str) -> None:
    assert categories(text, lang) == ["review_change_request"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("About your review: the manual was wrong, so we decided to update it on our site.", "en"),
        ("La recensione del manuale era sbagliata e abbiamo deciso di aggiornarlo.", "it"),
        (
            "Le livreur a laissé un avis de passage : vous pouvez le retirer au bureau de poste.",
            "fr",
        ),
        (
            "Le colis est gardé au bureau indiqué sur cet avis ; présentez-vous pour le retirer.",
            "fr",
        ),
    ],
)
def test_a_pronoun_change_nobody_is_asked_for_is_not(text: str, lang: str) -> None:
    assert categories(text, lang) == []
