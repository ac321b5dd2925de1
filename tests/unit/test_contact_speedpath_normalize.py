"""The detector view's shortcuts find exactly what the plain steps find.

`_deobfuscate` looks for the labels in front of a spelled separator (`_HEAD`) only from
`_head_floor`, and matches labels atomically in `_HEAD`, `_TAIL` and `_ADDRESS`; one automaton
pass finds both the separators and the digit words, and `_digit_words` is skipped when fewer
digit words than a run occur. These tests compare each with the plain steps (labels that
backtrack, searched from the window's start; one automaton per kind; every step run) on the
obfuscation cases and on random address-shaped texts.
"""

from __future__ import annotations

import re

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gobetween.policy.normalize as normalization
from gobetween.policy.normalize import normalize_contacts

_LABEL = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
_DOT = r"(?:\.|\s+\.\s+|\s+(?:dot|punkt|point|punto)\s+|\s*ドット\s*)"
_AT = r"(?:@|\s+@\s+|\s+(?:at|arroba|arobase|chiocciola)\s+|\s*アット(?:マーク)?\s*)"
PLAIN_TAIL = re.compile(rf"(?:(?:{_DOT}|{_AT}){_LABEL})*?{_DOT}{_LABEL}")
PLAIN_HEAD = re.compile(rf"(?<![a-z0-9_.@-])(?:{_LABEL}{_DOT})*{_LABEL}\s*\Z")
PLAIN_ADDRESS = re.compile(
    rf"(?<![a-z0-9_.@-])(?:{_LABEL}{_DOT})*{_LABEL}(?:{_AT}{_LABEL}(?:{_DOT}{_LABEL})*)?{_DOT}"
    rf"(?P<tld>[a-z]{{2,6}})(?![a-z0-9_-])(?P<path>(?:\s*(?:/|\bslash\b)\s*[a-z0-9_-]+)*)"
)

# The obfuscated forms of the contact cases, with prose before and after them.
OBFUSCATED = [
    "mail me at peter dot brandt at gmail dot com for the photos.",
    "kontakt [at] holzwerk-berg [dot] de",
    "écrivez-moi : marie arobase atelier-bleu point fr",
    "mándame un correo a lucia arroba hotmail punto com",
    "scrivimi a marco chiocciola libero punto it",
    "メールは tanaka アット yahoo ドット co ドット jp へ",
    "メールはtanakaアットyahooドットcoドットjpへ",
    "go to brightlamp dot com slash sale",
    "besuchen sie gartenwelt punkt de",
    "rendez-vous sur lampenhaus point fr",
    "trovi tutto su ceramiche-rossi punto it",
    "www . lampenhaus . fr",
    "h t t p s : / / brightlamp . com",
    "du point de vue du client",
    "el punto de entrega es la tienda",
    "a blue polka dot scarf",
    "at some point in the week",
    "our full grading guide is on vintagevinylhub dot com slash grading if you want",
    "or fill in the claim form at www.airchef-support.com/claims.",
    "call airchef at 1-877-555-0117, or write to a-b_c . d-e dot x at y.z.co dot uk",
    "meine mail: sabine punkt vogt at gmx punkt de",
    "photos: imgur dot com slash a slash x7qp",
]

_TOKENS = [
    "a", "ab", "shop", "x-1", "b_2", "9", "-", "_", "dot", "punkt", "point", "punto", "at",
    "arroba", "@", ".", "ドット", "アット", "アットマーク", "com", "de", "the", "du", "www",
    "gmail", ",", "é", "/", "slash", "(", ")",
]  # fmt: skip
_GAPS = ["", " ", "  ", "\t", "\n", " \u3000 "]


def _hints(text: str) -> list[int]:
    """Where `_deobfuscate` looks for an address: every spelled or spaced separator."""
    return normalization._hint_starts(text)


def _assert_same_search(text: str) -> None:
    for start in [*_hints(text), *range(len(text) + 1)]:
        plain_address = PLAIN_ADDRESS.match(text, start)
        fast_address = normalization._ADDRESS.match(text, start)
        assert (plain_address and plain_address.groupdict()) == (
            fast_address and fast_address.groupdict()
        ), (text, start)
        assert (plain_address and plain_address.span()) == (fast_address and fast_address.span())
        assert (normalization._TAIL.match(text, start) is None) == (
            PLAIN_TAIL.match(text, start) is None
        ), (text, start)
        for low in {0, max(0, start - normalization._HEAD_WINDOW), max(0, start - 7)}:
            floor = normalization._head_floor(text, low, start)
            assert low <= floor <= start
            plain = PLAIN_HEAD.search(text, low, start)
            fast = normalization._HEAD.search(text, floor, start)
            assert (plain and plain.start()) == (fast and fast.start()), (text, low, start)


