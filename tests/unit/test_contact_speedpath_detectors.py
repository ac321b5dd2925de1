"""The phone and link detectors' shortcuts skip only what cannot hold a hit.

`find_phones` stops when no run of digits and separators is long enough for a phone number;
`find_links` when the text has no scheme, no "www" and no "x.y". These tests check on the contact
cases and on random texts that the patterns the detectors match with find nothing there, and
that the URL and www patterns, rewritten to start with a literal, match as first written.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import links, phones
from gobetween.policy.normalize import normalize_contacts


def _contact_cases() -> list[str]:
    """The bench's contact cases, loaded by file (bench/ on the import path would shadow
    packages of the same names for later tests)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "policy_contact_cases.py"
    spec = importlib.util.spec_from_file_location("speedpath_contact_cases", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [text for text, _, _ in module.CASES + module.HELD_OUT]


_PIECES = st.sampled_from(
    [
        "0", "1", "5", "555", "0123", "+", "(", ")", "-", ".", "/", " ", "\t", "\n", ",", "x", "a",
        "shop", "com", "de", "www", "http", "://", ":", "@", "é", "tel", "order", "１２３",
    ]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


def _no_phone_possible(text: str) -> None:
    """Without a run, no candidate has the digits of a phone number, so none is confirmed."""
    assert phones.find_phones(text, ("US", "DE", "JP")) == []
    view = normalize_contacts(text).text
    for match in phones._CANDIDATE.finditer(view):
        digits = sum(c.isdigit() for c in match.group())
        assert digits < phones._MIN_DIGITS, (text, match.group())


def _no_link_possible(text: str) -> None:
    assert links.find_links(text) == []
    view = normalize_contacts(text).text
    for pattern in (links._URL, links._WWW, links._BARE):
        assert pattern.search(view) is None, (text, pattern.pattern)


def _check(text: str) -> None:
    view = normalize_contacts(text).text
    if phones._RUN.search(view) is None:
        _no_phone_possible(text)
    else:
        # From the first run on, the candidates are those found from the start of the text.
        first = phones._RUN.search(view)
        assert first is not None
        assert [m.span() for m in phones._candidates(view, first)] == [
            m.span() for m in phones._candidates(view)
        ]
    if "://" not in view and "www" not in view and links._DOT_LETTER.search(view) is None:
        _no_link_possible(text)


@pytest.mark.parametrize("text", _contact_cases())
def test_early_exits_on_the_contact_cases(text: str) -> None:
    _check(text)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
def test_early_exits_on_random_texts(text: str) -> None:
    _check(text)


def test_messages_without_digits_or_dots_have_no_phone_or_link() -> None:
    text = "Thank you for your order, we ship on Monday"
    _no_phone_possible(text)
    _no_link_possible(text)
    # One run of seven digits and the exits no longer apply.
    assert phones.find_phones("Call 415-555-0132 today", ("US",)) != []
    assert links.find_links("see shop.com today") != []


# The URL and www patterns as first written, with the check before the first letter in front.
PLAIN_URL = re.compile(rf"\b(?:https?|ftp)://{links._STOP}+")
PLAIN_WWW = re.compile(rf"(?<![a-z0-9_.@/-])www\d{{0,3}}\.{links._STOP}+")
_URL_PIECES = st.sampled_from(
    [
        "h", "t", "p", "s", "f", ":", "/", "w", ".", "a", "1", "_", "-", "@", "é", " ", "\n",
        "ttp", "ttps", "://", "www", "ftp", "http", "https", "xhttp", "_www", "1www", "www2",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_URL_PIECES, max_size=14).map("".join))
def test_url_and_www_patterns_match_as_first_written(text: str) -> None:
    for fast, plain in ((links._URL, PLAIN_URL), (links._WWW, PLAIN_WWW)):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


_NATIONALS = st.text(alphabet="0123456789٣０", min_size=4, max_size=14)


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from([("US", 1), ("GB", 44), ("DE", 49), ("FR", 33), ("IT", 39), ("JP", 81)]),
    st.one_of(_NATIONALS, st.sampled_from(["4155550132", "2079460958", "0612345678", "00012"])),
)
def test_quick_e164_is_what_libphonenumber_formats(
    region_code: tuple[str, int], national: str
) -> None:
    region, code = region_code
    zeros = len(national) - len(national.lstrip("0"))
    number = phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )
    expected = (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number_for_region(number, region)
        else None
    )
    quick = phones._valid(code, national, region)
    if national.isascii():
        assert quick == expected
    else:
        # Digits of other scripts: the region's patterns may not answer, and the detector then
        # asks `phonenumbers.parse`; an answer given is libphonenumber's.
        assert quick is None or quick == expected


