"""Phone numbers, confirmed by libphonenumber, with the look-alikes of order messages vetoed.

Candidates are digit runs (with the separators phone numbers use) on the detector view of
`normalize()`, where fullwidth digits are ASCII and spelled digits ("three one two…") are digits.
A candidate is dropped by its shape (dates, prices, EAN-13/ISBN, IBAN, year ranges, dimensions and
units, codes glued to letters) or by a context word just before it (order, SKU, tracking, invoice,
VAT, ZIP, case, serial… in six languages) unless a phone word (tel, call, WhatsApp, 電話…) is
closer. What is left must parse and be a valid number (`phonenumbers.is_valid_number`) in one of
the regions given, usually the marketplace's and the message language's; or, when its shape is
strongly phone-like (an explicit `+`/`00` country code, digits grouped the way the region writes
phone numbers, or a phone word just before it), a POSSIBLE number there: a seller writing a
number from a reserved or fictional range (`555-867-5309`, `07700 900123`) still writes a phone
number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick_rs
import phonenumbers

from gobetween.policy.normalize import NormalizedText, normalize

# A digit run with phone separators: blanks, dashes, dots, slashes and parentheses.
_CANDIDATE = re.compile(
    r"(?<![0-9a-z_+])(?<![0-9][.,/])(?:\+ ?|\()?\d+"
    r"(?:(?:[ \t]?[-./][ \t]?|[ \t]|\)[ \t]?|[ \t]?\()\d+)*\)?"
)
_GROUP = re.compile(r"\d+")
# Digits and phone separators: a pattern starting with a digit class is scanned fast. A run
# starts at a digit with no digit before it (one that has would have been inside the run found
# from the digit before), so the other digits fail at once instead of after the repeat.
_RUN = re.compile(r"[0-9](?<![0-9][0-9])[0-9 \t().\-/]{5,}")
_RUN_SEPARATORS = " \t().-/"
# The text as one class byte per character for `_RUN`: an ASCII digit "0", a run separator "-",
# anything else "x" (a character beyond Latin-1 is encoded as "?", which is neither). `_RUN`'s
# search led by a character class calls the class test at every character (about 20
# instructions each, most of the search's cost on 500 characters); `_RUN_IN_CLASSES` finds the
# same spans in the class bytes led by the literal "0", which the regex engine scans for in a
# tight loop (one translation and a scan: about a quarter of the instructions).
_RUN_CLASSES = bytes.maketrans(
    bytes(range(256)),
    bytes(
        b"0"[0]
        if chr(code) in "0123456789"
        else b"-"[0]
        if chr(code) in _RUN_SEPARATORS
        else b"x"[0]
        for code in range(256)
    ),
)
_RUN_IN_CLASSES = re.compile(rb"0(?<!00)[0\-]{5,}")
_RUN_LENGTH = 6
_MIN_DIGITS = 7
# A run that is an order id and the separators after it (no further digit).
_ORDER_ID_RUN = re.compile(r"[0-9]{3}-[0-9]{7}-[0-9]{7}[ \t().\-/]*")
_ORDER_ID_LENGTH = 19
_MAX_DIGITS = 15

# A date: day and month first (either order) with a year of two or four digits, or a four-digit
# year first. Outer groups of three or four digits on both sides are no date: "0569-35-2217" is
# a Japanese number grouped as its area writes it.
_DATE = re.compile(
    r"\(?(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})|\d{4}[./-]\d{1,2}[./-]\d{1,2})\)?"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d ?[-/] ?(?:19|20)\d\d")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,2})?")
# A date, a range of years or an amount with thousands separators: one fullmatch of the three.
_NOT_A_NUMBER = re.compile(f"{_DATE.pattern}|{_YEAR_RANGE.pattern}|{_THOUSANDS.pattern}")
# Each of those has one of these between its digits: a candidate without any (digits and blanks,
# as most phone numbers are written) is none of them, known without the fullmatch.
_NUMBER_MARKS = frozenset(".,'/-")
_AFTER_VETO = re.compile(
    r"[.,]\d|\s?(?:x|×|\*)\s?\d|\s?(?:cm|mm|km|m|kg|g|lbs?|in|inch|ft|%|€|\$|£|¥|eur|usd|gbp|jpy|"
    r"w|kw|v|mah|k|gb|tb|mb|hz|pcs|stk|円|件|個|年|月|日|時|分|点|枚)(?![a-z])"
)
# What follows a number that is no phone number: an ASCII letter or digit glued to it (as
# `str.isalnum() and str.isascii()` read the next character), or `_AFTER_VETO`.
_AFTER = re.compile(f"[0-9A-Za-z]|{_AFTER_VETO.pattern}")
_BEFORE_VETO = re.compile(r"(?:[$€£¥#№]|\b(?:x|×|eur|usd|gbp|chf|jpy)|[a-z]{2}\d{2})\s?$")
# The characters a match of `_BEFORE_VETO` can end with: a sign, the last letter of a currency
# word, or a digit (`\d`; `str.isdigit`, which admits more, is checked below).
_BEFORE_VETO_LAST = frozenset("$€£¥#№x×rdpfy")

# Context words that make a digit run something other than a phone number, and phone words that
# override them when they are closer to the number. Each list is one regex alternation
# (`\b(?:a|b|…)` and what follows), written by `_led_by_first_letters`.
_VETO_WORD_LIST = [
    "orders?", "order-id", r"bestell\w*", r"auftrag\w*", "commandes?", "pedidos?", "ordine",
    "ordini", "sku", "asin", "gtin", "upc", "ean", "isbn", "mpn", "part", "parts", "art",
    r"artikel\w*", "article", "articolo", "model", "modell", "modèle", "modelo", "modello",
    "tracking", "track", "trace", "suivi", "seguimiento", "tracciamento", "tracking-nr",
    r"sendung\w*", r"paket\w*", "colis", "envío", "spedizione", "invoice", r"rechnung\w*",
    r"factur\w*", r"fattur\w*", "receipt", "quittung", "iban", "bic", "swift", "vat", "ust",
    r"ust-id\w*", "mwst", "tva", "iva", r"p\.?\s?iva", "partita", "nif", "cif", "siret", "siren",
    r"steuer\w*", "zip", "postcode", "postal", "plz", "cap", r"c\.p\.", "serial", "seriennummer",
    "série", "serie", "serienr", "case", "ticket", "claim", "ref", "reference", "referenz",
    "référence", "referencia", "riferimento", "id", "nr", "no", "n°", "nº", "num", "account",
    "konto", "kundennummer", "customer", "cliente", "client", "po", "license", "licence", "lizenz",
    "licencia", "licenza", "key", "code", "codice", "código", "pin", "coupon", "gutschein",
    "voucher", "batch", "lot", "charge", "lote", "lotto",
]  # fmt: skip
_VETO_TAIL = r"\b\.?\s?[:#]?"
_VETO_UNSPACED = [
    "注文", "伝票", "追跡", "問い合わせ番号", "お問合せ番号", "型番", "品番", "郵便", "〒",
    "請求", "領収", "シリアル", "製造番号", "口座",
]  # fmt: skip
_PHONE_WORD_LIST = [
    "phone", "telephone", "tel", "tél", "téléphone", r"telefon\w*", "teléfono", "telefono", "call",
    "calls", "calling", "text", "sms", "whatsapp", "signal", "viber", "telegram", "mobile",
    "mobil", "cell", "fax", "hotline", "helpline", "ring", "anrufen", "rufen", "ruf", "handy",
    r"appel\w*", "appelez", "portable", r"llam\w*", "móvil", "movil", "celular", r"chiam\w*",
    "cellulare", "reach", r"erreich\w*", "joindre", "customer (?:service|care|support)",
    "service clients?", "kundenservice", "kundendienst", "servicio al cliente",
    "atención al cliente", "servizio clienti", "assistenza clienti",
]  # fmt: skip
_PHONE_TAIL = r"\b"
_PHONE_UNSPACED = [
    "電話", "携帯", "ダイヤル", "フリーダイヤル", "ＴＥＬ",
]  # fmt: skip


def _led_by_first_letters(words: list[str], tail: str, unspaced: list[str]) -> re.Pattern[str]:
    r"""The regex `\b(?:words…)tail|unspaced…`, with the same matches, written as one branch per
    first letter (`o(?<!\w.)(?:rders?|rder-id)tail|…`): a pattern whose branches all start with
    a literal is scanned by the regex engine only at those letters, and each position tries a
    branch per letter instead of every word. The words of a branch keep their order, so the
    alternative chosen at a position, and where the match ends, are the same; `(?<!\w.)` after
    the first letter is the `\b` before it (every word starts with a letter)."""
    branches: dict[str, list[str]] = {}
    for word in words:
        first, rest = word[0], word[1:]
        if not first.isalpha() or rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"a phone context word must start with a plain letter: {word!r}")
        branches.setdefault(first, []).append(rest)
    led = [f"{first}(?<!\\w.)(?:{'|'.join(rests)}){tail}" for first, rests in branches.items()]
    return re.compile("|".join([*led, *unspaced]))


_VETO_WORDS = _led_by_first_letters(_VETO_WORD_LIST, _VETO_TAIL, _VETO_UNSPACED)
# Words whose literal start is not the text before their first regex sign: the literal every
# match holds instead.
_VETO_CORE_EXCEPTIONS = {r"p\.?\s?iva": "iva", r"c\.p\.": "c.p."}


def _veto_core(word: str) -> str:
    """A literal that every match of the veto word `word` holds: the text before its first
    regex sign, without a character a quantifier makes optional."""
    core = _VETO_CORE_EXCEPTIONS.get(word)
    if core is not None:
        return core
    for position, character in enumerate(word):
        if character in "\\.?*+()[]{}|":
            return word[: position - 1] if character in "?*+{" else word[:position]
    return word


_VETO_CORES = sorted({_veto_core(word) for word in _VETO_WORD_LIST} | set(_VETO_UNSPACED))
# Every match of `_VETO_WORDS` holds one of the cores: a window with none has no veto word. The
# regex engine enters a match at nearly every letter of the window (about 600 instructions a
# character whatever the layout of the alternation); the automaton reads the window once.
# UTF-8 bytes: a key's bytes occur in a text's bytes exactly where the key occurs in the text.
_VETO_CORE_AUTOMATON = ahocorasick_rs.BytesAhoCorasick([core.encode() for core in _VETO_CORES])
_PHONE_WORDS = _led_by_first_letters(_PHONE_WORD_LIST, _PHONE_TAIL, _PHONE_UNSPACED)
_WINDOW = 32
# A candidate's span of phone length: start, end, and how many of its digit groups it keeps.
_Span = tuple[int, int, int]
# A number followed by a short extra group ("24/7", an extension) is tried without it; a longer
# tail means the run is something else (a tracking number) and is not cut into a phone.
_MAX_DROPPED = 4


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """A phone number: `start`/`end` slice the original; `number` is E.164.

    `region` is the region a national number was read in (None for `+`/`00` numbers).
    """

    start: int
    end: int
    number: str
    region: str | None
    spelled: bool


_new_object = object.__new__


class _PhoneHitDraft:
    """`PhoneHit`'s slots without its frozen `__setattr__`: a hit is built as a draft, its
    fields set by plain attribute stores on a bare `object.__new__` (no `__init__` frame to run),
    then given the class `PhoneHit`. CPython lays slots out in the sorted order of their names, so
    the same names make the same layout and the object is a `PhoneHit` in every respect. A frozen
    dataclass's `__init__` sets each field with `object.__setattr__`, and the slots' descriptors
    take a call per field."""

    __slots__ = ("end", "number", "region", "spelled", "start")


def _phone_hit(start: int, end: int, number: str, region: str | None, spelled: bool) -> PhoneHit:
    """`PhoneHit(...)` with the fields in order, the same value."""
    hit: Any = _new_object(_PhoneHitDraft)
    hit.start = start
    hit.end = end
    hit.number = number
    hit.region = region
    hit.spelled = spelled
    hit.__class__ = PhoneHit
    # Typed by an annotated name, not by `typing.cast`, a function call on every one built.
    built: PhoneHit = hit
    return built


def find_phones(message: NormalizedText | str, regions: Iterable[str] = ("US",)) -> list[PhoneHit]:
    """Every valid phone number in the message, read in the first of `regions` where it is valid."""
    normalized = normalize(message) if isinstance(message, str) else message
    view = normalized.contacts or normalized
    text = _plain_separators(view.text)
    classes = _run_classes(text)
    first_run = _RUN_IN_CLASSES.search(classes)
    if first_run is None:
        # No run of digits and separators long enough for a phone number (most messages).
        return []
    tried = _region_order(regions if isinstance(regions, tuple) else tuple(regions))
    hits: list[PhoneHit] = []
    for match in _candidates(text, first_run, classes):
        raw = match.group()
        if len(raw) < _MIN_DIGITS:
            # Too short to hold the digits of a phone number ("5", "2024"): known before the
            # digit groups are found.
            continue
        # The digit groups and the digits are found once, for every test below.
        groups = _GROUP.findall(raw)
        digits = "".join(groups)
        if len(digits) < _MIN_DIGITS:
            # Too few digits for any span of phone length (a year, a house number): what `_spans`
            # would answer, known before the other tests.
            continue
        start, end = match.span()
        # The cheap tests first: lengths, then shapes and context, then libphonenumber.
        spans = _spans(text, start, end, raw, groups, len(digits))
        if not spans or _vetoed(text, start, end, raw, groups, digits):
            continue
        # A candidate not valid as written is parsed again by the fallback (valid, then
        # possible, in the same regions): its parses are kept while it is looked at.
        parses: _Parses = {}
        found = _confirm(text, spans, tried, parses, groups)
        if found is None:
            found = _confirm_possible(text, start, spans, tried, parses)
        if found is None:
            continue
        number_start, number_end, number, region = found
        original_start, original_end = view.to_original(number_start, number_end)
        original = view.original[original_start:original_end]
        # Written as the detector view reads it, the number is digits and separators only: no
        # letter, known without looking for one.
        spelled = original != text[number_start:number_end] and _has_letter(original)
        hits.append(_phone_hit(original_start, original_end, number, region, spelled))
    return hits


# Separators that word processors and phones write for "-" and "." ("347–512–8890",
# "06·48·21·97·35"), and a number broken over two lines after a separator ("0171/" then
# "4829 337"): read as ASCII separators and a blank, one character for one, so every offset into
# the detector view stays valid.
_TYPED_SEPARATORS = {ord("\u2013"): "-", ord("\u2010"): "-", ord("\u2011"): "-", ord("\u2012"): "-",
                     ord("\u2212"): "-", ord("\u00b7"): "."}  # fmt: skip


def _plain_separators(text: str) -> str:
    """`text` with typed separators and line breaks after a separator read as plain ones. (The
    tests written out, not a loop: a generator over six `in` tests costs more than the tests.)"""
    if not text.isascii() and (
        "\u2013" in text
        or "\u00b7" in text
        or "\u2010" in text
        or "\u2011" in text
        or "\u2012" in text
        or "\u2212" in text
    ):
        text = text.translate(_TYPED_SEPARATORS)
    if "\n" in text:
        if "/\n" in text:
            text = text.replace("/\n", "/ ")
        if "-\n" in text:
            text = text.replace("-\n", "- ")
    return text


@lru_cache(maxsize=256)
def _region_order(regions: tuple[str, ...]) -> tuple[str, ...]:
    """The regions to try, upper case, each once, in order (a caller passes the same few)."""
    return tuple(dict.fromkeys(r.upper() for r in regions if r))


def _run_classes(text: str) -> bytes:
    """`text` in the classes of `_RUN_CLASSES`, one byte per character: `_RUN_IN_CLASSES`
    matches it where `_RUN` matches the text."""
    return text.encode("latin-1", "replace").translate(_RUN_CLASSES)


def _candidates(
    text: str,
    first_run: re.Match[bytes] | re.Match[str] | None = None,
    classes: bytes | None = None,
) -> list[re.Match[str]]:
    """Candidates, searched only inside runs of digits and separators long enough for a phone;
    `first_run`: the first run (its span), and `classes`: `_run_classes(text)`, when the caller
    has them.

    `search` from where the last match ended, as `finditer` would search, without building a
    scanner for each pattern (a regex call costs about what ten Python steps do); a search that
    cannot find anything is not made: none for a candidate after a run's last digit, none for a
    run after the last six characters."""
    candidates: list[re.Match[str]] = []
    if classes is None:
        classes = _run_classes(text)
    run = _RUN_IN_CLASSES.search(classes) if first_run is None else first_run
    size = len(text)
    while run is not None:
        start, end = run.span()
        if not (
            # Shorter runs cannot be an order id: no fullmatch to try.
            end - start >= _ORDER_ID_LENGTH
            and _ORDER_ID_RUN.fullmatch(text, start, end) is not None
            and (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_+"))
        ):
            # (A marketplace order id, 3-7-7 digits, in most seller messages, is one candidate
            # of 17 digits whose last group is too long to drop, which `_spans` rejects: known
            # without the candidate search. Glued to a letter or a `+`, the candidate could
            # start at a later group, so that case takes the usual way.)
            # Two characters back for a leading `+ ` or `(`. (A conditional, not `max()`, here
            # and below: the builtin parses its arguments as a keyword call, about 1,200
            # instructions more.)
            candidate = _CANDIDATE.search(text, start - 2 if start > 2 else 0, end)
            while candidate is not None:
                candidates.append(candidate)
                after = candidate.end()
                # A run is digits and separators: with no digit left, no other candidate.
                if not text[after:end].strip(_RUN_SEPARATORS):
                    break
                candidate = _CANDIDATE.search(text, after, end)
        if size - end < _RUN_LENGTH:
            break
        run = _RUN_IN_CLASSES.search(classes, end)
    return candidates


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _has_letter(original: str) -> bool:
    """Whether the original text of a number has a letter (a spelled number); in ASCII text a
    letter is A-Z or a-z, found without a Python-level loop."""
    if original.isascii():
        return _ASCII_LETTER.search(original) is not None
    return any(c.isalpha() for c in original)


def _vetoed(text: str, start: int, end: int, raw: str, groups: list[str], digits: str) -> bool:
    """Whether the candidate text[start:end] (`raw`, whose digit groups are `groups` and whose
    digits are `digits`) is something other than a phone number, by its shape or the words
    before it."""
    # Glued to letters (a code such as `1Z999AA1` or `4471KQ2M`), or followed by a unit, an
    # amount's decimals or a dimension: one match at the end.
    # (Every branch of `_AFTER` reads a character: at the end of the text none matches.)
    if end < len(text) and _AFTER.match(text, end) is not None:
        return True
    if _before_vetoes(text[start - 6 if start > 6 else 0 : start]):
        return True
    if not _NUMBER_MARKS.isdisjoint(raw) and _NOT_A_NUMBER.fullmatch(raw.strip("()+ ")):
        return True
    if raw[0] != "+":
        # National numbers only; each test is gated by a count that its look-alike has.
        count = len(groups)
        size = len(digits)
        if count >= 2:
            # Years ("2024 2025") and lists of small numbers ("sizes 36 38 40 42 44"); phone
            # numbers written in pairs start with their trunk zero ("06 12 34 56 78").
            if size == 4 * count and all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
                return True
            # Single spaced digits ("4 1 5 5 5 …") are a number spelled out, not a list.
            if (
                count >= 4
                and size <= 2 * count
                and groups[0][0] != "0"
                and set(map(len, groups)) in ({2}, {1, 2})
            ):
                return True
        if size == 13 and _is_ean13(digits):
            return True
        if size == 10 and (count == 1 or len(groups[-1]) == 1) and _is_isbn10(digits):
            # ISBN-10 bare or hyphenated with its single check digit last ("0-306-40615-2"); a
            # checksum that happens to hold for digits in phone pairs ("01 23 45 67 89") is not
            # one.
            return True
    return _context_vetoes(text, start)


def _before_vetoes(before: str) -> bool:
    """Whether `_BEFORE_VETO` (a sign, a currency or a code just before) matches `before`."""
    # A match is followed by blanks only, so it ends with the last character that is not a
    # blank: the regex is tried only when that is one its matches can end with.
    last = before.rstrip()[-1:]
    return (
        bool(last)
        and (last in _BEFORE_VETO_LAST or last.isdigit())
        and _BEFORE_VETO.search(before) is not None
    )


def _context_vetoes(text: str, start: int) -> bool:
    window_start = start - _WINDOW if start > _WINDOW else 0
    # Only the line the number is on (and the end of the one before): a signature's phone line is
    # not vetoed by "order" in the paragraph above.
    line_start = text.rfind("\n", window_start, start)
    window = text[line_start + 1 if line_start >= 0 else window_start : start]
    # A phone word wins when it ends after the last veto word starts: "service client" is a phone
    # word that contains one.
    if not _VETO_CORE_AUTOMATON.find_matches_as_indexes(window.encode("utf-8", "surrogatepass")):
        # No veto word before the number (most numbers): the phone words do not matter.
        return False
    veto = _VETO_WORDS.search(window)
    if veto is None:
        return False
    # The last veto word: `search` on from the end of each, as `finditer` would go on (no veto
    # word matches the empty string), without a second pass over the window from its start.
    last_veto = veto.start()
    veto = _VETO_WORDS.search(window, veto.end())
    while veto is not None:
        last_veto = veto.start()
        veto = _VETO_WORDS.search(window, veto.end())
    last_phone = -1
    for phone in _PHONE_WORDS.finditer(window):
        last_phone = phone.end()
    return last_phone < 0 or last_phone <= last_veto


def _spans(
    text: str, start: int, end: int, raw: str, groups: list[str], total: int | None = None
) -> list[_Span]:
    """The candidate text[start:end] (`raw`, whose digit groups are `groups`), then without
    short trailing groups (`… 0148 24/7`), of phone length: (start, end, groups kept). `total`:
    the number of digits, when the caller has counted them."""
    if total is None:
        total = sum(map(len, groups))
    last_size = len(groups[-1])
    if total < _MIN_DIGITS or (total > _MAX_DIGITS and last_size > _MAX_DROPPED):
        # Too few digits, or too many with a last group too long to drop (an order number).
        return []
    if raw[0] == "(" and ")" not in raw:
        start += 1
    count = len(groups)
    if count == 1 or last_size > _MAX_DROPPED or total - last_size < _MIN_DIGITS:
        # Only the whole candidate can be of phone length (most candidates): its last digit
        # group ends where the candidate does, or before its closing parenthesis.
        if total > _MAX_DIGITS:
            return []
        last = end - 1 if raw[-1] == ")" else end
        return [(start, _span_end(text, start, last, end, raw) if "(" in raw else last, count)]
    sizes = list(map(len, groups))
    # Where each digit group ends in the text: each is found in `raw` after the one before it
    # (a group starts at the first digit after the previous group, and only separators lie
    # between them), without a second regex pass over the candidate.
    ends: list[int] = []
    origin = end - len(raw)
    position = 0
    for group in groups:
        position = raw.find(group, position) + len(group)
        ends.append(origin + position)
    spans: list[_Span] = []
    dropped = 0
    for keep in range(count, 0, -1):
        if keep < count:
            dropped += sizes[keep]
        if dropped > _MAX_DROPPED:
            break
        if _MIN_DIGITS <= total - dropped <= _MAX_DIGITS:
            spans.append((start, _span_end(text, start, ends[keep - 1], end, raw), keep))
    return spans


def _span_end(text: str, start: int, last: int, end: int, raw: str) -> int:
    """Where a span whose last digit ends at `last` ends: after a closing parenthesis that
    closes one opened in the span."""
    if "(" not in raw:
        return last
    opened = text.count("(", start, last) > text.count(")", start, last)
    return last + 1 if opened and last < end and text[last] == ")" else last


# libphonenumber's parse of a candidate in a region (None: not a number), per (candidate, region).
_Parses = dict[tuple[str, str], phonenumbers.PhoneNumber | None]


def _parse(candidate: str, region: str, parses: _Parses | None) -> phonenumbers.PhoneNumber | None:
    key = (candidate, region)
    if parses is not None and key in parses:
        return parses[key]
    try:
        parsed: phonenumbers.PhoneNumber | None = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parses is not None:
        parses[key] = parsed
    return parsed


def _confirm(
    text: str,
    spans: list[_Span],
    regions: tuple[str, ...],
    parses: _Parses | None = None,
    groups: list[str] | None = None,
) -> tuple[int, int, str, str | None] | None:
    """The first span that is a valid number in one of `regions` (tried in order). `groups`:
    the candidate's digit groups, when the caller has them."""
    for region in regions or ("US",):
        trunk, prefix, patterns, plus_code = _READINGS.get(region) or _reading(region)
        for candidate_start, candidate_end, kept in spans:
            candidate = text[candidate_start:candidate_end]
            international = candidate[0] == "+" or candidate.startswith("00")
            if not international and trunk and candidate.lstrip("(")[:1] != "0":
                # Where national numbers are written with a trunk zero (DE, FR, GB, JP…), digits
                # without it are not a phone number written for people ("2024 2025" in DE).
                continue
            # A span's digits are its first `kept` digit groups.
            digits = "".join(groups[:kept]) if groups is not None else None
            e164: str | None = None
            if international or patterns is None or digits is None:
                e164 = _quick_valid(candidate, region, international=international, digits=digits)
            else:
                # `_quick_valid` of a national number of a marketplace region, its steps here:
                # the trunk prefix dropped, the region's pattern for that length matched.
                national = digits[len(prefix) :] if prefix and digits.startswith(prefix) else digits
                size = len(national)
                pattern = patterns[size] if size < len(patterns) else None
                if pattern is not None and pattern.fullmatch(national) is not None:
                    if national.isascii() and national.lstrip("0"):
                        # What `_valid` writes: "+", the country code, the national number
                        # with its leading zeros (they are digits and none is dropped).
                        e164 = plus_code + national
                    else:
                        e164 = _valid(int(plus_code), national, region)
                elif not national.strip("0"):
                    # Only zeros: `_valid` asks libphonenumber.
                    e164 = _valid(int(plus_code), national, region)
            if e164 is None:
                number = _parsed_valid(
                    candidate, region, international=international, parses=parses
                )
                if number is not None:
                    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 is not None:
                return candidate_start, candidate_end, e164, None if international else region
    return None


