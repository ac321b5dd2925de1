"""Content rules in six languages, on messages written for these tests (not from the dev set):
each case names the categories it must block for, and allowed messages must stay allowed."""

from __future__ import annotations

from typing import Any

import pytest

from gobetween.policy import check

P = "proactive"
R = "reply"

SELLER_CASES: list[tuple[str, str, dict[str, Any], set[str]]] = [
    (
        "rr1",
        "Hi Tom,\n\nGlad the lamp arrived safely. Would you mind rating your purchase when you "
        "have a sec?\n\nCheers,\nLumo",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "rr2",
        "Hello,\n\nYour feedback means everything to a small shop like ours - a few words on the "
        "listing page would be amazing.\n\nBest,\nAnna",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "rr3",
        "Hi,\n\nHappy to hear the boots fit. If they keep you warm this winter, tell the world "
        "about it on Amazon!\n\nBest,\nNorth",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "rr4",
        "Hi,\n\nThe replacement strap is on its way through this order thread. Reviews keep our "
        "small business alive, so please consider writing one.\n\nKind regards",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "rr5",
        "Thanks for the photo of the damage. We reviewed it and a replacement will go out today.",
        {"initiation": R},
        set(),
    ),
    (
        "rr6",
        "Please review the attached proof and tell us if the spacing looks right.",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "rr7",
        "Dear customer, would you be so kind as to give our product a star rating?",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "rr8",
        "We read every review carefully and use them to improve our products.",
        {"initiation": R},
        set(),
    ),
    (
        "ri1",
        "Hi,\n\nWe'd like to offer you 30% off your next order as soon as your review is "
        "up.\n\nBest",
        {"initiation": R},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "ri2",
        "Post your honest opinion on the product page and we'll refund the shipping cost.",
        {"initiation": R},
        {"review_incentive", "review_request"},
    ),
    (
        "ri3",
        "If you change your 2-star rating we will send you a free bottle of our oil.",
        {"initiation": R},
        {"review_change_request", "review_incentive"},
    ),
    (
        "rc1",
        "We fixed the issue with the zipper. Would you consider editing the feedback you left for "
        "us?",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "rc2",
        "Since the problem was the courier's fault, we kindly ask you to delete your negative "
        "review.",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "rc3",
        "Could you update your review now that the replacement works?",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "mk1",
        "Hi,\n\nThe case fits the 14 Pro. Our winter sale starts Friday: everything in the shop "
        "is 25% cheaper.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "mk2",
        "Hello,\n\nYes, the blue one is back. We also have a brand-new range of matching pillows "
        "you'll love.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "mk3",
        "Hi, use SAVE10 at checkout for 10% off your next purchase with us!",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "mk4",
        "Hello, join our mailing list to hear about deals first.",
        {"initiation": R},
        {"marketing"},
    ),
    ("mk5", "The price includes VAT and free shipping to the UK.", {"initiation": R}, set()),
    (
        "op1",
        "Hi, the fastest way is to ping us on Telegram, we're @craftshop.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "op2",
        "You can settle the remaining balance with Venmo, our handle is @woodco.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "op3",
        "Let's move this to email so I can send you the big files.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "op4",
        "Please contact Amazon customer service through the Help page; they handle returns.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "op5",
        "For a quicker answer, reach out to us on Facebook Messenger.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "fb1",
        "So sorry! Just ship it back to our workshop and I'll send a fresh one right away.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "fb2",
        "No worries, I've issued you a partial refund of $5 from our side for the trouble.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "fb3",
        "Your order was shipped by Amazon, so please request the replacement from Your Orders; "
        "Amazon will take care of it.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "fb4",
        "We're sorry, we can't refund this ourselves because Amazon handled the order. Please "
        "contact Amazon.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "fb5",
        "Don't bother with Amazon's return process, we will replace it for you directly.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "pn1",
        "Hi,\n\nJust letting you know your parcel left our warehouse this morning with "
        "DHL.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "pn2",
        "Hello,\n\nGreat news - your package has been delivered!\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "pn3",
        "Hi,\n\nWe have refunded your order in full today.\n\nRegards",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "pc1",
        "Hi,\n\nHere are some hints to keep your new knife sharp: hone it weekly and never put it "
        "in the dishwasher.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "pc2",
        "Hello,\n\nShould the blender ever stop working, reach out to us here before anything "
        "else.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "sd1",
        "Hi,\n\nUnfortunately your jacket will take two more weeks to ship due to a supplier "
        "issue.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "sd2",
        "Hello,\n\nThe size you ordered is currently not available; we expect a new shipment next "
        "month.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "ty1",
        "Hi Sarah,\n\nJust a little note to thank you for shopping with us. It really means a "
        "lot!\n\nWarmly,\nBea",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "ty2",
        "Dear Mr. Ito,\n\nWe truly appreciate your order.\n\nBest regards,\nShop",
        {"initiation": P, "contact_reason": "customization"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "nc1",
        "Hi,\n\nHow are you liking the new chair so far?\n\nBest",
        {"initiation": P},
        {"non_critical_proactive"},
    ),
    (
        "ok1",
        "Hi,\n\nThank you for your order. Which color would you like for the engraving, silver or "
        "gold?\n\nBest",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "ok2",
        "Hello,\n\nThe carrier needs a gate code to deliver your sofa on Tuesday. Could you send "
        "it here?\n\nThanks",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "ok3",
        "Hello,\n\nYour postcode does not match the town on the order. Could you check it so the "
        "parcel is not delayed?\n\nThanks",
        {"initiation": P, "contact_reason": "address_issue"},
        set(),
    ),
    (
        "ok4",
        "Hi, yes - the order shipped yesterday and the tracking number is 1Z999AA10123456784.",
        {"initiation": R},
        set(),
    ),
    (
        "ok5",
        "Sorry for the delay in answering! The mug is dishwasher safe.",
        {"initiation": R},
        set(),
    ),
    (
        "de1",
        "Hallo,\n\nes würde uns sehr helfen, wenn Sie Ihre Erfahrungen mit dem Produkt auf Amazon "
        "teilen.\n\nViele Grüße",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "de2",
        "Hallo,\n\nmit dem Code WINTER15 sparen Sie 15 % bei Ihrem nächsten Einkauf.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"marketing"},
    ),
    (
        "de3",
        "Hallo,\n\nschreiben Sie uns am besten direkt bei WhatsApp, dann geht es "
        "schneller.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"off_platform"},
    ),
    (
        "de4",
        "Guten Tag,\n\nleider ist der Artikel derzeit nicht lieferbar, die nächste Lieferung "
        "erwarten wir in drei Wochen.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "de5",
        "Guten Tag,\n\nkönnten Sie Ihre 2-Sterne-Bewertung bitte entfernen? Das Problem ist ja "
        "gelöst.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"review_change_request"},
    ),
    (
        "de6",
        "Guten Tag,\n\nwelche Farbe möchten Sie für die Gravur, Gold oder Silber?\n\nViele Grüße",
        {"initiation": P, "contact_reason": "customization", "language": "de"},
        set(),
    ),
    (
        "de7",
        "Hallo,\n\nIhr Paket wurde heute an DHL übergeben.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "fr1",
        "Bonjour,\n\nvotre opinion compte beaucoup pour nous : pourriez-vous noter le produit sur "
        "Amazon ?\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "fr2",
        "Bonjour,\n\nprofitez de 10 % de remise sur votre prochaine commande avec le code "
        "MERCI10.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"marketing"},
    ),
    (
        "fr3",
        "Bonjour,\n\nle plus simple est de nous écrire sur WhatsApp.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"off_platform"},
    ),
    (
        "fr4",
        "Bonjour,\n\nnous vous remercions chaleureusement pour votre achat !\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "fr5",
        "Bonjour,\n\npourriez-vous retirer votre commentaire négatif ? Nous avons réglé le "
        "problème.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_change_request"},
    ),
    (
        "fr6",
        "Bonjour,\n\nquel prénom souhaitez-vous faire graver sur le bracelet ?\n\nCordialement",
        {"initiation": P, "contact_reason": "customization", "language": "fr"},
        set(),
    ),
    (
        "es1",
        "Hola,\n\n¿podrías dedicar un minuto a valorar el producto en Amazon? Nos ayuda "
        "muchísimo.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "es2",
        "Hola,\n\ntu pedido ya está en reparto y llegará hoy.\n\nSaludos",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "es3",
        "Hola,\n\npuedes pagarnos la diferencia por PayPal y lo enviamos mañana.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"off_platform"},
    ),
    (
        "es4",
        "Hola,\n\n¿qué texto quieres grabar en la taza?\n\nSaludos",
        {"initiation": P, "contact_reason": "customization", "language": "es"},
        set(),
    ),
    (
        "es5",
        "Hola,\n\nte enviamos un cupón del 20 % si publicas una reseña de cinco "
        "estrellas.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "it1",
        "Buongiorno,\n\nle saremmo grati se lasciasse un feedback positivo sul nostro "
        "negozio.\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "it2",
        "Buongiorno,\n\nil prodotto al momento è esaurito, lo riceveremo tra due "
        "settimane.\n\nSaluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "it3",
        "Buongiorno,\n\nci contatti su Telegram per ricevere le foto.\n\nSaluti",
        {"initiation": R, "language": "it"},
        {"off_platform"},
    ),
    (
        "it4",
        "Buongiorno,\n\nquale colore preferisce per il filo del ricamo?\n\nSaluti",
        {"initiation": P, "contact_reason": "customization", "language": "it"},
        set(),
    ),
    (
        "ja1",
        "山本様\n\n商品はいかがでしたか。お時間がありましたら、ぜひ評価をお願いいたします。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "ja2",
        "山本様\n\n本日、商品を発送いたしました。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "ja3",
        "山本様\n\n詳しくはインスタグラムのDMでご連絡ください。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"off_platform"},
    ),
    (
        "ja4",
        "山本様\n\n刻印する文字をお知らせいただけますでしょうか。\n\nショップ",
        {"initiation": P, "contact_reason": "customization", "language": "ja"},
        set(),
    ),
    (
        "ja5",
        "山本様\n\nご購入いただき、誠にありがとうございました。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "thank_you_only"},
    ),
]

