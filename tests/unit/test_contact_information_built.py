"""`find_contact_information` builds its `ContactInformation` on a bare object, its slots stored
one by one: every slot must hold what `ContactInformation(normalized, regions)` stores (a slot
added to the class and not to the builder fails here), and the answers must be the same."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors.contact_information import (
    ContactInformation,
    find_contact_information,
)
from gobetween.policy.normalize import normalize_contacts

_TEXTS = st.sampled_from(
    [
        "Call +44 20 7946 0958 or write to anna@kellerstudio.com",
        "see kellerstudio.com/sale",
        "nothing here",
        "Tel. 089 55512345",
    ]
) | st.text(max_size=40)
_REGIONS = st.lists(st.sampled_from(["US", "DE", "GB", "FR", "JP"]), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _REGIONS, st.booleans())
def test_built_as_the_constructor_builds(text: str, regions: list[str], as_tuple: bool) -> None:
    given_regions = tuple(regions) if as_tuple else regions
    built = find_contact_information(text, given_regions)
    expected = ContactInformation(normalize_contacts(text), given_regions)
    assert type(built) is ContactInformation
    for name in ContactInformation.__slots__:
        assert getattr(built, name) == getattr(expected, name), name
    assert built.emails == expected.emails
    assert built.phones == expected.phones
    assert built.links == expected.links


def test_a_view_is_kept_as_given() -> None:
    view = normalize_contacts("write to anna@kellerstudio.com")
    built = find_contact_information(view, ("US",))
    assert built.normalized is view
    assert built.regions == ("US",)