# Per region: whether it writes national numbers with a trunk zero, its national (trunk)
# prefix ("" when it has none), and for the regions of `_QUICK_REGIONS` the pattern of a valid
# national number of each length (`_validity`; None where no number of that length is valid)
# and "+" with its country code. Built on first use.
_Reading = tuple[bool, str, tuple[re.Pattern[str] | None, ...] | None, str]
_READINGS: dict[str, _Reading] = {}


def _reading(region: str) -> _Reading:
    reading = _READINGS.get(region)
    if reading is None:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        trunk = metadata is not None and metadata.national_prefix == "0"
        patterns: tuple[re.Pattern[str] | None, ...] | None = None
        plus_code = ""
        if region in _QUICK_REGIONS:
            code, prefix = _national_reading(region)
            # `_valid` reads lengths 4 to 14 only.
            patterns = tuple(
                _validity(region, size)[1] if 4 <= size <= 14 else None for size in range(15)
            )
            plus_code = f"+{code}"
        else:
            prefix = metadata.national_prefix if metadata is not None else None
        reading = _READINGS[region] = (trunk, prefix or "", patterns, plus_code)
    return reading


# Separators between digit groups: a phone number written for people is grouped.
_SEPARATED = re.compile(r"\d[ \t]?[-./)\t ][ \t(]?\d")
# How North America groups a national number: (NPA) NXX-XXXX, with an optional leading 1.
_NANP_LAYOUTS = ((3, 3, 4), (1, 3, 3, 4))
_FALLBACK_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "JP")


