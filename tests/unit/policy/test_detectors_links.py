"""Link detector: URLs, www, bare and obfuscated domains in six languages, and sentence traps."""

from __future__ import annotations

import pytest

from gobetween.policy import check
from gobetween.policy.detectors.links import find_links, host_matches


@pytest.mark.parametrize(
    ("text", "found", "scheme", "host"),
    [
        ("manual here: bit.ly/lp200-manual", "bit.ly/lp200-manual", None, "bit.ly"),
        (
            "at https://edgelinecutlery.com/newsletter and",
            "https://edgelinecutlery.com/newsletter",
            "https",
            "edgelinecutlery.com",
        ),
        ("ready: http://proofs.engravecraft.com/p/3JX9QA", None, "http", "proofs.engravecraft.com"),
        ("sur www.maison-lin-coton.fr/guide-tailles, avec", None, None, "www.maison-lin-coton.fr"),
        ("Visit Shop.com today", "Shop.com", None, "shop.com"),
        ("VISIT SHOP.COM TODAY", "SHOP.COM", None, "shop.com"),
        ("upload at www . printpals . com / upload using", None, None, "www.printpals.com"),
        ("on vintagevinylhub dot com slash grading if", None, None, "vintagevinylhub.com"),
        ("at lunathreads[.]com/sizes - it's", "lunathreads[.]com/sizes", None, "lunathreads.com"),
        ("go to shop(dot)com now", "shop(dot)com", None, "shop.com"),
        ("h t t p s : / / evil . com", "h t t p s : / / evil . com", "https", "evil.com"),
        ("besuchen Sie meinshop punkt de", "meinshop punkt de", None, "meinshop.de"),
        ("visitez boutique point fr", "boutique point fr", None, "boutique.fr"),
        ("visita tienda punto es para", "tienda punto es", None, "tienda.es"),
        ("visita negozio punto it per", "negozio punto it", None, "negozio.it"),
        ("詳しくはshop.jpまで", "shop.jp", None, "shop.jp"),
        ("サイトは shop ドット jp です", "shop ドット jp", None, "shop.jp"),
        ("see ｗｗｗ．ｓｈｏｐ．ｃｏｍ", "ｗｗｗ．ｓｈｏｐ．ｃｏｍ", None, "www.shop.com"),
        (
            "https://proofs.engravecraft.com.proofview-secure.net/approve?id=7",
            None,
            "https",
            "proofs.engravecraft.com.proofview-secure.net",
        ),
        ("https://amazon.com@evil.example/x", None, "https", "evil.example"),
        ("long tail: mybrand.studio/sale", "mybrand.studio/sale", None, "mybrand.studio"),
        ('<img src="https://t.mailtrk.io/o/5521.gif">', None, "https", "t.mailtrk.io"),
    ],
)
def test_finds_links(text: str, found: str | None, scheme: str | None, host: str) -> None:
    hits = find_links(text)
    assert len(hits) == 1, hits
    hit = hits[0]
    if found is not None:
        assert text[hit.start : hit.end] == found
    assert hit.scheme == scheme
    assert hit.host == host


@pytest.mark.parametrize(
    "text",
    [
        "Thanks.Best regards, Anna",
        "Hello.How are you?",
        "I attached backup.zip for you",
        "I sent it.It arrived yesterday",
        "Merci.Je vous écris demain",
        "du point de vue technique",
        "el punto de entrega es la tienda",
        "a polka dot dress",
        "at some point in time",
        "e.g. the v2.3 firmware, i.e. 3.5mm jack, No.5",
        "the total is $1,249.99.",
        "file report.pdf and photo.jpg",
        'logo <img src="cid:hearth-logo.png">',
        "Follow us on Instagram @oakandpine.co",
        "DM us on Instagram @lunasilver.studio - we answer",
        "write to design.lunasilver@gmail.com",
        "Das ist der Punkt. Danach",
        "ok.so we ship tomorrow",
    ],
)
def test_skips_prose(text: str) -> None:
    assert find_links(text) == []


def test_obfuscation_is_flagged() -> None:
    assert find_links("shop dot com")[0].obfuscated
    assert not find_links("shop.com")[0].obfuscated


def test_host_matches_subdomains_only() -> None:
    assert host_matches("proofs.engravecraft.com", ("engravecraft.com",))
    assert host_matches("engravecraft.com", ("engravecraft.com",))
    assert not host_matches("evilengravecraft.com", ("engravecraft.com",))
    assert not host_matches("engravecraft.com.evil.net", ("engravecraft.com",))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Typographic quotation marks around a link end it, as ' and " do: they are the writer's
        # punctuation, never part of the address (a URL holds them percent-encoded only).
        ("See ‘https://example.com/a’ now", "https://example.com/a"),
        ("Visit “www.example.com/shop”.", "www.example.com/shop"),
        ("Besuchen Sie „https://example.de/x“ bitte", "https://example.de/x"),
        ("sur «https://exemple.fr/b» merci", "https://exemple.fr/b"),
        ("sur ‹www.exemple.fr/c› merci", "www.exemple.fr/c"),
        ("the page www.example.com/a’s top", "www.example.com/a"),
        ("the page www.example.com/a's top", "www.example.com/a"),
    ],
)
def test_a_quotation_mark_ends_a_link(text: str, found: str) -> None:
    [hit] = find_links(text)
    assert text[hit.start : hit.end] == found


def test_the_finding_of_a_quoted_link_slices_the_address_alone() -> None:
    text = "Hello, the manual is at ‘https://example.com/manual’ – thanks."
    context = {
        "direction": "seller_to_buyer",
        "initiation": "reply",
        "fulfillment": "seller",
        "contact_reason": "other",
    }
    verdict = check(text, context)
    assert verdict.verdict == "block"
    spans = [f.span for f in verdict.findings if f.category == "external_link"]
    assert [text[span[0] : span[1]] for span in spans if span is not None] == [
        "https://example.com/manual"
    ]
