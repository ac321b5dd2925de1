"""Contact details written with a word processor's or a phone's characters, or broken over two
lines: an en dash or a middle dot between a number's groups, a line break after a separator or
after an address's "@", a defanged or starred scheme."""

from __future__ import annotations

import pytest

from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.links import find_links
from gobetween.policy.detectors.phones import find_phones


@pytest.mark.parametrize(
    ("text", "region", "found"),
    [
        ("Mi mandi le foto su WhatsApp al 347–512–8890, così", "IT", "347–512–8890"),
        ("appelez-moi directement au 06·48·21·97·35, on règle ça", "FR", "06·48·21·97·35"),
        ("Call 503‑555‑0148 any time", "US", "503‑555‑0148"),
        ("Sanitärhandel Hoffmann\nTel. 0171/\n4829 337", "DE", "0171/\n4829 337"),
    ],
)
def test_typed_separators_and_a_broken_line_keep_a_number_whole(
    text: str, region: str, found: str
) -> None:
    hits = find_phones(text, (region,))
    assert [text[hit.start : hit.end] for hit in hits] == [found]


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Neue Ware erwarten wir ab dem 24.03.; Lieferung in 10–14 Tagen", "DE"),
        ("Zustellung voraussichtlich 14/03–15/03, Öffnungszeiten 10:30–18:00", "DE"),
        ("Modell GS-1440-12 passt auf alle Handbrausen von 2019–2023", "DE"),
        ("Maße 120×60 cm · Gewicht 12,5 kg · Art.-Nr. 4482-117", "DE"),
    ],
)
def test_ranges_and_part_numbers_with_typed_separators_are_no_phone(text: str, region: str) -> None:
    assert find_phones(text, (region,)) == []


def test_an_address_broken_after_its_at_sign_is_one_address() -> None:
    text = "Schreiben Sie mir einfach direkt an\nbuchhaltung.nordlicht@\nposteo.de\nDann geht es"
    hits = find_emails(text)
    assert [(text[hit.start : hit.end], hit.address) for hit in hits] == [
        ("buchhaltung.nordlicht@\nposteo.de", "buchhaltung.nordlicht@posteo.de")
    ]
    assert hits[0].obfuscated


def test_a_line_break_before_the_at_sign_is_not_joined() -> None:
    # What is before a line break is a word of the text, not a local part cut off.
    assert find_emails("Write to us\n@ the shop") == []


@pytest.mark.parametrize(
    ("text", "scheme", "host"),
    [
        (
            "est téléchargeable ici : h**ps://www.luminaires-chardon.fr/notices/luma-40 — ok",
            "h**ps",
            "www.luminaires-chardon.fr",
        ),
        ("see hxxps://evil.example/login now", "hxxps", "evil.example"),
        ("see hxxp://evil.example/login now", "hxxp", "evil.example"),
    ],
)
def test_a_defanged_scheme_is_an_obfuscated_link(text: str, scheme: str, host: str) -> None:
    (hit,) = find_links(text)
    assert (hit.scheme, hit.host, hit.obfuscated) == (scheme, host, True)


def test_a_plain_https_link_is_not_obfuscated() -> None:
    (hit,) = find_links("see https://shop.example/faq")
    assert (hit.scheme, hit.obfuscated) == ("https", False)