def _confirm_possible(
    text: str,
    start: int,
    spans: list[_Span],
    regions: tuple[str, ...],
    parses: _Parses | None = None,
) -> tuple[int, int, str, str | None] | None:
    """The first span that is a POSSIBLE number in one of `regions` and looks like a phone.

    Reserved and fictional ranges are not valid numbers, but a seller who writes one still breaks
    the rule. Only strong shapes count, so that the look-alikes that survived the vetoes (a case
    number, a batch code) stay out: an explicit country code, a phone word just before the
    number, or digits grouped in the region's national phone layout.
    """
    token_end = len(text[:start].rstrip())
    token = text[text.rfind(" ", 0, token_end) + 1 : token_end]
    if any(c.isdigit() for c in token):
        # The tail of a longer code ("1Z 999 AA1 01 2345 6784"), not a number of its own.
        return None
    cue = _PHONE_WORDS.search(text, start - _WINDOW if start > _WINDOW else 0, start) is not None
    given = tuple(regions or ("US",))
    others = tuple(r for r in _FALLBACK_REGIONS if r not in given)
    # The message's regions first, valid then merely possible; then, for digits grouped as
    # another marketplace writes its numbers ("020 7946 0958", a London number, in a US
    # message), the other regions, valid then possible.
    for tried, layout_only in ((given, False), (others, True)):
        for check in (phonenumbers.is_valid_number, phonenumbers.is_possible_number):
            for region in tried:
                metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
                trunk = metadata is not None and metadata.national_prefix == "0"
                for candidate_start, candidate_end, _ in spans:
                    candidate = text[candidate_start:candidate_end]
                    international = candidate[0] == "+" or candidate.startswith("00")
                    layout = _national_layout(candidate, region, trunk=trunk)
                    # In the other regions: their layout, or a phone word before digits that
                    # start with a trunk zero (a US seller's "mobile 07700900123" is British).
                    elsewhere = layout or (cue and trunk and candidate[:1] == "0")
                    if not (elsewhere if layout_only else international or cue or layout):
                        continue
                    if not international and trunk and candidate.lstrip("(")[:1] != "0":
                        continue
                    parsed = _parse(candidate, region, parses)
                    if parsed is None or not check(parsed):
                        continue
                    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
                    return candidate_start, candidate_end, e164, None if international else region
    return None


