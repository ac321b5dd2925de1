"""Phone detector: real numbers in six languages, spelled ones, and the look-alikes it must skip."""

from __future__ import annotations

import re
from unittest import mock

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.detectors import phones
from gobetween.policy.detectors.phones import find_phones
from gobetween.policy.normalize import normalize


@pytest.mark.parametrize(
    ("text", "regions", "expected"),
    [
        ("Sure, it's 503-555-0148. Call any time.", ("US",), "503-555-0148"),
        ("Call us at (312) 555-0186, Monday to Friday.", ("US",), "(312) 555-0186"),
        ("Message me on WhatsApp at +1 213 555 0176.", ("US",), "+1 213 555 0176"),
        ("call 1-877-555-0117, or", ("US",), "1-877-555-0117"),
        ("Call 503 555 0148 24/7", ("US",), "503 555 0148"),
        ("Rufen Sie uns an unter 030 5558 4127, dann", ("US", "DE"), "030 5558 4127"),
        ("Handy: 0151 23456789", ("DE",), "0151 23456789"),
        ("Appelez le 06 12 34 56 78 demain", ("FR",), "06 12 34 56 78"),
        ("Teléfono: 912 345 678", ("ES",), "912 345 678"),
        ("por Bizum al 612 555 043 y", ("ES",), "612 555 043"),
        ("Mi scriva su WhatsApp al 347 555 1289 con", ("IT",), "347 555 1289"),
        ("お電話は090-1234-5678まで", ("JP",), "090-1234-5678"),
        # A four-digit area code, grouped 4-2-4 as it is written there: no date.
        ("常滑焼 陶房はやし\nTEL 0569-35-2217", ("JP",), "0569-35-2217"),
        ("電話：０９０－１２３４－５６７８", ("JP",), "０９０－１２３４－５６７８"),  # fullwidth
        ("Ring +44 20 7946 0018 please", ("US",), "+44 20 7946 0018"),
        ("Tel 0049 30 1234567", ("DE",), "0049 30 1234567"),
        (
            "text me at three one two, eight eight four, zero one nine eight",
            ("US",),
            "three one two, eight eight four, zero one nine eight",
        ),
        ("call five oh three five five five zero one four eight", ("US",), None),
        ("appelez le zéro six un deux trois quatre cinq six sept huit", ("FR",), None),
        (
            "appelez le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
            ("FR",),
            None,
        ),
        ("llámame al seis uno dos tres cuatro cinco seis siete ocho", ("ES",), None),
        ("chiamami al tre quattro sette uno due tre quattro cinque sei sette", ("IT",), None),
        ("電話は〇九〇ー一二三四ー五六七八です", ("JP",), "〇九〇ー一二三四ー五六七八"),
        ("ruf an: null eins fünf eins zwei drei vier fünf sechs sieben acht neun", ("DE",), None),
    ],
)
def test_finds_phone_numbers(text: str, regions: tuple[str, ...], expected: str | None) -> None:
    hits = find_phones(text, regions)
    assert hits, text
    if expected is not None:
        assert text[hits[0].start : hits[0].end] == expected


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("your order 114-3941689-8772232 shipped", ("US",)),
        ("order 113-0071234-5567890", ("US", "DE")),
        ("the filter is SKU 415-882-3390, which fits", ("US",)),
        ("SKU 12345-67890", ("US",)),
        ("ZIP 30309-1554 on Thursdays", ("US",)),
        ("San Francisco, CA 94102-4801.", ("US",)),
        ("Tracking number: 9405 5036 9930 0123 4567 89.", ("US", "DE")),
        ("tracking 7739 2291 0456.", ("US",)),
        ("1Z 999 AA1 01 2345 6784", ("US",)),
        ("El número de seguimiento es 0712 4589 6630 1284 y", ("US", "ES")),
        ("Voici le numéro de suivi : 6A 1234 5678 9012.", ("US", "FR")),
        ("お問い合わせ伝票番号は 4512-7789-0036 です", ("US", "JP")),
        ("(IBAN DE89 3704 0044 0532 0130 00)", ("US", "DE")),
        ("your VAT number GB 123 4567 89 under", ("US", "GB")),
        ("P.IVA 01234567890", ("IT",)),
        ("the date reads 06.21.2025", ("US",)),
        ("delivered 2025-04-12 at noon", ("US",)),
        ("geliefert am 12.04.2025 um 9", ("DE",)),
        ("livré le 5/4/25 à 9 h", ("FR",)),
        ("fits 2015-2020 F-150s", ("US",)),
        ("the total is $3,418.60 for", ("US",)),
        ("Preis 1.234,56 € inkl.", ("DE",)),
        ("Boxspringbett (180 x 200 cm)", ("DE",)),
        ("ISBN 978-3-16-148410-0", ("US",)),
        ("EAN 4006381333931", ("DE",)),
        ("barcode 4006381333931", ("DE",)),
        ("case ID 2125550123 was opened", ("US",)),
        ("Ticket #2125550123", ("US",)),
        ("Seriennummer 030 5558 4127", ("DE",)),
        ("key NBH-4471-KQ2M-88XZ", ("US",)),
        ("towing rating of 10,000 lb and 1,000 lb", ("US",)),
        ("commande 171-0045829-6613470", ("FR",)),
        ("注文番号 503-2291846-0037715", ("JP",)),
        ("Preise 2024 2025 gleich", ("DE",)),
        ("sizes 36 38 40 42 44 46", ("US", "DE", "IT")),
        ("taglie 40 42 44 46 48", ("IT",)),
        ("sizes 8 10 12 14 16", ("US",)),
        ("between 10 and 12 1234567", ("FR",)),  # no trunk zero: not a French number
    ],
)
def test_skips_look_alikes(text: str, regions: tuple[str, ...]) -> None:
    assert find_phones(text, regions) == []