BUYER_CASES: list[tuple[str, str, dict[str, Any], tuple[str, str | None]]] = [
    (
        "b1",
        "Perfect, thank you so much!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "b2",
        "The screen is scratched. What are my options?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "b3",
        "You thieves, I'll report you everywhere! Give me my money now.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "abuse"),
    ),
    (
        "b4",
        "Can we do the deal on Zelle instead? I'll cancel on Amazon.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "b5",
        "Congratulations! You won a free iPhone. Click http://prize.win to claim.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "b6",
        "All good now, the parcel was at my neighbour's.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "b7",
        "Danke, alles bestens!",
        {"direction": "buyer_to_seller", "language": "de"},
        ("no_response_needed", None),
    ),
    (
        "b8",
        "Il pacco non è ancora arrivato, potete controllare?",
        {"direction": "buyer_to_seller", "language": "it"},
        ("needs_response", None),
    ),
]


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        pytest.param(text, context, expected, id=ident)
        for ident, text, context, expected in SELLER_CASES
    ],
)
def test_seller_message(text: str, context: dict[str, Any], expected: set[str]) -> None:
    verdict = check(text, context)
    assert set(verdict.categories) == expected
    assert verdict.verdict == ("block" if expected else "allow")


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        pytest.param(text, context, expected, id=ident)
        for ident, text, context, expected in BUYER_CASES
    ],
)
def test_buyer_message(
    text: str, context: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    verdict = check(text, context)
    assert verdict.verdict == "allow"
    assert (verdict.triage, verdict.report) == expected
