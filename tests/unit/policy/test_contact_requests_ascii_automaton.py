"""ASCII text is searched for contact requests by a bytes automaton of the same keys: it must
report the matches the text automaton reports (leftmost-longest, same keys, same offsets)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import contact_requests
from gobetween.policy.normalize import normalize

_ASCII_KEYS = [key for key in contact_requests._KEYS if key.isascii()]
_PIECES = st.sampled_from(_ASCII_KEYS) | st.text(
    alphabet=st.characters(max_codepoint=127), max_size=6
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=10).map(" ".join))
@example("please send us your phone number and your email address")
@example("what's your number? your e-mail?")
def test_the_bytes_automaton_reports_the_text_automatons_matches(text: str) -> None:
    view = normalize(text).text
    assert view.isascii()
    assert contact_requests._ASCII_AUTOMATON.find_matches_as_indexes(
        view.encode("ascii")
    ) == contact_requests._AUTOMATON.find_matches_as_indexes(view)


def test_a_request_in_ascii_text_is_found_where_it_was() -> None:
    text = "Could you send me your phone number?"
    hits = contact_requests.find_contact_requests(text)
    assert [(hit.kind, hit.language) for hit in hits] == [("phone_request", "en")]
    assert text[hits[0].start : hits[0].end] == "phone number"
