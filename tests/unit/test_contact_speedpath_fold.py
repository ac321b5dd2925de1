"""Runs whose characters each fold alone, to one character, are folded by a table.

`_fold_clusters` folds a run that is not already folded with `str.translate` when every character
of it is a cluster of its own (no combining mark, no invisible character) whose fold is one
character: fullwidth letters, Cyrillic and Greek look-alikes. These tests compare it with the
cluster walk as first written (every such run through `_fold_slow`) on texts of those characters
mixed with marks, invisible characters, characters that fold to several or none, and ASCII.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import normalize, normalize_contacts


def _walked_clusters(text: str) -> normalization._Draft:
    """`_fold_clusters` as first written: every run that is not stable walked cluster by
    cluster."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = mapped = 0
    for match in normalization._NON_ASCII_RUN.finditer(text):
        a, b = match.span()
        run = match.group()
        if normalization._stable(run):
            parts.append(text[position:a].lower())
            parts.append(run)
            position = b
            continue
        if a > position and a > 0:
            a -= 1
        parts.append(text[position:a].lower())
        starts.extend(range(mapped, a))
        ends.extend(range(mapped + 1, a + 1))
        normalization._fold_slow(text, a, b, parts, starts, ends)
        position = mapped = b
    parts.append(text[position:].lower())
    starts.extend(range(mapped, len(text)))
    ends.extend(range(mapped + 1, len(text) + 1))
    return normalization._Draft("".join(parts), starts, ends)


def _as_lists(draft: normalization._Draft) -> tuple[str, list[int], list[int]]:
    return draft.text, list(draft.starts), list(draft.ends)


_CHARACTERS = list(
    "ｓａｌｅｓ＠ｍｙｓｈｏｐ．ｃｏｍＡＺ１２３"  # fullwidth
    "аеорсхАЕОРСХ"  # Cyrillic look-alikes
    "ΑΟαορ"  # Greek look-alikes
    "はい、変更可能です電話"  # stable Japanese
    "ﾊﾞｶﾟ"  # halfwidth katakana and sound marks
    "ßﬁ㈱½ǅİ"  # folds to several characters
    "\u0301\u0308\u3099"  # combining marks
    "\u200b\u00ad\ufeff"  # invisible characters
    "éÉüÜ€😀"
    "abcXYZ 019.,@-\n"
)
_TEXTS = st.text(alphabet=st.sampled_from(_CHARACTERS), max_size=40)


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_fold_by_table_as_the_cluster_walk(text: str) -> None:
    assert _as_lists(normalization._fold_clusters(text)) == _as_lists(_walked_clusters(text))


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_detector_view_is_the_contact_view_of_normalize(text: str) -> None:
    alone = normalize_contacts(text)
    contacts = normalize(text).contacts
    assert contacts is not None
    assert (alone.text, list(alone.origin), list(alone.ends)) == (
        contacts.text,
        list(contacts.origin),
        list(contacts.ends),
    )


def test_fullwidth_and_look_alike_addresses_fold_one_for_one() -> None:
    for text, folded in (
        ("Contact: ｓａｌｅｓ＠ｍｙｓｈｏｐ．ｃｏｍ", "contact: sales@myshop.com"),
        ("write to sаles@bооkshelf.net", "write to sales@bookshelf.net"),
    ):
        draft = normalization._fold_clusters(text)
        assert draft.text == folded
        assert list(draft.starts) == list(range(len(text)))
        assert _as_lists(draft) == _as_lists(_walked_clusters(text))


def test_a_run_with_a_mark_or_a_multiple_fold_takes_the_walk() -> None:
    for text in ("ｓａ\u0301ｌｅ", "ａ\u200bｂ", "ßｓ", "ｓ㈱"):
        assert normalization._fold_one_for_one(text) is None
        assert _as_lists(normalization._fold_clusters(text)) == _as_lists(_walked_clusters(text))