def _national_layout(candidate: str, region: str, *, trunk: bool) -> bool:
    """Whether the digits are grouped as the region writes national phone numbers."""
    if _SEPARATED.search(candidate) is None:
        return False
    groups = tuple(len(g) for g in _GROUP.findall(candidate))
    if region in ("US", "CA"):
        return groups in _NANP_LAYOUTS
    if not trunk or len(groups) < 2 or candidate.lstrip("(")[:1] != "0":
        return False
    # Trunk-zero regions: an area or mobile prefix of 2-5 digits, then groups of 2-4 (FR pairs,
    # GB 5+6 or 3+4+4, DE 3-5 + the rest, JP 2-4 + 4 + 4); one long tail is a subscriber number.
    if not 2 <= groups[0] <= 5:
        return False
    rest = groups[1:]
    return all(2 <= g <= 4 for g in rest) or (len(rest) == 1 and 3 <= rest[0] <= 8)


def _parsed_valid(
    candidate: str, region: str, *, international: bool, parses: _Parses | None = None
) -> phonenumbers.PhoneNumber | None:
    parsed = _parse(candidate, region, parses)
    if parsed is None:
        return None
    # A national number is valid or not in the region it was read in; asking that directly
    # skips libphonenumber's search over every region sharing the country code (25 for +1),
    # the slowest part of `is_valid_number`.
    valid = (
        phonenumbers.is_valid_number(parsed)
        if international
        else phonenumbers.is_valid_number_for_region(parsed, region)
    )
    return parsed if valid else None


