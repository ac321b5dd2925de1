"""`_fold_plain` takes text that case folding leaves unchanged as normalised without a second
NFKC test; the draft must be the one the test gave."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import _Draft


def _fold_plain_testing_twice(text: str) -> _Draft | None:
    """`_fold_plain` as it was: the folded text tested for NFKC whether or not it changed."""
    if text.isascii():
        return _Draft(text.lower(), range(len(text)), range(1, len(text) + 1))
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if (
            len(folded) == len(text)
            and not normalization._has_special(folded)
            and unicodedata.is_normalized("NFKC", folded)
        ):
            return _Draft(folded, range(len(text)), range(1, len(text) + 1))
    return None


_PIECES = [
    "ご注文", "ありがとう", "ｶﾞ", "バ", "ﾊ\u3099", "é", "e\u0301", "ß", "Σ", "ς", "İ", "ﬁ",
    "Ⅻ", "①", "ｓ", "а", "\u200b", "👍", "Straße", "ΟΔΟΣ", "abc", " ", "\u3000", "²",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
        st.text(max_size=40).map(lambda text: text.encode("utf-8", "replace").decode()),
    )
)
def test_fold_plain_as_testing_twice(text: str) -> None:
    fast = normalization._fold_plain(text)
    plain = _fold_plain_testing_twice(text)
    assert (fast is None) == (plain is None)
    if fast is not None and plain is not None:
        assert (fast.text, fast.starts, fast.ends) == (plain.text, plain.starts, plain.ends)
