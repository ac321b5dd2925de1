"""Views and hits built through the slots' descriptors are the values the dataclass builds.

`normalize()` and `normalize_contacts()` build their `NormalizedText` with `_normalized_text`, and
the detectors their hits with `_email_hit`, `_phone_hit` and `_link_hit`: each field is set
directly instead of through the frozen dataclass's `__init__`. ASCII text is folded by `lower()`
without `_fold`; `_apply` binds its list methods once and skips empty pieces. These tests check
that the values are equal, hash alike, print alike and stay frozen, and compare `_apply` with its
first version on random edits.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.detectors import emails, links, phones
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
    folded = normalization._fold(*normalization._source(text)[:2])
    alone = normalize_contacts(text)
    contacts = normalize(text).contacts
    assert contacts is not None
    assert folded.text == text.lower()
    assert (alone.text, list(alone.origin), list(alone.ends)) == (
        contacts.text,
        list(contacts.origin),
        list(contacts.ends),
    )


def _plain_apply(
    draft: normalization._Draft, edits: list[normalization.Edit]
) -> tuple[str, list[int], list[int]]:
    """`_apply` as first written."""
    source, starts, ends = draft.text, draft.starts, draft.ends
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    position = 0
    for a, b, new in edits:
        if a < position:
            continue
        parts.append(source[position:a])
        new_starts.extend(starts[position:a])
        new_ends.extend(ends[position:a])
        if new:
            if len(new) == b - a:
                new_starts.extend(starts[a:b])
                new_ends.extend(ends[a:b])
            else:
                first = starts[a] if a < len(starts) else (ends[-1] if ends else 0)
                last = ends[b - 1] if b > a else first
                new_starts.extend([first] * len(new))
                new_ends.extend([last] * len(new))
            parts.append(new)
        position = b
    parts.append(source[position:])
    new_starts.extend(starts[position:])
    new_ends.extend(ends[position:])
    return "".join(parts), new_starts, new_ends


_EDIT = st.tuples(
    st.integers(min_value=0, max_value=24),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(["", ".", "@", "/", "12", "://", "abc"]),
).map(lambda edit: (edit[0], edit[0] + edit[1], edit[2]))


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .@1")), max_size=24),
    st.lists(_EDIT, max_size=8).map(sorted),
    st.booleans(),
)
def test_apply_as_first_written(text: str, edits: list[normalization.Edit], mapped: bool) -> None:
    edits = [(a, min(b, len(text)), new) for a, b, new in edits if a <= len(text)]
    if mapped:
        # Maps that are not one for one (a view already rewritten once).
        starts: list[int] | range = [2 * i for i in range(len(text))]
        ends: list[int] | range = [2 * i + 2 for i in range(len(text))]
    else:
        starts, ends = range(len(text)), range(1, len(text) + 1)
    draft = normalization._Draft(text, starts, ends)
    applied = normalization._apply(draft, edits)
    if not edits:
        assert applied is draft
        return
    assert (applied.text, list(applied.starts), list(applied.ends)) == _plain_apply(draft, edits)


def test_hits_built_from_their_slots_are_the_dataclass_values() -> None:
    built_and_expected = [
        (emails._email_hit(1, 9, "a@b.de", True), emails.EmailHit(1, 9, "a@b.de", True)),
        (
            phones._phone_hit(0, 12, "+4930", "DE", False),
            phones.PhoneHit(0, 12, "+4930", "DE", False),
        ),
        (
            links._link_hit(3, 14, "shop.de/x", None, "shop.de", False),
            links.LinkHit(3, 14, "shop.de/x", None, "shop.de", False),
        ),
    ]
    for built, expected in built_and_expected:
        assert type(built) is type(expected)
        assert built == expected
        assert hash(built) == hash(expected)
        assert repr(built) == repr(expected)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.start = 2  # type: ignore[misc]