@pytest.mark.parametrize("text", OBFUSCATED)
def test_head_and_tail_as_plain_patterns_on_obfuscations(text: str) -> None:
    _assert_same_search(text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_GAPS)), max_size=16).map(
        lambda pairs: "".join(token + gap for token, gap in pairs)
    )
)
def test_head_and_tail_as_plain_patterns_on_random_runs(text: str) -> None:
    _assert_same_search(text)


def test_head_floor_stops_at_a_blank_between_two_words() -> None:
    text = "our guide is on vintagevinylhub dot com"
    start = text.index(" dot ")
    assert normalization._head_floor(text, 0, start) == text.index("vintagevinylhub")
    # Across spelled and spaced separators the floor goes back to the first label.
    text = "write to a . b dot c ドット d at"
    start = text.rindex(" at")
    assert normalization._head_floor(text, 0, start) == text.index("a . b")


def test_obfuscated_addresses_are_rewritten() -> None:
    # The shortcuts find the same addresses: spot checks of the rewritten detector view.
    assert "vintagevinylhub.com/grading" in normalize_contacts(OBFUSCATED[17]).text
    assert "peter.brandt@gmail.com" in normalize_contacts(OBFUSCATED[0]).text
    assert "tanaka@yahoo.co.jp" in normalize_contacts(OBFUSCATED[5]).text
    assert "du point de vue" in normalize_contacts(OBFUSCATED[13]).text


# The separators alone, as `_deobfuscate` first found them.
PLAIN_HINTS = ahocorasick_rs.AhoCorasick(normalization._HINT_KEYS)

_DIGIT_TOKENS = [
    "one", "two", "three", "fünf", "cinq", "uno", "un", "tre", "ゼロ", "一", "二", "7", "https",
    "ftp", ":", "://", "[at]", "(dot)", "h t t p s", "someone", "unit", "street", "x",
]  # fmt: skip


def _assert_same_draft(text: str) -> None:
    plain_hints = [start for _, start, _ in PLAIN_HINTS.find_matches_as_indexes(text, True)]
    assert normalization._hint_starts(text) == plain_hints
    draft = normalization._fold(text)
    fast = normalization._contact_draft(draft, False)
    plain = normalization._digit_words(normalization._deobfuscate(draft))
    assert (fast.text, list(fast.starts), list(fast.ends)) == (
        plain.text,
        list(plain.starts),
        list(plain.ends),
    )


@pytest.mark.parametrize(
    "text",
    [
        *OBFUSCATED,
        "call me on four one five, five five five, zero one three two",
        "meine nummer: null eins sieben null fünf fünf fünf eins zwei drei vier",
        "text me at three one two, eight eight four, zero one nine eight",
        "one or two, maybe three",  # three digit words: no run
        "someone, anyone: done",  # digit words inside words only
        "〇九〇一二三四五六七八",
        "write to one two three four at gmail dot com",
        "kontakt [at] five five five five [dot] de",
        "h t t p s : / / uno . due dot it",  # a scheme rewritten between digit words
        "https : / / tre [dot] com and ftp : / / one.two",
        "zero [at] one dot de",  # fewer digit words than a run, around rewritten separators
        "zero [at] one dot two dot three dot de",
        # Four digit words or more, fewer of them standing alone than a run needs.
        "someone told anyone: done, un tre unité",
        "one two three fourteen",
        "uno, due, tre e quattrocento",
        "oneドットtwoドットthree four",
        "eins zwei drei vierzig fünf",
        "one two three four",  # a run
    ],
)
def test_one_automaton_pass_as_two_on_obfuscations(text: str) -> None:
    _assert_same_draft(text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_TOKENS + _DIGIT_TOKENS), st.sampled_from(_GAPS)), max_size=16
    ).map(lambda pairs: "".join(token + gap for token, gap in pairs))
)
def test_one_automaton_pass_as_two_on_random_runs(text: str) -> None:
    _assert_same_draft(text)