def test_phone_word_closer_than_veto_word_wins() -> None:
    text = "Order questions: call 503-555-0148"
    assert [text[h.start : h.end] for h in find_phones(text, ("US",))] == ["503-555-0148"]


def test_region_order_decides_national_numbers() -> None:
    hit = find_phones("unter 030 5558 4127", ("US", "DE"))[0]
    assert hit.number == "+493055584127"
    assert hit.region == "DE"
    assert not hit.spelled
    # Not a US number, but grouped as trunk-zero regions write numbers: found by the layout
    # fallback, read in the first other marketplace region where it is valid (GB has 030 too).
    fallback = find_phones("unter 030 5558 4127", ("US",))
    assert [(h.start, h.end, h.region) for h in fallback] == [(6, 19, "GB")]


def test_spelled_number_is_marked() -> None:
    hit = find_phones("at three one two, eight eight four, zero one nine eight", ("US",))[0]
    assert hit.spelled
    assert hit.number == "+13128840198"


@pytest.mark.parametrize(
    ("candidate", "region"),
    [
        ("415-555-0132", "US"),
        ("1-877-555-0117", "US"),
        ("+1 213 555 0176", "US"),
        ("+44 20 7946 0958", "US"),
        ("020 7946 0958", "GB"),
        ("0170 5551234", "DE"),
        ("0049 30 1234567", "DE"),
        ("01 45 55 12 34", "FR"),
        ("655 555 123", "ES"),
        ("06 1234 5678", "IT"),
        ("+39 06 1234 5678", "US"),
        ("347 555 1289", "IT"),
        ("090-1234-5678", "JP"),
        ("0120-555-284", "JP"),
        ("123456789", "GB"),
        ("4512-7789-0036", "JP"),
        ("773922910456", "US"),
    ],
)
def test_quick_validation_agrees_with_libphonenumber(candidate: str, region: str) -> None:
    from gobetween.policy.detectors import phones

    international = candidate.startswith(("+", "00"))
    quick = phones._quick_valid(candidate, region, international=international)
    parsed = phones._parsed_valid(candidate, region, international=international)
    if quick is not None:
        assert parsed is not None
        assert quick == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# ---- the order-id shortcut gives what the candidate search gives --------------------------------

