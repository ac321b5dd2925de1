"""The language detector cleans and looks for kana only where the patterns can match.

Before pycld2 reads a text, its markup, links and addresses are blanked out (`_NOISE`) when it
holds a "<", "@" or "/"; the substitution now runs only when one of the pattern's branches can
match, and without the address branch when there is no "@". Latin-1 text is not scanned for kana.
These tests compare both with the detector's first-written steps on texts built from the
patterns' pieces.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.detectors.language as language

_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "<b>",
        "</p>",
        "@",
        "anna@",
        "shop.de",
        "/",
        "24/7",
        "://",
        "http://",
        "https://",
        "HTTP://",
        "www.",
        "WWW.",
        "www",
        ".",
        ":",
        " ",
        "\n",
        "\t",
        "word",
        "é",
        "ß",
        "カタカナ",
        "ｶ",
        "漢字",
    ]
)


def _cleaned_as_first_written(text: str) -> str:
    if "<" in text or "@" in text or "/" in text:
        return language._NOISE.sub(" ", text)
    return text


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_noise_is_blanked_as_before(text: str) -> None:
    assert language._without_noise(text) == _cleaned_as_first_written(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_noise_is_blanked_as_before_in_any_text(text: str) -> None:
    assert language._without_noise(text) == _cleaned_as_first_written(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join) | st.text(max_size=60))
def test_latin1_text_holds_no_kana(text: str) -> None:
    if language._in_latin1(text):
        assert language._KANA.search(text) is None


def test_latin1_is_told_from_other_text() -> None:
    assert language._in_latin1("plain ascii")
    assert language._in_latin1("Grüße, à bientôt, ¿qué tal?")
    assert not language._in_latin1("Preis 20 €")
    assert not language._in_latin1("カタカナ")
    assert not language._in_latin1("abc \ud800")


def test_addresses_links_and_tags_are_still_blanked() -> None:
    assert language._without_noise("mail anna@shop.de now") == "mail   now"
    assert language._without_noise("see https://x.example/a now") == "see   now"
    assert language._without_noise("see www.x.example or 24/7") == "see   or 24/7"
    assert language._without_noise("a <b>bold</b> word") == "a  bold  word"
    # No "<", "@" or "/": a bare www address is left to pycld2, as it always was.
    assert language._without_noise("see www.x.example now") == "see www.x.example now"


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é1_ -\nカ漢Ωß"), max_size=60) | st.text(max_size=60))
def test_enough_letters_is_twenty_letters_or_more(text: str) -> None:
    enough = language._ENOUGH_LETTERS.search(text) is not None
    assert enough == (len(language._LETTERS.findall(text)) >= language._MIN_LETTERS)
