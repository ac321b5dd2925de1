"""Language detection among the six languages; short and unclear texts are None."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors.language import (
    _MARKUP_AND_LINKS,
    _NOISE,
    _blank_noise,
    detect_language,
)


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


# Characters that make tags, links and addresses, and others around them.
_NOISY = st.text(alphabet=st.sampled_from(list("<>@/:.hwtpsx é\n\t\u3000\xa0")), max_size=40)


@settings(max_examples=3000, deadline=None)
@given(_NOISY)
@example("<b>foo@example.com")
@example("a>b@c d@ e@@f @g h@i<j> k")
@example("write to x@y.com or see https://a.b/@c and <a href='m@n'>")
def test_blank_noise_is_the_noise_substitution(text: str) -> None:
    """The address branch tried at the start of runs only: the same text as `_NOISE.sub`."""
    assert _blank_noise(text) == _NOISE.sub(" ", text)


def test_the_run_walk_sees_the_spaces_of_the_regex() -> None:
    """`str.isspace` (the walk back to a run's start) and `\\s` (the regex) agree everywhere."""
    space = re.compile(r"\s")
    assert all(
        chr(code).isspace() == (space.match(chr(code)) is not None) for code in range(0x110000)
    )


@settings(max_examples=3000, deadline=None)
@given(_NOISY)
@example("<b>x</b> see http://a.b or www.c.d, hhttps://e w<ww.f")
def test_markup_and_links_led_by_a_class_is_the_plain_alternation(text: str) -> None:
    """`_MARKUP_AND_LINKS`, led by its branches' first characters, blanks what the alternation
    of `_NOISE` without its address branch blanks."""
    plain = re.compile(r"<[^<>]*>|(?:https?://|www\.)\S+")
    assert _MARKUP_AND_LINKS.sub(" ", text) == plain.sub(" ", text)
