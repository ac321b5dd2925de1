"""find_contact_information(): the contact work of check() on its own, with the same answers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy import check
from gobetween.policy.detectors.contact_information import (
    ContactInformation,
    find_contact_information,
    phone_regions_for,
)
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.links import find_links
from gobetween.policy.detectors.phones import find_phones
from gobetween.policy.normalize import normalize


def _contact_cases_module() -> ModuleType:
    # Loaded by file, not by putting bench/ on sys.path, where bench/spapi.py would shadow the
    # SP-API SDK's own `spapi` package for every later test of the run.
    path = Path(__file__).resolve().parents[3] / "bench" / "policy_contact_cases.py"
    spec = importlib.util.spec_from_file_location("bench_policy_contact_cases", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_CASES_MODULE = _contact_cases_module()
CASES, HELD_OUT = _CASES_MODULE.CASES, _CASES_MODULE.HELD_OUT


@pytest.mark.parametrize(("text", "region", "expected"), CASES + HELD_OUT)
def test_same_hits_as_the_detectors_on_both_views(
    text: str, region: str, expected: frozenset[str]
) -> None:
    del expected
    normalized = normalize(text)
    alone = find_contact_information(text, (region,))
    emails = find_emails(normalized)
    assert alone.emails == emails
    assert alone.phones == find_phones(normalized, (region,))
    assert alone.links == [
        link
        for link in find_links(normalized)
        if not any(e.start <= link.start < e.end for e in emails)
    ]
    # The same object on the views of normalize() gives the same answers.
    both = find_contact_information(normalized, (region,))
    assert (both.emails, both.phones, both.links) == (alone.emails, alone.phones, alone.links)


def test_a_domain_inside_an_address_is_not_a_link() -> None:
    contacts = find_contact_information("See shop.com or write to anna@shop.com")
    assert [e.address for e in contacts.emails] == ["anna@shop.com"]
    assert [link.host for link in contacts.links] == ["shop.com"]


def test_each_kind_is_found_once_and_kept() -> None:
    contacts = ContactInformation(normalize("Call 415-555-0132"), ("US",))
    first = contacts.phones
    assert [p.number for p in first] == ["+14155550132"]
    assert contacts.phones is first


def test_phone_regions_marketplace_first_then_languages_without_repeats() -> None:
    assert phone_regions_for("GB", "de", "en-US") == ("GB", "DE", "US")
    assert phone_regions_for("US", "en", None) == ("US",)
    assert phone_regions_for("JP", "xx", "ja") == ("JP",)


def test_the_checker_reports_what_the_entry_point_finds() -> None:
    text = "Write to anna@kellerstudio.com, call 312-555-0175 or see kellerstudio.com/sale"
    verdict = check(
        text,
        {"direction": "seller_to_buyer", "initiation": "reply", "marketplace_region": "US"},
    )
    contacts = find_contact_information(text, ("US",))
    spans = {(f.category, f.rule, f.span) for f in verdict.findings}
    for email in contacts.emails:
        assert ("contact_info", "email_address", (email.start, email.end)) in spans
    for phone in contacts.phones:
        assert ("contact_info", "phone_number", (phone.start, phone.end)) in spans
    for link in contacts.links:
        assert ("external_link", "link", (link.start, link.end)) in spans
    assert contacts.emails
    assert contacts.phones
    assert contacts.links


_LINK_AND_ADDRESS_PIECES = st.sampled_from(
    [
        "anna@shop.com",
        "shop.com",
        "www.shop.de/x",
        "https://a.shop.fr/p",
        "mail",
        " at ",
        " dot ",
        "@",
        ".",
        " ",
        "Hello.How",
        "b@c.de.it",
        "x",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LINK_AND_ADDRESS_PIECES, max_size=10).map("".join))
def test_links_leave_out_the_domains_of_addresses_as_the_long_way_does(text: str) -> None:
    # The long way: every link tested against the spans of the addresses, none or some.
    normalized = normalize(text)
    spans = [(email.start, email.end) for email in find_emails(normalized)]
    expected = [
        link for link in find_links(normalized) if not any(a <= link.start < b for a, b in spans)
    ]
    assert ContactInformation(normalized, ("US",)).links == expected
