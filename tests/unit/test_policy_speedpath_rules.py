"""Faster forms of the rules' scans answer exactly as the forms they replaced."""

from __future__ import annotations

import re
from bisect import bisect_right

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy import check, sentences
from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Scan
from gobetween.policy.profiles import get_profile
from gobetween.policy.rules import (
    AnalyzedMessage,
    match_findings,
    off_platform,
    thank_you_only,
    unprofessional,
)
from gobetween.policy.sentences import Sentence, asks_question
from gobetween.policy.verdict import Finding

# The capitalised-word regex as first written: a run of two or more capitals with no letter on
# either side, led by the lookbehind.
_CAPS_WORD_LOOKBEHIND_FIRST = re.compile(r"(?<![^\W\d_])[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}(?![^\W\d_])")

_CAPS_PIECES = st.sampled_from(
    [
        *(" ", ", ", "\t", "\n", "\xa0", "-", "!", "_", "1", "²"),
        *("A", "AB", "C", "ÄÖ", "É", "×", "Þ", "ß", "Ž", "ŽĀ", "ā", "ab", "é", "日本", "OK", "NOW"),
    ]
)


@given(st.lists(_CAPS_PIECES, max_size=24).map("".join))
def test_capitalised_words_are_the_lookbehind_first_regex_s(text: str) -> None:
    expected = [m.span() for m in _CAPS_WORD_LOOKBEHIND_FIRST.finditer(text)]
    assert [m.span() for m in unprofessional._CAPS_WORD.finditer(text)] == expected


# Two capitalised words in a row, as first written: led by a repeat.
_CAPS_PAIR_REPEAT_FIRST = re.compile(r"[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}[\s,]+[A-ZÄÖÜÀ-ÞĀ-Ž]{2,}")


@given(st.lists(_CAPS_PIECES, max_size=24).map("".join))
def test_a_capitals_pair_is_found_where_the_repeat_first_regex_finds_one(text: str) -> None:
    expected = _CAPS_PAIR_REPEAT_FIRST.search(text) is not None
    assert (unprofessional._CAPS_PAIR.search(text) is not None) == expected
    assert unprofessional._has_caps_pair(text) == expected


def test_shouting_beyond_latin1_is_found() -> None:
    text = "Bonjour \u2019 NE PAS RENVOYER LE COLIS, merci"
    assert unprofessional._has_caps_pair(text)
    assert [text[a:b] for a, b in unprofessional._shouting(text)] == ["NE PAS RENVOYER LE COLIS"]


def test_shouting_needs_four_capitalised_words_in_a_row() -> None:
    text = "Dear buyer, PLEASE DO NOT RETURN IT, ok? AB CD EF is fine."
    assert [text[start:end] for start, end in unprofessional._shouting(text)] == [
        "PLEASE DO NOT RETURN IT"
    ]


def _sentences_as_first_written(
    text: str, start: int = 0, end: int | None = None
) -> list[Sentence]:
    stop = len(text) if end is None else end
    found: list[Sentence] = []
    position = start
    for low, high in [(m.end(), m.end()) for m in sentences._END.finditer(text, start, stop)] + [
        (stop, stop)
    ]:
        piece = text[position:low]
        rest = piece.lstrip()
        if rest:
            first = position + len(piece) - len(rest)
            rest = rest.rstrip()
            found.append(Sentence(first, first + len(rest), rest))
        position = high
    return found


_SENTENCE_PIECES = st.sampled_from(
    [
        *(" ", "  ", "\n", "\t", ".", ". ", "!", "?!", "…", "。", "！", "？", '"', "»", ")", "]"),
        *("Thanks", "a", "Mr", "3.5", "www.x.de", "ありがとう", "\u3000", "\xa0"),
    ]
)


