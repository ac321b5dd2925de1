"""Content rules in six languages, on messages written for these tests (not from the dev set):
each case names the categories it must block for, and allowed messages must stay allowed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.policy import check, sentences
from gobetween.policy.rules import unprofessional
from gobetween.policy.sentences import asks_question

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
        "fb1fr",
        "Inutile d'attendre le retour : nous vous expédions une théière neuve dès demain.",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        {"fba_customer_service"},
    ),
    (
        "fb1ja",
        "返品手続きは不要です。すぐに交換品をお送りいたします。",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
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
    # A sign-off or a name on the same line as the thanks is no other purpose.
    (
        "ty3",
        "Thank you so much for your order, we hope you love it! Kind regards, Tom and the "
        "Oakline team",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "ty4",
        "Thank you for choosing our shop. Tom",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "ty5",
        "Danke für Ihre Bestellung! Viele Grüße, Anna vom Holzladen",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    # A last sentence of many words without a full stop is no name: the thanks is not all.
    (
        "ty6",
        "Thank you for your order! the lid of the large jar is made of bamboo and oiled by hand",
        {"initiation": P},
        {"non_critical_proactive"},
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
    (
        "a1",
        "Hello Ms. Park,\n\nThank you for reaching out. We looked at the photos you sent and "
        "agree the finish is uneven. We'll make a new top for you at no charge and ship it next "
        "week; please keep the old one.\n\nBest regards,\nGrain & Co",
        {"initiation": R},
        set(),
    ),
    (
        "a2",
        "Hi,\n\nYes, the charger works with 220 V. The manual (page 4) explains how to switch the "
        "plug adapter.\n\nRegards,\nVoltShop",
        {"initiation": R},
        set(),
    ),
    (
        "a3",
        "Hello,\n\nThanks for your feedback about the packaging - we've passed it on to our "
        "warehouse team.\n\nKind regards",
        {"initiation": R},
        set(),
    ),
    (
        "a4",
        "Hi Ben,\n\nI'm sorry the mug arrived chipped. Since Amazon shipped this order, please "
        "use Your Orders > Return or replace items; Amazon will send a replacement or refund "
        "you.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "a5",
        "Hello,\n\nYour order includes a 2-year warranty. If the kettle develops a fault, call "
        "the manufacturer's service line on 0800 123 4567 with your order number.\n\nRegards",
        {"initiation": P, "contact_reason": "warranty"},
        set(),
    ),
    (
        "a6",
        "Dear customer,\n\nPlease find attached the invoice you requested for order "
        "123-4567890-1234567.\n\nRegards,\nAccounts",
        {"initiation": P, "contact_reason": "invoice"},
        set(),
    ),
    (
        "a7",
        "Hi,\n\nThe courier has asked us to confirm a delivery slot for your wardrobe. Would "
        "Monday morning or Wednesday afternoon work? They will also need a phone number to call "
        "on the day.\n\nThanks,\nHome Co",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "a8",
        "Hello,\n\nWe noticed the address on your order has no flat number. Could you reply with "
        "it so the parcel reaches you?\n\nThank you",
        {"initiation": P, "contact_reason": "address_issue"},
        set(),
    ),
    (
        "a9",
        "Hi,\n\nYour activation key is ABCD-1234-EFGH-5678. Enter it under Settings > "
        "License.\n\nRegards",
        {"initiation": P, "contact_reason": "digital_access_key"},
        set(),
    ),
    (
        "a10",
        "Hi Sam,\n\nGood question! The sofa cover can be washed at 30 degrees; don't tumble dry "
        "it. Hope that helps.\n\nCheers",
        {"initiation": R},
        set(),
    ),
    (
        "a11",
        "Hello,\n\nWe're sorry, but the engraving machine broke down and we can't personalise "
        "your order in time. We will cancel it today so you are refunded "
        "automatically.\n\nApologies",
        {"initiation": P, "contact_reason": "unexpected_problem", "order_status": "unshipped"},
        set(),
    ),
    (
        "a12",
        "Hi,\n\nThe refund was issued on our side yesterday; your bank may take 3-5 days to show "
        "it.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "a13",
        "Hi,\n\nNo problem, I've updated your shipping address to 12 Oak Road. It will go out "
        "tomorrow.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "a14",
        "Hello,\n\nThe rug is 160 x 230 cm and made of 100% wool. It's not suitable for "
        "underfloor heating.\n\nRegards",
        {"initiation": R},
        set(),
    ),
    (
        "a15",
        "Hi Nora,\n\nThank you for your order! Before we print, could you check the spelling of "
        "'Anneliese' on the proof we attached?\n\nBest,\nPrint Co",
        {
            "initiation": P,
            "contact_reason": "customization",
            "attachments": [
                {
                    "filename": "proof.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    ("a16", "Hi,\n\nYou're welcome! Enjoy the tea.\n\nBest", {"initiation": R}, set()),
    (
        "a17",
        "Hello,\n\nI understand your frustration and I'm sorry for the experience. Please send us "
        "a photo of the label here so we can check the batch.\n\nRegards",
        {"initiation": R},
        set(),
    ),
    (
        "b1",
        "Hi,\n\nGlad it works! A quick star rating would really help us out.\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "b2",
        "Hi,\n\nGlad you like it. Could you spare 30 seconds to review it on Amazon?\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "b3",
        "Hello,\n\nWe'd love to hear what you think - drop us a review!\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "b4",
        "Hello,\n\nYour opinion helps other customers choose the right size, so please rate the "
        "product once you've tried it.\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "b5",
        "Hi,\n\nIf you could revise your rating now that the issue is fixed, we'd be "
        "grateful.\n\nBest",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "b6",
        "Hi,\n\nWe'll give you a full refund if you take your review down.\n\nBest",
        {"initiation": R},
        {"review_change_request", "review_incentive"},
    ),
    (
        "b7",
        "Hi,\n\nAs a thank-you for a 5-star review we'll send you a free sample pack.\n\nBest",
        {"initiation": R},
        {"review_incentive", "review_request"},
    ),
    (
        "b8",
        "Hello,\n\nThe sizes run small. Check out our new summer collection in our store, 20% off "
        "this week!\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "b9",
        "Hello,\n\nYes it's compatible. Buy a second one and get the third free!\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "b12",
        "Hi,\n\nPlease send the design files to orders@woodshop-example.com.\n\nBest",
        {"initiation": R, "contact_reason": "customization"},
        {"contact_info", "off_platform"},
    ),
    (
        "b13",
        "Hi,\n\nSorry for the trouble! Keep the damaged one, I'll post you a replacement myself "
        "today.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "b14",
        "Hi,\n\nNo need to involve Amazon, we'll sort the refund for you directly.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "b15",
        "Hello,\n\nYour parcel has been handed to Royal Mail and should be with you on "
        "Thursday.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "b16",
        "Hello,\n\nJust a heads-up: we're running a little late with orders this week, yours will "
        "go out on Monday.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "b17",
        "Hello,\n\nTo get the best results from your new grinder, we've put together a short "
        "guide on grind sizes (attached).\n\nBest",
        {
            "initiation": P,
            "attachments": [
                {
                    "filename": "guide.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "b18",
        "Hi Leo,\n\nWe just wanted to say thanks for choosing us. Enjoy your new "
        "boots!\n\nCheers,\nTrail Co",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "b19",
        "Hello,\n\nHope you're enjoying the blender! If you have a moment, we'd appreciate your "
        "feedback on Amazon.\n\nBest",
        {"initiation": P, "buyer_opted_out": True},
        {"buyer_opted_out", "non_critical_proactive", "review_request"},
    ),
    (
        "de_a1",
        "Hallo Herr Braun,\n\nvielen Dank für Ihre Nachricht. Die Lampe ist mit LED-Leuchtmitteln "
        "bis 10 W kompatibel.\n\nViele Grüße\nLichthaus",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "de_a2",
        "Guten Tag,\n\ndiese Bestellung wurde von Amazon versandt. Bitte wenden Sie sich für die "
        "Rücksendung an den Amazon-Kundenservice.\n\nFreundliche Grüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        set(),
    ),
    (
        "fr_a1",
        "Bonjour,\n\nmerci pour votre commande. Pourriez-vous nous confirmer la couleur du fil "
        "pour la broderie ?\n\nCordialement",
        {"initiation": P, "contact_reason": "customization", "language": "fr"},
        set(),
    ),
    (
        "fr_a2",
        "Bonjour,\n\noui, le colis est parti hier avec Colissimo, numéro de suivi "
        "6A12345678901.\n\nBonne journée",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "es_a1",
        "Hola,\n\nla dirección indicada no incluye el número de piso. ¿Podría indicárnoslo para "
        "que el transportista pueda entregar el paquete?\n\nGracias",
        {"initiation": P, "contact_reason": "address_issue", "language": "es"},
        set(),
    ),
    (
        "es_a2",
        "Hola,\n\nsí, la funda es compatible con el modelo 2023. Gracias por tu "
        "pregunta.\n\nSaludos",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "it_a1",
        "Buongiorno,\n\nil corriere ci chiede un numero di telefono per concordare la consegna "
        "del materasso. Può indicarcelo?\n\nCordiali saluti",
        {"initiation": P, "contact_reason": "delivery_scheduling", "language": "it"},
        set(),
    ),
    (
        "it_a2",
        "Buongiorno,\n\nla ringraziamo per la segnalazione: abbiamo verificato e il prodotto è "
        "conforme.\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "ja_a1",
        "佐藤様\n\nお問い合わせありがとうございます。こちらの商品は食洗機に対応しております。\n\nショップ",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "ja_a2",
        "佐藤様\n\nご注文の商品はAmazonから発送されております。返品につきましてはAmazonカスタマーサービスへお問い合わせください。\n\nショップ",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        set(),
    ),
    (
        "de_b1",
        "Hallo,\n\nschön, dass Ihnen die Tasche gefällt! Wir würden uns über 5 Sterne sehr "
        "freuen.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "de_b2",
        "Hallo,\n\nsenden Sie die Schuhe einfach an unsere Adresse zurück, wir schicken Ihnen "
        "sofort ein neues Paar.\n\nGrüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "de_b3",
        "Hallo,\n\nfolgen Sie uns doch auf Instagram, dort zeigen wir jede Woche neue "
        "Modelle.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"marketing", "off_platform"},
    ),
    (
        "fr_b1",
        "Bonjour,\n\nsi le produit vous plaît, un petit avis sur Amazon nous aiderait énormément "
        "!\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "fr_b2",
        "Bonjour,\n\nnotre nouvelle gamme de bougies parfumées est disponible dans notre "
        "boutique.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"marketing"},
    ),
    (
        "fr_b3",
        "Bonjour,\n\nvotre commande a été remise au transporteur ce matin.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "es_b1",
        "Hola,\n\n¡nos alegra que te guste! ¿Nos ayudarías con una valoración de 5 "
        "estrellas?\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "es_b2",
        "Hola,\n\nlamentamos informarte de que el producto está agotado y no sabemos cuándo "
        "volverá.\n\nSaludos",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "es_b3",
        "Hola,\n\nescríbenos por WhatsApp al 600 123 456 y te ayudamos.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"contact_info", "off_platform"},
    ),
    (
        "it_b1",
        "Buongiorno,\n\nse il prodotto le è piaciuto, ci lascerebbe una recensione a cinque "
        "stelle?\n\nSaluti",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "it_b2",
        "Buongiorno,\n\nle rimborsiamo noi direttamente l'importo, non serve contattare "
        "Amazon.\n\nSaluti",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        {"fba_customer_service"},
    ),
    (
        "it_b3",
        "Buongiorno,\n\nla ringraziamo di cuore per il suo acquisto!\n\nSaluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "ja_b1",
        "佐藤様\n\nよろしければ、星5つの評価をいただけますと幸いです。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "ja_b2",
        "佐藤様\n\n次回のご注文で使える10%割引クーポンをお送りします。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"marketing"},
    ),
    (
        "ja_b3",
        "佐藤様\n\n申し訳ございません、ご注文の商品は現在在庫切れとなっております。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "xde1",
        "Hallo Frau Koch,\n\nes freut uns, dass die Vase gut angekommen ist. Wir würden uns sehr "
        "über eine Rezension freuen.\n\nHerzliche Grüße",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "xde2",
        "Guten Tag,\n\nhaben Sie schon Zeit gehabt, den Artikel zu bewerten? Ihre Meinung ist uns "
        "wichtig.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "xde3",
        "Guten Tag,\n\nwenn Sie Ihre negative Bewertung löschen, erstatten wir Ihnen 20 "
        "Euro.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"review_change_request", "review_incentive"},
    ),
    (
        "xde4",
        "Guten Tag,\n\nals Dankeschön erhalten Sie 10 % Rabatt auf Ihren nächsten Einkauf mit dem "
        "Code DANKE10.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"marketing", "non_critical_proactive"},
    ),
    (
        "xde5",
        "Guten Tag,\n\nmelden Sie sich gern per WhatsApp, dann schicke ich Ihnen ein "
        "Video.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"off_platform"},
    ),
    (
        "xde6",
        "Guten Tag,\n\nder Aufpreis von 15 Euro kann per PayPal an uns gezahlt werden.\n\nGrüße",
        {"initiation": R, "contact_reason": "customization", "language": "de"},
        {"off_platform"},
    ),
    (
        "xde7",
        "Guten Tag,\n\nhier ein paar Pflegetipps für Ihr neues Holzbrett: regelmäßig ölen und "
        "nicht in die Spülmaschine.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "xde8",
        "Guten Tag,\n\nleider verzögert sich die Produktion Ihres Tisches um zwei Wochen.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "xde9",
        "Guten Tag,\n\nwir erstatten Ihnen den Betrag direkt, Sie müssen Amazon nicht "
        "kontaktieren.\n\nGrüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "xde_ok1",
        "Guten Tag,\n\nvielen Dank für Ihre Bestellung. Die Spedition benötigt Ihre Telefonnummer "
        "für die Terminabsprache. Können Sie uns diese mitteilen?\n\nGrüße",
        {"initiation": P, "contact_reason": "delivery_scheduling", "language": "de"},
        set(),
    ),
    (
        "xde_ok2",
        "Guten Tag,\n\nja, das Ersatzteil passt auch für das Vorgängermodell. Die Bewertungen der "
        "anderen Kunden bestätigen das.\n\nGrüße",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "xde_ok3",
        "Guten Tag,\n\ndanke für Ihr Feedback zur Verpackung, wir haben es an das Lager "
        "weitergegeben.\n\nGrüße",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "xfr1",
        "Bonjour,\n\nravis que le sac vous plaise ! N'hésitez pas à partager votre expérience sur "
        "Amazon.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "xfr2",
        "Bonjour,\n\npourriez-vous modifier votre évaluation maintenant que le problème est réglé "
        "?\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_change_request"},
    ),
    (
        "xfr3",
        "Bonjour,\n\nnous vous offrons un bon d'achat de 10 € contre un avis cinq "
        "étoiles.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_incentive", "review_request"},
    ),
    (
        "xfr5",
        "Bonjour,\n\nrenvoyez-nous simplement l'article, nous vous rembourserons dès "
        "réception.\n\nCordialement",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        {"fba_customer_service"},
    ),
    (
        "xfr6",
        "Bonjour,\n\nmalheureusement, l'article est en rupture de stock jusqu'à la fin du "
        "mois.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "xfr7",
        "Bonjour,\n\nvoici quelques conseils d'utilisation pour votre nouvelle "
        "cafetière.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "xfr_ok1",
        "Bonjour,\n\nl'adresse de livraison ne comporte pas de numéro de rue. Pourriez-vous nous "
        "l'indiquer ?\n\nCordialement",
        {"initiation": P, "contact_reason": "address_issue", "language": "fr"},
        set(),
    ),
    (
        "xfr_ok2",
        "Bonjour,\n\ncette commande a été expédiée par Amazon : pour un retour, merci de passer "
        "par vos commandes ou de contacter le service client d'Amazon.\n\nCordialement",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        set(),
    ),
    (
        "xfr_ok3",
        "Bonjour,\n\nmerci pour votre message. Le produit est garanti deux ans ; nous avons bien "
        "noté votre remarque.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "xes1",
        "Hola,\n\nsi estás contento con la compra, te agradeceríamos mucho que dejaras tu opinión "
        "en Amazon.\n\nUn saludo",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "xes2",
        "Hola,\n\n¿podría cambiar su valoración de una estrella? Ya hemos solucionado el "
        "problema.\n\nUn saludo",
        {"initiation": R, "language": "es"},
        {"review_change_request"},
    ),
    (
        "xes3",
        "Hola,\n\nusa el código VERANO15 y consigue un 15 % de descuento en tu próxima "
        "compra.\n\nUn saludo",
        {"initiation": R, "language": "es"},
        {"marketing"},
    ),
    (
        "xes4",
        "Hola,\n\nno hace falta que lo devuelvas por Amazon, te enviamos otro nuevo mañana.\n\nUn "
        "saludo",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        {"fba_customer_service"},
    ),
    (
        "xes5",
        "Hola,\n\ntu pedido ha sido entregado esta mañana.\n\nUn saludo",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "xes6",
        "Hola,\n\n¡muchas gracias por confiar en nosotros!\n\nUn saludo",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "xes_ok1",
        "Hola,\n\ngracias por tu pedido. ¿Qué nombre quieres que grabemos en la pulsera?\n\nUn "
        "saludo",
        {"initiation": P, "contact_reason": "customization", "language": "es"},
        set(),
    ),
    (
        "xes_ok2",
        "Hola,\n\nsentimos el problema. Como el pedido lo gestionó Amazon, solicita la devolución "
        "desde Mis pedidos.\n\nUn saludo",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        set(),
    ),
    (
        "xit1",
        "Buongiorno,\n\nla sua opinione è preziosa: ci lascerebbe una valutazione sulla pagina "
        "del prodotto?\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "xit2",
        "Buongiorno,\n\npotrebbe eliminare il suo feedback negativo? Abbiamo risolto il "
        "problema.\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        {"review_change_request"},
    ),
    (
        "xit3",
        "Buongiorno,\n\nle scriviamo per informarla che il suo ordine è stato spedito "
        "oggi.\n\nCordiali saluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "xit4",
        "Buongiorno,\n\nci scriva su WhatsApp al 333 123 4567 per i dettagli.\n\nCordiali saluti",
        {"initiation": R, "language": "it", "marketplace_region": "IT"},
        {"contact_info", "off_platform"},
    ),
    (
        "xit5",
        "Buongiorno,\n\nscopra la nostra nuova collezione primaverile nel nostro "
        "negozio!\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        {"marketing"},
    ),
    (
        "xit_ok1",
        "Buongiorno,\n\ngrazie per l'ordine. Quale frase desidera incidere sulla "
        "targa?\n\nCordiali saluti",
        {"initiation": P, "contact_reason": "customization", "language": "it"},
        set(),
    ),
    (
        "xit_ok2",
        "Buongiorno,\n\nsì, la taglia M corrisponde a una 44 italiana.\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "xja1",
        "山田様\n\nこの度はありがとうございました。商品のご感想をレビューでお聞かせください。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "xja2",
        "山田様\n\n低評価を削除していただけましたら、全額返金いたします。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"review_change_request", "review_incentive"},
    ),
    (
        "xja3",
        "山田様\n\nお支払いは銀行振込で当店口座へお願いいたします。\n\nショップ",
        {"initiation": R, "contact_reason": "customization", "language": "ja"},
        {"off_platform"},
    ),
    (
        "xja4",
        "山田様\n\nAmazonへのご連絡は不要です。当店から新しい商品をお送りします。\n\nショップ",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        {"fba_customer_service"},
    ),
    (
        "xja5",
        "山田様\n\nお手入れの方法をご案内いたします。使用後は水洗いし、よく乾かしてください。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "xja_ok1",
        "山田様\n\nご注文ありがとうございます。配送業者より、お届け日時のご希望を伺うよう依頼がありました。ご都合のよい日時をお知らせください。\n\nショップ",
        {"initiation": P, "contact_reason": "delivery_scheduling", "language": "ja"},
        set(),
    ),
    (
        "xja_ok2",
        "山田様\n\nご質問ありがとうございます。こちらのケースは2023年モデルにも対応しております。\n\nショップ",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "xen1",
        "Hi,\n\nWe never ask customers for reviews, but we're glad you like it!\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "xen2",
        "Hi,\n\nSorry to hear about the crack. We've reported it to the carrier; could you share "
        "a photo of the box here?\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "xen3",
        "Hi,\n\nThe bulbs are sold separately - you can find compatible E14 bulbs in most "
        "hardware stores.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "xen4",
        "Hi,\n\nWe have a few of the large size left. Would you like us to swap your order to it "
        "before it ships?\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "xen5",
        "Hi,\n\nYour 5-star review made our week - thank you! Here's 20% off your next order as a "
        "thank-you.\n\nBest",
        {"initiation": R},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "xen6",
        "Hi,\n\nWe've noticed you haven't left feedback yet - it only takes a minute!\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "xen7",
        "Hi,\n\nThe second half of your order will ship separately next week because of a "
        "manufacturing hold-up.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "xen8",
        "Hi,\n\nShould you need anything else, we'd love to help. We also carry matching cushions "
        "in the same fabric!\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "yr1",
        "Hi Jen,\n\nSo happy the quilt arrived before the holidays! When you have a moment, a few "
        "words about it on Amazon would mean the world to our little studio.\n\nWarmly,\nPatch",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "yr2",
        "Hello,\n\nThank you for confirming. Your honest rating helps us grow, so please don't "
        "hesitate to rate the item.\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "yr3",
        "Hi,\n\nWe're glad the issue is resolved. Would you be willing to give us another chance "
        "and amend your feedback?\n\nThanks",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "yr4",
        "Hi,\n\nAnyone who posts a photo review this month gets a free mini candle in their next "
        "order.\n\nBest",
        {"initiation": R},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "yr5",
        "Hello,\n\nThe bracket supports up to 25 kg. Other customers have mounted it on "
        "plasterboard with the included anchors.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "yr6",
        "Hello,\n\nThanks for your review last month - we took your comments about the lid to "
        "heart and improved the design.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "ym1",
        "Hi,\n\nYes, the cover is machine washable. PS: our Black Friday event starts next week "
        "with up to 40% off.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "ym2",
        "Hi,\n\nThe refill packs are available in our store too - grab three and save 15%.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "ym3",
        "Hello,\n\nSubscribe to our newsletter to be the first to know about restocks.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "ym4",
        "Hello,\n\nBecause you bought the espresso cups, we thought you might like our new "
        "saucers as well.\n\nBest",
        {"initiation": P},
        {"marketing", "non_critical_proactive"},
    ),
    (
        "yo2",
        "Hi,\n\nYou can pay the engraving surcharge by bank transfer to our account; I'll send "
        "the details.\n\nBest",
        {"initiation": R, "contact_reason": "customization"},
        {"off_platform"},
    ),
    (
        "yo3",
        "Hi,\n\nFind us on Facebook for more photos of this design.\n\nBest",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "yf1",
        "Hello,\n\nSo sorry about the leak. I'll ship a replacement bottle from our stock today; "
        "no need to return anything.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "yf2",
        "Hello,\n\nWe can refund you right away through our seller account if you'd prefer not to "
        "wait for Amazon.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "yf3",
        "Hello,\n\nI'm sorry it arrived late. Amazon delivered this order, so please contact "
        "Amazon customer service about a refund of the shipping fee.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "yf4",
        "Hello,\n\nThe replacement filter is part number F-22. Amazon can send you one through "
        "Your Orders if yours is missing.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "yp1",
        "Hi,\n\nYour order is packed and will be collected by UPS this afternoon.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "yp2",
        "Hi,\n\nJust checking that the tent arrived in good shape and that you're happy with "
        "it.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive"},
    ),
    (
        "yp3",
        "Hello,\n\nWe're sorry: the walnut version is sold out and won't be back until "
        "spring.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "yp4",
        "Hello,\n\nThe full FAQ for your speaker is attached in case you run into pairing "
        "issues.\n\nBest",
        {
            "initiation": P,
            "attachments": [
                {
                    "filename": "faq.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "yp5",
        "Hello,\n\nThank you for your order. The name on the order is 'Jonh' - did you mean "
        "'John' for the engraving?\n\nBest",
        {"initiation": P, "contact_reason": "customization", "buyer_opted_out": True},
        set(),
    ),
    (
        "yp6",
        "Hello,\n\nYour warranty card is attached; keep it with your receipt.\n\nBest",
        {
            "initiation": P,
            "contact_reason": "warranty",
            "attachments": [
                {
                    "filename": "warranty.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "yok1",
        "Hi,\n\nThe parcel is marked delivered at 2:15 pm. Could you check with your neighbours? "
        "If it doesn't turn up by tomorrow we'll send another one.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "yok2",
        "Hello,\n\nI've checked with the warehouse: your order will leave on Monday. Sorry for "
        "the wait!\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "yok3",
        "Hello,\n\nGood question. Yes, you can return it within 30 days; just start the return "
        "from Your Orders.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "yok4",
        "Hello,\n\nThe table ships in two boxes; the delivery driver will bring them to your "
        "door. Could you tell us if there's a lift in the building?\n\nBest",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "yde1",
        "Hallo,\n\nwir freuen uns, dass alles passt! Eine kurze Rückmeldung auf der Produktseite "
        "würde uns sehr helfen.\n\nViele Grüße",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "yde2",
        "Hallo,\n\nkein Problem, ich schicke Ihnen heute einen neuen Deckel aus unserem Lager, "
        "Sie müssen nichts zurücksenden.\n\nGrüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "yde3",
        "Hallo,\n\nIhre Bestellung ist heute bei DHL eingegangen und kommt morgen an.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "yde4",
        "Hallo,\n\nja, das Kabel ist 2 Meter lang und hat einen USB-C-Stecker.\n\nGrüße",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "yfr1",
        "Bonjour,\n\ncontent que la lampe vous plaise ! Un petit commentaire sur Amazon serait "
        "très apprécié.\n\nBien à vous",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "yfr2",
        "Bonjour,\n\nsuivez-nous sur Instagram pour découvrir nos nouveautés.\n\nBien à vous",
        {"initiation": R, "language": "fr"},
        {"marketing", "off_platform"},
    ),
    (
        "yfr3",
        "Bonjour,\n\nnous sommes désolés, votre commande aura environ une semaine de "
        "retard.\n\nBien à vous",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "yfr4",
        "Bonjour,\n\noui, la housse est lavable à 40 degrés.\n\nBien à vous",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "yes1",
        "Hola,\n\n¡qué bien que te haya gustado! Si puedes, cuéntales a otros compradores tu "
        "experiencia en Amazon.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "yes2",
        "Hola,\n\nte reembolsamos nosotros el importe ahora mismo, así no tienes que esperar a "
        "Amazon.\n\nSaludos",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        {"fba_customer_service"},
    ),
    (
        "yes3",
        "Hola,\n\nsíguenos en Instagram y enterate de nuestras ofertas antes que nadie.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"marketing", "off_platform"},
    ),
    (
        "yes4",
        "Hola,\n\nsí, el cable mide dos metros.\n\nSaludos",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "yit1",
        "Buongiorno,\n\nsiamo felici che il caffè le piaccia! Una sua recensione ci aiuterebbe "
        "molto.\n\nSaluti",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "yit2",
        "Buongiorno,\n\nil suo pacco è stato consegnato al corriere stamattina.\n\nSaluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "yit3",
        "Buongiorno,\n\ncon il codice ESTATE20 avrà il 20% di sconto sul suo prossimo "
        "ordine.\n\nSaluti",
        {"initiation": R, "language": "it"},
        {"marketing"},
    ),
    (
        "yit4",
        "Buongiorno,\n\nsì, la lampada funziona anche con lampadine LED.\n\nSaluti",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "yja1",
        "鈴木様\n\nお気に召していただけて嬉しいです。ぜひAmazonにレビューをお寄せください。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "yja2",
        "鈴木様\n\nご注文の商品は本日発送いたしました。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "yja3",
        "鈴木様\n\nLINEで友だち追加していただくと、新商品の情報をお届けします。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"marketing", "off_platform"},
    ),
    (
        "yja4",
        "鈴木様\n\nはい、こちらの商品は電子レンジでもご使用いただけます。\n\nショップ",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "za1",
        "Hi Dana,\n\nThanks for the detailed feedback on the sizing. We've added a note to the "
        "listing so other customers know the boots run small. Please let us know if the exchange "
        "goes smoothly.\n\nBest,\nNorth Trail",
        {"initiation": R},
        set(),
    ),
    (
        "za2",
        "Hello,\n\nThe gift box is included free of charge. Would you like a handwritten card "
        "with a message? Just reply with the text.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za3",
        "Hello Mr. Ruiz,\n\nI've sent a replacement cable today by USPS; the tracking number is "
        "9400 1000 0000 0000 0000 00. Please keep the faulty one, no return needed.\n\nBest "
        "regards",
        {"initiation": R},
        set(),
    ),
    (
        "za4",
        "Hi,\n\nWe are sorry for the delay. The order left our warehouse yesterday and should "
        "arrive by Friday.\n\nKind regards",
        {"initiation": R},
        set(),
    ),
    (
        "za5",
        "Hi,\n\nPlease review the two layout options below and reply with A or B.\n\nA: names on "
        "one line\nB: names on two lines\n\nThanks!",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "za6",
        "Hello,\n\nWe rate this pump for up to 3 bar. For higher pressure you'd need the Pro "
        "model.\n\nRegards",
        {"initiation": R},
        set(),
    ),
    (
        "za7",
        "Hello,\n\nWe'd appreciate it if you could send a photo of the serial number label so we "
        "can check the production date.\n\nThanks",
        {"initiation": R},
        set(),
    ),
    (
        "za8",
        "Hi,\n\nYou're right, the instructions are confusing. Step 3 should say 'left panel'. "
        "We'll fix it in the next print run.\n\nCheers",
        {"initiation": R},
        set(),
    ),
    (
        "za9",
        "Hello,\n\nYour refund of $24.99 was issued this morning. Depending on your bank it can "
        "take a few days to appear.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za10",
        "Hello,\n\nThe carrier needs a contact phone number for the freight delivery. Could you "
        "reply with one?\n\nThanks",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "za11",
        "Hello,\n\nAs required by the EU Battery Regulation, please find the safety information "
        "for the lithium battery in your order below.\n\nStore batteries between 10 and 25 "
        "degrees.\n\nRegards",
        {"initiation": P, "contact_reason": "legal_disclosure"},
        set(),
    ),
    (
        "za12",
        "Hello,\n\nWe received your return and your replacement has been sent.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za13",
        "Hi,\n\nThat model is discontinued, sorry. The closest one we sell is the K-200, which "
        "has the same mount.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za14",
        "Hello,\n\nGreat question! The discount shown at checkout applies automatically; there's "
        "no code to enter.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za15",
        "Hi,\n\nI'm sorry the colour looks different from the photos. Monitors vary a lot. If "
        "you'd prefer, you can return it through Amazon for a full refund.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "za16",
        "Hello,\n\nThe warranty covers manufacturing defects for two years. To start a claim, "
        "reply here with a photo of the fault and your order number.\n\nBest",
        {"initiation": R, "contact_reason": "warranty"},
        set(),
    ),
    (
        "za17",
        "Guten Tag,\n\nvielen Dank für Ihre Rückmeldung. Wir prüfen das und melden uns "
        "morgen.\n\nViele Grüße",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "za18",
        "Guten Tag,\n\nwir freuen uns auf Ihre Rückmeldung zum Gravurtext.\n\nViele Grüße",
        {"initiation": P, "contact_reason": "customization", "language": "de"},
        set(),
    ),
    (
        "za19",
        "Bonjour,\n\nmerci pour votre retour. Le remboursement a été effectué ce "
        "matin.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "za20",
        "Hola,\n\ngracias por tu comentario. Hemos revisado el pedido y está todo "
        "correcto.\n\nSaludos",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "za21",
        "Buongiorno,\n\ngrazie per il suo riscontro. Le invieremo la fattura entro oggi tramite "
        "questa chat.\n\nSaluti",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "za22",
        "佐藤様\n\nご指摘ありがとうございます。商品ページの説明を修正いたしました。\n\nショップ",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "za23",
        "Hi,\n\nNo need to send it back. We'll post a new one out today.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "za24",
        "Hello,\n\nPlease don't worry about the review, we just want to make things right. A "
        "replacement is on its way.\n\nBest",
        {"initiation": R},
        set(),
    ),
    (
        "zb1",
        "Hi,\n\nThrilled you love the print! Would you consider sharing a quick review? It really "
        "helps independent artists.\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "zb2",
        "Hi,\n\nIf the shoes fit well, it would be great if you could give them a rating on "
        "Amazon.\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "zb3",
        "Hi,\n\nThe mug is microwave safe. PS: we'd be so grateful for your feedback on the "
        "listing!\n\nBest",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "zb4",
        "Hi,\n\nSorry again about the mix-up. We've sent the right color; could you please "
        "reconsider the one-star rating?\n\nBest",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "zb5",
        "Hi,\n\nAs an apology, here's a 25% discount code for your next purchase: SORRY25.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "zb6",
        "Hi,\n\nThe blanket comes in grey. You may also want the matching throw pillows from our "
        "shop.\n\nBest",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "zb7",
        "Hi,\n\nEasiest is if you WhatsApp me the photo and I'll check it.\n\nBest",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "zb8",
        "Hi,\n\nFor a faster answer, contact our support team by email at "
        "help@gadgetzone-example.com.\n\nBest",
        {"initiation": R},
        {"contact_info", "off_platform"},
    ),
    (
        "zb9",
        "Hi,\n\nSorry about that! Send it straight back to us at 14 Mill Lane, Leeds LS1 4AB and "
        "we'll refund you the same day.\n\nBest",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "zb10",
        "Hello,\n\nGood news - your order has left our warehouse and is heading your way.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "zb11",
        "Hello,\n\nWe hope you're enjoying your new kettle! Here are a few tips to keep it "
        "limescale-free.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "zb12",
        "Hello,\n\nDue to high demand, your order will ship about 10 days later than "
        "planned.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "zb13",
        "Hello,\n\nThanks a lot for your purchase - it made our day!\n\nThe Candle Co.",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "zb14",
        "Guten Tag,\n\nbitte bewerten Sie uns auf Amazon, das hilft uns sehr.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "zb15",
        "Bonjour,\n\nsi vous retirez votre avis négatif, nous vous offrons un remboursement "
        "complet.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"review_change_request", "review_incentive"},
    ),
    (
        "zb16",
        "Hola,\n\n¿podrías dejarnos una reseña? Te regalamos un cupón de 5 € para tu próxima "
        "compra.\n\nSaludos",
        {"initiation": R, "language": "es"},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "zb17",
        "Buongiorno,\n\nci chiami al numero 02 1234 5678 per concordare i dettagli.\n\nSaluti",
        {"initiation": R, "language": "it", "marketplace_region": "IT"},
        {"contact_info", "off_platform"},
    ),
    (
        "zb18",
        "佐藤様\n\n返品は当店へ直接お送りください。到着後すぐに返金いたします。\n\nショップ",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        {"fba_customer_service"},
    ),
    (
        "wde1",
        "Guten Tag Herr Schulz,\n\nIhr Paket wurde heute an die Spedition übergeben und wird "
        "Ihnen in 2-3 Werktagen zugestellt.\n\nMit freundlichen Grüßen",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "wde2",
        "Hallo,\n\nwir hoffen, die Kaffeemühle gefällt Ihnen! Über ein paar Sterne auf Amazon "
        "würden wir uns freuen.\n\nViele Grüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "wde3",
        "Hallo,\n\nschreiben Sie mir doch einfach eine E-Mail an info@holzwerk-beispiel.de, dann "
        "schicke ich Ihnen die Maße.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"contact_info", "off_platform"},
    ),
    (
        "wde4",
        "Hallo,\n\nkleiner Tipp: Bestellen Sie beim nächsten Mal direkt in unserem Onlineshop, "
        "dort ist es günstiger.\n\nGrüße",
        {"initiation": R, "language": "de"},
        {"marketing", "off_platform"},
    ),
    (
        "wde5",
        "Hallo,\n\nbitte entschuldigen Sie die Unannehmlichkeiten. Wir kümmern uns selbst um die "
        "Rücksendung und erstatten Ihnen den Betrag.\n\nGrüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "wde6",
        "Guten Tag,\n\ndie gewünschte Farbe ist leider nicht mehr vorrätig. Wir erwarten neue "
        "Ware Ende des Monats.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "wde7",
        "Guten Tag,\n\ndanke für Ihren Einkauf! Wir wünschen Ihnen viel Freude mit der "
        "Uhr.\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "wde8",
        "Guten Tag,\n\nin der Anlage finden Sie die Rechnung zu Ihrer Bestellung mit "
        "ausgewiesener Mehrwertsteuer.\n\nGrüße",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "language": "de",
            "attachments": [
                {
                    "filename": "rechnung.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "wde9",
        "Guten Tag,\n\nauf der Lieferadresse fehlt die Hausnummer. Können Sie uns diese bitte "
        "mitteilen?\n\nGrüße",
        {"initiation": P, "contact_reason": "address_issue", "language": "de"},
        set(),
    ),
    (
        "wde10",
        "Guten Tag,\n\ndie Bestellung wurde von Amazon versandt. Für Umtausch oder Erstattung "
        "wenden Sie sich bitte direkt an Amazon.\n\nGrüße",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        set(),
    ),
    (
        "wfr1",
        "Bonjour,\n\nvotre colis est en cours de livraison et arrivera demain.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "wfr2",
        "Bonjour,\n\nnous espérons que vous êtes satisfaite de votre achat. Pourriez-vous laisser "
        "une note sur la fiche produit ?\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "wfr3",
        "Bonjour,\n\nle plus rapide est de m'envoyer la photo par WhatsApp au 06 12 34 56 "
        "78.\n\nCordialement",
        {"initiation": R, "language": "fr", "marketplace_region": "FR"},
        {"contact_info", "off_platform"},
    ),
    (
        "wfr4",
        "Bonjour,\n\nnous vous renvoyons un article neuf dès aujourd'hui, inutile de contacter "
        "Amazon.\n\nCordialement",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        {"fba_customer_service"},
    ),
    (
        "wfr5",
        "Bonjour,\n\nvoici un code de réduction de 15 % valable sur toute la boutique : "
        "BIENVENUE15.\n\nCordialement",
        {"initiation": R, "language": "fr"},
        {"marketing"},
    ),
    (
        "wfr6",
        "Bonjour,\n\npour des raisons de fabrication, l'expédition de votre commande est décalée "
        "de deux semaines.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "wfr7",
        "Bonjour,\n\nveuillez trouver ci-joint votre facture.\n\nCordialement",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "language": "fr",
            "attachments": [
                {
                    "filename": "facture.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "wfr8",
        "Bonjour,\n\nle transporteur souhaite fixer un créneau de livraison pour votre canapé. "
        "Quel jour vous conviendrait ?\n\nCordialement",
        {"initiation": P, "contact_reason": "delivery_scheduling", "language": "fr"},
        set(),
    ),
    (
        "wes1",
        "Hola:\n\ntu paquete ya ha sido entregado en la dirección indicada.\n\nUn saludo",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "wes2",
        "Hola:\n\nesperamos que disfrutes de tu compra. Si tienes un momento, ¿podrías valorarnos "
        "con cinco estrellas?\n\nUn saludo",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "wes3",
        "Hola:\n\nmándame un correo a ventas@ejemplo-tienda.es y te paso el catálogo "
        "completo.\n\nUn saludo",
        {"initiation": R, "language": "es"},
        {"contact_info", "off_platform"},
    ),
    (
        "wes4",
        "Hola:\n\nno te preocupes, nosotros te devolvemos el dinero directamente sin pasar por "
        "Amazon.\n\nUn saludo",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        {"fba_customer_service"},
    ),
    (
        "wes5",
        "Hola:\n\nsentimos comunicarte que tu pedido sufrirá un retraso de una semana.\n\nUn "
        "saludo",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "wes6",
        "Hola:\n\nte adjuntamos la factura de tu pedido.\n\nUn saludo",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "language": "es",
            "attachments": [
                {
                    "filename": "factura.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "wes7",
        "Hola:\n\nsí, el colchón viene enrollado al vacío y se puede subir por la escalera sin "
        "problema.\n\nUn saludo",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "wit1",
        "Buongiorno,\n\nil suo ordine è in consegna oggi con BRT.\n\nCordiali saluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "wit2",
        "Buongiorno,\n\nspero che il prodotto sia di suo gradimento. Ci farebbe piacere una sua "
        "valutazione a cinque stelle.\n\nCordiali saluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "wit3",
        "Buongiorno,\n\nmi mandi una mail a info@esempio-negozio.it con le foto e le rispondo "
        "subito.\n\nCordiali saluti",
        {"initiation": R, "language": "it"},
        {"contact_info", "off_platform"},
    ),
    (
        "wit4",
        "Buongiorno,\n\nnon si preoccupi, le spediamo noi un nuovo set dal nostro magazzino, "
        "senza passare da Amazon.\n\nCordiali saluti",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        {"fba_customer_service"},
    ),
    (
        "wit5",
        "Buongiorno,\n\nle scriviamo per informarla che la spedizione subirà un ritardo di circa "
        "dieci giorni.\n\nCordiali saluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "wit6",
        "Buongiorno,\n\nin allegato trova la fattura richiesta.\n\nCordiali saluti",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "language": "it",
            "attachments": [
                {
                    "filename": "fattura.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "wit7",
        "Buongiorno,\n\nl'ordine è stato spedito da Amazon: per il reso può procedere da I miei "
        "ordini o contattare il servizio clienti Amazon.\n\nCordiali saluti",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        set(),
    ),
    (
        "wja1",
        "田中様\n\nご注文の商品が本日配達完了となりました。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "wja2",
        "田中様\n\n商品はお気に召しましたでしょうか。よろしければ星5つのレビューをお願いいたします。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "wja3",
        "田中様\n\n詳細はメールでご連絡ください。"
        "アドレスは shop@example-store.jp です。\n\nショップ",
        {"initiation": R, "language": "ja"},
        {"contact_info", "off_platform"},
    ),
    (
        "wja4",
        "田中様\n\nAmazonを通さずに当店で交換対応いたします。商品を当店までご返送ください。\n\nショップ",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        {"fba_customer_service"},
    ),
    (
        "wja5",
        "田中様\n\n誠に申し訳ございませんが、製造の遅れにより発送が2週間ほど遅れる見込みです。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "wja6",
        "田中様\n\nご注文いただいた商品の請求書を添付いたします。\n\nショップ",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "language": "ja",
            "attachments": [
                {
                    "filename": "invoice.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "wja7",
        "田中様\n\nお届け先のマンション名と部屋番号が未記入のため、ご確認をお願いいたします。\n\nショップ",
        {"initiation": P, "contact_reason": "address_issue", "language": "ja"},
        set(),
    ),
    (
        "q1",
        "Reviews are the lifeblood of small shops like ours, so if you can, please leave one.",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q2",
        "Mind popping a review on the product page when you have time?",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q3",
        "We'd be over the moon if you rated us five stars.",
        {"initiation": R},
        {"review_request"},
    ),
    ("q4", "Your feedback on Amazon would help us a lot.", {"initiation": R}, {"review_request"}),
    (
        "q5",
        "Could you tell other buyers about your experience?",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q6",
        "It'd be amazing if you could leave a comment on the listing about the quality.",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q7",
        "Happy to help! And if you liked our service, seller feedback is always appreciated.",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q8",
        "Please rate your experience with us from your Orders page.",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "q9",
        "We'll refund the full amount once you've posted your review.",
        {"initiation": R},
        {"review_incentive", "review_request"},
    ),
    (
        "q10",
        "Send us a screenshot of your 5-star review and we'll mail you a free gift.",
        {"initiation": R},
        {"review_incentive", "review_request"},
    ),
    (
        "q11",
        "Would you be open to deleting the negative review now that we've replaced the item?",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "q12",
        "Could you raise your rating to 5 stars since the issue is solved?",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "q13",
        "We'll send you a $20 voucher if you update your feedback.",
        {"initiation": R},
        {"review_change_request", "review_incentive"},
    ),
    (
        "q14",
        "Check our other listings for matching accessories at a discount.",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "q15",
        "Don't miss our spring sale - everything is 30% off until Sunday!",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "q16",
        "Join our VIP club for early access to new releases.",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "q17",
        "We just released a deluxe version with a leather strap - take a look!",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "q18",
        "Follow our Facebook page for giveaways.",
        {"initiation": R},
        {"marketing", "off_platform"},
    ),
    (
        "q19",
        "Shoot me a message on Instagram and I'll send the pattern.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "q20",
        "We can arrange payment through PayPal if that's easier.",
        {"initiation": R},
        {"off_platform"},
    ),
    ("q21", "Let's continue this conversation on Telegram.", {"initiation": R}, {"off_platform"}),
    (
        "q22",
        "Add me on WeChat so we can talk about bulk orders.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "q23",
        "Just return it to us and we'll swap it for the right size.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "q24",
        "I've already sent you a new one from our own stock.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "q25",
        "Please don't open an A-to-z claim; we'll refund you ourselves.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    ("n1", "Thanks for leaving a message - the charger is on its way.", {"initiation": R}, set()),
    ("n2", "We read all reviews and appreciate honest opinions.", {"initiation": R}, set()),
    ("n3", "The rating plate on the back shows 230 V.", {"initiation": R}, set()),
    ("n4", "Please share the photo here so we can check the damage.", {"initiation": R}, set()),
    ("n5", "The discount was applied automatically at checkout.", {"initiation": R}, set()),
    ("n6", "The product page lists the dimensions: 40 x 30 cm.", {"initiation": R}, set()),
    ("n7", "The star pattern is printed, not embroidered.", {"initiation": R}, set()),
    ("n8", "You can leave the parcel with a neighbour if you're out.", {"initiation": R}, set()),
    (
        "n9",
        "Free returns are handled by Amazon for this order.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    ("n10", "We recommend checking the voltage before plugging it in.", {"initiation": R}, set()),
    (
        "n11",
        "Please post the item back using the prepaid label included in the box.",
        {"initiation": R},
        set(),
    ),
    ("n12", "Thanks for your patience while we looked into this.", {"initiation": R}, set()),
    ("n13", "The new model fits the same bracket.", {"initiation": R}, set()),
    ("n14", "We offer engraving on the back for free.", {"initiation": R}, set()),
    ("n15", "Can you confirm which size you need?", {"initiation": R}, set()),
    (
        "n16",
        "Amazon will process your refund as soon as the return is scanned.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "n17",
        "If it doesn't fit, you can exchange it through Your Orders.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    ("n18", "We are unable to ship to PO boxes, sorry.", {"initiation": R}, set()),
    (
        "n19",
        "The item was shipped by Amazon, so we can't see its tracking details.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    ("n20", "I'll pass your comments on to our designer.", {"initiation": R}, set()),
    (
        "crit_c1",
        "Hello,\n\nThank you for your order of the engraved compass. To avoid any delay, could "
        "you confirm the date format by Friday?\n\nBest",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "crit_c2",
        "Hello,\n\nThank you for your order. The gold thread you chose is out of stock; would "
        "silver or champagne work instead?\n\nBest",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "crit_c3",
        "Hi,\n\nThanks so much for ordering! Before we ship, please confirm the spelling "
        "'Katharina' on the cake topper.\n\nBest",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "crit_c4",
        "Hello,\n\nYour custom rug is woven to order. Which of the two border colours in the "
        "attached chart do you prefer? Once you confirm, it will ship within 10 days.\n\nKind "
        "regards",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "crit_c5",
        "Hello,\n\nWe're about to print your photo book. Page 12 has a low-resolution image; "
        "would you like to replace it or keep it as is?\n\nThanks",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "crit_c6",
        "Hello,\n\nThe delivery company will call you to arrange a time for the fridge. Could you "
        "confirm that the number on your order is a mobile number?\n\nBest",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "crit_c7",
        "Hello,\n\nYour sofa is ready for delivery. The carrier can come Tuesday or Thursday; "
        "which suits you? Delivery takes about 30 minutes including assembly.\n\nBest",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "crit_c8",
        "Hello,\n\nThe courier returned your parcel to us because the flat number was missing. "
        "Could you send us the full address so we can reship it?\n\nBest",
        {"initiation": P, "contact_reason": "address_issue", "order_status": "shipped"},
        set(),
    ),
    (
        "crit_c9",
        "Hello,\n\nYour address says 'Main Stret'. Did you mean 'Main Street'? We want to make "
        "sure the parcel is not delayed.\n\nThanks",
        {"initiation": P, "contact_reason": "address_issue"},
        set(),
    ),
    (
        "crit_c10",
        "Hello,\n\nWe're sorry: the glass top cracked during our final quality check and we can't "
        "replace it in time. We'll cancel the order so you get a full refund "
        "automatically.\n\nApologies",
        {"initiation": P, "contact_reason": "unexpected_problem"},
        set(),
    ),
    (
        "crit_c11",
        "Hello,\n\nThe warranty for your vacuum lasts 24 months from delivery. If it stops "
        "working in that time, contact the manufacturer at 0800 000 1234.\n\nRegards",
        {"initiation": P, "contact_reason": "warranty"},
        set(),
    ),
    (
        "crit_c12",
        "Hello,\n\nUnder the Consumer Rights Act we must tell you that you can cancel within 14 "
        "days of delivery. The details are in the attached notice.\n\nRegards",
        {
            "initiation": P,
            "contact_reason": "legal_disclosure",
            "attachments": [
                {
                    "filename": "notice.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "crit_c13",
        "Hello,\n\nHere is your download code: X7K2-99PL. The manual for installing the software "
        "is in the app under Help.\n\nRegards",
        {"initiation": P, "contact_reason": "digital_access_key"},
        set(),
    ),
    (
        "crit_c14",
        "Hello,\n\nAs requested, the invoice for your order is attached. Thank you for your "
        "business!\n\nRegards",
        {
            "initiation": P,
            "contact_reason": "invoice",
            "attachments": [
                {
                    "filename": "inv.pdf",
                    "content_type": "application/pdf",
                    "size": 20000,
                    "head": b"%PDF-1.4",
                }
            ],
        },
        set(),
    ),
    (
        "crit_c15",
        "Guten Tag,\n\nvielen Dank für Ihre Bestellung. Damit es keine Verzögerung gibt, "
        "bestätigen Sie bitte den Gravurtext bis Freitag.\n\nGrüße",
        {"initiation": P, "contact_reason": "customization", "language": "de"},
        set(),
    ),
    (
        "crit_c16",
        "Bonjour,\n\nmerci pour votre commande. Le fil doré n'est plus disponible : préférez-vous "
        "l'argenté ?\n\nCordialement",
        {"initiation": P, "contact_reason": "customization", "language": "fr"},
        set(),
    ),
    (
        "crit_c17",
        "Hola:\n\ngracias por tu pedido. ¿Confirmas el texto «Feliz cumple, Ana» antes de que lo "
        "enviemos?\n\nSaludos",
        {"initiation": P, "contact_reason": "customization", "language": "es"},
        set(),
    ),
    (
        "crit_c18",
        "Buongiorno,\n\ngrazie per l'ordine. Per evitare ritardi, ci conferma il colore del "
        "nastro entro venerdì?\n\nSaluti",
        {"initiation": P, "contact_reason": "customization", "language": "it"},
        set(),
    ),
    (
        "crit_c19",
        "佐藤様\n\nご注文ありがとうございます。発送前に刻印の文字をご確認いただけますでしょうか。\n\nショップ",
        {"initiation": P, "contact_reason": "customization", "language": "ja"},
        set(),
    ),
    (
        "crit_c20",
        "佐藤様\n\nご注文ありがとうございます。ご指定の色が欠品のため、別の色をお選びいただけますでしょうか。\n\nショップ",
        {"initiation": P, "contact_reason": "customization", "language": "ja"},
        set(),
    ),
    (
        "vf1",
        "Sorry about that! I've let Amazon know, and they will send you a replacement once you "
        "start the return in Your Orders.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "vf2",
        "We checked the batch and found the problem. Amazon will refund you as soon as the return "
        "is scanned.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "vf3",
        "We can't arrange returns ourselves for orders shipped by Amazon. Please contact Amazon "
        "customer service.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "vf4",
        "We have updated the listing photos. For the replacement, please go to Your Orders and "
        "choose 'Replace item'.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "vf5",
        "We are sorry it arrived damaged. We'll send you a brand-new one right away, no return "
        "needed.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "vf6",
        "Just keep the extra one, and we'll refund you the difference.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "vf7",
        "We'll send you a new one right away.",
        {"initiation": R, "fulfillment": "seller"},
        set(),
    ),
    (
        "vo1",
        "You can reach the manufacturer's support at 1-800-555-0199 for warranty claims.",
        {"initiation": R, "contact_reason": "warranty"},
        set(),
    ),
    (
        "vo2",
        "Our customer service team answers here within 24 hours, so just reply to this message.",
        {"initiation": R},
        set(),
    ),
    (
        "vo3",
        "We don't use WhatsApp for orders; please keep writing here.",
        {"initiation": R},
        set(),
    ),
    (
        "vo4",
        "Please don't pay outside Amazon - we only accept payment through the order.",
        {"initiation": R},
        set(),
    ),
    (
        "vo5",
        "For the custom colour, send the extra $15 with Zelle to our business account.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "vo7",
        "My colleague will call you tomorrow to talk it through.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "vm1",
        "The refill is also sold separately on Amazon under the same brand.",
        {"initiation": R},
        set(),
    ),
    (
        "vm2",
        "Our other colours are listed on the same product page if you'd like to compare.",
        {"initiation": R},
        set(),
    ),
    (
        "vm3",
        "We have a special bundle price if you buy the stand together with the lamp.",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "vm4",
        "There's 10% off the matching chairs in our store this week.",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "seller_voice_1",
        "As we say on the product page, the lamp needs E27 bulbs.",
        {"initiation": R},
        set(),
    ),
    ("seller_voice_2", "We share the exact dimensions on the listing.", {"initiation": R}, set()),
    (
        "seller_voice_3",
        "We write the care instructions on the listing page too.",
        {"initiation": R},
        set(),
    ),
    (
        "seller_voice_4",
        "We are reviewing your return on Amazon right now.",
        {"initiation": R},
        set(),
    ),
    (
        "seller_voice_5",
        "The rating of the fuse is listed on the product page.",
        {"initiation": R},
        set(),
    ),
    (
        "seller_voice_6",
        "Your experience with the product page matters: is the size chart clear enough?",
        {"initiation": R},
        set(),
    ),
    ("seller_voice_7", "Please check the rating on the label.", {"initiation": R}, set()),
    (
        "seller_voice_8",
        "We read all reviews and appreciate honest opinions.",
        {"initiation": R},
        set(),
    ),
    ("fp0", "We offer free engraving on all rings.", {"initiation": R}, set()),
    (
        "fp1",
        "The coupon you used at checkout was applied to the first item only.",
        {"initiation": R},
        set(),
    ),
    ("fp2", "Our newest model has the same plug, so it will work.", {"initiation": R}, set()),
    ("fp3", "I checked our website backend and the order is confirmed.", {"initiation": R}, set()),
    ("fp4", "We follow the EU safety standard EN 71 for all toys.", {"initiation": R}, set()),
    (
        "fp5",
        "The new batch arrives at our warehouse next week, and your order is already reserved.",
        {"initiation": R},
        set(),
    ),
    (
        "fp6",
        "Please send us a photo of the damaged corner here in the chat.",
        {"initiation": R},
        set(),
    ),
    (
        "fp7",
        "Call the number on the back of the box only if the smoke alarm beeps continuously.",
        {"initiation": R},
        set(),
    ),
    (
        "fp8",
        "Our shop is closed on Sundays, but we answer messages every day.",
        {"initiation": R},
        set(),
    ),
    ("fp9", "Leave the cover on for 24 hours before the first use.", {"initiation": R}, set()),
    ("fp10", "Leave it to dry overnight, then apply the second coat.", {"initiation": R}, set()),
    ("fp11", "Feel free to message us here if anything is unclear.", {"initiation": R}, set()),
    (
        "fp12",
        "The sale price ended on Monday, so the current price applies.",
        {"initiation": R},
        set(),
    ),
    (
        "fp13",
        "Thanks for the five-star tip about the lid, we'll pass it on.",
        {"initiation": R},
        set(),
    ),
    (
        "fp14",
        "We refunded the shipping cost to your original payment method yesterday.",
        {"initiation": R},
        set(),
    ),
    (
        "fp15",
        "I'm happy to help with the assembly - which step are you on?",
        {"initiation": R},
        set(),
    ),
    ("fp16", "We can exchange it for the larger size; just let us know.", {"initiation": R}, set()),
    (
        "fp17",
        "The item is back in stock now, so your order will ship today.",
        {"initiation": R},
        set(),
    ),
    ("fp18", "We've added a free spare nozzle to your parcel.", {"initiation": R}, set()),
    ("fp19", "Sorry, we don't sell the lid separately.", {"initiation": R}, set()),
    (
        "fp20",
        "Please note that the colors may look slightly different on screen.",
        {"initiation": R},
        set(),
    ),
    ("fp21", "Our returns address is printed on the label in the box.", {"initiation": R}, set()),
    (
        "fp22",
        "The manual is in the box; page 3 shows how to pair the remote.",
        {"initiation": R},
        set(),
    ),
    ("fp23", "Your feedback on the colour helped us improve the photos.", {"initiation": R}, set()),
    ("fp24", "You can find the size chart in the listing images.", {"initiation": R}, set()),
    ("fp25", "Yes, you can pay with any card accepted by Amazon.", {"initiation": R}, set()),
    (
        "fp26",
        "We don't accept PayPal or bank transfers outside Amazon, sorry.",
        {"initiation": R},
        set(),
    ),
    (
        "fp27",
        "We ship from our warehouse in Ohio, usually within one business day.",
        {"initiation": R},
        set(),
    ),
    (
        "fp28",
        "I'm sorry for the trouble. I'll look into it and reply here tomorrow.",
        {"initiation": R},
        set(),
    ),
    (
        "fp29",
        "Please rate the difficulty of the installation on a scale from 1 to 5 so our engineer "
        "can help.",
        {"initiation": R},
        set(),
    ),
    (
        "fpf0",
        "Amazon handles returns for this order; please start one from Your Orders and they'll "
        "refund you.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "fpf1",
        "We're sorry! Since Amazon fulfilled the order, Amazon's customer service will sort out a "
        "replacement.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "fpf2",
        "Please contact Amazon directly; we cannot issue refunds for Amazon-fulfilled orders.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "fpf3",
        "I've checked the listing and the size is correct. For a return, please use Your Orders.",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    ("fp_de0", "Wir bieten die Gravur kostenlos an.", {"initiation": R, "language": "de"}, set()),
    (
        "fp_de1",
        "Der Gutschein, den Sie verwendet haben, galt nur für den ersten Artikel.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de2",
        "Auf der Produktseite finden Sie die genauen Maße.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de3",
        "Wir haben Ihre Bewertung gelesen und die Anleitung verbessert.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de4",
        "Wir schicken Ihnen gerne ein Foto der Rückseite hier im Chat.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de5",
        "Bitte lassen Sie den Lack 24 Stunden trocknen.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de6",
        "Die neue Ware ist da, Ihre Bestellung wird heute versandt.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de7",
        "Leider verkaufen wir den Deckel nicht einzeln.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de8",
        "Unsere Rücksendeadresse steht auf dem Etikett im Paket.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_de9",
        "Sie können mit jeder bei Amazon akzeptierten Karte bezahlen.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "fp_fr0",
        "Nous proposons la gravure gratuitement.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr1",
        "Le code promo que vous avez utilisé ne s'appliquait qu'au premier article.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr2",
        "Vous trouverez les dimensions exactes sur la page du produit.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr3",
        "Nous avons lu votre avis et amélioré la notice.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    ("fp_fr4", "Laissez sécher la peinture 24 heures.", {"initiation": R, "language": "fr"}, set()),
    (
        "fp_fr5",
        "Le nouvel arrivage est là, votre commande part aujourd'hui.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr6",
        "Nous ne vendons malheureusement pas le couvercle séparément.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr7",
        "Vous pouvez payer avec toute carte acceptée par Amazon.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr8",
        "Merci pour votre retour, nous allons vérifier.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "fp_fr9",
        "Notre atelier est fermé le dimanche, mais nous répondons aux messages.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    ("fp_es0", "Ofrecemos el grabado gratis.", {"initiation": R, "language": "es"}, set()),
    (
        "fp_es1",
        "El cupón que usaste solo se aplicó al primer artículo.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es2",
        "En la página del producto encontrarás las medidas exactas.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es3",
        "Hemos leído tu opinión y mejorado las instrucciones.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    ("fp_es4", "Deja secar la pintura 24 horas.", {"initiation": R, "language": "es"}, set()),
    (
        "fp_es5",
        "Ya ha llegado el nuevo stock y tu pedido sale hoy.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es6",
        "Lo sentimos, no vendemos la tapa por separado.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es7",
        "Puedes pagar con cualquier tarjeta aceptada por Amazon.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es8",
        "Gracias por tus comentarios, lo revisamos.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "fp_es9",
        "Nuestra tienda cierra los domingos, pero respondemos mensajes.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    ("fp_it0", "Offriamo l'incisione gratuitamente.", {"initiation": R, "language": "it"}, set()),
    (
        "fp_it1",
        "Il coupon che ha usato valeva solo per il primo articolo.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it2",
        "Sulla pagina del prodotto trova le misure esatte.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it3",
        "Abbiamo letto la sua recensione e migliorato le istruzioni.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it4",
        "Lasci asciugare la vernice per 24 ore.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it5",
        "È arrivata la nuova merce, il suo ordine parte oggi.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it6",
        "Purtroppo non vendiamo il coperchio separatamente.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it7",
        "Può pagare con qualsiasi carta accettata da Amazon.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it8",
        "Grazie per il suo riscontro, verifichiamo subito.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "fp_it9",
        "Il nostro negozio è chiuso la domenica, ma rispondiamo ai messaggi.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    ("fp_ja0", "刻印は無料で承っております。", {"initiation": R, "language": "ja"}, set()),
    (
        "fp_ja1",
        "ご利用いただいたクーポンは最初の商品のみに適用されました。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja2",
        "商品ページに正確なサイズを記載しております。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja3",
        "レビューを拝見し、説明書を改善いたしました。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    ("fp_ja4", "塗装後は24時間乾燥させてください。", {"initiation": R, "language": "ja"}, set()),
    (
        "fp_ja5",
        "新しい在庫が入荷しましたので、本日発送いたします。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja6",
        "申し訳ございませんが、蓋のみの販売はしておりません。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja7",
        "Amazonで利用可能なカードでお支払いいただけます。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja8",
        "ご意見ありがとうございます。確認いたします。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "fp_ja9",
        "当店は日曜定休ですが、メッセージには毎日対応しております。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "proactive_n1",
        "Hi,\n\nJust a quick hello to make sure everything arrived safely.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive"},
    ),
    (
        "proactive_n2",
        "Hello,\n\nWe noticed you bought our garden hose last month. Our new spray nozzle fits it "
        "perfectly and is 15% off this week.\n\nBest",
        {"initiation": P},
        {"marketing", "non_critical_proactive"},
    ),
    (
        "proactive_n3",
        "Hello,\n\nYour parcel is out for delivery today.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "proactive_n4",
        "Hello,\n\nOur records show that your refund went through this morning.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "proactive_n5",
        "Hello,\n\nHow did the desk assembly go? Please share your thoughts in a review - it "
        "helps other buyers.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "review_request"},
    ),
    (
        "proactive_n6",
        "Hello,\n\nA reminder: descale your coffee machine every two months to keep it working "
        "well.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "proactive_n7",
        "Hello,\n\nThank you for being such a loyal customer!\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "proactive_n8",
        "Hello,\n\nWe're writing to let you know that your order is delayed by a few days because "
        "of a carrier strike.\n\nBest",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "proactive_n9",
        "Hello,\n\nWe'd like to invite you to our customer survey about your shopping "
        "experience.\n\nBest",
        {"initiation": P},
        # A survey about the buyer's experience asks for feedback: policy.md §4, review_request
        # "in any wording".
        {"non_critical_proactive", "review_request"},
    ),
    (
        "proactive_n10",
        "Hello,\n\nHappy holidays from all of us at Pine & Co!\n\nBest",
        {"initiation": P},
        {"non_critical_proactive"},
    ),
    (
        "proactive_n11",
        "Hallo,\n\nwie zufrieden sind Sie mit Ihrem neuen Rucksack?\n\nGrüße",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive"},
    ),
    (
        "proactive_n12",
        "Bonjour,\n\nvotre colis a bien été livré ce matin.\n\nCordialement",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "proactive_n13",
        "Hola:\n\n¡gracias por tu compra! Esperamos que la disfrutes.\n\nSaludos",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "proactive_n14",
        "Buongiorno,\n\nle ricordiamo di pulire il filtro ogni mese per un funzionamento "
        "ottimale.\n\nSaluti",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "proactive_n15",
        "山田様\n\n先日はご購入いただきありがとうございました。今後ともよろしくお願いいたします。\n\nショップ",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "L1",
        "Hello Mrs. Alvarez,\n\nThank you for your message and sorry for the trouble with the "
        "drawer runners. The runners on the left side are mounted upside down in step 7 of the "
        "instructions - a common mix-up because the parts look symmetrical. If you swap them (the "
        "one marked 'L' goes on the left, with the wheel facing down), the drawer will close "
        "smoothly. We've updated the printed guide for future orders.\n\nIf it still sticks after "
        "that, reply here with a short video and we'll figure it out together.\n\nKind "
        "regards,\nMaple & Oak Furniture",
        {"initiation": R},
        set(),
    ),
    (
        "L2",
        "Hi Tom,\n\nThanks for checking before you order. The 18V battery (model B-18-40) fits "
        "every tool in our 18V range, including the hedge trimmer you mentioned. It charges in "
        "about 60 minutes with the standard charger and holds its charge for months in storage. "
        "The 4.0 Ah version gives roughly 45 minutes of continuous trimming.\n\nBest "
        "regards,\nGreenline Tools",
        {"initiation": R},
        set(),
    ),
    (
        "L3",
        "Hello,\n\nThank you for your order of the personalized leather journal. The name field "
        "reads 'Dr. Amelia Hart-Winslow', which is 22 characters; the cover fits up to 18 in our "
        "standard font. Could you tell us whether you'd prefer initials only ('A.H.W.'), a "
        "smaller font on one line, or the name split over two lines? We'll start as soon as we "
        "hear from you, and it will still ship within the 5 days shown at checkout.\n\nWarm "
        "regards,\nFolio Leatherworks",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "L4",
        "Hello Mr. Dubois,\n\nThank you for your order of the 3-seat sectional sofa. It will be "
        "delivered by our freight partner, who needs to book a two-hour window with you. They can "
        "deliver on Tuesday 14 or Thursday 16 between 8am and 6pm. Please also let us know if "
        "there are stairs or a narrow hallway, as the largest box is 220 cm long. The carrier "
        "will need a phone number to call you 30 minutes before arrival.\n\nBest "
        "regards,\nComfort Living",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "L5",
        "Hi Sarah,\n\nI'm sorry to hear the lamp arrived with a broken shade. Because this order "
        "was fulfilled by Amazon, Amazon's customer service takes care of replacements and "
        "refunds, and they are usually very quick. Please go to Your Orders, choose the lamp and "
        "select 'Return or replace items'. You won't need to pay for the return shipping on a "
        "damaged item.\n\nWe've also passed the photos on to our packaging team so it doesn't "
        "happen again.\n\nBest,\nLumen Home",
        {"initiation": R, "fulfillment": "marketplace"},
        set(),
    ),
    (
        "L6",
        "Hello,\n\nThank you for getting back to us. We checked the tracking with DHL: the parcel "
        "was delivered to the Packstation at 3:42 pm yesterday, and the collection code should be "
        "in your DHL app. If it isn't there, DHL's customer service can resend it. If the parcel "
        "is not in the Packstation, let us know here and we'll open an investigation with DHL and "
        "send a replacement.\n\nBest regards,\nRadhaus Berlin",
        {"initiation": R},
        set(),
    ),
    (
        "L7",
        "Guten Tag Frau Neumann,\n\nvielen Dank für Ihre Nachricht. Die Lampe ist für "
        "Leuchtmittel mit E27-Sockel bis 60 Watt geeignet. Für ein wärmeres Licht empfehlen wir "
        "eine LED mit 2700 Kelvin. Die Kabellänge beträgt 1,8 Meter, und der Schalter sitzt im "
        "Kabel. Wir haben Ihre Anregung zur Farbtemperatur aufgenommen und ergänzen die Angabe in "
        "der Produktbeschreibung.\n\nMit freundlichen Grüßen\nLichtwerk Dresden",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "L8",
        "Bonjour Monsieur Lefort,\n\nmerci pour votre commande de la plaque gravée. Le texte "
        "indiqué, « Famille Lefort - Depuis 1987 », tient sur deux lignes. Souhaitez-vous la "
        "police classique ou la police manuscrite ? Les deux sont visibles sur les photos de "
        "l'annonce. Dès votre réponse, nous lançons la gravure et la commande partira sous 48 "
        "heures.\n\nCordialement,\nAtelier du Graveur",
        {"initiation": P, "contact_reason": "customization", "language": "fr"},
        set(),
    ),
    (
        "L9",
        "Hola, Sra. Gómez:\n\ngracias por escribirnos. Sentimos que la talla no sea la adecuada. "
        "Como el pedido lo envió Amazon, el cambio se gestiona directamente desde su cuenta: "
        "entre en «Mis pedidos», seleccione el vestido y elija «Devolver o sustituir productos». "
        "Amazon le indicará cómo enviarlo y le mandará la talla correcta.\n\nUn saludo,\nModa "
        "Sevilla",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        set(),
    ),
    (
        "L10",
        "Gentile Sig. Ferri,\n\nla ringraziamo per il messaggio. Il frullatore ha una potenza di "
        "1200 W e la caraffa è in vetro temperato da 1,5 litri, lavabile in lavastoviglie. Le "
        "lame sono removibili per la pulizia. Per il ghiaccio consigliamo il programma Pulse, "
        "come indicato a pagina 6 del manuale.\n\nCordiali saluti,\nCucina Italia",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "L11",
        "佐藤様\n\nお問い合わせいただきありがとうございます。こちらの炊飯器は5.5合炊きで、玄米モードと予約タイマーを搭載しております。内釜はフッ素加工のため、金属製のしゃもじのご使用はお控えください。その他ご不明な点がございましたら、こちらのメッセージにてお気軽にお問い合わせください。\n\nくらしの家電",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "L12",
        "Hello,\n\nThank you for your order. Unfortunately the courier has returned your parcel "
        "to us marked 'address incomplete': the flat number seems to be missing from '12 Harbour "
        "Street, Leith'. Could you confirm the full address, including the flat number and buzzer "
        "name if there is one? We'll reship it free of charge the same day.\n\nKind "
        "regards,\nThistle Tea Co.",
        {"initiation": P, "contact_reason": "address_issue", "order_status": "shipped"},
        set(),
    ),
    (
        "LB1",
        "Hello Priya,\n\nThank you for your order of the engraved cutting board. The engraving "
        "text 'The Patels - Est. 2019' fits nicely on the front. Would you like it centred or in "
        "the lower right corner?\n\nAlso, once it arrives, a quick review would mean a lot to our "
        "small workshop!\n\nBest,\nWoodcraft Studio",
        {"initiation": P, "contact_reason": "customization"},
        {"review_request"},
    ),
    (
        "LB2",
        "Hi James,\n\nThe replacement part (hinge kit HK-2) fits all cabinets from 2018 onwards, "
        "including yours. It ships in a padded envelope with the four screws you need.\n\nBy the "
        "way, we have just launched a matching bathroom cabinet - it's in our storefront if you "
        "want to complete the look.\n\nCheers,\nHomeFit",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "LB3",
        "Hello,\n\nThank you for your order of the wall clock. Our carrier can deliver on Monday "
        "or Wednesday; which day suits you better?\n\nIf the clock ever stops, replace the AA "
        "battery and make sure the hands don't touch each other - that's the most common "
        "cause.\n\nBest regards,\nTick Tock Shop",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        {"proactive_customer_service"},
    ),
    (
        "LB4",
        "Hi Kevin,\n\nSorry the kettle stopped working after a week. That shouldn't happen. Since "
        "it was shipped by Amazon you could return it there, but honestly it's faster if you just "
        "keep it and we refund you directly from our side today.\n\nBest,\nBrewMaster",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "LB5",
        "Guten Tag Herr Weber,\n\nvielen Dank für Ihre Bestellung des gravierten Flachmanns. Der "
        'Text „Für Opa - 80 Jahre" passt gut auf die Vorderseite. Soll die Schrift eher klassisch '
        "oder modern sein?\n\nWenn Ihnen das Geschenk gefällt, freuen wir uns über eine Bewertung "
        "auf Amazon.\n\nViele Grüße\nGravurwerk",
        {"initiation": P, "contact_reason": "customization", "language": "de"},
        {"review_request"},
    ),
    (
        "LB6",
        "Bonjour Madame Petit,\n\nmerci pour votre question. Oui, la housse est amovible et "
        "lavable à 30 °C.\n\nPour les prochaines commandes, vous pouvez aussi commander "
        "directement sur notre site, c'est moins cher qu'ici.\n\nCordialement,\nCoussins & Cie",
        {"initiation": R, "language": "fr"},
        {"marketing", "off_platform"},
    ),
    (
        "LB7",
        "Hola, Sr. Ruiz:\n\ngracias por su pedido de la placa personalizada. ¿Prefiere el texto "
        "en mayúsculas o en minúsculas?\n\nPor cierto, si nos deja una reseña de cinco estrellas "
        "le haremos un 10 % de descuento en su próxima compra.\n\nSaludos,\nGrabados Luna",
        {"initiation": P, "contact_reason": "customization", "language": "es"},
        {"marketing", "review_incentive", "review_request"},
    ),
    (
        "LB8",
        "Buongiorno Sig.ra Conti,\n\ngrazie per la domanda: sì, la borsa è in vera pelle conciata "
        "al vegetale.\n\nPer qualsiasi altra domanda può scriverci anche su WhatsApp al 333 765 "
        "4321, rispondiamo più velocemente.\n\nCordiali saluti,\nPelletteria Firenze",
        {"initiation": R, "language": "it", "marketplace_region": "IT"},
        {"contact_info", "off_platform"},
    ),
    (
        "LB9",
        "田中様\n\nご注文ありがとうございます。名入れの書体は楷書体と行書体からお選びいただけます。どちらがよろしいでしょうか。\n\nなお、商品到着後にレビューをご投稿いただけますと大変励みになります。\n\n工房みやび",
        {"initiation": P, "contact_reason": "customization", "language": "ja"},
        {"review_request"},
    ),
    (
        "review_de1",
        "Es würde uns viel bedeuten, wenn Sie ein paar Zeilen über den Artikel schreiben könnten.",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "review_de2",
        "Wären Sie so nett, uns bei Amazon zu bewerten?",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "review_de3",
        "Teilen Sie doch anderen Käufern mit, wie zufrieden Sie sind.",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "review_de4",
        "Hat Ihnen der Service gefallen? Dann freuen wir uns über Ihr Feedback bei Amazon.",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "review_de5",
        "Vergessen Sie nicht, eine Rezension zu schreiben!",
        {"initiation": R, "language": "de"},
        {"review_request"},
    ),
    (
        "review_fr1",
        "Pourriez-vous prendre une minute pour nous évaluer ?",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "review_fr2",
        "Un avis positif de votre part nous aiderait beaucoup.",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "review_fr3",
        "Dites aux autres acheteurs ce que vous en pensez !",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "review_fr4",
        "Si vous êtes content du service, laissez-nous une évaluation vendeur.",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "review_fr5",
        "N'oubliez pas de noter votre achat dans vos commandes.",
        {"initiation": R, "language": "fr"},
        {"review_request"},
    ),
    (
        "review_es1",
        "¿Te importaría dejarnos tu opinión sobre el producto?",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "review_es2",
        "Nos encantaría saber qué te ha parecido: escribe una reseña en Amazon.",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "review_es3",
        "Tu valoración nos ayuda a crecer como pequeña empresa.",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "review_es4",
        "Si estás satisfecho, califica tu compra con cinco estrellas.",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "review_es5",
        "Cuéntanos en Amazon qué tal te va con la cafetera.",
        {"initiation": R, "language": "es"},
        {"review_request"},
    ),
    (
        "review_it1",
        "Le chiediamo gentilmente di lasciare un feedback sul nostro negozio.",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "review_it2",
        "Se è soddisfatto, ci dia cinque stelle!",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "review_it3",
        "Condivida la sua opinione con gli altri clienti su Amazon.",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "review_it4",
        "Una sua recensione sarebbe per noi molto preziosa.",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "review_it5",
        "Non dimentichi di valutare il prodotto.",
        {"initiation": R, "language": "it"},
        {"review_request"},
    ),
    (
        "review_ja1",
        "お手数ですが、商品の評価をお願いできますでしょうか。",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "review_ja2",
        "ご感想をAmazonのレビューで教えていただけると嬉しいです。",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "review_ja3",
        "出品者評価にご協力いただけますと幸いです。",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "review_ja4",
        "気に入っていただけましたら、ぜひ星5つをお願いします。",
        {"initiation": R, "language": "ja"},
        {"review_request"},
    ),
    (
        "review_en1",
        "If it's not too much trouble, a few stars on the listing would be wonderful.",
        {"initiation": R, "language": "en"},
        {"review_request"},
    ),
    (
        "review_en2",
        "Leaving us a rating takes only a minute and helps a lot.",
        {"initiation": R, "language": "en"},
        {"review_request"},
    ),
    (
        "review_en3",
        "We'd love to know how you rate your purchase - the review link is under Your Orders.",
        {"initiation": R, "language": "en"},
        {"review_request"},
    ),
    (
        "review_en4",
        "Help other dog owners by telling them what you think of the harness.",
        {"initiation": R, "language": "en"},
        {"review_request"},
    ),
    (
        "review_en5",
        "Would you recommend us? Let other shoppers know on the product page.",
        {"initiation": R, "language": "en"},
        {"review_request"},
    ),
    (
        "review_ok_de",
        "Vielen Dank für Ihre Bewertung, wir haben die Anleitung daraufhin verbessert.",
        {"initiation": R, "language": "de"},
        set(),
    ),
    (
        "review_ok_fr",
        "Merci pour votre avis, nous en tenons compte.",
        {"initiation": R, "language": "fr"},
        set(),
    ),
    (
        "review_ok_es",
        "Gracias por tu opinión, la hemos trasladado al fabricante.",
        {"initiation": R, "language": "es"},
        set(),
    ),
    (
        "review_ok_it",
        "Grazie per la sua recensione, l'abbiamo girata al produttore.",
        {"initiation": R, "language": "it"},
        set(),
    ),
    (
        "review_ok_ja",
        "レビューを拝見しました。ご指摘の点は改善いたします。",
        {"initiation": R, "language": "ja"},
        set(),
    ),
    (
        "review_ok_en",
        "Thanks for your review, we've passed it on to the manufacturer.",
        {"initiation": R, "language": "en"},
        set(),
    ),
    (
        "n_en1",
        "Your order was dispatched this morning via Evri.",
        {"initiation": P, "language": "en"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_en2",
        "Tracking update: your parcel is at the local depot and will be delivered tomorrow.",
        {"initiation": P, "language": "en"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_en3",
        "We've processed your return and the money is on its way back to you.",
        {"initiation": P, "language": "en"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_de1",
        "Ihre Sendung befindet sich in der Zustellung.",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_de2",
        "Die Rückerstattung wurde soeben veranlasst.",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_fr1",
        "Votre commande vient d'être expédiée avec Chronopost.",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_es1",
        "Tu pedido ya ha salido de nuestro almacén con SEUR.",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_it1",
        "Il suo ordine è partito oggi con GLS.",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "n_ja1",
        "ご注文の商品を本日出荷いたしました。",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "s_en1",
        "Due to a supplier problem, we can only ship your chair at the end of next month.",
        {"initiation": P, "language": "en"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "s_de1",
        "Aufgrund hoher Nachfrage verzögert sich der Versand um etwa eine Woche.",
        {"initiation": P, "language": "de"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "s_fr1",
        "Suite à une forte demande, l'expédition prendra une semaine de plus.",
        {"initiation": P, "language": "fr"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "s_es1",
        "Por un problema con el proveedor, el envío se retrasará unos días.",
        {"initiation": P, "language": "es"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "s_it1",
        "A causa di un problema con il fornitore, la spedizione slitterà di una settimana.",
        {"initiation": P, "language": "it"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "s_ja1",
        "仕入れ先の都合により、発送が一週間ほど遅れます。",
        {"initiation": P, "language": "ja"},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "warranty_mentions_delivery",
        "Your item comes with a two-year warranty from the day it was delivered.",
        {"initiation": P, "contact_reason": "warranty"},
        set(),
    ),
    (
        "warranty_opted_out_bounces",
        "Your item comes with a two-year warranty from the day it was delivered.",
        {"initiation": P, "contact_reason": "warranty", "buyer_opted_out": True, "language": "de"},
        {"buyer_opted_out"},
    ),
    (
        "fba_de_b1",
        "Das tut uns leid! Wir senden Ihnen umgehend Ersatz zu, eine Rücksendung ist nicht nötig.",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "fba_de_b2",
        "Schicken Sie uns den Artikel bitte zurück, wir erstatten dann den vollen Betrag.",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        {"fba_customer_service"},
    ),
    (
        "fba_de_ok",
        "Das tut uns leid! Da Amazon den Versand übernommen hat, wenden Sie sich bitte an den "
        "Amazon-Kundenservice; dort erhalten Sie Ersatz oder eine Erstattung.",
        {"initiation": R, "fulfillment": "marketplace", "language": "de"},
        set(),
    ),
    (
        "fba_fr_b1",
        "Désolés ! Nous vous envoyons un remplacement dès demain, pas besoin de le retourner.",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        {"fba_customer_service"},
    ),
    (
        "fba_fr_b2",
        "Renvoyez-nous le colis à nos frais et nous vous rembourserons intégralement.",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        {"fba_customer_service"},
    ),
    (
        "fba_fr_ok",
        "Désolés ! Cette commande ayant été expédiée par Amazon, le remplacement se fait depuis "
        "vos commandes sur Amazon.",
        {"initiation": R, "fulfillment": "marketplace", "language": "fr"},
        set(),
    ),
    (
        "fba_es_b1",
        "¡Lo sentimos! Te mandamos otra unidad hoy mismo, no hace falta devolver nada.",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        {"fba_customer_service"},
    ),
    (
        "fba_es_b2",
        "Envíanos el producto a nuestra dirección y te devolvemos el dinero.",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        {"fba_customer_service"},
    ),
    (
        "fba_es_ok",
        "¡Lo sentimos! Como Amazon gestionó el envío, la sustitución se solicita desde Mis "
        "pedidos.",
        {"initiation": R, "fulfillment": "marketplace", "language": "es"},
        set(),
    ),
    (
        "fba_it_b1",
        "Ci dispiace! Le spediamo subito un nuovo articolo, non serve restituire quello difettoso.",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        {"fba_customer_service"},
    ),
    (
        "fba_it_b2",
        "Ci rimandi il prodotto e la rimborseremo noi direttamente.",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        {"fba_customer_service"},
    ),
    (
        "fba_it_ok",
        "Ci dispiace! Poiché l'ordine è gestito da Amazon, può richiedere la sostituzione da I "
        "miei ordini.",
        {"initiation": R, "fulfillment": "marketplace", "language": "it"},
        set(),
    ),
    (
        "fba_ja_b1",
        "大変申し訳ございません。当店より代替品をすぐにお送りいたしますので、返品は不要です。",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        {"fba_customer_service"},
    ),
    (
        "fba_ja_b2",
        "商品を当店までご返送いただければ、当店にて全額返金いたします。",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        {"fba_customer_service"},
    ),
    (
        "fba_ja_ok",
        "大変申し訳ございません。本商品はAmazonより発送されておりますので、交換はAmazonの注文履歴からお手続きください。",
        {"initiation": R, "fulfillment": "marketplace", "language": "ja"},
        set(),
    ),
    (
        "casual_z1",
        "Hey there! Your mug shipped out this morning - can't wait for you to get it!",
        {"initiation": P},
        {"non_critical_proactive", "redundant_notification"},
    ),
    (
        "casual_z2",
        "Hi! Loving that you picked our candle. If it brightens your day, a shout-out in the "
        "reviews would brighten ours!",
        {"initiation": R},
        {"review_request"},
    ),
    (
        "casual_z3",
        "Hello, just so you know, we have a sister shop on Etsy with more colours.",
        {"initiation": R},
        {"marketing", "off_platform"},
    ),
    (
        "casual_z4",
        "Hi, we're so sorry about the scratch! We'll knock 20% off your next order to make up for "
        "it.",
        {"initiation": R},
        {"marketing"},
    ),
    (
        "casual_z5",
        "Hi, the crate was damaged in transit. No worries - we'll courier a new one to you "
        "tomorrow, no need to go through Amazon.",
        {"initiation": R, "fulfillment": "marketplace"},
        {"fba_customer_service"},
    ),
    (
        "casual_z6",
        "Hello, for any future questions our direct line is 212-555-0172.",
        {"initiation": R},
        {"contact_info"},
    ),
    (
        "casual_z7",
        "Hello! Pop us a message on Insta @theclaystudio if you want to see the glaze options.",
        {"initiation": R},
        {"off_platform"},
    ),
    (
        "casual_z8",
        "Hi, quick heads-up that your order is running about a week late because our kiln broke.",
        {"initiation": P},
        {"non_critical_proactive", "stock_or_delay_notice"},
    ),
    (
        "casual_z9",
        "Hi, sending this along with a few ideas on how to style your new throw blanket!",
        {"initiation": P},
        {"non_critical_proactive", "proactive_customer_service"},
    ),
    (
        "casual_z10",
        "Hi, we just wanted to drop by and say a massive thank you for your order!",
        {"initiation": P},
        {"non_critical_proactive", "thank_you_only"},
    ),
    (
        "casual_z11",
        "Hi, could you knock that 2-star rating up a bit now that the new part works?",
        {"initiation": R},
        {"review_change_request"},
    ),
    (
        "casual_z12",
        "Hello, every customer who leaves a review gets entered into our monthly gift card raffle.",
        {"initiation": R},
        {"review_incentive", "review_request"},
    ),
    (
        "casual_z13",
        "Hi, sure - the legs unscrew, so it fits in a normal car.",
        {"initiation": R},
        set(),
    ),
    (
        "casual_z14",
        "Hi, the discount code in the listing expired on Sunday, sorry about that.",
        {"initiation": R},
        set(),
    ),
    (
        "casual_z15",
        "Hello, we noticed the delivery address is a business; what time does reception close so "
        "the courier can arrive before then?",
        {"initiation": P, "contact_reason": "delivery_scheduling"},
        set(),
    ),
    (
        "casual_z16",
        "Hi, the colour you picked for the embroidery isn't available anymore, would navy or "
        "forest green work?",
        {"initiation": P, "contact_reason": "customization"},
        set(),
    ),
    (
        "casual_z17",
        "Hi, apologies - our warehouse flooded and we can't fulfil your order. We're cancelling "
        "it now so you're refunded right away.",
        {"initiation": P, "contact_reason": "unexpected_problem", "order_status": "unshipped"},
        set(),
    ),
    (
        "casual_z18",
        "Hello, thanks for writing. We've logged the fault and the manufacturer will contact you "
        "through this thread within two days.",
        {"initiation": R},
        set(),
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
    ("by1", "Got it, cheers!", {"direction": "buyer_to_seller"}, ("no_response_needed", None)),
    (
        "by2",
        "Hi, the wrong color arrived. I ordered blue and got green.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "by3",
        "Is it possible to get the invoice with my company name?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "by4",
        "Forget Amazon, send me your PayPal and I'll pay you right now for 5 more.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "by5",
        "Worst seller ever, you are a bunch of clowns and crooks.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "abuse"),
    ),
    (
        "by6",
        "Dear seller, we offer professional Amazon account management and guaranteed sales "
        "growth. Reply for a free consultation.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "by7",
        "Merci beaucoup, tout est parfait !",
        {"direction": "buyer_to_seller", "language": "fr"},
        ("no_response_needed", None),
    ),
    (
        "by8",
        "¿Cuándo enviarán mi pedido? Lo necesito para el sábado.",
        {"direction": "buyer_to_seller", "language": "es"},
        ("needs_response", None),
    ),
    (
        "by9",
        "商品が届きましたが、箱が破損していました。交換できますか？",
        {"direction": "buyer_to_seller", "language": "ja"},
        ("needs_response", None),
    ),
    (
        "by10",
        "Grazie, tutto ok!",
        {"direction": "buyer_to_seller", "language": "it"},
        ("no_response_needed", None),
    ),
    (
        "tri_t1",
        "Received the package today. Thank you!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t2",
        "Just wanted to say the lamp looks great in our living room.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t3",
        "Thanks, that answers my question.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t4",
        "Never mind, my husband already picked it up from the post office.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t5",
        "Hi, does this come with batteries?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t6",
        "The item I received is not the one in the picture.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t7",
        "I need the invoice for my company, VAT number DE123456789.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t8",
        "My order says delivered but I don't have it",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t9",
        "Thanks for the fast shipping! One question though: can I wash it at 60 degrees?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t10",
        "Please change the engraving to 'Love, Mum'.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t11",
        "Can I send you the money by Western Union instead?",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "tri_t12",
        "If you give me a 20% discount I'll pay you in cash when I pick it up, no Amazon needed.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "tri_t13",
        "You are the worst kind of crooks. I hope your shop burns down.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "abuse"),
    ),
    (
        "tri_t14",
        "Are you deaf? I've written three times, you useless idiots. Where is my refund?",
        {"direction": "buyer_to_seller"},
        ("needs_response", "abuse"),
    ),
    (
        "tri_t15",
        "Boost your Amazon ranking today! We offer guaranteed page-one placement. Contact us on "
        "WhatsApp.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "tri_t16",
        "URGENT: your seller account has been flagged. Log in at http://selIer-central-verify.co "
        "to keep selling.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "tri_t17",
        "Alles angekommen, danke schön!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t18",
        "Die Lieferung ist unvollständig, es fehlt ein Bein vom Tisch.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t19",
        "Ihr Betrüger! Wo ist mein Geld?",
        {"direction": "buyer_to_seller"},
        ("needs_response", "abuse"),
    ),
    (
        "tri_t20",
        "Reçu aujourd'hui, merci !",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t21",
        "Bonjour, le colis est arrivé abîmé. Que faire ?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t22",
        "Je peux vous payer par virement directement, sans passer par Amazon ?",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "tri_t23",
        "¡Todo perfecto, muchas gracias!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t24",
        "Hola, ¿tienen este modelo en color negro?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t25",
        "Tutto arrivato, grazie mille!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t26",
        "Buongiorno, il prodotto non si accende. Come posso fare il reso?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t27",
        "ありがとうございました。無事に受け取りました。",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t28",
        "サイズを間違えて注文してしまいました。キャンセルできますか？",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri_t29",
        "Problem solved, the app just needed an update. Thanks anyway!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri_t30",
        "I'd like to return this, it doesn't fit.",
        {"direction": "buyer_to_seller", "fulfillment": "marketplace"},
        ("needs_response", None),
    ),
    (
        "b_de1",
        "Können wir das ohne Amazon machen? Ich überweise Ihnen das Geld direkt.",
        {"direction": "buyer_to_seller", "language": "de"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "b_fr1",
        "Bande d'incapables, rendez-moi mon argent !",
        {"direction": "buyer_to_seller", "language": "fr"},
        ("needs_response", "abuse"),
    ),
    (
        "b_es1",
        "¿Puedo pagarte por Bizum y cancelo el pedido en Amazon?",
        {"direction": "buyer_to_seller", "language": "es"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "b_it1",
        "Siete dei truffatori, vi denuncio!",
        {"direction": "buyer_to_seller", "language": "it"},
        ("no_response_needed", "abuse"),
    ),
    (
        "b_ja1",
        "アカウントが停止されます。今すぐこちらのリンクから本人確認をしてください。",
        {"direction": "buyer_to_seller", "language": "ja"},
        ("no_response_needed", "spam"),
    ),
    (
        "b_de2",
        "Hat sich erledigt, das Paket lag beim Nachbarn.",
        {"direction": "buyer_to_seller", "language": "de"},
        ("no_response_needed", None),
    ),
    (
        "b_fr2",
        "Laissez tomber, je l'ai retrouvé dans la boîte aux lettres.",
        {"direction": "buyer_to_seller", "language": "fr"},
        ("no_response_needed", None),
    ),
    (
        "b_es2",
        "Olvídalo, ya lo he encontrado. ¡Gracias!",
        {"direction": "buyer_to_seller", "language": "es"},
        ("no_response_needed", None),
    ),
    (
        "b_it2",
        "Lasci perdere, l'ho trovato dal vicino. Grazie!",
        {"direction": "buyer_to_seller", "language": "it"},
        ("no_response_needed", None),
    ),
    (
        "b_ja2",
        "お騒がせしました。荷物は隣の家に届いていました。",
        {"direction": "buyer_to_seller", "language": "ja"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u1",
        "Perfect, that's exactly what I needed to know.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u2",
        "Cool, thanks for letting me know!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u3",
        "It came today and it's gorgeous. Thank you so much!!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u4",
        "All good, the courier just dropped it off.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u5",
        "Ok, I'll wait for the replacement then.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u6",
        "Appreciate the quick reply!",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
    ),
    (
        "tri2_u7",
        "The strap snapped after two days of normal use.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u8",
        "How long does shipping to Canada usually take?",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u9",
        "I was charged twice for this order.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u10",
        "Please send the invoice to my company name, Brightwave Ltd.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u11",
        "Hi, I'd like to add a gift message to my order: 'Happy birthday, Sam!'",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u12",
        "The tracking hasn't moved in 5 days.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u13",
        "Thanks, but the part you sent is the wrong one again.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u14",
        "Can we settle this outside Amazon? I'll send you $50 by Zelle and you send me two more.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "off_platform_payment"),
    ),
    (
        "tri2_u15",
        "Hello, I'm a buyer from a sourcing agency. Send me your WhatsApp for wholesale prices.",
        {"direction": "buyer_to_seller"},
        ("needs_response", None),
    ),
    (
        "tri2_u16",
        "Your company is a joke and you are thieves. I'm reporting you to everyone I know.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "abuse"),
    ),
    (
        "tri2_u17",
        "Dear Seller, we can increase your sales by 300% with our Amazon SEO service. Reply for "
        "pricing.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "tri2_u18",
        "Important notice from Amazon Seller Support: click the link below to confirm your bank "
        "details or your payouts will be held.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", "spam"),
    ),
    (
        "tri2_u19",
        "Are you kidding me? This is the third broken one, you morons. Fix it now.",
        {"direction": "buyer_to_seller"},
        ("needs_response", "abuse"),
    ),
    (
        "tri2_u20",
        "Never mind about the size question - I measured and the medium is fine.",
        {"direction": "buyer_to_seller"},
        ("no_response_needed", None),
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


_CAPS_PIECES = st.sampled_from(
    [
        *(" ", ", ", "\t", "\n", "\xa0", "\x85", "-", "!"),
        *("AB", "C", "ÄÖ", "É", "×", "Þ", "ß", "Ž", "ŽĀ", "ab", "é", "日本", "OK", "NOW"),
    ]
)


@given(st.lists(_CAPS_PIECES, max_size=20).map("".join))
def test_the_capitals_shortcut_answers_as_the_regex_does(text: str) -> None:
    assert unprofessional._has_caps_pair(text) == (
        unprofessional._CAPS_PAIR.search(text) is not None
    )


@given(st.text(alphabet="か。．? ？¿でしょうますせんa \n", max_size=30))
def test_asks_question_shortcut_answers_as_the_regex_does(text: str) -> None:
    assert asks_question(text) == (sentences._QUESTION.search(text) is not None)
