"""`Lexicon.has_phrase` answers whether a complete scan has a hit, without making the hits: the
engine asks it about subject lines whose scan limited to the message's languages found none."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.policy.normalize import normalize
from gobetween.policy.profiles import get_profile

DEV_SET = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "policy-dev.jsonl"


def _lines() -> list[str]:
    cases = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    lines = [case.get("subject") or "" for case in cases]
    lines += [case["text"] for case in cases]
    # Pieces of every length: words cut in the middle, single letters, phrases at the edges.
    rng = random.Random(5)
    for text in [case["text"] for case in cases]:
        for _ in range(8):
            start = rng.randrange(len(text))
            lines.append(text[start : start + rng.randrange(1, 40)])
    return lines


def test_has_phrase_is_whether_a_complete_scan_has_a_hit() -> None:
    lexicon = get_profile("amazon").lexicon
    answers = {True: 0, False: 0}
    for line in _lines():
        text = normalize(line).text
        expected = bool(lexicon.scan(text).hits)
        assert lexicon.has_phrase(text) is expected, line
        answers[expected] += 1
    assert min(answers.values()) > 200, answers


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aiouyeIn o.,'-2ßéの")), max_size=12))
def test_has_phrase_on_letters_and_boundaries(line: str) -> None:
    lexicon = get_profile("amazon").lexicon
    text = normalize(line).text
    assert lexicon.has_phrase(text) is bool(lexicon.scan(text).hits)
