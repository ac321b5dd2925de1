"""URLs and bare domains, obfuscated ones included (`shop dot com`, `shop[.]com`, `h t t p s`).

Found on the detector view of `normalize()` (separators already rewritten): `scheme://…`,
`www.…`, and bare domains anchored on a curated list of top-level domains. The public suffix list
(tldextract's bundled snapshot, read offline once at import) admits the long tail only when a path
follows, so sentence breaks without a space (`Thanks.Best`, `Hello.How`, `backup.zip`) stay
prose. A capitalised top-level domain after a dot (`it.It`, `Merci.Je`) is a new sentence, not a
domain. Each hit carries the scheme and host so rules can allow HTTPS links to approved domains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import tldextract

from gobetween.policy.normalize import NormalizedText, normalize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Top-level domains sellers actually use, plus the shorteners' (bit.ly, goo.gl, is.gd, amzn.to).
# Words that are also common two-letter words and rarely seen as shop domains are left out
# (is, so, la, id, my, am, sh, li).
CURATED_TLDS = _words(
    "com net org info biz io co me tv cc ws us uk de fr es it nl be at ch eu jp cn ru pl se no "
    "dk fi pt ie ca au nz in br mx ar cl cz hu ro gr tr ae sa sg hk kr tw vn za lu shop store "
    "online site app dev xyz top club link live blog page tech website space ly gl gd to fm gg "
    "ai email click"
)
# Suffixes in the public suffix list that are far more often file extensions.
FILE_EXTENSIONS = _words(
    "zip mov exe pdf doc docx xls xlsx csv txt jpg jpeg png gif bmp tif tiff svg webp mp3 mp4 "
    "avi mkv wav rar gz tgz tar 7z html htm php js css json xml ini cfg log bak tmp dat bin iso "
    "dmg msi apk"
)

# A link ends at blank space, at a quotation mark, typographic ones included (‘ ’ ‚ “ ” „ « » ‹ ›,
# as phones and mail clients write them around a link: a URL holds them percent-encoded only),
# and at Japanese or full-width text.
_STOP = r"[^\s<>\"'`\u2018-\u201e\u00ab\u00bb\u2039\u203a\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
# Both led by a literal, which the regex engine scans for fast (a leading `\b` or lookbehind is
# tried at every position): the check before the first letter is made after it, `(?<!\w.)` being
# `\b` before a letter and `(?<![…]w)` the lookbehind before "www".
# A defanged or starred scheme (`hxxps://`, `h**ps://`) is a link too; its scheme is not "https",
# so it is never the allowed kind.
_URL = re.compile(rf"(?:h(?<!\w.)(?:tt|xx|\*\*)ps?|f(?<!\w.)tp)://{_STOP}+")
_WWW = re.compile(rf"w(?<![a-z0-9_.@/-]w)ww\d{{0,3}}\.{_STOP}+")
_BARE = re.compile(
    r"(?<![a-z0-9_.@/:%+-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z][a-z0-9-]{1,23})"
    rf"(?![a-z0-9_@-]|\.[a-z0-9])(?P<path>/{_STOP}*)?"
)
_TRAILING = ".,;:!?'\")]}>"
_PLAIN_SCHEMES = frozenset({"http", "https", "ftp"})
# "x.y" found from its dot: a pattern that starts with a literal is scanned fast, one that starts
# with a letter class is tried at every letter (five times slower on prose).
_DOT_LETTER = re.compile(r"\.(?<=[a-z0-9]\.)[a-z]")
_LABEL_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-."

_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
# Load the bundled suffix list now, at import, so no check ever reads a file.
_PSL("example.com")


@dataclass(frozen=True, slots=True)
class LinkHit:
    """A URL or domain: `start`/`end` slice the original; `scheme` is None for bare domains."""

    start: int
    end: int
    url: str
    scheme: str | None
    host: str
    obfuscated: bool


_new_object = object.__new__


class _LinkHitDraft:
    """`LinkHit`'s slots without its frozen `__setattr__`: a hit is built as a draft, its fields
    set by plain attribute stores on a bare `object.__new__` (no `__init__` frame to run), then
    given the class `LinkHit`. CPython lays slots out in the sorted order of their names, so the
    same names make the same layout and the object is a `LinkHit` in every respect. A frozen
    dataclass's `__init__` sets each field with `object.__setattr__`, and the slots' descriptors
    take a call per field."""

    __slots__ = ("end", "host", "obfuscated", "scheme", "start", "url")


def _link_hit(
    start: int, end: int, url: str, scheme: str | None, host: str, obfuscated: bool
) -> LinkHit:
    """`LinkHit(...)` with the fields in order, the same value."""
    hit: Any = _new_object(_LinkHitDraft)
    hit.start = start
    hit.end = end
    hit.url = url
    hit.scheme = scheme
    hit.host = host
    hit.obfuscated = obfuscated
    hit.__class__ = LinkHit
    # Typed by an annotated name, not by `typing.cast`, a function call on every one built.
    built: LinkHit = hit
    return built


def find_links(message: NormalizedText | str) -> list[LinkHit]:
    """Every URL, `www.` address and bare domain in the message, plain or obfuscated."""
    normalized = normalize(message) if isinstance(message, str) else message
    view = normalized.contacts or normalized
    text = view.text
    if "." not in text:
        return []
    first_dot = _DOT_LETTER.search(text)
    if first_dot is None and "://" not in text and "www" not in text:
        # Every link has a scheme, "www" or a bare domain's "x.y": none here (most messages).
        return []
    # (start, end, scheme, whether a bare domain)
    found: list[tuple[int, int, str | None, bool]] = []
    taken: list[tuple[int, int]] = []
    passes: list[tuple[re.Pattern[str], bool]] = []
    if "://" in text:
        passes.append((_URL, True))
    if "www" in text:
        passes.append((_WWW, False))
    for pattern, has_scheme in passes:
        # Every match holds "://" (a URL) or "www" (a www address): none starts after the last.
        last = text.rfind("://" if has_scheme else "www")
        # `search` from where the last match ended, as `finditer` would: no scanner to build for
        # the one address most texts hold.
        match = pattern.search(text)
        while match is not None:
            start, following = match.span()
            end = _trim(text, start, following)
            if not (taken and _overlaps(taken, start, end)):
                taken.append((start, end))
                scheme = text[start : text.index(":", start)] if has_scheme else None
                found.append((start, end, scheme, False))
            match = pattern.search(text, following) if following <= last else None
    # A bare domain found inside a URL or www address overlaps it and is dropped: the dots inside
    # them are skipped before the walk back (which, from a URL's second dot on, would go back to
    # its host's first label each time). See test_contact_speedpath_detectors for why no later
    # domain is found otherwise.
    # (No tuple built from an empty list: most texts have no URL or www address.)
    addresses = tuple(taken) if taken else ()
    done = -1
    # Bare domains: start from "x.y" (a fast scan), walk back to the first label, match there.
    # Each "x.y" starts one character before its dot; as with a scan for the three characters,
    # one that begins inside the previous one ("a.b.c": "b.c" inside "a.b") is not a start.
    previous = -3
    # `search` from where the last dot's match ended, as `finditer` would search, starting from
    # the first dot already found: no scanner built and no first dot found twice.
    dot = first_dot
    # Every "x.y" holds a dot: none is searched for after the last dot (most texts hold one).
    last_dot = text.rfind(".")
    while dot is not None:
        start = dot.start() - 1
        following = dot.end()
        dot = _DOT_LETTER.search(text, following) if following <= last_dot else None
        if start < previous + 3:
            continue
        previous = start
        if start < done or (addresses and _inside(addresses, start)):
            continue
        # Back over the labels before the dot: what a walk back one character at a time while
        # the character before is a label character finds, in one C call.
        start = len(text[:start].rstrip(_LABEL_CHARACTERS))
        bare = _BARE.match(text, start)
        if bare is None:
            continue
        start = bare.start()
        done = end = bare.end()
        # (`_trim` only when the last character is one it trims: a domain ends with a label
        # character, and most have no path.)
        if text[end - 1] in _TRAILING:
            end = _trim(text, start, end)
        if (taken and _overlaps(taken, start, end)) or not _is_domain(view, bare):
            continue
        taken.append((start, end))
        found.append((start, end, None, True))
    hits: list[LinkHit] = []
    # (No two found overlap: sorting never compares past the start and end.)
    for start, end, scheme, bare_domain in sorted(found) if len(found) > 1 else found:
        url = text[start:end]
        if bare_domain:
            # `_BARE`'s lower-case labels and dots, then maybe a path: what `_host` reads from
            # it is what comes before the path, never empty.
            host = url.partition("/")[0]
        else:
            host = _host(url, scheme)
            if not host:
                continue
        original_start, original_end = view.to_original(start, end)
        original = view.original[original_start:original_end]
        obfuscated = original.lower() != url or (
            scheme is not None and scheme not in _PLAIN_SCHEMES
        )
        hits.append(_link_hit(original_start, original_end, url, scheme, host, obfuscated))
    return hits


def host_matches(host: str, domains: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether `host` is one of `domains` or a subdomain of one (`a.shop.com` is in `shop.com`)."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_domain(view: NormalizedText, match: re.Match[str]) -> bool:
    tld = match.group("tld")
    if tld in FILE_EXTENSIONS:
        return False
    if tld not in CURATED_TLDS:
        # The long tail of the public suffix list only with a path: `Thanks.Best` is prose.
        if not match.group("path") or len(match.group("path")) < 2:
            return False
        if not _PSL(match.group().split("/")[0]).suffix:
            return False
    # A capitalised top-level domain after a dot starts a sentence (`it.It`, `Merci.Je`), unless
    # the whole domain is written in capitals (`SHOP.COM`).
    tld_start, tld_end = match.span("tld")
    ends = view.ends
    if ends and tld_end <= len(view.origin):
        # `to_original`'s own way for a span inside the view, to the first character: the
        # top-level domain was written starting with it, when the span maps to any (most
        # domains are written in lower case: no more to read).
        first = view.origin[tld_start]
        if ends[tld_end - 1] <= first or not view.original[first : first + 1].isupper():
            return True
    original_start, original_end = view.to_original(tld_start, tld_end)
    written = view.original[original_start:original_end]
    if not written[:1].isupper():
        return True
    domain_start, _ = view.to_original(match.start(), match.start() + 1)
    whole = view.original[domain_start:original_end]
    return not (written[:1].isupper() and not whole.isupper())


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


# A loop, not `any()` over a generator: the generator costs more than the few spans it reads.
def _inside(spans: tuple[tuple[int, int], ...], position: int) -> bool:
    for a, b in spans:  # noqa: SIM110 (see above)
        if a <= position < b:
            return True
    return False


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in taken:  # noqa: SIM110 (see above)
        if start < b and a < end:
            return True
    return False


def _host(url: str, scheme: str | None) -> str:
    rest = url[len(scheme) + 3 :] if scheme else url
    # What comes before the first "/", "?" or "#": three C calls, not a regex split.
    authority = rest.partition("/")[0].partition("?")[0].partition("#")[0]
    # `https://amazon.com@evil.example/` goes to evil.example: the host follows the last `@`.
    authority = authority.rsplit("@", 1)[-1]
    host = authority.split(":", 1)[0]
    return host.strip(".").lower()
