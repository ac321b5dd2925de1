"""Text in Latin-1 (ASCII text too) is searched for contact requests by a bytes automaton of the
keys written in Latin-1: it must report the matches the text automaton reports (leftmost-longest,
the same key with the same meaning, the same offsets)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import contact_requests
from gobetween.policy.normalize import normalize

_LATIN1_KEYS = [key.decode("latin-1") for key in contact_requests._LATIN1_KEYS]
_PIECES = (
    st.sampled_from(_LATIN1_KEYS)
    | st.sampled_from([key for key in _LATIN1_KEYS if key.isascii()])
    | st.text(alphabet=st.characters(max_codepoint=255), max_size=6)
)


def _both(view: str) -> tuple[list[object], list[object]]:
    latin1 = [
        (contact_requests._LATIN1_MEANINGS[index], _LATIN1_KEYS[index], start, end)
        for index, start, end in contact_requests._LATIN1_AUTOMATON.find_matches_as_indexes(
            view.encode("latin-1")
        )
    ]
    text = [
        (contact_requests._MEANINGS[index], contact_requests._KEYS[index], start, end)
        for index, start, end in contact_requests._AUTOMATON.find_matches_as_indexes(view)
    ]
    return latin1, text


def test_the_latin1_keys_are_the_keys_in_latin1_in_their_order() -> None:
    expected = [
        (key, meaning)
        for key, meaning in zip(contact_requests._KEYS, contact_requests._MEANINGS, strict=True)
        if max(key) <= "\xff"
    ]
    assert list(zip(_LATIN1_KEYS, contact_requests._LATIN1_MEANINGS, strict=True)) == expected
    assert any(not key.isascii() for key in _LATIN1_KEYS)
    assert len(expected) < len(contact_requests._KEYS)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=10).map(" ".join))
@example("please send us your phone number and your email address")
@example("what's your number? your e-mail?")
@example("pourriez-vous nous indiquer votre numéro de téléphone ?")
@example("¿nos puede dar su número de teléfono?")
def test_the_bytes_automaton_reports_the_text_automatons_matches(text: str) -> None:
    view = normalize(text).text
    try:
        view.encode("latin-1")
    except UnicodeEncodeError:
        return
    latin1, text_matches = _both(view)
    assert latin1 == text_matches


def test_a_request_in_ascii_text_is_found_where_it_was() -> None:
    text = "Could you send me your phone number?"
    hits = contact_requests.find_contact_requests(text)
    assert [(hit.kind, hit.language) for hit in hits] == [("phone_request", "en")]
    assert text[hits[0].start : hits[0].end] == "phone number"


def test_a_request_in_text_beyond_latin1_is_found_by_the_text_automaton() -> None:
    text = "電話番号を教えてください。"
    hits = contact_requests.find_contact_requests(text)
    assert [(hit.kind, hit.language) for hit in hits] == [("phone_request", "ja")]
    assert text[hits[0].start : hits[0].end] == "電話番号"
