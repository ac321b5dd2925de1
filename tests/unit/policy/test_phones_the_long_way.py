"""`find_phones` gives what its steps give taken the long way, on generated number shapes.

The detector finds candidates by `search` calls, counts a candidate's digits once for every test,
gates each shape veto by a count its look-alike has and matches a national number of a
marketplace region against the region's pattern in `_confirm` itself. `_long_way` below is the
detector as first written: the candidate search with `finditer` over every run, every shape test
on its own, `_quick_valid` for every span, libphonenumber's parse when that says no, and the
same fallback to possible numbers. Both must find the same hits.
"""

from __future__ import annotations

import json
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import phones
from gobetween.policy.normalize import normalize

_REGIONS = ("US", "CA", "GB", "DE", "FR", "ES", "IT", "JP", "NL", "BR")


def _long_way_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for run in phones._RUN.finditer(text):
        start, run_text = run.start(), run.group()
        if phones._ORDER_ID_RUN.fullmatch(run_text) is not None and (
            start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_+")
        ):
            continue
        for match in phones._CANDIDATE.finditer(text, max(0, start - 2), start + len(run_text)):
            found.append((match.start(), match.end(), match.group()))
    return found


def _long_way_vetoed(text: str, start: int, end: int, raw: str, groups: list[str]) -> bool:
    if phones._AFTER.match(text, end) is not None:
        return True
    if phones._BEFORE_VETO.search(text[max(0, start - 6) : start]) is not None:
        return True
    if not phones._NUMBER_MARKS.isdisjoint(raw) and phones._NOT_A_NUMBER.fullmatch(
        raw.strip("()+ ")
    ):
        return True
    national = not raw.startswith("+")
    if national and len(groups) >= 2:
        sizes = set(map(len, groups))
        if sizes == {4} and all(g[:2] in ("19", "20") for g in groups):
            return True
        if len(groups) >= 4 and sizes in ({2}, {1, 2}) and groups[0][0] != "0":
            return True
    digits = "".join(groups)
    if national and len(digits) == 13 and phones._is_ean13(digits):
        return True
    isbn_layout = len(groups) == 1 or len(groups[-1]) == 1
    if national and isbn_layout and len(digits) == 10 and phones._is_isbn10(digits):
        return True
    return phones._context_vetoes(text, start)


def _long_way_confirm(
    text: str, spans: list[tuple[int, int, int]], regions: tuple[str, ...]
) -> tuple[int, int, str, str | None] | None:
    for region in regions or ("US",):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        trunk = metadata is not None and metadata.national_prefix == "0"
        for candidate_start, candidate_end, _ in spans:
            candidate = text[candidate_start:candidate_end]
            international = candidate[0] == "+" or candidate.startswith("00")
            if not international and trunk and candidate.lstrip("(")[:1] != "0":
                continue
            e164 = phones._quick_valid(candidate, region, international=international)
            if e164 is None:
                number = phones._parsed_valid(candidate, region, international=international)
                if number is not None:
                    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 is not None:
                return candidate_start, candidate_end, e164, None if international else region
    return None


def _long_way(text: str, regions: tuple[str, ...]) -> list[tuple[int, int, str, str | None, bool]]:
    normalized = normalize(text)
    view = normalized.contacts or normalized
    folded = view.text
    # Typed separators read as plain ones, and a line broken after a separator as a blank.
    for typed, plain in (("\u2013", "-"), ("\u2010", "-"), ("\u2011", "-"), ("\u2012", "-"),
                         ("\u2212", "-"), ("\u00b7", ".")):  # fmt: skip
        folded = folded.replace(typed, plain)
    folded = folded.replace("/\n", "/ ").replace("-\n", "- ")
    tried = tuple(dict.fromkeys(r.upper() for r in regions if r))
    hits = []
    for start, end, raw in _long_way_candidates(folded):
        groups = phones._GROUP.findall(raw)
        spans = phones._spans(folded, start, end, raw, groups)
        if not spans or _long_way_vetoed(folded, start, end, raw, groups):
            continue
        found = _long_way_confirm(folded, spans, tried)
        if found is None:
            found = phones._confirm_possible(folded, start, spans, tried)
        if found is None:
            continue
        number_start, number_end, number, region = found
        original_start, original_end = view.to_original(number_start, number_end)
        original = view.original[original_start:original_end]
        spelled = any(c.isalpha() for c in original)
        hits.append((original_start, original_end, number, region, spelled))
    return hits


_PIECES = st.sampled_from(
    [
        "0", "00", "1", "4", "5", "7", "9", "12", "19", "20", "30", "44", "49", "89", "555", "0123",
        "0170", "2025", "4567", "12345", "987654", "5551234", "+", "+ ", "(", ")", "-", ".", "/",
        " ", "  ", "\t", " - ", ") ", ",", "٣", "１", "x", "a", "\u2013", "\u00b7", "/\n", "-\n",
    ]
)  # fmt: skip
_TEXTS = st.tuples(
    st.sampled_from(
        [
            "",
            "Tel. ",
            "call ",
            "order ",
            "SKU ",
            "Case ID ",
            "ISBN ",
            "EAN ",
            "ZIP ",
            "$",
            "Rufen Sie an: ",
            "Appelez le ",
            "電話 ",
            "order no. 5, call ",
            "a",
            "\n",
        ]
    ),
    st.lists(_PIECES, min_size=1, max_size=16).map("".join),
    st.sampled_from(["", ".", " kg", "a", ")", " 24/7", " now", " cm", "€", "\n12 34 56 78"]),
).map("".join)


@settings(max_examples=4000, deadline=None)
@given(text=_TEXTS, regions=st.lists(st.sampled_from(_REGIONS), min_size=1, max_size=3))
def test_find_phones_agrees_with_the_long_way(text: str, regions: list[str]) -> None:
    tried = tuple(regions)
    hits = phones.find_phones(text, tried)
    assert [(h.start, h.end, h.number, h.region, h.spelled) for h in hits] == _long_way(text, tried)


@settings(max_examples=1500, deadline=None)
@given(
    region=st.sampled_from(sorted(phones._QUICK_REGIONS)),
    national=st.text(alphabet="0123456789٣", min_size=0, max_size=16),
    trunk=st.sampled_from(["", "0", "1", "00"]),
)
def test_confirm_of_a_national_number_is_quick_valid_or_the_parse(
    region: str, national: str, trunk: str
) -> None:
    text = trunk + national
    if not text:
        return
    spans = [(0, len(text), 1)]
    assert phones._confirm(text, spans, (region,), None, [text]) == _long_way_confirm(
        text, spans, (region,)
    )


_SHAPES = json.loads(
    (Path(__file__).resolve().parents[2] / "corpus" / "phone-shapes.json").read_text("utf-8")
)
_SHAPE_TEXTS = [case["text"] for case in _SHAPES["phones"] + _SHAPES["traps"]]


@pytest.mark.parametrize("text", _SHAPE_TEXTS)
def test_find_phones_agrees_with_the_long_way_on_the_phone_shapes(text: str) -> None:
    for region in ("US", "GB", "DE", "FR", "ES", "IT", "JP"):
        hits = phones.find_phones(text, (region,))
        assert [(h.start, h.end, h.number, h.region, h.spelled) for h in hits] == _long_way(
            text, (region,)
        )


def test_the_long_way_finds_the_usual_numbers() -> None:
    assert _long_way("Tel. 089 55512345", ("DE",)) == [(5, 17, "+498955512345", "DE", False)]
    assert _long_way("Case ID 2125550123 is open", ("US",)) == []
