"""Phone numbers from reserved and fictional ranges are found; look-alikes are not, in any region.

The table (tests/corpus/phone-shapes.json) is shared with bench/policy_phone_shapes.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gobetween.policy.detectors.phones import find_phones

_DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "corpus" / "phone-shapes.json").read_text("utf-8")
)
_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "JP")


@pytest.mark.parametrize("case", _DATA["phones"], ids=lambda c: c["text"])
def test_finds_possible_number_in_phone_shape(case: dict[str, Any]) -> None:
    hits = find_phones(case["text"], (case["region"],))
    assert [case["text"][h.start : h.end] for h in hits] == [case["phone"]]


@pytest.mark.parametrize("case", _DATA["traps"], ids=lambda c: c["text"])
@pytest.mark.parametrize("region", _REGIONS)
def test_trap_is_no_phone_in_any_region(case: dict[str, Any], region: str) -> None:
    assert find_phones(case["text"], (region,)) == []


def test_possible_number_without_phone_shape_is_not_taken() -> None:
    # Ungrouped, no country code, no phone word: only a valid number would count.
    assert find_phones("reference 5558675309 noted", ("US",)) == []


def test_phone_word_makes_an_ungrouped_possible_number_count() -> None:
    hits = find_phones("call 5558675309 tonight", ("US",))
    assert [(h.number, h.region) for h in hits] == [("+15558675309", "US")]
