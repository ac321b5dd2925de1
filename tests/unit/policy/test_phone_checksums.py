"""The EAN-13 checksum that vetoes a 13-digit candidate reads ASCII digits as bytes: the same
answer as the digit-by-digit sum, on any 13 digits (and on digits of other scripts, which take
the digit-by-digit way)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import phones


def _ean13_digit_by_digit(digits: str) -> bool:
    if len(digits) != 13:
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet="0123456789", min_size=11, max_size=15)
    | st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩０１２３", min_size=13, max_size=13)
)
@example("4006381333931")
@example("9780306406157")
@example("9780306406158")
def test_the_ean13_checksum_is_the_digit_by_digit_one(digits: str) -> None:
    assert phones._is_ean13(digits) == _ean13_digit_by_digit(digits)
