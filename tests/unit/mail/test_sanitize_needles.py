"""The scrubber skips an address's pattern only where the pattern cannot match: the same text as
running every pattern over every text, on arbitrary texts and addresses, and on the characters
outside ASCII that the re module matches case-insensitively for an ASCII letter."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import sanitize as sanitize_module
from gobetween.adapters.mail.sanitize import (
    AddressScrubber,
    _folded,
    address_needle,
    address_pattern,
)


def scrubbed_the_long_way(replacements: Mapping[str, str], text: str) -> str:
    """Every address's pattern over the text, longest address first."""
    for real, alias in sorted(replacements.items(), key=lambda item: -len(item[0])):
        if real:
            text = address_pattern(real).sub(alias, text)
    return text


def leaks_the_long_way(replacements: Mapping[str, str], text: str) -> bool:
    return any(address_pattern(real).search(text) for real in replacements if real)


# Characters that matter: the address's own, other cases, the escapes of "@" and ".", the
# characters outside ASCII the re module folds onto i, k and s, and a few others.
ADDRESS_CHARACTERS = "abIkKs0.@+-_ı"
TEXT_PIECES = [
    *"abikKsIS0.@+-_ ",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "é",
    "ß",
    "Σ",
    "&#64;",
    "&#x40;",
    "&#0064;",
    "&commat;",
    "%40",
    "&#46;",
    "&#x2E;",
    "&period;",
    "\n",
]
addresses = st.text(alphabet=ADDRESS_CHARACTERS, min_size=1, max_size=8).map(
    lambda local: local.lower()
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, str], str]:
    reals = draw(st.lists(addresses, min_size=1, max_size=4, unique=True))
    aliases = st.sampled_from(["x@relay.test", "IK@relay.test", "", "\u0130s@r.t", "k"])
    replacements = {real: draw(aliases) for real in reals}
    pieces = [*TEXT_PIECES, *reals, *(real.upper() for real in reals)]
    text = "".join(draw(st.lists(st.sampled_from(pieces), max_size=30)))
    return replacements, text


@settings(max_examples=1500, deadline=None)
@given(cases())
def test_scrub_is_every_pattern_over_the_text(case: tuple[dict[str, str], str]) -> None:
    replacements, text = case
    scrubber = AddressScrubber(replacements)
    assert scrubber.scrub(text) == scrubbed_the_long_way(replacements, text)
    assert scrubber.leaks(text) == leaks_the_long_way(replacements, text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.emails().map(str.lower), st.emails(), max_size=4), st.text(max_size=60))
def test_arbitrary_addresses_and_texts(replacements: dict[str, str], text: str) -> None:
    scrubber = AddressScrubber(replacements)
    for candidate in (text, text + "".join(replacements), " ".join(replacements).upper()):
        assert scrubber.scrub(candidate) == scrubbed_the_long_way(replacements, candidate)
        assert scrubber.leaks(candidate) == leaks_the_long_way(replacements, candidate)


def test_every_character_a_letter_matches_folds_to_it() -> None:
    """What _folded relies on: for each ASCII character an address run can hold, every
    character of Unicode that the re module matches case-insensitively folds to it."""
    everything = "".join(
        chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
    )
    for code in range(0x21, 0x7F):
        character = chr(code)
        if character in "@.":
            continue
        for matched in set(re.findall(re.escape(character), everything, re.IGNORECASE)):
            assert _folded(matched) == character.lower(), (character, matched)


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("buyer12@buyers.example", "buyer12"),
        ("a.b@x.example", "example"),
        ("jöhn@ex.com", "com"),
        ("ö@ü.é", None),
        ("Jane@Seller.Example", "example"),
    ],
)
def test_the_needle_is_the_longest_plain_run(address: str, needle: str | None) -> None:
    assert address_needle(address) == needle


def test_a_pattern_is_compiled_only_for_a_text_that_may_hold_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str] = []
    real_pattern = address_pattern

    def counted(address: str) -> re.Pattern[str]:
        compiled.append(address)
        return real_pattern(address)

    monkeypatch.setattr(sanitize_module, "address_pattern", counted)
    scrubber = AddressScrubber({"new.buyer@mail.example": "b@relay.test"})
    assert scrubber.scrub("Thanks, the parcel arrived. Mail me at other@post.test") == (
        "Thanks, the parcel arrived. Mail me at other@post.test"
    )
    assert compiled == []
    assert scrubber.scrub("Mail NEW.BUYER&#64;mail.example") == "Mail b@relay.test"
    assert compiled == ["new.buyer@mail.example"]
