"""`thank_you_only` asks `matches` only about the other purposes that `possible_groups` allows:
the answer is the one of asking about every purpose, on the dev set and generated messages."""

from __future__ import annotations

from bisect import bisect_left

from policy_texts import dev_texts, generated_texts

from gobetween.policy import engine
from gobetween.policy import rules as registry
from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.normalize import normalize
from gobetween.policy.profiles import get_profile
from gobetween.policy.rules import AnalyzedMessage
from gobetween.policy.rules.thank_you_only import _OTHER_PURPOSES, _signs_off, _thank_you_only
from gobetween.policy.sentences import asks_question, iter_body_sentence_spans


def _texts() -> list[str]:
    return dev_texts() + generated_texts(300)


def _analyzed(text: str) -> AnalyzedMessage:
    context = MessageContext.from_mapping({"initiation": "proactive", "contact_reason": "other"})
    profile = get_profile(context.profile)
    normalized = normalize(text)
    language, languages, detected = engine._language(text, context)
    groups = engine._groups(profile.lexicon, "seller_to_buyer", "proactive", len(registry.REGISTRY))
    return AnalyzedMessage(
        text=text,
        subject=None,
        normalized=normalized,
        language=language,
        context=context,
        facts=SystemFacts(),
        scan=profile.lexicon.scan(normalized.text, languages, groups=groups),
        profile=profile,
        language_detected=detected,
    )


def _asking_every_purpose(message: AnalyzedMessage) -> bool:
    scan = message.phrases
    thanks = scan.of_class("thanks")
    if not thanks or asks_question(scan.text):
        return False
    if any(scan.matches(group) for group in _OTHER_PURPOSES):
        return False
    starts = sorted([hit.start for hit in thanks] + [hit.start for hit in scan.of_class("warm")])
    body = False
    spans = list(iter_body_sentence_spans(scan.text))
    for position, (low, high) in enumerate(spans):
        index = bisect_left(starts, low)
        if index == len(starts) or starts[index] >= high:
            last = position == len(spans) - 1
            return body and last and _signs_off(scan, scan.text, low, high)
        body = True
    return body


def test_thank_you_only_answers_as_when_asking_every_purpose() -> None:
    answers = {True: 0, False: 0}
    reached = 0
    for text in _texts():
        expected = _asking_every_purpose(_analyzed(text))
        message = _analyzed(text)
        assert _thank_you_only(message) is expected, text
        answers[expected] += 1
        scan = message.phrases
        reached += bool(scan.of_class("thanks")) and not asks_question(scan.text)
    assert answers[True] > 5, answers
    assert answers[False] > 100, answers
    # Many messages get as far as the purposes, where the shortcut is taken.
    assert reached > 100, reached
