"""Hand-labelled contact-information cases for bench/policy_speed.py (written for the bench).

Each case: the text, the marketplace region its national phone formats are read in, and the kinds
of contact information it contains ("email", "phone", "url"). An e-mail address is only "email"
(policy.md §7), never also "url". Traps contain none.
"""

from __future__ import annotations

Case = tuple[str, str, frozenset[str]]

E = frozenset({"email"})
P = frozenset({"phone"})
U = frozenset({"url"})
NONE: frozenset[str] = frozenset()

CASES: list[Case] = [
    # Plain e-mail addresses.
    ("Questions? Write to support.team@brightlamp.co.uk any time.", "GB", E),
    ("Kind regards\nJulia\njulia.hartmann@web.de", "DE", E),
    ("Please send the file to orders+proofs@papiermond.fr.", "FR", E),
    ("Mi correo es tienda.sol@gmail.com, escríbeme.", "ES", E),
    ("info@ceramiche-rossi.it per i preventivi", "IT", E),
    ("ご質問は shop-info@kominka.jp までどうぞ", "JP", E),
    # Obfuscated e-mail addresses.
    ("Mail me at peter dot brandt at gmail dot com for the photos.", "US", E),
    ("kontakt [at] holzwerk-berg [dot] de", "DE", E),
    ("écrivez-moi : marie arobase atelier-bleu point fr", "FR", E),
    ("mándame un correo a lucia arroba hotmail punto com", "ES", E),
    ("scrivimi a marco chiocciola libero punto it", "IT", E),
    ("メールは tanaka アット yahoo ドット co ドット jp へ", "JP", E),
    ("Contact: ｓａｌｅｓ＠ｍｙｓｈｏｐ．ｃｏｍ", "US", E),
    ("write to sаles@bооkshelf.net", "US", E),  # Cyrillic а, о
    # Phone numbers, national and international.
    ("Give us a ring on 415-555-0132 after 5.", "US", P),
    ("Our workshop: (646) 555-0199", "US", P),
    ("Call +44 20 7946 0958 for the warranty desk.", "GB", P),
    ("Rufen Sie mich an: 0170 5551234", "DE", P),
    ("Tel. 089 55512345", "DE", P),
    ("Appelez-nous au 01 45 55 12 34.", "FR", P),
    ("Llámanos al 655 555 123, por favor.", "ES", P),
    ("Scrivimi su WhatsApp: 333 555 4321", "IT", P),
    ("お電話は 03-5555-1234 まで", "JP", P),
    ("WhatsApp +49 151 55512345", "DE", P),
    ("txt me 2065550143", "US", P),
    # Spelled and spaced numbers.
    ("call me on four one five, five five five, zero one three two", "US", P),
    ("meine Nummer: null eins sieben null fünf fünf fünf eins zwei drei vier", "DE", P),
    ("appelez le zéro six douze", "FR", NONE),  # "douze" is not a digit word: not a number
    ("mi número es seis cinco cinco cinco cinco cinco uno dos tres", "ES", P),
    ("4 1 5 5 5 5 0 1 3 2 is my cell", "US", P),
    # URLs and domains.
    ("Full guide: https://www.gartenwelt-shop.de/anleitung", "DE", U),
    ("see http://bit.ly/3xYzAbc", "US", U),
    ("Visit www.lampenhaus.fr for more.", "FR", U),
    ("Our catalogue is at tienda-luna.es/catalogo", "ES", U),
    ("Photos on myshop.store today", "US", U),
    ("Scarica da goo.gl/abc123", "IT", U),
    ("詳細は https://example-shop.jp/faq をご覧ください", "JP", U),
    # Obfuscated URLs.
    ("go to brightlamp dot com slash sale", "US", U),
    ("besuchen Sie gartenwelt punkt de", "DE", U),
    ("rendez-vous sur lampenhaus point fr", "FR", U),
    ("visita tienda-luna punto es", "ES", U),
    ("trovi tutto su ceramiche-rossi punto it", "IT", U),
    ("shop[.]example[.]com/deals", "US", U),
    ("h t t p s : / / brightlamp . com", "US", U),
    ("www . lampenhaus . fr", "FR", U),
    # Mixed.
    ("Email anna@kellerstudio.com or call 312-555-0175.", "US", E | P),
    ("See kellerstudio.com or email anna@kellerstudio.com", "US", E | U),
    # Traps: nothing to find.
    ("Your order 114-3941689-8772232 has shipped.", "US", NONE),
    ("Bestellung 028-7719034-5562310 ist unterwegs.", "DE", NONE),
    ("SKU 415-882-3390 fits the KX-300.", "US", NONE),
    ("Tracking number 9400 1118 9956 4432 1078 22", "US", NONE),
    ("Numéro de suivi : 6A 1234 5678 9012", "FR", NONE),
    ("IBAN DE89 3704 0044 0532 0130 00", "DE", NONE),
    ("VAT number GB 123 4567 89", "GB", NONE),
    ("EAN 4006381333931", "DE", NONE),
    ("ISBN 978-3-16-148410-0", "US", NONE),
    ("Total: 1.234,56 € inkl. MwSt.", "DE", NONE),
    ("Total $3,418.60 for 20 chairs", "US", NONE),
    ("Delivered on 06.21.2025 to ZIP 30309-1554", "US", NONE),
    ("Size 180 x 200 cm, 42 kg", "DE", NONE),
    ("Case ID 2125550123 is open", "US", NONE),
    ("Thanks.Best regards, Tom", "US", NONE),
    ("Hello.How was the delivery?", "US", NONE),
    ("I sent it.It arrived Monday.", "US", NONE),
    ("Merci.Je vous écris demain.", "FR", NONE),
    ("du point de vue du client", "FR", NONE),
    ("el punto de entrega es la tienda", "ES", NONE),
    ("a blue polka dot scarf", "US", NONE),
    ("I attached backup.zip and notes.txt", "US", NONE),
    ("Follow us @lampenhaus.fr on Instagram", "FR", NONE),
    ("at some point in the week", "US", NONE),
    ("fits 2015-2020 models, v2.3 firmware, 3.5mm jack", "US", NONE),
]

