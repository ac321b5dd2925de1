"""The phrase matcher: word boundaries, wildcards, windows, order, vetoes, Japanese, validation."""

from __future__ import annotations

import pytest

from gobetween.domain.errors import InvalidInput
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Lexicon, LexiconData, parse_lexicon


def fold(text: str) -> str:
    return normalize(text).text


def lexicon(lang: str, document: dict[str, object]) -> Lexicon:
    return Lexicon(LexiconData().merge(parse_lexicon(lang, document, where="test")), fold)


EN = lexicon(
    "en",
    {
        "classes": {
            "verb": ["leave", "write"],
            "noun": ["review*"],
            "compound": ["*bewertung"],
            "negation": ["don't"],
            "proof": ["proof"],
        },
        "patterns": [
            {
                "group": "ask",
                "all": ["verb", "noun"],
                "window": 3,
                "ordered": True,
                "unless_before": ["negation"],
                "unless_window": 1,
                "unless_sentence": ["proof"],
            },
            {"group": "compound", "all": ["compound"]},
        ],
    },
)


def spans(text: str, group: str) -> list[str]:
    scan = EN.scan(fold(text))
    return [scan.text[m.start : m.end] for m in scan.matches(group)]


def test_word_boundaries_and_wildcards() -> None:
    assert spans("Please leave a review.", "ask") == ["leave a review"]
    assert spans("Please leave us reviews.", "ask") == ["leave us review"]
    assert spans("Cleave a review.", "ask") == []
    assert spans("Die Produktbewertung", "compound") == ["bewertung"]


def test_window_order_and_sentence() -> None:
    assert spans("Leave it on the table and then review it.", "ask") == []
    assert spans("A review? Leave it.", "ask") == []
    assert spans("Leave it. Review the text.", "ask") == []


def test_vetoes() -> None:
    assert spans("Please don't leave a review.", "ask") == []
    assert spans("Leave a review of the proof.", "ask") == []


def test_typographic_apostrophes_match_straight_ones() -> None:
    assert spans("Please don’t leave a review.", "ask") == []


def test_japanese_has_no_word_boundaries_and_counts_characters() -> None:
    ja = lexicon(
        "ja",
        {
            "classes": {"noun": ["レビュー"], "verb": ["お願い"]},
            "patterns": [{"group": "ask", "all": ["noun", "verb"], "window": 8}],
        },
    )
    scan = ja.scan(fold("ぜひレビューをお願いします。"))
    assert [scan.text[m.start : m.end] for m in scan.matches("ask")] == ["レビューをお願い"]
    far = ja.scan(fold("レビューについて、ずいぶん長い説明のあとでお願いします。"))
    assert far.matches("ask") == []


def test_lexicon_validation_names_the_problem() -> None:
    with pytest.raises(InvalidInput, match="unknown class"):
        parse_lexicon("en", {"classes": {}, "patterns": [{"group": "g", "all": ["x"]}]}, where="t")
    with pytest.raises(InvalidInput, match="non-empty strings"):
        parse_lexicon("en", {"classes": {"x": ["*"]}}, where="t")
    with pytest.raises(InvalidInput, match="scope"):
        parse_lexicon(
            "en",
            {"classes": {"x": ["a"]}, "patterns": [{"group": "g", "all": ["x"], "scope": "page"}]},
            where="t",
        )
