"""The e-mail detector searches for a next address only up to the last "@", the link detector
for a next URL, www address or "x.y" only up to the last "://", "www" or dot: the same hits as
scanning the whole text with `finditer`, as the detectors were first written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import emails
from gobetween.policy.normalize import normalize_contacts


def _plain_find_emails(text: str) -> list[emails.EmailHit]:
    view = normalize_contacts(text)
    hits = []
    for match in emails._EMAIL.finditer(view.text):
        start, end = view.to_original(match.start(), match.end())
        # An address broken over a line after its "@" is the address without the break.
        address = "".join(match.group().split())
        original = view.original[start:end]
        hits.append(emails.EmailHit(start, end, address, original.lower() != address))
    return hits


_EMAIL_PIECES = st.sampled_from(
    [
        "anna", "a", "x.y", "_", "+", "-", "%", "@", "@@", ".", ".com", ".de", ".co.uk", "shop",
        " ", "\n", "é", "1", " at ", " dot ", "(at)", "[dot]", "＠", "Anna", ",", "mail me",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_EMAIL_PIECES, max_size=16).map("".join))
def test_find_emails_as_first_written(text: str) -> None:
    assert emails.find_emails(normalize_contacts(text)) == _plain_find_emails(text)


def test_every_address_of_a_message_is_found() -> None:
    text = "anna@shop.com, bob@shop.de and carl (at) mail [dot] it, then nothing@"
    found = [hit.address for hit in emails.find_emails(normalize_contacts(text))]
    assert found == ["anna@shop.com", "bob@shop.de", "carl@mail.it"]
    assert found == [hit.address for hit in _plain_find_emails(text)]
