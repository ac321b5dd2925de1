"""`normalize_contacts` reads text in Latin-1 but for typographic marks (’ “ ” – —) through
`typographic_latin1`, folded by the byte table as `normalize()` folds it: the detector view (its
text and both offset maps) must be the one the paths for other text give, and every contact
found must slice the original text, marks included."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy import normalize as normalization
from gobetween.policy.detectors.contact_information import find_contact_information
from gobetween.policy.normalize import (
    TYPOGRAPHIC_MARKS,
    NormalizedText,
    normalize,
    normalize_contacts,
    typographic_latin1,
)

_CONTACT_PIECES = [
    "@", " at ", " dot ", " punkt ", "(at)", "[dot]", "415", "555-0132", "0170 5551234",
    " five five five one two ", " null eins sieben null ", "www.", ".com", "https://",
    "http : / / ", "anna.keller", "gmail", "r e v i e w", " e m a i l ", "\u00dc",
]  # fmt: skip
_PIECES = (
    st.sampled_from(list(TYPOGRAPHIC_MARKS))
    | st.sampled_from(
        [" ", ".", ",", "\u00e9", "\u00c9", "\u00df", "x", "A", "1", "'", '"', "-", " - ", "\xa0"]
    )
    | st.sampled_from(_CONTACT_PIECES)
    | st.text(alphabet=st.characters(max_codepoint=255) | st.sampled_from(TYPOGRAPHIC_MARKS))
)
_TEXTS = st.lists(_PIECES, min_size=1, max_size=16).map("".join)


def _as_lists(view: NormalizedText) -> tuple[str, list[int], list[int]]:
    return view.text, list(view.origin), list(view.ends)


def _the_other_paths() -> mock._patch[Any]:
    # With no text taken as typographic, the view is built as for text beyond Latin-1 (the
    # fold's tests, the text automata, the class regexes).
    return mock.patch.multiple(normalization, typographic_latin1=lambda text, refused=None: None)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("Call me \u2013 it\u2019s 555 123 4567")
@example("Write to \u201canna dot keller at gmail dot com\u201d \u2014 thanks")
@example("It\u2019s on w w w . lunathreads . com \u2013 r e v i e w")
@example("\u201eNULL EINS SIEBEN NULL F\u00dcNF F\u00dcNF\u201c")
@example("Wait\u2026 call 415-555-0132")
@example("Stra\u00dfe \u2019 kontakt [at] holzwerk (dot) de")
def test_the_view_is_the_one_the_other_paths_give(text: str) -> None:
    fast = normalize_contacts(text)
    with _the_other_paths():
        slow = normalize_contacts(text)
    assert _as_lists(fast) == _as_lists(slow)
    assert fast == slow
    whole = normalize(text).contacts
    assert whole is not None
    assert _as_lists(fast) == _as_lists(whole)


@pytest.mark.parametrize(
    "text",
    [
        "Call me \u2013 it\u2019s 555 123 4567",
        "\u201cAnna.Keller@Gmail.com\u201d \u2014 it\u2019s quicker",
        "kontakt [at] holzwerk [dot] de \u2013 danke",
    ],
)
def test_typographic_text_is_folded_by_the_byte_table(text: str) -> None:
    assert typographic_latin1(text) is not None
    # Not by the fold's general steps, which text beyond Latin-1 takes.
    with mock.patch.object(normalization, "_fold", side_effect=AssertionError("_fold called")):
        view = normalize_contacts(text)
    with _the_other_paths():
        assert _as_lists(view) == _as_lists(normalize_contacts(text))


# The folded value each kind of hit reports.
_VALUE = {"phones": "number", "emails": "address", "links": "url"}


@pytest.mark.parametrize(
    ("text", "region", "kind", "found", "value"),
    [
        ("Call me \u2013 it\u2019s 555 123 4567", "US", "phones", "555 123 4567", "+15551234567"),
        (
            "Call me \u2014 it\u2019s 415-555-0132 \u201cany time\u201d",
            "US",
            "phones",
            "415-555-0132",
            "+14155550132",
        ),
        (
            "Ruf mich an \u2013 \u201enull eins sieben null f\u00fcnf f\u00fcnf f\u00fcnf eins "
            "zwei drei vier\u201c",
            "DE",
            "phones",
            "null eins sieben null f\u00fcnf f\u00fcnf f\u00fcnf eins zwei drei vier",
            "+491705551234",
        ),
        (
            "Mail me: \u201cAnna.Keller@Gmail.com\u201d \u2013 it\u2019s quicker",
            "US",
            "emails",
            "Anna.Keller@Gmail.com",
            "anna.keller@gmail.com",
        ),
        (
            "Write to \u201canna dot keller at gmail dot com\u201d \u2013 thanks",
            "US",
            "emails",
            "anna dot keller at gmail dot com",
            "anna.keller@gmail.com",
        ),
        (
            "It\u2019s on www . lunathreads . com \u2014 see you",
            "US",
            "links",
            "www . lunathreads . com",
            "www.lunathreads.com",
        ),
        (
            "See https://shop.example.com/a \u2013 it\u2019s there",
            "US",
            "links",
            "https://shop.example.com/a",
            "https://shop.example.com/a",
        ),
    ],
)
def test_contacts_in_typographic_text_slice_the_original(
    text: str, region: str, kind: str, found: str, value: str
) -> None:
    contacts = find_contact_information(text, (region,))
    hits = getattr(contacts, kind)
    assert len(hits) == 1
    hit = hits[0]
    assert text[hit.start : hit.end] == found
    assert getattr(hit, _VALUE[kind]) == value
