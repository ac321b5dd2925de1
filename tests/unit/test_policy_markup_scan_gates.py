"""The markup detector skips its image and GIF scans only where they cannot match.

In ASCII and Latin-1 text, every match of `_IMAGE` and of `_GIF` holds one of the needles
(`_IMAGE_NEEDLES`, `_GIF_NEEDLES`) once lowered, so a text without them is not scanned. These tests
check that property on texts built from the patterns' pieces in mixed case, and that the
detector still finds the media of each kind.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.detectors.markup as markup
from gobetween.policy.detectors.markup import find_markup

_PIECES = st.sampled_from(
    [
        "gift",
        "GIF",
        "gif",
        ".",
        ".Gif",
        "giphy",
        ".com",
        "Tenor",
        "gfycat",
        "[",
        "]",
        "!",
        "(",
        ")",
        "x.png",
        "image",
        "IMG",
        "Logo",
        "bild",
        "imagen",
        "Immagine",
        "data:",
        "Image/png;base64,",
        "abc=",
        " ",
        "\n",
        "é",
        "ß",
        "ÿ",
        "/",
        ":",
        "a",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_a_match_holds_a_needle(text: str) -> None:
    lowered = markup._needle_view(text)[0]
    if markup._IMAGE.search(text) is not None:
        assert any(lowered.find(needle) >= 0 for needle in markup._IMAGE_NEEDLE_BYTES)
    if markup._GIF.search(text) is not None:
        assert any(lowered.find(needle) >= 0 for needle in markup._GIF_NEEDLE_BYTES)


def test_media_found_and_gift_is_not_a_gif() -> None:
    assert [hit.kind for hit in find_markup("A gift for you, with a gift card.")] == []
    assert [hit.kind for hit in find_markup("See Funny.GIF and [Image: logo]")] == ["gif", "image"]
    assert [hit.kind for hit in find_markup("Größe: ![x](a.png) giphy.com/x")] == ["image", "gif"]
    assert [hit.kind for hit in find_markup("Ein Geschenk [gif] für Sie")] == ["gif"]
    assert [hit.kind for hit in find_markup("data:image/png;base64,AAAA gift")] == ["image"]
    # Beyond Latin-1 the dotless ı matches "i" case-insensitively: once "gif" is in the text,
    # the scan still runs there.
    assert [hit.kind for hit in find_markup("a gift: resim.GıF ✓")] == ["gif"]