@given(st.lists(_SENTENCE_PIECES, max_size=30).map("".join), st.data())
def test_sentence_spans_are_where_the_sentences_are(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = _sentences_as_first_written(text, start, end)
    assert sentences.split_sentences(text, start, end) == expected
    assert sentences.sentence_spans(text, start, end) == [(s.start, s.end) for s in expected]


def _body_end_as_first_written(scan: Scan, text: str) -> int:
    """The first sign-off line (short, no full stop) with text above it ends the body when
    every line below it is a signature line (short and unpunctuated or of at most four words; or
    unpunctuated and of at most twelve) or holds a footer word."""
    offsets, position = [], 0
    for line in text.split("\n"):
        offsets.append((position, position + len(line)))
        position += len(line) + 1
    footer = [hit.start for hit in scan.of_class("footer_marker")]

    def signature(line: str) -> bool:
        words = len(re.findall(r"\w+", line.strip()))
        if not line.strip().endswith(_STOPS):
            return words <= 12
        return words <= 4 and len(line.strip()) <= 40

    for hit in sorted(scan.of_class("sign_off"), key=lambda hit: hit.start):
        index = next(i for i, (a, b) in enumerate(offsets) if a <= hit.start <= b)
        line = text[offsets[index][0] : offsets[index][1]].strip()
        if index == 0 or not text[: offsets[index][0]].strip():
            continue
        if len(re.findall(r"\w+", line)) > 6 or len(line) > 40 or line.endswith(_STOPS):
            continue
        below = offsets[index + 1 :]
        if all(signature(text[a:b]) or any(a <= where < b for where in footer) for a, b in below):
            return offsets[index][0]
        return len(text)
    return len(text)


_STOPS = (".", "!", "?", "。", "！", "？")


def _thank_you_only_as_first_written(message: AnalyzedMessage) -> bool:
    scan = message.phrases
    thanks = scan.of_class("thanks")
    end = _body_end_as_first_written(scan, scan.text)
    text = scan.text[:end]
    if not thanks or asks_question(scan.text):
        return False
    if any(
        match.start < end
        for group in thank_you_only._OTHER_PURPOSES
        for match in scan.matches(group)
    ):
        return False
    body = sentences.body_sentences(text)
    warm = thanks + scan.of_class("warm")

    def warmed(sentence: sentences.Sentence) -> bool:
        return any(sentence.start <= hit.start < sentence.end for hit in warm)

    # Greetings alone at the start (a greeting word first, after at most one opening mark, and
    # at most four words) are left out.
    greetings = [hit.start for hit in scan.of_class("greeting")]
    while body and not warmed(body[0]):
        first = body[0]
        if len(re.findall(r"\w+", first.text)) > 4 or not any(
            first.start <= where <= first.start + 1 for where in greetings
        ):
            break
        body = body[1:]
    if not body:
        return False

    if all(warmed(sentence) for sentence in body):
        return True
    # After warm sentences, the last may be a sign-off: one opens it, or it is a name of at most
    # four words without a full stop.
    last = body[-1]
    signs_off = any(hit.start == last.start for hit in scan.of_class("sign_off")) or (
        not last.text.endswith((".", "!", "?", "。", "！", "？"))
        and len(re.findall(r"\w+", last.text)) <= 4
    )
    return len(body) > 1 and all(warmed(sentence) for sentence in body[:-1]) and signs_off


_THANKS_PIECES = st.sampled_from(
    [
        *(" ", ". ", "! ", "\n", ",\n", "Hi Anna", "Best,\nLumo", "Thank you", "thanks so much"),
        *("Danke", "merci", "We hope you enjoy it", "Have a great day", "Your order", "ships"),
        *("today", "leave a review", "grazie mille", "ありがとうございます。", "enjoy"),
        *("Kind regards, Tom", "Viele Grüße", "Tom", "The lid is oak"),
        *("Warm regards,\n", "Oak & Pine Co.\n", "12 Mill Lane, Leeds LS1 4AB", "To unsubscribe"),
        *("P.S. Our new range is out.", "Registered in England", "\n\n"),
        *("You get this mail as our customer. To unsubscribe, reply STOP.",),
        *("¡Hola Ana! ", "Hi Tom,", "Bonjour Madame Roux, votre bracelet est prêt. ", "Hallo! "),
    ]
)


# No deadline: the first example with languages=None builds the complete lexicon's automaton
# (about 0.3 s on a loaded machine), which the later examples reuse.
@settings(deadline=None)
@given(
    st.lists(_THANKS_PIECES, max_size=16).map("".join),
    st.sampled_from([frozenset({"en"}), frozenset({"de", "en"}), None]),
)
def test_thank_you_only_answers_as_first_written(
    text: str, languages: frozenset[str] | None
) -> None:
    normalized = normalize(text)

    def message() -> AnalyzedMessage:
        return AnalyzedMessage(
            text=text,
            subject=None,
            normalized=normalized,
            language="en",
            context=MessageContext.from_mapping({"initiation": "proactive"}),
            facts=SystemFacts(),
            scan=get_profile("amazon").lexicon.scan(normalized.text, languages),
        )

    assert thank_you_only._thank_you_only(message()) == _thank_you_only_as_first_written(message())


def test_a_message_of_thanks_alone_is_thank_you_only() -> None:
    text = "Hi Anna,\n\nThank you so much for your order! We hope you enjoy it.\n\nBest,\nLumo"
    verdict = check(text, {"initiation": "proactive", "contact_reason": "customization"})
    assert "thank_you_only" in verdict.categories


def _off_platform_as_first_written(message: AnalyzedMessage) -> list[Finding]:
    """`off_platform` with every sentence of the text split, as first written."""
    exempt_phone = message.context.contact_reason in off_platform._PHONE_EXEMPT_REASONS
    scan = message.phrases
    to_original = message.normalized.to_original
    matches = list(scan.matches("off_platform"))
    if not exempt_phone:
        matches.extend(scan.matches("off_platform_call"))
    found = match_findings(message, matches, "off_platform", off_platform._EXPLANATION)
    contacts = [
        f
        for f in message.prior
        if f.category == "contact_info" and f.span is not None and not f.rule.endswith("_request")
    ]
    if contacts:
        invites = [to_original(hit.start, hit.end) for hit in scan.of_class("contact_invite")]
        if invites:
            starts = [start for start, _ in sentences.sentence_spans(message.text)]

            def sentence_index(position: int) -> int:
                return max(bisect_right(starts, position) - 1, 0)

            for contact in contacts:
                if contact.span is None or (
                    exempt_phone and off_platform._is_phone(contact, message.text)
                ):
                    continue
                where = sentence_index(contact.span[0])
                for invite in invites:
                    if abs(sentence_index(invite[0]) - where) <= 1:
                        found.append(
                            Finding(
                                "off_platform",
                                "invitation_to_contact",
                                "block",
                                invite,
                                off_platform._EXPLANATION,
                            )
                        )
                        break
    return found


_OFF_PLATFORM_PIECES = st.sampled_from(
    [
        *(" ", ". ", "! ", "? ", "\n", "...", "Hi Anna,", "Thanks.", "Your order ships today."),
        *("Email me", "call us", "contact us at", "write to me", "WhatsApp me", "mail"),
        *("503-555-0148", "anna@example.com", "It is ready", "Schreiben Sie mir", "appelez-nous"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_OFF_PLATFORM_PIECES, max_size=20).map("".join),
    st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["email", "phone", "phone_request"]))),
    st.sampled_from(["warranty", "customization"]),
)
def test_off_platform_answers_as_first_written(
    text: str, contacts: list[tuple[int, str]], reason: str
) -> None:
    normalized = normalize(text)
    prior = tuple(
        Finding("contact_info", kind, "block", (start, start + 3), "contact")
        for start, kind in contacts
        if start + 3 <= len(text)
    )

    def message() -> AnalyzedMessage:
        return AnalyzedMessage(
            text=text,
            subject=None,
            normalized=normalized,
            language="en",
            context=MessageContext.from_mapping({"contact_reason": reason}),
            facts=SystemFacts(),
            scan=get_profile("amazon").lexicon.scan(normalized.text),
            prior=prior,
        )

    assert list(off_platform.off_platform(message())) == _off_platform_as_first_written(message())


def test_an_invitation_next_to_a_number_before_more_sentences() -> None:
    # The sentences after the invitation are not split; the answer is the same.
    text = "It is 503-555-0148. Call any time. Thanks. See you soon. Bye."
    findings = [(f.rule, f.span) for f in check(text, {}).findings if f.category == "off_platform"]
    assert findings == [("invitation_to_contact", (20, 33))]
    # Two sentences apart is not next to it.
    far = "Call any time. Your order ships today. It is ready. It is 503-555-0148."
    assert not any(f.rule == "invitation_to_contact" for f in check(far, {}).findings)