# Regions whose national numbers are read by dropping one trunk prefix ("0", or "1" for North
# America), as libphonenumber does for every ordinary number of these regions.
_QUICK_REGIONS = frozenset({"US", "CA", "GB", "DE", "FR", "ES", "IT", "JP"})


def _quick_valid(
    candidate: str, region: str, *, international: bool, digits: str | None = None
) -> str | None:
    """A valid number (E.164) built straight from the digits, or None (then `phonenumbers.parse`
    decides). `digits`: the candidate's digits, when the caller has them.

    `phonenumbers.parse` is two thirds of the cost of confirming a number; for the plain national
    and `+`/`00` forms of the marketplaces' regions the number can be built directly. Only a
    positive answer is trusted: None falls back to the full parse.
    """
    if digits is None:
        # A candidate's characters are digits (`\d`) and separators: its digits are its groups.
        digits = "".join(_GROUP.findall(candidate))
    if international:
        if candidate.startswith("00"):
            digits = digits[2:]
        for size in (1, 2, 3):
            code = int(digits[:size]) if len(digits) > size else 0
            main_region = phonenumbers.region_code_for_country_code(code)
            if main_region != "ZZ":
                # The country's main region first (GB for +44): most numbers are valid there.
                return _valid(code, digits[size:], main_region) or _valid(code, digits[size:], None)
        return None
    if region not in _QUICK_REGIONS:
        return None
    code, prefix = _NATIONAL_READING.get(region) or _national_reading(region)
    if prefix and digits.startswith(prefix):
        digits = digits[len(prefix) :]
    return _valid(code, digits, region)