def test_quick_e164_of_a_valid_number() -> None:
    assert phones._quick_valid("503-555-0148", "US", international=False) == "+15035550148"
    assert phones._quick_valid("030 5558 4127", "DE", international=False) == "+493055584127"
    assert phones._quick_valid("+39 06 1234 5678", "US", international=True) == "+390612345678"


# The characters of a domain's labels, walked back over one at a time.
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")


def _plain_find_links(text: str) -> list[links.LinkHit]:
    """`find_links` as first written: every "x.y" walked back and matched, inside URLs too."""
    view = normalize_contacts(text)
    folded = view.text
    if "." not in folded:
        return []
    found: list[tuple[int, int, str | None]] = []
    taken: list[tuple[int, int]] = []
    for pattern, has_scheme in ((PLAIN_URL, True), (PLAIN_WWW, False)):
        for match in pattern.finditer(folded):
            start, end = match.start(), links._trim(folded, match.start(), match.end())
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            scheme = folded[start : folded.index(":", start)] if has_scheme else None
            found.append((start, end, scheme))
    done = -1
    previous = -3
    for dot in links._DOT_LETTER.finditer(folded):
        start = dot.start() - 1
        if start < previous + 3:
            continue
        previous = start
        if start < done:
            continue
        while start > 0 and folded[start - 1] in _LABEL_CHARS:
            start -= 1
        bare = links._BARE.match(folded, start)
        if bare is None:
            continue
        done = bare.end()
        start, end = bare.start(), links._trim(folded, bare.start(), bare.end())
        if any(start < b and a < end for a, b in taken) or not links._is_domain(view, bare):
            continue
        taken.append((start, end))
        found.append((start, end, None))
    hits = []
    for start, end, scheme in sorted(found):
        url = folded[start:end]
        host = links._host(url, scheme)
        if not host:
            continue
        original_start, original_end = view.to_original(start, end)
        original = view.original[original_start:original_end]
        hits.append(
            links.LinkHit(
                start=original_start,
                end=original_end,
                url=url,
                scheme=scheme,
                host=host,
                obfuscated=original.lower() != url,
            )
        )
    return hits


# Why skipping the dots inside a URL or www address finds the same links: a dot there walks back
# no further than the address's start (a URL's "://" or the character before "www" stops it),
# so a bare domain matched from there overlaps the address and is dropped; and the domain would
# end within the address's run of non-blank characters, whose part after the trimmed address is
# punctuation with no "x.y" in it, so no later dot it would have skipped is outside the address.
_LINK_PIECES = st.sampled_from(
    [
        "http://", "https://", "ftp://", "www.", "www2.", "shop", "a", "x-y", ".", ".com", ".de",
        ".co.uk", ".best", ".zip", "/", "/p", "?id=1", ")", "(", ".)", ",", ":", " ", "\n", "@",
        "Shop", ".Com", "dot", " dot ", "[.]", "é", "1", "-",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LINK_PIECES, max_size=16).map("".join))
def test_find_links_as_first_written(text: str) -> None:
    assert links.find_links(text) == _plain_find_links(text)


@pytest.mark.parametrize(
    "text",
    [
        "approve here: https://proofs.engravecraft.com.proofview-secure.net/approve?id=77120",
        "see http://a.com/x.y and b.de.",
        "see http://a.com b.de",
        "www.x.com,y.de and https://z.io/a).q.fr",
        "(www.shop.com/a.b.c), then shop.de",
        "https://t.mailtrk.io/o/5521.gif width",
        *_contact_cases(),
    ],
)
def test_find_links_as_first_written_on_cases(text: str) -> None:
    assert links.find_links(text) == _plain_find_links(text)