def _plain_address_edits(
    span_text: str, base: int, *, after_scheme: bool, lead: str
) -> list[object]:
    """`_address_edits` as first written: each separator found by `finditer` (and, since, a
    mailbox's name before an English "at" read as an address after a `lead` that leads to
    one)."""
    n = normalization
    separators = list(n._SEPARATOR.finditer(span_text))
    words = [sep.group().strip() for sep in separators]
    labels: list[str] = []
    previous = 0
    for sep in separators:
        labels.append(span_text[previous : sep.start()])
        previous = sep.end()
    labels.append(span_text[previous:])
    first = 0
    ats = [i for i, word in enumerate(words) if word in n._AT_WORDS]
    if ats and words[ats[0]] in ("at", "@") and separators[ats[0]].group() != "@":
        i = ats[0]
        is_email = (
            words[i] == "@"
            or i > 0
            or any(c.isdigit() or c == "_" for c in labels[i])
            or labels[i + 1] in n._MAIL_PROVIDERS
            or (labels[i] in n._MAILBOX_NAMES and (lead in n._MAILBOX_LEADS or lead.endswith(":")))
        ) and labels[i] not in n._STOPWORDS
        # An "@" between blanks after a pronoun is a handle ("find us @ shop . de").
        if words[i] == "@" and labels[i] in n._OBJECT_PRONOUNS:
            is_email = False
        if not is_email:
            first = i + 1
    for j in range(first, len(separators)):
        word = words[j]
        if word in n._DOT_WORDS and word != "ドット":
            if labels[j] in n._STOPWORDS:
                return []
            if word == "point" and labels[j + 1] == "de":
                return []
    kept = range(first, len(separators))
    spelled = any(words[j] in n._AT_WORDS or words[j] in n._DOT_WORDS for j in kept)
    if not spelled and labels[first] != "www" and not after_scheme:
        return []
    edits: list[object] = []
    for j in kept:
        word = words[j]
        if word in n._DOT_WORDS:
            new = "."
        elif word in n._AT_WORDS:
            new = "@"
        elif word == "slash":
            new = "/"
        else:
            new = word
        sep = separators[j]
        if sep.group() != new:
            edits.append((base + sep.start(), base + sep.end(), new))
    return edits


_ADDRESS_TOKENS = [
    "anna", "x_1", "gmail", "www", "shop", "de", "com", "du", "the", "a-b", "7", "point", "us",
    "support", "info",
]  # fmt: skip
_LEADS = ["", "at", "to", "more", "contact:", "email", "place"]
_ADDRESS_SEPARATORS = [
    ".", " . ", " dot ", " punkt ", " point ", " punto ", "ドット", " ドット ", "@", " @ ", " at ",
    " arroba ", " arobase ", " chiocciola ", "アット", "アットマーク", " slash ", " slash", "/",
    " / ",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_ADDRESS_TOKENS), st.sampled_from(_ADDRESS_SEPARATORS)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(_ADDRESS_TOKENS),
    st.integers(min_value=0, max_value=50),
    st.booleans(),
    st.sampled_from(_LEADS),
)
def test_address_edits_as_first_written(
    pairs: list[tuple[str, str]], last: str, base: int, after_scheme: bool, lead: str
) -> None:
    span_text = "".join(label + separator for label, separator in pairs) + last
    assert normalization._address_edits(
        span_text, base, after_scheme=after_scheme, lead=lead
    ) == _plain_address_edits(span_text, base, after_scheme=after_scheme, lead=lead)


_ESZETT_TEXTS = st.text(
    alphabet=st.sampled_from(list("abcXYZ 019.,@-ßSsÄäÖöÜüéÉçÇñÑ\n\t")), max_size=60
)


@settings(max_examples=2000, deadline=None)
@given(_ESZETT_TEXTS)
def test_fold_with_eszett_as_the_cluster_walk(text: str) -> None:
    latin1 = text.encode("latin-1")
    fast = normalization._fold(text, latin1)
    walked = normalization._fold_plain(text) or normalization._fold_clusters(text)
    assert (fast.text, list(fast.starts), list(fast.ends)) == (
        walked.text,
        list(walked.starts),
        list(walked.ends),
    )
    # The views built on the fold map back to the same original characters.
    assert normalize_contacts(text).text == normalization.normalize(text).contacts.text  # type: ignore[union-attr]


def test_fold_with_eszett_maps_both_letters_to_the_eszett() -> None:
    text = "Grüße, Straße"
    folded = normalization._fold(text, text.encode("latin-1"))
    assert folded.text == "grüsse, strasse"
    eszett = folded.text.index("ss")
    assert (folded.starts[eszett], folded.ends[eszett + 1]) == (3, 4)