# Written after the detectors were tuned and never used to change them: an honest sample.
HELD_OUT: list[Case] = [
    ("For the bulk quote ping orders-desk@tallowandwick.com before Friday.", "US", E),
    ("Meine Mail: sabine punkt vogt at gmx punkt de", "DE", E),
    ("Reach our studio on +33 6 12 34 56 78 (WhatsApp too).", "FR", P),
    ("Il numero del laboratorio è 02 5555 1234.", "IT", P),
    ("Pedidos grandes: 910 555 321", "ES", P),
    ("Call five one two, four four four, nine eight seven six", "US", P),
    ("Our lookbook lives at lookbook.tallowandwick.com/fall", "US", U),
    ("schau mal auf holzliebe(punkt)de vorbei", "DE", U),
    ("Photos: imgur dot com slash a slash x7Qp", "US", U),
    ("ご不明点は support＠kurashi-denki.jp へ", "JP", E),
    ("Invoice INV-2025-0091, PO 4500012345, net 30 days.", "US", NONE),
    ("Lieferung KW 42, Paket 1 von 2, Gewicht 31,5 kg.", "DE", NONE),
    ("The model no. is 5550123 and the batch 20250712.", "US", NONE),
    ("Read it.Then tell me.", "US", NONE),
    ("Le point fort de ce modèle est sa robustesse.", "FR", NONE),
    ("Dimensioni 120 x 60 x 75 cm, peso 28 kg.", "IT", NONE),
]

# The dev-set messages (`../shared/data/policy-dev.jsonl`) whose labels involve contact
# information: the categories `contact_info` and `external_link`, and the contact-adjacent
# `off_platform` (seller) and `off_platform_payment` (buyer report). The labels name categories,
# not what the text holds, so each message's kinds were read off its text by hand: a request for
# the buyer's address or phone (`contact_info` in d0020, d0187), an IBAN, a LINE or Instagram
# handle (`@lunasilver.studio`) or a PayPal mention holds none.
DEV_CONTACT_LABELS = frozenset({"contact_info", "external_link", "off_platform"})
DEV_CONTACT_REPORTS = frozenset({"off_platform_payment"})
DEV_CONTACT_KINDS: dict[str, frozenset[str]] = {
    "d0001": NONE,  # IBAN for a bank transfer
    "d0011": U,  # bit.ly/lp200-manual
    "d0013": NONE,  # buyer: "Send me your PayPal email."
    "d0020": NONE,  # asks for the buyer's e-mail address
    "d0028": E,  # atelier.gravure(at)orange.fr
    "d0045": NONE,  # PayPal Friends & Family
    "d0046": P,  # 503-555-0148
    "d0054": NONE,  # LINE id ＠ｋｏｍｏｒｅｂｉ＿ｓｈｏｐ
    "d0055": NONE,  # "continue over regular email"
    "d0058": U,  # www . printpals . com / upload
    "d0066": U,  # www.maison-lin-coton.fr/guide-tailles
    "d0071": U,  # https://edgelinecutlery.com/newsletter
    "d0073": E,  # design.lunasilver@gmail.com
    "d0083": U,  # vintagevinylhub dot com slash grading
    "d0088": U,  # http://proofs.engravecraft.com/p/3JX9QA
    "d0089": P,  # 030 5558 4127
    "d0091": P | U,  # 1-877-555-0117, www.airchef-support.com/claims
    "d0095": E,  # sаles@tоnerdepot.net (Cyrillic а, о)
    "d0097": P,  # 347 555 1289
    "d0114": NONE,  # buyer: "give me your bank details"
    "d0121": P,  # 1-866-555-0123
    "d0124": U,  # lunathreads[.]com/sizes
    "d0138": E,  # anna dot keller at gmail dot com
    "d0166": U,  # tracking pixel https://t.mailtrk.io/o/5521.gif
    "d0167": P,  # Bizum al 612 555 043
    "d0171": U,  # two https links
    "d0178": U,  # https://proofs.engravecraft.com.proofview-secure.net/approve?id=77120
    "d0185": E,  # mike.ridgeway.parts@gmail.com
    "d0187": NONE,  # asks for the buyer's phone number
    "d0193": U,  # www.oakpinefurniture.com/assembly/wardrobe-2d
    "d0194": P,  # Whats\u200bApp at +1 213 555 0176
    "d0197": P,  # three one two, eight eight four, zero one nine eight
    "d0198": NONE,  # Instagram @lunasilver.studio
    "d0199": NONE,  # Instagram @oakandpine.co
    "d0202": NONE,  # buyer: "Schicken Sie mir einfach Ihre IBAN."
    "d0207": NONE,  # buyer: pay cash
    "d0210": NONE,  # buyer: PostePay, bonifico
    "d0215": NONE,  # buyer: Venmo @jordan-k22
    "d0249": U,  # bit.ly/libreria-kallo
    "d0257": U,  # https://mailer.birchbevel.com/u/8812
}
