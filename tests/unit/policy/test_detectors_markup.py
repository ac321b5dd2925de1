"""Markup detector: HTML tags and styling, tracking pixels, body images, GIF references."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import markup
from gobetween.policy.detectors.markup import find_markup


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ('<span style="color:#c0392b;font-weight:bold">Yes!</span> ok', ["styling", "html_tag"]),
        (
            '<img src="https://t.mailtrk.io/o/5521.gif" width="1" height="1" alt="">',
            ["tracking_pixel"],
        ),
        ('<IMG SRC="x.png" style="display:none">', ["tracking_pixel"]),
        ('<img src="cid:hearth-logo.png" alt="Hearth & Home Candles logo">', ["image"]),
        ("<b>Sale</b>", ["html_tag", "html_tag"]),
        ("line<br>break", ["html_tag"]),
        ('<font color="red">x</font>', ["html_tag", "html_tag"]),
        ("![logo](https://x.example/logo.png)", ["image"]),
        ("data:image/png;base64,iVBORw0KGgo=", ["image"]),
        ("[image: logo.png]", ["image"]),
        ("here is a fun one: party.gif", ["gif"]),
        ("https://giphy.com/gifs/happy-dance", ["gif"]),
        ("[GIF]", ["gif"]),
    ],
)
def test_finds_markup(text: str, kinds: list[str]) -> None:
    assert [h.kind for h in find_markup(text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "I <3 it",
        "price < 20 and > 10",
        "Write to <john@example.com>",
        "the <engraving text> you sent",
        "a gift for you",
        "GIFT wrapping",
        "size [M] please",
    ],
)
def test_skips_prose(text: str) -> None:
    assert find_markup(text) == []


_PIECES = st.sampled_from(
    [
        *("gif", "GIF", "GiPhY", "tenor.com", "TENOR.COM", "data:image", "DATA:Image", "g", "if"),
        *("é", "É", "ß", "µ", "ÿ", "İ", "K", "日本", " ", ".", ":", "x", "Ä"),
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_needles_are_found_as_in_the_lowered_text(text: str) -> None:
    lowered = markup._needle_view(text)[0]
    for needle in markup._NEEDLE_BYTES:
        assert (lowered.find(markup._NEEDLE_BYTES[needle]) >= 0) == (needle in text.lower())


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["GIF", "gif", ".Gif", "giphy.COM", "tenor.com", "DATA:image/", "[Image", "![", "x"]
        )
        | st.text(alphabet=st.characters(max_codepoint=255), max_size=6),
        max_size=8,
    ).map("".join)
)
def test_the_needles_are_found_where_the_lowered_text_has_them(text: str) -> None:
    lowered = markup._needle_view(text)[0]
    for needle in markup._NEEDLE_BYTES:
        assert (lowered.find(markup._NEEDLE_BYTES[needle]) >= 0) == (needle in text.lower()), needle


def test_beyond_latin1_only_the_characters_the_needles_cannot_use_lower_to_ascii() -> None:
    """Why the needles may be looked for in text encoded with "?" for every character beyond
    ASCII: of those characters only İ and the Kelvin sign lower to something holding an ASCII
    character, and no needle holds a "k" or ends with an "i"."""
    lowering_to_ascii = {
        chr(code)
        for code in range(0x80, 0x110000)
        if not 0xD800 <= code <= 0xDFFF and any(c.isascii() for c in chr(code).lower())
    }
    assert lowering_to_ascii == {"\u0130", "\u212a"}
    assert "\u0130".lower() == "i\u0307"
    assert "\u212a".lower() == "k"
    for needle in markup._NEEDLE_BYTES:
        assert "k" not in needle
        assert not needle.endswith("i")
        assert "?" not in needle


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("gifGIFİıK日✓ .[]:/!datmeophy")), max_size=24))
def test_the_needles_beyond_latin1_are_found_as_in_the_lowered_text(text: str) -> None:
    lowered = markup._needle_view(text + "日")[0]
    for needle in markup._NEEDLE_BYTES:
        assert (lowered.find(markup._NEEDLE_BYTES[needle]) >= 0) == (
            needle in (text + "日").lower()
        ), needle
