"""E-mail detector: plain, fullwidth, homoglyph and spelled addresses in six languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import emails
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.normalize import normalize


@pytest.mark.parametrize(
    ("text", "found", "address"),
    [
        ("email design.lunasilver@gmail.com with", "design.lunasilver@gmail.com", None),
        ("mike.ridgeway.parts@gmail.com", "mike.ridgeway.parts@gmail.com", None),
        ("write to sаles@tоnerdepot.net and", "sаles@tоnerdepot.net", "sales@tonerdepot.net"),
        ("send to info＠shop．jp please", "info＠shop．jp", "info@shop.jp"),
        ("send to atelier.gravure(at)orange.fr en", "atelier.gravure(at)orange.fr", None),
        ("name [at] shop [dot] com", "name [at] shop [dot] com", "name@shop.com"),
        (
            "send to anna dot keller at gmail dot com and",
            "anna dot keller at gmail dot com",
            "anna.keller@gmail.com",
        ),
        ("mail: tom at gmail dot com", "tom at gmail dot com", "tom@gmail.com"),
        # A mailbox's name after a word that leads to an address: not a domain after "at".
        (
            "email me a photo at support at lampworks dot co dot uk",
            "support at lampworks dot co dot uk",
            "support@lampworks.co.uk",
        ),
        ("Contact: sales at lampworks dot de", "sales at lampworks dot de", "sales@lampworks.de"),
        ("schreiben Sie an info at laden punkt de", None, None),  # "at" + shop: a domain
        ("Mail an kontakt ät laden.de", None, None),
        ("écrivez à info arobase boutique point fr", "info arobase boutique point fr", None),
        ("escribe a ventas arroba tienda punto es", "ventas arroba tienda punto es", None),
        ("scrivi a info chiocciola negozio punto it", "info chiocciola negozio punto it", None),
        ("メールは info アット shop ドット jp まで", "info アット shop ドット jp", "info@shop.jp"),
        ("メールはinfo@shop.jpまで", "info@shop.jp", None),
        ("müller@web.de", "müller@web.de", None),
    ],
)
def test_finds_addresses(text: str, found: str | None, address: str | None) -> None:
    hits = find_emails(text)
    if found is None:
        assert hits == [] or all("@" in h.address for h in hits)
        return
    assert len(hits) == 1, hits
    assert text[hits[0].start : hits[0].end] == found
    if address is not None:
        assert hits[0].address == address


@pytest.mark.parametrize(
    "text",
    [
        "LINE ID: ＠ｋｏｍｏｒｅｂｉ＿ｓｈｏｐ",
        "Follow us on Instagram @oakandpine.co",
        "Venmo @jordan-k22, it's faster",
        "Telegram @toprank_reviews.",
        "see you at home dot",
        "look at shop dot com",
        # The same names after other words: a domain after an English "at".
        "more info at lampworks dot com",
        "place orders at lampworks dot com",
        "at 5 pm at the depot",
        "meet me @ the store",
    ],
)
def test_skips_handles_and_prose(text: str) -> None:
    assert find_emails(text) == []


_ADDRESS_PIECES = st.sampled_from(
    ["anna", "a.b", "é", "_", "%", "+", "-", ".", "@", "@@", " ", "\n", "\t", "shop", ".de",
     ".co.uk", "x@y.com", "1", "メール", "at"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ADDRESS_PIECES, max_size=14).map("".join))
def test_addresses_searched_from_the_last_blank_before_the_first_at_are_all_of_them(
    text: str,
) -> None:
    # The long way: the address pattern searched from the start of the detector view.
    normalized = normalize(text)
    view = normalized.contacts or normalized
    expected = [view.to_original(*m.span()) for m in emails._EMAIL.finditer(view.text)]
    assert [(hit.start, hit.end) for hit in find_emails(normalized)] == expected
