"""normalize(): folding of policy.md §6 with spans that slice the original text exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import NormalizedText, normalize, normalize_contacts


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("Please LEAVE a Review", "please leave a review"),
        ("ＷｈａｔｓＡｐｐ", "whatsapp"),  # fullwidth, NFKC
        ("Straße", "strasse"),  # case folding, not lower()
        ("Plеаsе lеаvе а rеviеw", "please leave a review"),  # Cyrillic look-alikes
        ("ΑΜΑΖΟΝ", "amazon"),  # Greek capitals
        ("feed\u200bback", "feedback"),  # zero-width space
        ("Whats\u200dApp\u00ad", "whatsapp"),  # joiner and soft hyphen
        ("r3v1ew", "review"),  # leetspeak inside a word
        ("c0up0n", "coupon"),
        ("5tars", "stars"),
        ("r e v i e w", "review"),  # spaced-out letters
        ("w h a t s a p p", "whatsapp"),
        ("w.h.a.t.s.a.p.p", "whatsapp"),
        ("r-e-v-i-e-w", "review"),
        ("leave a r e v i e w", "leave a review"),  # the article stays a word
        ("e\u0301valuation", "évaluation"),  # combining mark composed
        ("ﬁve", "five"),  # ligature
    ],
)
def test_phrase_view_folds(original: str, folded: str) -> None:
    assert normalize(original).text == folded


@pytest.mark.parametrize(
    "kept",
    [
        "114-3941689-8772232",
        "10am to 4pm",
        "kx300 e27 2700k",
        "180 x 200 cm",
        "1.234,56 €",
        "nbh-4471-kq2m-88xz",
        "iphone15",
    ],
)
def test_phrase_view_keeps_numbers_and_codes(kept: str) -> None:
    assert normalize(kept).text == kept


@pytest.mark.parametrize(
    ("original", "contacts"),
    [
        ("anna dot keller at gmail dot com", "anna.keller@gmail.com"),
        ("atelier.gravure(at)orange.fr", "atelier.gravure@orange.fr"),
        ("name [at] shop [dot] com", "name@shop.com"),
        ("name{at}shop<dot>com", "name@shop.com"),  # every bracket kind
        ("lunathreads[.]com/sizes", "lunathreads.com/sizes"),
        ("www . printpals . com / upload", "www.printpals.com/upload"),
        ("vintagevinylhub dot com slash grading", "vintagevinylhub.com/grading"),
        ("h t t p s : / / evil . com", "https://evil.com"),
        ("shop punkt de", "shop.de"),  # de
        ("kontakt at laden punkt de", "kontakt at laden.de"),  # "at" + non-provider: a domain
        ("info arobase boutique point fr", "info@boutique.fr"),  # fr
        ("ventas arroba tienda punto es", "ventas@tienda.es"),  # es
        ("info chiocciola negozio punto it", "info@negozio.it"),  # it
        ("info アット shop ドット jp", "info@shop.jp"),  # ja
        ("sаles@tоnerdepot.net", "sales@tonerdepot.net"),  # homoglyphs in an address
        ("three one two, eight eight four, zero one nine eight", "312 884 0198"),
        ("five five five zero one four eight", "5550148"),
        ("fünf fünf fünf null eins vier acht", "5550148"),
        ("cinq cinq cinq zéro un quatre huit", "5550148"),
        ("cinco cinco cinco cero uno cuatro ocho", "5550148"),
        ("cinque cinque cinque zero uno quattro otto", "5550148"),
        # French numbers are read in pairs: each pair word is two digits.
        ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "06 12 34 56 78"),
        ("zéro un quarante-cinq quatre-vingt-onze soixante et onze", "01459171"),
        ("〇九〇ー一二三四ー五六七八", "090 1234 5678"),
        # An address spaced out whole: a two-letter domain and a hyphen are joined too, and an
        # "@" between blanks has the local part before it.
        ("k o n t a k t @ h o l z w e r k - b a u e r . d e", "kontakt@holzwerk-bauer.de"),
        ("c o n t a c t @ b o u t i q u e . f r", "contact@boutique.fr"),
        ("kontakt @ holzwerk . com", "kontakt@holzwerk.com"),
        ("＋８１ ９０", "+81 90"),  # fullwidth digits
    ],
)
def test_contacts_view_undoes_obfuscation(original: str, contacts: str) -> None:
    view = normalize(original).contacts
    assert view is not None
    assert view.text == contacts


@pytest.mark.parametrize(
    "prose",
    [
        "du point de vue du client",
        "el punto de entrega es",
        "a polka dot dress",
        "at some point in time",
        "have a look at the dot matrix",
        "one or two things",
        "I sent it . It arrived",
        "Thanks. Best regards",
        "find us @ shop . de",  # a handle before the "@", not a mailbox
        "livraison entre dix et douze jours",
    ],
)
def test_contacts_view_leaves_prose(prose: str) -> None:
    view = normalize(prose).contacts
    assert view is not None
    assert view.text == prose.casefold()


def test_spans_map_back_to_exact_original_characters() -> None:
    original = "Mail: sаles\u200b@tоnerdepot.net or ａｎｎａ dot keller at gmail dot com!"
    normalized = normalize(original)
    start = normalized.text.index("sales")
    end = normalized.text.index(".net") + 4
    a, b = normalized.to_original(start, end)
    assert original[a:b] == "sаles\u200b@tоnerdepot.net"
    view = normalized.contacts
    assert view is not None
    start = view.text.index("anna")
    end = view.text.index("gmail.com") + len("gmail.com")
    a, b = view.to_original(start, end)
    assert original[a:b] == "ａｎｎａ dot keller at gmail dot com"


def test_zero_width_is_not_part_of_a_span_end() -> None:
    original = "leave feed\u200bback\u200b now"
    normalized = normalize(original)
    start = normalized.text.index("feedback")
    assert original.__getitem__(slice(*normalized.to_original(start, start + 8))) == (
        "feed\u200bback"
    )


def test_spelled_digits_map_to_the_words() -> None:
    original = "text me at three one two, eight eight four, zero one nine eight ok"
    view = normalize(original).contacts
    assert view is not None
    start = view.text.index("312")
    end = view.text.index("0198") + 4
    a, b = view.to_original(start, end)
    assert original[a:b] == "three one two, eight eight four, zero one nine eight"


def test_hand_built_values_keep_working() -> None:
    # The original contract: `origin` only, no `ends`.
    value = NormalizedText(original="ab", text="ab", origin=(0, 1))
    assert value.to_original(0, 2) == (0, 2)
    assert value.to_original(1, 1) == (1, 1)


def _check_view(view: NormalizedText, original: str) -> None:
    assert len(view.origin) == len(view.text) == len(view.ends)
    for index in range(len(view.text)):
        a, b = view.to_original(index, index + 1)
        assert 0 <= a <= b <= len(original)
    a, b = view.to_original(0, len(view.text))
    assert 0 <= a <= b <= len(original)


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=None, exclude_categories=("Cs",)),
    max_size=300,
)
_PIECES = st.sampled_from(
    [
        *["dot", " at ", "five", " ", "r", "3", ".", "@", "\u200b", "а", "ß", "ǰ", "ﬁ", "\u0301"],
        *[
            "www",
            "com",
            "x",
            "〇",
            "一",
            "ドット",
            "アット",
            "(",
            ")",
            "[",
            "]",
            "/",
            ":",
            "İ",
            "Ꭰ",
        ],
        *["ﾊﾞ", "ｶ", "\uff9e", "0\u0300"],
        # A euro sign between letters reads as an "e" in the phrase view, before leetspeak.
        *["€", "st", "rn", "5t", "1"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT, st.lists(_PIECES, max_size=40).map("".join)))
def test_normalize_properties(text: str) -> None:
    first = normalize(text)
    assert normalize(text) == first  # deterministic
    _check_view(first, text)
    assert first.contacts is not None
    _check_view(first.contacts, text)
    # Idempotent: folding the folded text changes nothing.
    assert normalize(first.text).text == first.text
    # The detector view alone is the same view, text and maps.
    alone = normalize_contacts(text)
    assert alone.contacts is None
    assert (alone.text, tuple(alone.origin), tuple(alone.ends)) == (
        first.contacts.text,
        tuple(first.contacts.origin),
        tuple(first.contacts.ends),
    )


@settings(max_examples=10, deadline=None)
@given(st.text(max_size=2000).map(lambda s: s * 50))
def test_normalize_never_raises_on_large_input(text: str) -> None:
    text = text[:100_000]
    result = normalize(text)
    assert len(result.origin) == len(result.text)


def test_lone_surrogates_fold_to_the_replacement_character_one_for_one() -> None:
    text = "r\ud800eview \udfff jo (at) shop (dot) com"
    normalized = normalize(text)
    assert "\ud800" not in normalized.text
    assert "\ufffd" in normalized.text
    view = normalized.contacts
    assert view is not None
    start = view.text.index("@")
    assert text[slice(*view.to_original(start, start + 1))].strip() == "(at)"


@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=200))
def test_never_raises_on_any_code_point_including_surrogates(text: str) -> None:
    normalized = normalize(text)
    for view in (normalized, normalized.contacts):
        assert view is not None
        a, b = view.to_original(0, len(view.text))
        assert 0 <= a <= b <= len(text)


_LATIN1_PIECES = st.sampled_from(
    [
        *(" ", "  ", "\t", ".", "-", "_", "*", "·", "\n", ",", "@"),
        *("a", "B", "i", "z", "é", "ß", "ª", "µ", "²", "½", "×"),
        *("0", "1", "3", "7", "2", "9"),
        *(" a ", " r e v i e w", "r3v1ew", "5tars", "w.h.a.t", "12pm", "x-1-y", "é·t·é"),
    ]
)


@given(st.lists(_LATIN1_PIECES, max_size=30).map("".join))
def test_the_latin1_shape_answers_both_hints_as_their_regexes_do(text: str) -> None:
    for variant in (text, text.casefold()):
        shape = normalization._latin1_shape(variant)
        if shape is None:  # casefolding left Latin-1 (µ folds to the Greek mu)
            continue
        assert (normalization._SPACED_SHAPE.search(shape) is not None) == (
            normalization._SPACED_ANY_HINT.search(variant) is not None
        )
        assert (b"ab" in shape or b"ba" in shape) == (
            normalization._LEET_HINT.search(variant) is not None
        )
    assert normalization._latin1_shape("日本") is None


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Please leave a r e v i e w now", "please leave a review now"),
        ("a 5-star r3v1ew", "a 5-star review"),
        ("we ship at 12pm", "we ship at 12pm"),
        ("Bitte eine B·e·w·e·r·t·u·n·g!", "bitte eine bewertung!"),
    ],
)
def test_latin1_text_is_folded_as_before(text: str, phrase: str) -> None:
    assert normalize(text).text == phrase


def test_the_soft_hyphen_is_the_only_special_character_in_latin1() -> None:
    # The Latin-1 shortcut of `_has_special` looks for the soft hyphen alone.
    assert [c for c in range(256) if normalization._SPECIAL.match(chr(c))] == [0xAD]
    folded = normalize("Bewer\u00adtung für Sie")
    assert folded.text == "bewertung für sie"
    assert folded.to_original(0, 9) == (0, 10)


def _fold_as_before(text: str) -> tuple[str, list[int], list[int]]:
    """The folding of Latin-1 text before the byte table: NFKC check, case folding, checks."""
    draft = normalization._fold_plain(text)
    if draft is None:
        draft = normalization._fold(text)
    return draft.text, list(draft.starts), list(draft.ends)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=60))
def test_latin1_plain_text_folds_as_before(text: str) -> None:
    source, latin1, _ = normalization._source(text)
    assert source == text
    draft = normalization._fold(source, latin1)
    assert (draft.text, list(draft.starts), list(draft.ends)) == _fold_as_before(text)


def test_the_latin1_byte_table_leaves_out_what_does_not_fold_one_for_one() -> None:
    plain = {chr(code) for code in normalization._LATIN1_PLAIN}
    for char in ("ß", "µ", "\xad", "\xa0", "ª", "²", "½", "´"):
        assert char not in plain
    for char in "aZéÉàÀçÇñÑüÜøØþÞ€"[:-1]:
        assert char in plain
    assert normalize("STRAẞE Ärger ÉCOLE").text == "strasse ärger école"


def test_a_french_pair_word_maps_both_digits_to_the_word() -> None:
    text = "au zéro six, douze, trente-quatre, cinquante-six"
    view = normalize(text).contacts
    assert view is not None
    assert view.text == "au 06 12 34 56"
    twelve = view.text.index("12")
    assert text[slice(*view.to_original(twelve, twelve + 2))] == "douze"
    assert text[slice(*view.to_original(twelve + 1, twelve + 2))] == "douze"


def test_a_euro_sign_between_letters_reads_as_an_e() -> None:
    text = "Leave 5 St€rne, r€vi€w, 45€, €5, a€€b"
    view = normalize(text)
    assert view.text == "leave 5 sterne, review, 45€, €5, a€€b"
    # The "e" maps back to the euro sign it stands for.
    start = view.text.index("sterne")
    assert view.to_original(start + 2, start + 3) == (10, 11)
    # The detector view keeps the sign: addresses and amounts are read there as written.
    assert view.contacts is not None
    assert "st€rne" in view.contacts.text


@pytest.mark.parametrize("text", ["A0A0€A", "0A€1a7Ax€4r3", "5t€rn3", "€5t€0staa"])
def test_euro_signs_and_leetspeak_settle(text: str) -> None:
    # Reading a sign as an "e" joins two words, which leetspeak may then read otherwise, and a
    # digit read as a letter may stand before a sign: both are settled in one pass.
    first = normalize(text).text
    assert normalize(first).text == first
