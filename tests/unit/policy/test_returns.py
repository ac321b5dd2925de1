"""Returns on seller-fulfilled orders: a sentence about sending the parcel back is no invitation
to write to the number next to it; a refund that has arrived needs no answer unless a problem
follows a "but"; a review asked for with an appeal for a small business; reordering the size on
the seller's own site; a review mentioned as the source of a size note."""

from __future__ import annotations

import pytest
from policy_checks import categories

from gobetween.policy import check


def triage(text: str, lang: str) -> tuple[str | None, str | None]:
    verdict = check(text, {"direction": "buyer_to_seller", "language": lang})
    return verdict.triage, verdict.report


def test_sending_the_parcel_back_is_no_invitation_to_the_next_sentences_number() -> None:
    text = (
        "Ihre Rücksendung können Sie an unser Lager schicken: Lager Nord, 20357 Hamburg. "
        "Unsere Telefonnummer für den Kurier: 040 43 19 27 80."
    )
    assert categories(text, "de") == ["contact_info"]


def test_sending_a_photo_is_still_an_invitation_to_the_next_sentences_number() -> None:
    text = "Schicken Sie uns ein Foto. Unsere Telefonnummer: 040 43 19 27 80."
    assert categories(text, "de") == ["contact_info", "off_platform"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ya me ha llegado el reembolso, todo correcto. Muchas gracias por la rapidez.", "es"),
        ("Il rimborso è arrivato, grazie mille!", "it"),
        ("J'ai bien reçu le remboursement, merci.", "fr"),
    ],
)
def test_a_refund_that_has_arrived_needs_no_answer(text: str, lang: str) -> None:
    assert triage(text, lang) == ("no_response_needed", None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Die Erstattung ist angekommen, aber es fehlen 10 Euro.", "de"),
        ("Solved, but the second parcel is still missing.", "en"),
    ],
)
def test_a_problem_after_a_but_still_needs_an_answer(text: str, lang: str) -> None:
    assert triage(text, lang) == ("needs_response", None)


def test_a_review_asked_for_with_an_appeal_for_a_small_business() -> None:
    text = "Once the pair reaches you, a quick review would help a small business like ours."
    assert categories(text, "en") == ["review_request"]


def test_reordering_the_size_on_the_sellers_site_is_shopping_elsewhere() -> None:
    text = "Devuélvanos las zapatillas y pida la talla 39 directamente en nuestra web."
    assert categories(text, "es") == ["marketing", "off_platform"]


def test_a_size_note_from_the_reviews_asks_for_none() -> None:
    text = (
        "商品ページのレビューにもございます通り、こちらのスニーカーは小さめの作りとなっております。"
    )
    assert categories(text, "ja") == []
