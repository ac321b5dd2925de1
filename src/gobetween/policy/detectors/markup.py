"""HTML markup, styling, tracking pixels, images or logos in the body and GIF references.

Only real HTML tag names count as tags, so `<3`, `<john@example.com>` and `a < b > c` stay
prose. An `<img>` of 1×1 pixels (or hidden) is a tracking pixel; any other `<img>`, an inline
`data:image/…`, a Markdown image or `[image: …]`/`[GIF]` placeholder is an image in the body;
`.gif` files and GIF hosts (giphy, tenor) are GIFs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MarkupKind = Literal["tracking_pixel", "image", "gif", "styling", "html_tag"]

_TAG_NAMES = (
    "a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|big|blink|blockquote|body|br|button|"
    "canvas|caption|center|cite|code|col|colgroup|dd|del|details|dfn|dialog|div|dl|dt|em|embed|"
    "fieldset|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|"
    "ins|kbd|label|legend|li|link|main|map|mark|marquee|meta|meter|nav|noscript|object|ol|"
    "optgroup|option|output|p|param|picture|pre|progress|q|s|samp|script|section|select|small|"
    "source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|"
    "th|thead|time|title|tr|track|tt|u|ul|var|video|wbr"
)
_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_PIXEL = re.compile(
    r"\b(?:width|height)\s*[=:]\s*[\"']?\s*[01](?:px)?\b|display\s*:\s*none|visibility\s*:\s*hidden",
    re.IGNORECASE,
)
_STYLING = re.compile(r"\bstyle\s*=|<style\b|\bclass\s*=\s*[\"']|\bbgcolor\s*=", re.IGNORECASE)
_IMAGE = re.compile(
    r"!\[[^\]\n]*\]\([^)\s]+\)|data:image/[a-z+.-]+;base64,[a-z0-9+/=]+|\[(?:image|img|logo|bild|"
    r"imagen|immagine|画像)(?::[^\]\n]*)?\]",
    re.IGNORECASE,
)
_GIF = re.compile(
    r"[^\s\"'<>()]*\.gif\b|\b(?:giphy\.com|tenor\.com|gfycat\.com)\S*|\[gif\]", re.IGNORECASE
)


# What every match of `_IMAGE` and of `_GIF` holds, lowered: in ASCII and Latin-1 text no other
# character matches an ASCII letter of these patterns case-insensitively (in other text the
# dotless ı and the dotted İ match "i"), so a text without any of them has no match and the
# pattern's scan is skipped ("gift" passes the "gif" test, and `_GIF`'s first branch, led by a
# repeat, tries every position of the text: 40-50 us at 500 characters).
_IMAGE_NEEDLES = ("![", "data:image/", "[image", "[img", "[logo", "[bild", "[immagine")
_GIF_NEEDLES = (".gif", "giphy.com", "tenor.com", "gfycat.com", "[gif]")

_NEEDLE_BYTES = {
    needle: needle.encode("ascii")
    for needle in ("data:image", "gif", "giphy", "tenor.com", *_IMAGE_NEEDLES, *_GIF_NEEDLES)
}
_IMAGE_NEEDLE_BYTES = tuple(_NEEDLE_BYTES[needle] for needle in _IMAGE_NEEDLES)
_GIF_NEEDLE_BYTES = tuple(_NEEDLE_BYTES[needle] for needle in _GIF_NEEDLES)


@dataclass(frozen=True, slots=True)
class MarkupHit:
    """One piece of markup or media: `start`/`end` slice the original text."""

    start: int
    end: int
    kind: MarkupKind


def _needle_view(text: str) -> tuple[bytes, bool]:
    """`text.lower()` as bytes, to look for the ASCII needles in (`b"gif"`; each is found in it
    exactly where `text.lower()` has it), and whether the needles decide exactly (ASCII and
    Latin-1 text).

    Latin-1 text is encoded as it is: no Latin-1 character lowers to an ASCII one but the ASCII
    capitals, which `bytes.lower` lowers. Beyond Latin-1, each other character is one "?" (in no
    needle): of all characters only İ (to "i" and a combining dot) and the Kelvin sign (to "k")
    lower to something holding an ASCII character, and no needle holds a "k" or ends with an "i".
    The encoding is a pass in C, where `str.lower` looks each character up (5 against 1 us on
    500 characters of Japanese)."""
    if text.isascii():
        return text.encode("ascii").lower(), True
    try:
        return text.encode("latin-1").lower(), True
    except UnicodeEncodeError:
        return text.encode("ascii", "replace").lower(), False


def _start(hit: MarkupHit) -> int:
    return hit.start


def find_markup(text: str) -> list[MarkupHit]:
    """Every tag, style, image, tracking pixel and GIF reference in `text`, in text order."""
    hits: list[MarkupHit] = []
    taken: list[tuple[int, int]] = []
    if "<" in text and ">" in text:
        for match in _IMG.finditer(text):
            kind: MarkupKind = "tracking_pixel" if _PIXEL.search(match.group()) else "image"
            hits.append(MarkupHit(match.start(), match.end(), kind))
            taken.append(match.span())
        for match in _TAG.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            kind = "styling" if _STYLING.search(match.group()) else "html_tag"
            hits.append(MarkupHit(match.start(), match.end(), kind))
            taken.append(match.span())
    lowered, exact_needles = _needle_view(text)
    # The needle tests written out (no call per needle): they run on every message. `find`, not
    # `in`: a bytes container first reads its operand as an int, and a bytes needle makes that
    # raise a TypeError (message formatted, then cleared) on every test.
    find = lowered.find
    passes: list[tuple[re.Pattern[str], MarkupKind]] = []
    if ("[" in text or find(b"data:image") >= 0) and (
        not exact_needles or any(find(needle) >= 0 for needle in _IMAGE_NEEDLE_BYTES)
    ):
        passes.append((_IMAGE, "image"))
    if (find(b"gif") >= 0 or find(b"giphy") >= 0 or find(b"tenor.com") >= 0) and (
        not exact_needles or any(find(needle) >= 0 for needle in _GIF_NEEDLE_BYTES)
    ):
        passes.append((_GIF, "gif"))
    for pattern, found_kind in passes:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            hits.append(MarkupHit(match.start(), match.end(), found_kind))
            taken.append(match.span())
    if len(hits) > 1:
        hits.sort(key=_start)
    return hits
