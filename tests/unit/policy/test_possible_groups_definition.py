"""`Scan.possible_groups` against its definition, written out the slow way: a group is possible
when every class of one of its patterns (in the scan's languages) occurred, or when the scan was
not made for it. Checked on the dev set and on generated seller messages, for every language set
the engine scans with."""

from __future__ import annotations

import random

import pytest
from policy_texts import dev_texts, generated_texts

from gobetween.policy import engine
from gobetween.policy import rules as registry
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Lexicon, Scan
from gobetween.policy.profiles import get_profile

LANGUAGE_SETS: list[frozenset[str] | None] = [
    None,
    frozenset({"en"}),
    *(frozenset({code, "en"}) for code in ("de", "fr", "es", "it", "ja")),
]


def _texts() -> list[str]:
    texts = dev_texts() + generated_texts(400)
    # Sentences of different messages side by side: more classes meet than in one message.
    rng = random.Random(11)
    texts.extend(" ".join(rng.sample(texts, 3)) for _ in range(200))
    return texts


def _by_definition(lexicon: Lexicon, scan: Scan, outside: frozenset[str] | None) -> set[str]:
    possible = set(lexicon.groups_outside(outside)) if outside is not None else set()
    for group, by_first in lexicon.index.items():
        for first, candidates in by_first.items():
            if scan.languages is not None and first[0] not in scan.languages:
                continue
            for _, others in candidates:
                if first in scan.hits and all(key in scan.hits for key in others):
                    possible.add(group)
    return possible


@pytest.mark.parametrize("initiation", ["proactive", "reply", None])
def test_possible_groups_are_the_groups_one_of_whose_patterns_has_every_class(
    initiation: str | None,
) -> None:
    lexicon = get_profile("amazon").lexicon
    if initiation is None:
        groups = None
    else:
        groups = engine._groups(lexicon, "seller_to_buyer", initiation, len(registry.REGISTRY))
    possible_somewhere = 0
    for text in _texts():
        normalized = normalize(text).text
        for languages in LANGUAGE_SETS:
            scan = lexicon.scan(normalized, languages, groups=groups)
            expected = _by_definition(lexicon, scan, groups)
            assert scan.possible_groups() == expected, (text, languages)
            # Asked twice, the same set (the combination is kept once made).
            assert scan.possible_groups() is scan.possible_groups()
            if groups is not None:
                possible_somewhere += bool(expected - lexicon.groups_outside(groups))
    if groups is not None:
        # The comparison is worth something only if many scans have a possible group.
        assert possible_somewhere > 500
