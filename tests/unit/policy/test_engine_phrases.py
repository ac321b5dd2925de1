"""The phrase matcher: word boundaries, wildcards, windows, order, vetoes, Japanese, validation."""

from __future__ import annotations

import pytest

from gobetween.domain.errors import InvalidInput
from gobetween.policy.normalize import normalize
from gobetween.policy.phrases import Lexicon, LexiconData, Scan, parse_lexicon


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
            "contrast": ["but"],
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


def test_a_sentence_veto_before_a_word_of_contrast_does_not_reach_a_match_after_it() -> None:
    # What follows "but" holds: the proof named before it no longer cancels the request.
    assert spans("No proof is needed, but leave a review.", "ask") == ["leave a review"]
    # A veto after the "but" (or after the match) still cancels it.
    assert spans("Leave a review, but only of the proof.", "ask") == []
    assert spans("But a proof: leave a review.", "ask") == []
    # Without a word of contrast between them, a veto earlier in the sentence cancels it.
    assert spans("With the proof, leave a review.", "ask") == []


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


# ---- a scan limited to the message's languages ----------------------------------------------

MIXED = Lexicon(
    LexiconData()
    .merge(
        parse_lexicon(
            "en",
            {
                "classes": {"verb": ["leave", "i"], "noun": ["review"], "proof": ["proof"]},
                "patterns": [
                    {"group": "ask", "all": ["verb", "noun"], "unless_sentence": ["proof"]}
                ],
            },
            where="test",
        )
    )
    .merge(
        parse_lexicon(
            "de",
            {
                "classes": {
                    "verb": ["hinterlassen"],
                    "noun": ["review", "bewertung"],
                    "proof": ["beleg"],
                    "welcome_word": ["hallo"],
                },
                "patterns": [{"group": "ask", "all": ["verb", "noun"]}],
            },
            where="test",
        )
    ),
    fold,
)


def test_a_limited_scan_keeps_its_languages_and_the_veto_classes_of_every_language() -> None:
    text = fold("Hallo, i leave a review. Bewertung hinterlassen: leave a review, Beleg.")
    whole = MIXED.scan(text)
    limited = MIXED.scan(text, frozenset({"en"}))
    # English hits all there, with the same spans and in the same order; no German ones.
    assert limited.hits == {key: hits for key, hits in whole.hits.items() if key[0] == "en"}
    # The context veto classes count in any language: asked for, they come in every language.
    assert limited.of_class("proof") == whole.of_class("proof")
    assert [text[h.start : h.end] for h in limited.of_class("proof")] == ["beleg"]
    # The matches are those of the complete scan read in English: the second sentence's
    # English request is vetoed by the German proof word.
    as_before = Scan(text, whole.hits, MIXED, frozenset({"en"}))
    assert limited.matches("ask") == as_before.matches("ask")
    assert [text[m.start : m.end] for m in limited.matches("ask")] == [
        "i leave a review",
        "leave a review",
    ]


def test_a_class_read_in_every_language_without_declaring_it_is_still_found() -> None:
    text = fold("Hallo! I leave a review.")
    limited = MIXED.scan(text, frozenset({"en"}))
    assert ("de", "welcome_word") not in limited.hits
    # `welcome_word` was never declared with `read_in_every_language`: found by a second, full scan.
    assert [text[h.start : h.end] for h in limited.of_class("welcome_word")] == ["hallo"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("i leave", ["i"]),
        ("so i_i and ii, i9, 9i, wiki, i.", ["i", "i", "i"]),
        ("", []),
        ("i", ["i"]),
        ("éi ié à i", ["i"]),
    ],
)
def test_single_letter_words_need_a_word_boundary_on_both_sides(
    text: str, words: list[str]
) -> None:
    scan = MIXED.scan(text, frozenset({"en"}))
    assert [
        text[h.start : h.end] for h in scan.hits.get(("en", "verb"), ()) if h.end - h.start == 1
    ] == words
    assert scan.hits.get(("en", "verb"), []) == MIXED.scan(text).hits.get(("en", "verb"), [])


TWO_SIDES = Lexicon(
    LexiconData().merge(
        parse_lexicon(
            "en",
            {
                "classes": {
                    "verb": ["leave"],
                    "noun": ["review"],
                    "buyer_thanks": ["cheers"],
                },
                "patterns": [
                    {"group": "seller_ask", "all": ["verb", "noun"]},
                    {"group": "buyer_ack", "all": ["buyer_thanks"]},
                ],
            },
            where="test",
        )
    ),
    fold,
)


def test_a_scan_for_some_groups_leaves_out_the_others_phrases_but_still_answers_them() -> None:
    text = fold("Cheers! Please leave a review.")
    seller = TWO_SIDES.scan(text, frozenset({"en"}), groups=frozenset({"seller_ask"}))
    whole = TWO_SIDES.scan(text, frozenset({"en"}))
    assert ("en", "buyer_thanks") not in seller.hits
    assert seller.matches("seller_ask") == whole.matches("seller_ask")
    # Asked about a group it was not made for, it answers from a complete scan.
    assert seller.matches("buyer_ack") == whole.matches("buyer_ack")
    assert [text[m.start : m.end] for m in seller.matches("buyer_ack")] == ["cheers"]
    assert [text[h.start : h.end] for h in seller.of_class("buyer_thanks")] == ["cheers"]