# Per region of `_QUICK_REGIONS`: its country code and national (trunk) prefix, from
# libphonenumber's metadata (filled on first use; every such region has both).
_NATIONAL_READING: dict[str, tuple[int, str | None]] = {}


def _national_reading(region: str) -> tuple[int, str | None]:
    reading = _NATIONAL_READING.get(region)
    if reading is None:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert metadata is not None, region
        assert metadata.country_code is not None, region
        reading = _NATIONAL_READING[region] = (metadata.country_code, metadata.national_prefix)
    return reading


def _valid(code: int, national: str, region: str | None) -> str | None:
    """The number `+code national` in E.164 when it is valid (in `region`, or in any region)."""
    size = len(national)
    if not 4 <= size <= 14:
        return None
    zeros = size - len(national.lstrip("0"))
    if region in _QUICK_REGIONS and zeros < size:
        # The region's own patterns, precompiled: the same answer as
        # `is_valid_number_for_region` (test_phones_fast_validity), without its lookups and
        # its ten pattern tests in a fixed order (`_valid_for_region`, its lookup inlined).
        own_code, pattern = _VALIDITY.get((region, size)) or _validity(region, size)
        if code != own_code or pattern is None or pattern.fullmatch(national) is None:
            return None
        # What `format_number(…, E164)` writes for the number built below: "+", the country
        # code, the leading zeros kept (`italian_leading_zero`), then the national number.
        return f"+{code}{'0' * zeros}{int(national)}"
    number = phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )
    valid = (
        phonenumbers.is_valid_number_for_region(number, region)
        if region is not None
        else phonenumbers.is_valid_number(number)
    )
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if valid else None
    )


