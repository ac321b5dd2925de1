"""Views built through the slots' descriptors are the values the dataclass builds.

`normalize()` and `normalize_contacts()` build their `NormalizedText` with `_normalized_text`,
which sets each field directly instead of through the frozen dataclass's `__init__`; ASCII text
is folded by `lower()` without `_fold`. These tests check that the values are equal, hash
alike, print alike and stay frozen.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import NormalizedText, normalize, normalize_contacts


def test_a_view_built_from_its_slots_is_the_dataclass_value() -> None:
    contacts = NormalizedText("Ab", "ab", (0, 1), (1, 2))
    built = normalization._normalized_text("Ab", "ab", (0, 1), (1, 2), contacts)
    expected = NormalizedText("Ab", "ab", (0, 1), (1, 2), contacts)
    assert built == expected
    assert hash(built) == hash(expected)
    assert repr(built) == repr(expected)
    assert built.contacts is contacts
    assert dataclasses.astuple(built.contacts) == dataclasses.astuple(contacts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.text = "x"  # type: ignore[misc]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab zZ09.@ÄéßｓаΑ\u200b\u0301")), max_size=30))
def test_views_equal_the_dataclass_built_ones(text: str) -> None:
    for view in (normalize(text), normalize(text).contacts, normalize_contacts(text)):
        assert view is not None
        rebuilt = NormalizedText(
            original=view.original,
            text=view.text,
            origin=view.origin,
            ends=view.ends,
            contacts=view.contacts,
        )
        assert view == rebuilt
        assert (view.original, view.contacts) == (text, rebuilt.contacts)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_fold_is_the_fold(text: str) -> None:
    folded = normalization._fold(*normalization._source(text))
    alone = normalize_contacts(text)
    contacts = normalize(text).contacts
    assert contacts is not None
    assert folded.text == text.lower()
    assert (alone.text, list(alone.origin), list(alone.ends)) == (
        contacts.text,
        list(contacts.origin),
        list(contacts.ends),
    )
