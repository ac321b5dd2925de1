"""The contact detectors' hits and the normalised views are built as drafts given their class
(`_phone_hit`, `_link_hit`, `_email_hit`, `_normalized_text`): each must be the value the
dataclass's own constructor makes, frozen like it, and the draft must have the dataclass's
fields (a field added to one and not the other fails here)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.policy import normalize as normalize_module
from gobetween.policy.detectors import emails, links, phones
from gobetween.policy.normalize import NormalizedText

_BUILDERS: list[tuple[Any, Any, type]] = [
    (phones._phone_hit, phones.PhoneHit, phones._PhoneHitDraft),
    (links._link_hit, links.LinkHit, links._LinkHitDraft),
    (emails._email_hit, emails.EmailHit, emails._EmailHitDraft),
    (normalize_module._normalized_text, NormalizedText, normalize_module._NormalizedTextDraft),
]


@pytest.mark.parametrize(("build", "cls", "draft"), _BUILDERS)
def test_the_draft_has_the_dataclass_fields(build: Any, cls: type, draft: type) -> None:
    # CPython lays slots out in the sorted order of their names, whatever order they are
    # written in: the same names make the same layout, which `__class__` assignment requires.
    names = sorted(f.name for f in dataclasses.fields(cls))
    assert sorted(draft.__slots__) == names
    assert sorted(cls.__slots__) == names  # type: ignore[attr-defined]


def _same(built: Any, expected: Any) -> None:
    assert type(built) is type(expected)
    assert built == expected
    assert hash(built) == hash(expected)
    assert repr(built) == repr(expected)
    for field in dataclasses.fields(expected):
        assert getattr(built, field.name) is getattr(expected, field.name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, dataclasses.fields(expected)[0].name, None)


_SPANS = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000))


@given(_SPANS, st.text(max_size=20), st.sampled_from([None, "US", "DE", "JP"]), st.booleans())
def test_phone_hits(span: tuple[int, int], number: str, region: str | None, spelled: bool) -> None:
    _same(
        phones._phone_hit(*span, number, region, spelled),
        phones.PhoneHit(*span, number, region, spelled),
    )


@given(_SPANS, st.text(max_size=30), st.sampled_from([None, "http", "https"]), st.booleans())
def test_link_hits(span: tuple[int, int], url: str, scheme: str | None, obfuscated: bool) -> None:
    host = url.lower()
    _same(
        links._link_hit(*span, url, scheme, host, obfuscated),
        links.LinkHit(*span, url, scheme, host, obfuscated),
    )


@given(_SPANS, st.text(max_size=30), st.booleans())
def test_email_hits(span: tuple[int, int], address: str, obfuscated: bool) -> None:
    _same(
        emails._email_hit(*span, address, obfuscated), emails.EmailHit(*span, address, obfuscated)
    )


@given(st.text(max_size=30))
def test_views(text: str) -> None:
    size = len(text)
    inner = NormalizedText(text, text.lower(), range(size), range(1, size + 1))
    for contacts in (None, inner):
        built = normalize_module._normalized_text(
            text, text.lower(), tuple(range(size)), range(1, size + 1), contacts
        )
        expected = NormalizedText(
            text, text.lower(), tuple(range(size)), range(1, size + 1), contacts
        )
        assert type(built) is NormalizedText
        assert built == expected
        assert built.contacts is contacts
        assert repr(built) == repr(expected)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.text = ""  # type: ignore[misc]
