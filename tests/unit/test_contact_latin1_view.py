"""`normalize_contacts` reads plain Latin-1 text (accented European messages) as it reads ASCII
text: folded by the byte table, shape and automaton from the same bytes, the folded text
returned as its own view when nothing is to be rewritten. Its view must be the detector view
of `normalize()`, which folds such text the long way (`_fold`, `_contact_view`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.normalize import normalize, normalize_contacts

_PIECES = st.sampled_from(
    [
        "é", "É", "ü", "Ü", "ñ", "à", "ç", "ß", "µ", "\xad", "²", "½", "\xa0", "Ø", "ÿ",
        "a", "b", "X", " ", "\n", ".", ",", "@", "-", "(", ")", "[", "]", "1", "0", "555",
        " dot ", " punkt ", " punto ", " point ", " at ", " arroba ", " chiocciola ", "[dot]",
        "(at)", "h t t p s : / / ", "http://", "www", "un ", "deux ", "uno ", "dos ", "fünf ",
        "zéro ", "null ", "eins ", "a b c d ", "m ü l l e r", "müller", "café", "señor",
    ]
)  # fmt: skip


def _view(text: str) -> tuple[str, list[int], list[int]]:
    view = normalize_contacts(text)
    assert view.contacts is None
    return view.text, list(view.origin), list(view.ends)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_latin1_view_is_the_contact_view_of_normalize(text: str) -> None:
    contacts = normalize(text).contacts
    assert contacts is not None
    assert _view(text) == (contacts.text, list(contacts.origin), list(contacts.ends))


def test_latin1_views() -> None:
    text = "Ruf mich an, Jürgen: null eins sieben null"
    view = normalize_contacts(text)
    assert view.text == "ruf mich an, jürgen: 0170"
    plain = normalize_contacts("Grüße aus München")
    assert (plain.text, plain.origin, plain.ends) == (
        "grüsse aus münchen",
        (0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
        (1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
    )
    accented = normalize_contacts("Café Señor")
    assert (accented.text, accented.origin, accented.ends) == (
        "café señor",
        range(10),
        range(1, 11),
    )
