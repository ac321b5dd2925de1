"""Language detection among the six languages; short and unclear texts are None."""

from __future__ import annotations

import pytest

from gobetween.policy.detectors.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thank you for your order. Could you confirm the engraving text, please?", "en"),
        ("Vielen Dank für Ihre Bestellung. Können Sie uns den Gravurtext bestätigen?", "de"),
        ("Merci pour votre commande. Pouvez-vous nous confirmer le texte de la gravure ?", "fr"),
        ("Gracias por tu pedido. ¿Puedes confirmarnos el texto del grabado, por favor?", "es"),
        ("Grazie per il suo ordine. Può confermarci il testo dell'incisione, per favore?", "it"),
        ("ご注文ありがとうございます。刻印の内容をご確認ください。", "ja"),
        ("カタカナ", "ja"),  # kana always means Japanese
        ("領収書発行希望。宛名株式会社緑商事。至急対応願。", "ja"),  # kanji only
        ("Danke, passt!", None),  # too short
        ("OK 👍", None),
        ("", None),
        ("1234567890 " * 30, None),
        ("Dziękujemy za zamówienie, prosimy o potwierdzenie tekstu grawerunku.", None),  # Polish
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_never_raises_on_lone_surrogates() -> None:
    assert detect_language("abc \ud800 " * 10) in (None, "en")