# A number description of libphonenumber's metadata: the lengths it allows (empty: any) and its
# pattern, which the whole national significant number must match.
_Desc = tuple[frozenset[int], re.Pattern[str]]
# The kinds of number whose descriptions make a number valid, most common first: a number is
# valid when it fits the general description and any one of these (the order only decides its
# type, which the detector does not read).
_TYPE_DESCS = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_REGION_DESCS: dict[str, tuple[int, _Desc | None, tuple[_Desc, ...]]] = {}


def _desc(description: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    if description is None or not description.national_number_pattern:
        return None
    lengths = frozenset(description.possible_length or ())
    return lengths, re.compile(description.national_number_pattern)


def _region_descs(region: str) -> tuple[int, _Desc | None, tuple[_Desc, ...]]:
    """The region's country code, general description and the descriptions of its number
    types (built on first use)."""
    descs = _REGION_DESCS.get(region)
    if descs is None:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert metadata is not None, region
        kinds = [
            kind
            for kind in _TYPE_DESCS
            # libphonenumber reads the mobile description only when it differs from the fixed
            # line's.
            if not (kind == "mobile" and metadata.same_mobile_and_fixed_line_pattern)
        ]
        types = tuple(
            desc for desc in (_desc(getattr(metadata, kind)) for kind in kinds) if desc is not None
        )
        descs = _REGION_DESCS[region] = (
            int(metadata.country_code or 0),
            _desc(metadata.general_desc),
            types,
        )
    return descs


# Per region and number length: the region's country code and one pattern that fullmatches a
# national number of that length exactly when it fits the general description and one of the
# number types (None: no number of that length is valid there). Built on first use.
_VALIDITY: dict[tuple[str, int], tuple[int, re.Pattern[str] | None]] = {}


def _validity(region: str, size: int) -> tuple[int, re.Pattern[str] | None]:
    key = (region, size)
    entry = _VALIDITY.get(key)
    if entry is None:
        code, general, types = _region_descs(region)
        pattern = None
        if general is not None and (not general[0] or size in general[0]):
            fitting = [f"(?:{p.pattern})" for lengths, p in types if not lengths or size in lengths]
            if fitting:
                # The lookahead is the general description's fullmatch; the alternation one of
                # the types' (a fullmatch backtracks through every branch).
                pattern = re.compile(f"(?=(?:{general[1].pattern})\\Z)(?:{'|'.join(fitting)})")
        entry = _VALIDITY[key] = (code, pattern)
    return entry


def _valid_for_region(code: int, national: str, region: str) -> bool:
    """`phonenumbers.is_valid_number_for_region` for the number `+code national` (national: its
    national significant number, digits only), in one of the marketplaces' regions."""
    own_code, pattern = _validity(region, len(national))
    return code == own_code and pattern is not None and pattern.fullmatch(national) is not None


def _is_ean13(digits: str) -> bool:
    if len(digits) != 13:
        return False
    if digits.isascii():
        # ASCII digits as bytes: each is its value plus 48, summed in C (a generator calling
        # `int` on each digit cost about 1.7 us); 6 digits weigh 1 and 6 weigh 3.
        total = sum(digits[0:12:2].encode()) + 3 * sum(digits[1:12:2].encode()) - 48 * 24
    else:
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _is_isbn10(digits: str) -> bool:
    if len(digits) != 10 or not digits.startswith(("0", "1")):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
    return total % 11 == 0
