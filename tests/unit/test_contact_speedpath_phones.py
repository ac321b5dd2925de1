"""The phone detector's shortcuts give the answers of the steps as first written.

A candidate's digit groups are found once and handed to `_spans` (which builds the group ends
only when a trailing group can be dropped), `_vetoed` and `_quick_valid`; `_BEFORE_VETO` is tried
only when the last character before the number that is not a blank is one its matches end with;
the run of an order id is fullmatched only when it is long enough to be one, and a candidate
against dates, amounts and year ranges only when it has one of their marks. These tests compare
each with the plain step on random candidates and contexts.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import phones


def _plain_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`_spans` as first written: every group's size and end from one pass, every span tried."""
    if text[start] == "(" and ")" not in text[start:end]:
        start += 1
    groups = [(m.end() - m.start(), m.end()) for m in phones._GROUP.finditer(text, start, end)]
    total = sum(size for size, _ in groups)
    if total < phones._MIN_DIGITS or (
        total > phones._MAX_DIGITS and groups[-1][0] > phones._MAX_DROPPED
    ):
        return []
    spans: list[tuple[int, int]] = []
    dropped = 0
    for keep in range(len(groups), 0, -1):
        if keep < len(groups):
            dropped += groups[keep][0]
        if dropped > phones._MAX_DROPPED:
            break
        if phones._MIN_DIGITS <= total - dropped <= phones._MAX_DIGITS:
            last = groups[keep - 1][1]
            opened = text.count("(", start, last) > text.count(")", start, last)
            spans.append((start, last + 1 if opened and last < end and text[last] == ")" else last))
    return spans


_CANDIDATE_PIECES = st.sampled_from(
    [
        "0", "1", "5", "12", "555", "0123", "4567", "12345", "987654", "1234567", "+", "+ ", "(",
        ")", "-", ".", "/", " ", "\t", " - ", ") ", "٣", "１",
    ]
)  # fmt: skip
_CANDIDATE_TEXTS = st.tuples(
    st.sampled_from(["", "tel ", "x", "order ", "$", "a"]),
    st.lists(_CANDIDATE_PIECES, min_size=1, max_size=14).map("".join),
    st.sampled_from(["", ".", " kg", "a", ")", " 24/7", " now"]),
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_CANDIDATE_TEXTS)
def test_spans_and_digits_as_first_written(text: str) -> None:
    for match in phones._CANDIDATE.finditer(text):
        start, end = match.span()
        raw = match.group()
        groups = phones._GROUP.findall(raw)
        spans = phones._spans(text, start, end, raw, groups)
        assert [(a, b) for a, b, _ in spans] == _plain_spans(text, start, end)
        for a, b, kept in spans:
            # A span's digits are its first `kept` groups: what `_quick_valid` reads itself.
            assert "".join(groups[:kept]) == "".join(phones._GROUP.findall(text[a:b]))


_BEFORE_CHARACTERS = st.sampled_from(list("$€£¥#№x×eurusdgbpchfjpyab09٣² \t\n\u3000.:-"))


@settings(max_examples=5000, deadline=None)
@given(st.text(alphabet=_BEFORE_CHARACTERS, max_size=6))
def test_before_veto_gate_keeps_every_match(before: str) -> None:
    assert phones._before_vetoes(before) == (phones._BEFORE_VETO.search(before) is not None)


def test_before_veto_gate_examples() -> None:
    assert phones._before_vetoes("eur ")
    assert phones._before_vetoes("ab12\n")
    assert phones._before_vetoes("x\n")
    assert not phones._before_vetoes("tel. ")
    assert not phones._before_vetoes("")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789-/. ()")), min_size=1, max_size=24))
def test_order_id_length_gate(run: str) -> None:
    # No run shorter than the gate's length is an order id.
    if phones._ORDER_ID_RUN.fullmatch(run) is not None:
        assert len(run) >= phones._ORDER_ID_LENGTH


@settings(max_examples=5000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ()+-./,'\t")), min_size=1, max_size=20))
def test_no_date_amount_or_year_range_without_a_mark(raw: str) -> None:
    # The fullmatch is skipped for candidates with none of the marks: it finds nothing there.
    if phones._NUMBER_MARKS.isdisjoint(raw):
        assert phones._NOT_A_NUMBER.fullmatch(raw.strip("()+ ")) is None
