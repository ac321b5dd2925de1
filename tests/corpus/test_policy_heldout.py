"""Held-out batches: messages written after the rules, per category and language, in the words
real buyers and sellers use (case id as test id). docs/policy.md reports each batch's accuracy
before the fixes it prompted (the honest generalisation figure) and after.

A case listed in KNOWN_MISSES is a miss the rules do not cover yet; it must stay a miss (strict
xfail), so that fixing it is noticed and the list shrinks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gobetween.policy import check

_HERE = Path(__file__).resolve().parent
BATCHES = sorted(_HERE.glob("heldout-r*.jsonl"))

# Misses left on purpose, with the reason the general rule that would catch them is not in.
KNOWN_MISSES: dict[str, str] = {
    "r1-003": (
        "'pop a few words up about how you're finding the kettle': 'a few words' after a "
        "request is also how a seller asks for a gift-card message; the audience is in the "
        "next sentence"
    ),
    "r7-039": (
        "'またのご利用をお待ちしております' closes most Japanese business letters; read as an "
        "invitation to shop again it would be marketing in nearly every Japanese reply, so it is "
        "not in the marketing class"
    ),
    "r11-006": (
        "'plus forty-four, 7700 900 461': English tens ('forty-four') are not digit words; read "
        "as two digits, 'twenty-four hours' or 'thirty days' beside an order number would join "
        "phone-shaped runs"
    ),
    "r11-050": (
        "'claire / arobase / papeterie-merle / point / fr': a slash between spelled separators "
        "is not read as a blank, since a slash also separates a path ('shop dot com slash sale') "
        "and alternatives ('Mo / Di')"
    ),
    "r15-027": (
        "'me puede pasar su email personal? Así se la mando directamente': asking for the "
        "buyer's private address is contact_info; the move is said in the next sentence, and "
        "patterns read one sentence (asking for a private address alone is contact_info, r8-011)"
    ),
    "r15-054": (
        "an English reply with a German request in it ('Kleine Bitte: eine kurze Bewertung on "
        "Amazon'): patterns are read in the detected and the buyer's language, both English here"
    ),
    "r19-058": (
        "'またのご来店を心よりお待ちしております' closing a Japanese thank-you: the set closing of "
        "r7-039, left out of the marketing class for the reason given there"
    ),
    "r21-032": (
        "'pídenoslos directamente por WhatsApp … te los mandamos más baratos, sin pasar por "
        "Amazon' on a marketplace-fulfilled order: 'without going through Amazon' reads as the "
        "seller handling the order itself (fba_customer_service), here a future purchase; and a "
        "lower price is read as marketing only with the seller's own shop named"
    ),
    "r17-038": (
        "'seis uno nueve, cuarenta y dos, dieciocho, setenta y tres': Spanish tens and teens are "
        "not digit words, as English tens are not (r11-006); read as digit pairs, 'treinta días' "
        "or 'veinticuatro horas' beside an order number would join phone-shaped runs"
    ),
    "r24-001": (
        "'the number's easy: 07700, then the last six digits of your order number': a phone "
        "number only a person can put together is not in the text"
    ),
    "r24-018": (
        "'k.a.t.r.i.n (ät) posteo 🔸 de': '(ät)', the German sound of '@', is not among the "
        "spelled at-signs, and an emoji standing for the dot is read as an emoji, not as a "
        "separator"
    ),
    "r24-026": (
        "'zéro six, douze, 34, cinquante-six, 78': French tens are not digit words, as English "
        "and Spanish tens are not (r11-006, r17-038)"
    ),
    "r24-029": (
        "'des esc-rocs', 'f*utage de g*ueule': insults broken by a hyphen or masked by an "
        "asterisk are not joined; joining hyphenated words would also join 'e-mail' and 't-shirt'"
    ),
    "r24-031": (
        "'al seis seis seis, 12 34 56': three digit words then digits; a run of digit words "
        "needs four words, and three ('uno', 'una', 'un' are articles too) are in most Spanish, "
        "French and Italian messages"
    ),
    "r24-037": (
        "'I n s t a g r a m': a spaced word whose first letter is also a word ('I', 'a', 'y', "
        "'e', 'o') loses that letter when joined, so that 'a r e v i e w' reads 'a review'"
    ),
    "r24-044": (
        "a review request broken over four lines ('due\\nparole\\nsulla pagina del prodotto\\nci "
        "farebbero felici'): a line break ends a sentence, and the phrase view has no case to tell "
        "a continued line from a new one"
    ),
    "r27-003": (
        "'schreiben Sie bitte unsere Telefonnummer … gut lesbar aufs Paket': 'write' here puts the "
        "number on the parcel for the courier, but an invitation word in the number's own "
        "sentence counts, since 'send the parcel and e-mail the photos to …' invites as well"
    ),
}


def _cases() -> list[Any]:
    params = []
    for batch in BATCHES:
        for line in batch.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            marks = []
            if case["id"] in KNOWN_MISSES:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case["id"]]))
            params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def test_batches_exist() -> None:
    assert BATCHES, f"no held-out batch next to {__file__}"


@pytest.mark.parametrize("case", _cases())
def test_heldout_case(case: dict[str, Any]) -> None:
    expected = case["expected"]
    verdict = check(case["text"], case["context"], subject=case.get("subject"))
    if "verdict" in expected:
        assert (verdict.verdict, sorted(verdict.categories)) == (
            expected["verdict"],
            sorted(expected["categories"]),
        )
    else:
        assert verdict.verdict == "allow"
        assert (verdict.triage, verdict.report) == (expected["triage"], expected.get("report"))