_NEVER = re.compile(r"(?!)")
_AROUND = st.sampled_from(
    [
        "",
        " ",
        "a",
        "é",
        "+",
        "+ ",
        "(",
        ")",
        "-",
        ".",
        "/",
        "#",
        "_",
        "1",
        "5.",
        "12 ",
        "x+",
        "a(",
        "\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    before=st.lists(_AROUND, max_size=3).map("".join),
    after=st.lists(_AROUND, max_size=3).map("".join),
    digits=st.lists(st.integers(0, 9), min_size=17, max_size=17),
    word=st.sampled_from(["", "Order ", "call ", "Tel: ", "whatsapp "]),
)
def test_an_order_id_run_skipped_early_gives_the_same_phones_as_the_candidate_search(
    before: str, after: str, digits: list[int], word: str
) -> None:
    number = "".join(map(str, digits))
    order_id = f"{number[:3]}-{number[3:10]}-{number[10:]}"
    text = f"{word}{before}{order_id}{after} thanks"
    regions = ("US", "DE")
    with mock.patch.object(phones, "_ORDER_ID_RUN", _NEVER):
        expected = phones.find_phones(text, regions)
    assert phones.find_phones(text, regions) == expected


def test_a_plain_order_id_is_no_phone_and_skips_the_candidate_search() -> None:
    text = "Your order 112-4589321-6654321 has shipped."
    view = normalize(text).contacts
    assert view is not None
    assert list(phones._candidates(view.text)) == []
    assert phones.find_phones(text, ("US",)) == []
    # Glued to a letter the candidate search still runs (a later group could start one).
    assert list(phones._candidates(normalize("ref112-4589321-6654321").text)) != []


# ---- the precompiled validity test gives libphonenumber's answer --------------------------------

_MARKETPLACE_REGIONS = sorted(phones._QUICK_REGIONS)


def _libphonenumber_valid(code: int, national: str, region: str) -> bool:
    zeros = len(national) - len(national.lstrip("0"))
    number = phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )
    return bool(phonenumbers.is_valid_number_for_region(number, region))


@settings(max_examples=3000, deadline=None)
@given(
    region=st.sampled_from(_MARKETPLACE_REGIONS),
    national=st.text(alphabet="0123456789", min_size=4, max_size=14).filter(
        lambda digits: digits.strip("0") != ""
    ),
    other_code=st.booleans(),
)
def test_phones_fast_validity_agrees_with_libphonenumber_on_any_digits(
    region: str, national: str, other_code: bool
) -> None:
    own = phonenumbers.country_code_for_region(region)
    code = 44 if other_code and own != 44 else own
    assert phones._valid_for_region(code, national, region) == _libphonenumber_valid(
        code, national, region
    )


@pytest.mark.parametrize("region", _MARKETPLACE_REGIONS)
def test_phones_fast_validity_agrees_with_libphonenumber_on_every_number_type(
    region: str,
) -> None:
    code = phonenumbers.country_code_for_region(region)
    tried = 0
    for kind in range(12):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = phonenumbers.national_significant_number(example)
        # The example, and numbers one digit away from it (valid or not).
        for variant in (
            national,
            national[:-1] + str((int(national[-1]) + 1) % 10),
            national + "1",
            national[:-1],
        ):
            if len(variant) < 4 or not variant.strip("0"):
                continue
            tried += 1
            expected = _libphonenumber_valid(code, variant, region)
            assert phones._valid_for_region(code, variant, region) == expected, (variant, kind)
    assert tried >= 8


# ---- the context words' regexes, led by their first letters, match as the plain alternations ----

# The patterns as they were written before (`\b(?:word|…)` and the tail), kept here to compare.
_PLAIN_VETO = re.compile(
    r"\b(?:orders?|order-id|bestell\w*|auftrag\w*|commandes?|pedidos?|ordine|ordini|sku|asin|"
    r"gtin|upc|ean|isbn|mpn|part|parts|art|artikel\w*|article|articolo|model|modell|modèle|modelo|"
    r"modello|tracking|track|trace|suivi|seguimiento|tracciamento|tracking-nr|sendung\w*|paket\w*|"
    r"colis|envío|spedizione|invoice|rechnung\w*|factur\w*|fattur\w*|receipt|quittung|iban|bic|"
    r"swift|vat|ust|ust-id\w*|mwst|tva|iva|p\.?\s?iva|partita|nif|cif|siret|siren|steuer\w*|zip|"
    r"postcode|postal|plz|cap|c\.p\.|serial|seriennummer|série|serie|serienr|case|ticket|claim|"
    r"ref|reference|referenz|référence|referencia|riferimento|id|nr|no|n°|nº|num|account|konto|"
    r"kundennummer|customer|cliente|client|po|license|licence|lizenz|licencia|licenza|key|code|"
    r"codice|código|pin|coupon|gutschein|voucher|batch|lot|charge|lote|lotto)\b\.?\s?[:#]?|"
    r"注文|伝票|追跡|問い合わせ番号|お問合せ番号|型番|品番|郵便|〒|請求|領収|シリアル|製造番号|口座"
)
_PLAIN_PHONE = re.compile(
    r"\b(?:phone|telephone|tel|tél|téléphone|telefon\w*|teléfono|telefono|call|calls|calling|"
    r"text|sms|whatsapp|signal|viber|telegram|mobile|mobil|cell|fax|hotline|helpline|ring|"
    r"anrufen|rufen|ruf|handy|appel\w*|appelez|portable|llam\w*|móvil|movil|celular|chiam\w*|"
    r"cellulare|reach|erreich\w*|joindre|customer (?:service|care|support)|service clients?|"
    r"kundenservice|kundendienst|servicio al cliente|atención al cliente|servizio clienti|"
    r"assistenza clienti)\b|電話|携帯|ダイヤル|フリーダイヤル|ＴＥＬ"
)
_CONTEXT_PIECES = st.sampled_from(
    [
        *("order", "orders", "order-id", "bestellung", "p.iva", "p. iva", "c.p.", "n°", "nº"),
        *("tracking-nr", "ust-id", "customer service", "service client", "telefon", "tel"),
        *("call", "calls", "ring", "whatsapp", "appelez", "llamar", "no", "id", "po", "zip"),
        *("注文", "電話", "ＴＥＬ", "郵便", "〒", "番号"),
        *(" ", "  ", ".", ":", "#", "-", "_", "/", "\n", "é", "x", "s", "1", "42", "a"),
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_CONTEXT_PIECES, max_size=14).map("".join), st.integers(0, 6))
def test_context_word_regexes_find_what_the_plain_alternations_find(text: str, pos: int) -> None:
    for led, plain in ((phones._VETO_WORDS, _PLAIN_VETO), (phones._PHONE_WORDS, _PLAIN_PHONE)):
        assert [m.span() for m in led.finditer(text)] == [m.span() for m in plain.finditer(text)]
        start = min(pos, len(text))
        assert (led.search(text, start) or _NO_MATCH).span() == (
            plain.search(text, start) or _NO_MATCH
        ).span()


