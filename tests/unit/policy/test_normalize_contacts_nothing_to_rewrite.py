"""`normalize_contacts` returns the folded text as the detector view, without the draft and the
rewriting steps, when `_rewrites` says those steps would change nothing (None); the view must
be the one the steps give (text and both offset maps), on every text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import NormalizedText, normalize, normalize_contacts

_WORDS = [
    "dot", "at", "punkt", "point", "punto", "arroba", "arobase", "chiocciola", "slash", "www",
    "http", "https", "ftp", "com", "de", "shop", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "zero", "oh", "eins", "zwei", "fünf", "cinq", "uno", "tre", "sei",
    "someone", "tone", "(at)", "[dot]", "(646)", "[.]", "{", "<b>", "://", ":", "/", ".", "@",
    "a", "b", "c", "x", "7", "555", "0199", "ドット", "アット", "Ｓａｌｅｓ", "é", "ß", "r e v",
    "du", "el", "some", "is", "the", "door", "9", "[at]", "(dot)", "lunathreads[.]com",
]  # fmt: skip
_GAPS = ["", " ", "  ", " . ", "\t", "\n", ", ", "-", " @ "]
_RUNS = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), max_size=16).map(
    lambda pairs: "".join(word + gap for word, gap in pairs)
)


def _through_every_step(text: str) -> NormalizedText:
    """The detector view built as before the shortcut: the folded draft through
    `_contact_draft`, whatever it holds."""
    if text.isascii():
        folded = normalization._Draft(text.lower(), range(len(text)), range(1, len(text) + 1))
    else:
        folded = normalization._fold(*normalization._source(text)[:2])
    shape = normalization._latin1_shape(folded.text)
    spaced = normalization._spaced_hint(folded.text, shape)
    view = normalization._contact_draft(folded, spaced, shape)
    return NormalizedText(
        text, view.text, normalization._frozen(view.starts), normalization._frozen(view.ends)
    )


def _as_lists(view: NormalizedText) -> tuple[str, list[int], list[int]]:
    return view.text, list(view.origin), list(view.ends)


def _same_view(text: str) -> None:
    fast, slow = normalize_contacts(text), _through_every_step(text)
    assert _as_lists(fast) == _as_lists(slow)
    assert fast == slow
    whole = normalize(text).contacts
    assert whole is not None
    assert _as_lists(fast) == _as_lists(whole)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_RUNS, st.text(alphabet=st.characters(max_codepoint=127), max_size=80)))
@example("Size 180 x 200 cm, 42 kg")
@example("Our workshop: (646) 555-0199")
@example("kontakt [at] holzwerk (dot) de")
@example("see https://shop.example.com/a and http : / / x.de")
@example("four one five five five five")
@example("someone gave one tone to everyone")
def test_the_view_is_the_one_every_step_gives(text: str) -> None:
    _same_view(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_the_view_is_the_one_every_step_gives_on_any_text(text: str) -> None:
    _same_view(text.encode("utf-8", "replace").decode("utf-8", "replace"))


def test_nothing_to_rewrite_sees_each_rewrite() -> None:
    def nothing(text: str) -> bool:
        found = normalization._separators_and_digits(text)
        return normalization._rewrites(text, found) is None

    assert nothing("size 180 x 200 cm, 42 kg")
    assert nothing("our workshop: (646) 555-0199")
    assert nothing("see https://shop.example.com/a")
    assert nothing("someone gave one tone to everyone")
    assert not nothing("mail anna at gmail dot com")
    assert not nothing("kontakt [at] holzwerk")
    assert not nothing("see https : / / shop.example.com")
    assert not nothing("call four one five five five five")
    # A separator word without an address after it, or after a function word, edits nothing.
    assert nothing("meet me at the door at 9")
    assert nothing("du point de vue du client")
    assert nothing("at some point in the week")
    assert not nothing("our catalogue is at tienda-luna.es or at shop dot com")
    assert not nothing("sizes at lunathreads[.]com/sizes")
