"""`thank_you_only` (policy.md §4, proactive only): a message whose purpose is to thank the buyer.

Politeness inside a legitimate message is fine (§4): the rule fires only when every sentence of
the body (greeting and signature aside) is thanks or warmth, with no question or request. The
body ends at a sign-off line ("Warm regards,", "Con i più cordiali saluti", "敬具") when all that
follows it is a signature block and footer (names, the shop's address, an unsubscribe or
legal line): those say nothing about what the message is for. Anything else after the sign-off
(a P.S., an order summary) stays part of the body. A question anywhere, a footer's included,
still means the message asks something.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from gobetween.policy.phrases import Scan, read_in_every_language
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.sentences import (
    GREETING_WORDS,
    asks_question,
    is_closing_line,
    is_signature_fragment,
    is_signature_line,
    iter_body_sentence_spans,
    line_span,
    word_count,
)
from gobetween.policy.verdict import Finding

# Thanks and warmth count in any language ("Danke!" in an English message is still thanks).
read_in_every_language("thanks", "warm", "sign_off", "footer_marker", "greeting")

# A message with any of these purposes is about something else, even if it also says thanks.
_OTHER_PURPOSES = (
    "review_request",
    "review_change_request",
    "marketing",
    "off_platform",
    "off_platform_call",
    "redundant_notification",
    "proactive_customer_service",
    "stock_or_delay_notice",
    "fba_self_service",
)


def is_thank_you_only(message: AnalyzedMessage) -> bool:
    """Whether the body is nothing but thanks (checked on the normalised text, once per message)."""
    memo = message.phrases.memo
    known = memo.get("thank_you_only")
    if not isinstance(known, bool):
        known = _thank_you_only(message)
        memo["thank_you_only"] = known
    return known


def _thank_you_only(message: AnalyzedMessage) -> bool:
    scan = message.phrases
    # Only where the hits start is read: no `Hit` is made for them.
    thanks = scan.class_starts("thanks")
    if not thanks:
        return False
    text = scan.text
    # Cheapest tests first: a question anywhere (a footer's "Questions?" too: finding the body's
    # end first would cost every message with thanks and a question), another purpose in the
    # body (its matches are computed once per message, and the rules of those purposes need
    # them anyway), or a sentence with no warmth.
    if asks_question(text):
        return False
    possible = scan.possible_groups()
    end = -1  # where the body ends, found when first needed
    # A group that is not possible has no match, known without asking `matches` for it (a
    # loop: a generator for `any` costs more than the tests it runs).
    for group in _OTHER_PURPOSES:
        if group in possible and scan.matches(group):
            if end < 0:
                end = _body_end(scan, text)
            if scan.matches(group)[0].start < end:
                return False
    if end < 0:
        end = _body_end(scan, text)
    if end < len(text):
        text = text[:end]
    # Every sentence of the body has a hit of thanks or warmth starting in it: the first hit
    # starting at or after the sentence's start must start before its end. The first sentence
    # without one answers, and the sentences after it are not looked for.
    starts = sorted(thanks + scan.class_starts("warm"))
    count = len(starts)
    body = False
    spans = iter_body_sentence_spans(text)
    for low, high in spans:
        index = bisect_left(starts, low)
        if index == count or starts[index] >= high:
            # A greeting alone may open the body ("¡Hola Andrés! Solo queríamos darte las
            # gracias …"); only a sign-off written on the body's last line, after the thanks,
            # may lack both at its end.
            if not body and _greets(scan, text, low, high):
                continue
            return body and next(spans, None) is None and _signs_off(scan, text, low, high)
        body = True
    return body


def _greets(scan: Scan, text: str, low: int, high: int) -> bool:
    """Whether the sentence text[low:high] is a greeting alone: it opens with a greeting word
    (after an opening mark such as "¡") and has at most `GREETING_WORDS` words."""
    return word_count(text, low, high) <= GREETING_WORDS and any(
        low <= start <= low + 1 for start in scan.class_starts("greeting")
    )


def _body_end(scan: Scan, text: str) -> int:
    """Where the body ends: at the first sign-off line with text before it, when every line
    after it is a signature line or holds a footer's words; len(text) otherwise."""
    if "\n" not in text:
        return len(text)
    for start in scan.class_starts("sign_off"):
        line_start, line_end = line_span(text, start)
        if line_start and text[:line_start].strip() and is_closing_line(text[line_start:line_end]):
            return line_start if _only_signature_after(scan, text, line_end) else len(text)
    return len(text)


def _only_signature_after(scan: Scan, text: str, position: int) -> bool:
    footer = scan.class_starts("footer_marker")
    while position < len(text):
        start, end = line_span(text, position + 1)
        if not is_signature_line(text[start:end]) and not any(
            start <= where < end for where in footer
        ):
            return False
        position = end
    return True


def _signs_off(scan: Scan, text: str, low: int, high: int) -> bool:
    """Whether the sentence text[low:high], the last of the body, is a sign-off: it opens with
    one ("Warm regards, Pete and Linda, Greenreel Garden Supplies"), or it is a few words
    without a full stop (a name, a shop's name)."""
    return low in scan.class_starts("sign_off") or is_signature_fragment(text, low, high)


@rule("thank_you_only")
def thank_you_only(message: AnalyzedMessage) -> Iterable[Finding]:
    """The whole body thanks the buyer."""
    if not is_thank_you_only(message):
        return []
    first = message.phrases.of_class("thanks")[0]
    return [
        Finding(
            "thank_you_only",
            "thanks_only",
            "block",
            message.normalized.to_original(first.start, first.end),
            "A message only to say thank you is an unsolicited message; the marketplace does not "
            "allow it.",
        )
    ]