class _NoMatch:
    def span(self) -> tuple[int, int]:
        return (-1, -1)


_NO_MATCH = _NoMatch()


def test_context_word_regexes_are_led_by_letters() -> None:
    assert phones._VETO_WORDS.pattern.startswith("o(?<!\\w.)")
    with pytest.raises(ValueError, match="plain letter"):
        phones._led_by_first_letters(["?x"], "", [])


@pytest.mark.parametrize("word", phones._VETO_WORD_LIST)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_veto_word_match_holds_its_core(word: str, data: st.DataObject) -> None:
    core = phones._veto_core(word)
    assert core
    assert core in data.draw(st.from_regex(word, fullmatch=True))


def _context_vetoes_by_the_regex_alone(text: str, start: int) -> bool:
    window_start = max(0, start - phones._WINDOW)
    line_start = text.rfind("\n", window_start, start)
    window = text[line_start + 1 if line_start >= 0 else window_start : start]
    vetoes = [m.start() for m in phones._VETO_WORDS.finditer(window)]
    if not vetoes:
        return False
    ends = [m.end() for m in phones._PHONE_WORDS.finditer(window)]
    return not ends or ends[-1] <= vetoes[-1]


def _screen_passes(window: str) -> bool:
    found = phones._VETO_CORE_AUTOMATON.find_matches_as_indexes(
        window.encode("utf-8", "surrogatepass")
    )
    return bool(found)


@pytest.mark.parametrize(
    ("window", "passes", "vetoed"),
    [
        # No core: ruled out by the automaton alone.
        ("give us a ring on ", False, False),
        ("rufen sie mich an: ", False, False),
        # A core inside another word: let through, and the regex finds no veto word.
        ("llámanos al ", True, False),
        ("did you know ", True, False),
        # Veto words, spelled with regex signs too.
        ("order no. ", True, True),
        ("p. iva ", True, True),
        ("zip code: ", True, True),
        ("注文番号 ", True, True),
    ],
)
def test_veto_core_screen_rules_out_and_lets_through(
    window: str, passes: bool, vetoed: bool
) -> None:
    assert _screen_passes(window) is passes
    text = window + "0170 5551234"
    assert phones._context_vetoes(text, len(window)) is vetoed
    assert _context_vetoes_by_the_regex_alone(text, len(window)) is vetoed


@settings(max_examples=1500, deadline=None)
@given(st.lists(_CONTEXT_PIECES, max_size=14).map("".join))
def test_veto_core_screen_passes_every_window_with_a_veto_word(text: str) -> None:
    if phones._VETO_WORDS.search(text) is not None:
        assert _screen_passes(text)
    assert phones._context_vetoes(text, len(text)) == _context_vetoes_by_the_regex_alone(
        text, len(text)
    )
