# ruff: noqa: E501 - prose in six languages; wrapping it mid-sentence would only hurt reading.
"""The demo marketplace's conversations: scripted exchanges in each buyer language.

Each script is a few turns between the buyer and the seller of one order. Most are the ordinary
business of a marketplace (where is my parcel, an engraving text, a delivery day); some break the
policy on purpose (a review request, a WhatsApp number, a discount code) so the demo shows
blocked messages with real findings. Placeholders: {name} (how the buyer is addressed), {product},
{order_id}, {seller}, {domain} (the seller's web domain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["buyer", "seller"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a script: who writes, the seller's contact reason, the text per language."""

    role: Role
    texts: dict[str, str]
    reason: str = "other"


@dataclass(frozen=True, slots=True)
class Script:
    """A named exchange; `breaks_policy` marks scripts written to be blocked."""

    id: str
    turns: tuple[Turn, ...]
    breaks_policy: bool = False


SUBJECTS = {
    "en": "Order {order_id}",
    "de": "Bestellung {order_id}",
    "fr": "Commande {order_id}",
    "es": "Pedido {order_id}",
    "it": "Ordine {order_id}",
    "ja": "ご注文 {order_id} について",
}

WHERE_IS_MY_ORDER = Script(
    "where_is_my_order",
    (
        Turn(
            "buyer",
            {
                "en": "Hello, my order {order_id} has not arrived yet. Can you tell me when the "
                "{product} will be delivered?",
                "de": "Guten Tag, meine Bestellung {order_id} ist noch nicht angekommen. Wann wird "
                "der Artikel „{product}“ geliefert?",
                "fr": "Bonjour, ma commande {order_id} n'est pas encore arrivée. Pouvez-vous me dire "
                "quand l'article « {product} » sera livré ?",
                "es": "Hola, mi pedido {order_id} todavía no ha llegado. ¿Me pueden decir cuándo "
                "se entregará el artículo «{product}»?",
                "it": "Buongiorno, il mio ordine {order_id} non è ancora arrivato. Potete dirmi "
                "quando verrà consegnato l'articolo «{product}»?",
                "ja": "こんにちは。注文 {order_id} の商品「{product}」がまだ届いていません。"
                "いつ頃届くか教えていただけますか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, your parcel left our warehouse two days ago and the carrier "
                "expects to deliver it within the next two working days. Kind regards, {seller}",
                "de": "Hallo {name}, Ihr Paket hat unser Lager vor zwei Tagen verlassen. Der "
                "Zusteller rechnet mit der Lieferung in den nächsten zwei Werktagen. Viele Grüße, "
                "{seller}",
                "fr": "Bonjour {name}, votre colis a quitté notre entrepôt il y a deux jours et le "
                "transporteur prévoit de le livrer dans les deux prochains jours ouvrés. "
                "Cordialement, {seller}",
                "es": "Hola {name}: su paquete salió de nuestro almacén hace dos días y la empresa "
                "de transporte prevé entregarlo en los próximos dos días laborables. Saludos, "
                "{seller}",
                "it": "Gentile {name}, il pacco è partito dal nostro magazzino due giorni fa e il "
                "corriere prevede la consegna entro i prossimi due giorni lavorativi. Cordiali "
                "saluti, {seller}",
                "ja": "{name}様、お荷物は2日前に当店の倉庫から発送されました。配送業者によると、"
                "2営業日以内にお届けの予定です。{seller}",
            },
        ),
        Turn(
            "buyer",
            {
                "en": "Great, thank you!",
                "de": "Super, vielen Dank!",
                "fr": "Parfait, merci beaucoup !",
                "es": "¡Perfecto, muchas gracias!",
                "it": "Perfetto, grazie mille!",
                "ja": "承知しました。ありがとうございます。",
            },
        ),
    ),
)

ENGRAVING = Script(
    "engraving",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}, thank you for your order. Could you confirm the text you would "
                "like engraved on the {product}? It can be up to 20 characters.",
                "de": "Hallo {name}, danke für Ihre Bestellung. Könnten Sie uns den Text bestätigen, "
                "den wir auf „{product}“ gravieren sollen? Er darf bis zu 20 Zeichen lang sein.",
                "fr": "Bonjour {name}, merci pour votre commande. Pourriez-vous nous confirmer le "
                "texte à graver sur l'article « {product} » ? Il peut compter jusqu'à 20 "
                "caractères.",
                "es": "Hola {name}: gracias por su pedido. ¿Podría confirmarnos el texto que desea "
                "grabar en «{product}»? Puede tener hasta 20 caracteres.",
                "it": "Gentile {name}, grazie per l'ordine. Può confermarci il testo da incidere "
                "su «{product}»? Può contenere fino a 20 caratteri.",
                "ja": "{name}様、ご注文ありがとうございます。「{product}」に刻印する文字を"
                "ご確認いただけますか。20文字までご指定いただけます。",
            },
            reason="customization",
        ),
        Turn(
            "buyer",
            {
                "en": "Please engrave: Forever yours, M.",
                "de": "Bitte gravieren Sie: Für immer, M.",
                "fr": "Merci de graver : Pour toujours, M.",
                "es": "Por favor, graben: Para siempre, M.",
                "it": "Per favore incidete: Per sempre, M.",
                "ja": "「永遠に M」と刻印してください。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Thank you, {name}. We will engrave exactly that text.",
                "de": "Danke, {name}. Wir gravieren genau diesen Text.",
                "fr": "Merci, {name}. Nous graverons exactement ce texte.",
                "es": "Gracias, {name}. Grabaremos exactamente ese texto.",
                "it": "Grazie, {name}. Incideremo esattamente questo testo.",
                "ja": "{name}様、承知いたしました。ご指定の文字で刻印いたします。",
            },
            reason="customization",
        ),
    ),
)

DELIVERY_DAY = Script(
    "delivery_day",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}, your {product} is delivered by a two-person freight service, "
                "which needs to agree on a delivery day with you. Which weekday morning suits you "
                "next week?",
                "de": "Hallo {name}, Ihr Artikel „{product}“ wird von einer Spedition mit zwei "
                "Personen geliefert, die einen Liefertag mit Ihnen vereinbaren muss. Welcher "
                "Vormittag passt Ihnen nächste Woche?",
                "fr": "Bonjour {name}, votre article « {product} » est livré par un transporteur "
                "qui doit convenir avec vous d'un jour de livraison. Quelle matinée de la semaine "
                "prochaine vous convient ?",
                "es": "Hola {name}: su artículo «{product}» lo entrega una agencia de transporte "
                "que debe acordar con usted el día de entrega. ¿Qué mañana de la próxima semana "
                "le viene bien?",
                "it": "Gentile {name}, l'articolo «{product}» viene consegnato da un corriere "
                "specializzato che deve concordare con Lei il giorno di consegna. Quale mattina "
                "della prossima settimana Le va bene?",
                "ja": "{name}様、「{product}」は大型家具専門の配送業者がお届けするため、"
                "配達日を決めさせていただく必要がございます。来週のご都合のよい午前中を"
                "お知らせください。",
            },
            reason="delivery_scheduling",
        ),
        Turn(
            "buyer",
            {
                "en": "Tuesday morning works best for me.",
                "de": "Dienstagvormittag passt mir am besten.",
                "fr": "Le mardi matin me convient le mieux.",
                "es": "El martes por la mañana me viene mejor.",
                "it": "Martedì mattina per me è perfetto.",
                "ja": "火曜日の午前中でお願いします。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Thank you, {name}. The freight service will come on Tuesday morning.",
                "de": "Danke, {name}. Die Spedition kommt am Dienstagvormittag.",
                "fr": "Merci, {name}. Le transporteur passera mardi matin.",
                "es": "Gracias, {name}. La agencia pasará el martes por la mañana.",
                "it": "Grazie, {name}. Il corriere passerà martedì mattina.",
                "ja": "{name}様、承知いたしました。火曜日の午前中にお届けいたします。",
            },
            reason="delivery_scheduling",
        ),
    ),
)

ADDRESS = Script(
    "address",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}, the shipping address of order {order_id} seems to be missing "
                "the apartment number. Could you send us the complete address?",
                "de": "Hallo {name}, bei der Lieferadresse der Bestellung {order_id} scheint die "
                "Wohnungsnummer zu fehlen. Könnten Sie uns die vollständige Adresse schicken?",
                "fr": "Bonjour {name}, il semble manquer le numéro d'appartement dans l'adresse de "
                "livraison de la commande {order_id}. Pourriez-vous nous envoyer l'adresse "
                "complète ?",
                "es": "Hola {name}: parece que falta el número de piso en la dirección de envío "
                "del pedido {order_id}. ¿Podría enviarnos la dirección completa?",
                "it": "Gentile {name}, nell'indirizzo di spedizione dell'ordine {order_id} sembra "
                "mancare il numero dell'interno. Può inviarci l'indirizzo completo?",
                "ja": "{name}様、ご注文 {order_id} のお届け先住所に部屋番号が記載されていない"
                "ようです。正しいご住所をお知らせいただけますか。",
            },
            reason="address_issue",
        ),
        Turn(
            "buyer",
            {
                "en": "Sorry about that, it is apartment 4B on the second floor.",
                "de": "Entschuldigung, es ist Wohnung 4B im zweiten Stock.",
                "fr": "Désolé, c'est l'appartement 4B au deuxième étage.",
                "es": "Perdón, es el piso segundo, puerta B.",
                "it": "Mi scusi, è l'interno 4B al secondo piano.",
                "ja": "失礼しました。2階の4B号室です。",
            },
        ),
    ),
)

MARKETPLACE_RETURN = Script(
    "marketplace_return",
    (
        Turn(
            "buyer",
            {
                "en": "Hi, the {product} is not what I expected and I would like to return it. "
                "How do I do that?",
                "de": "Hallo, der Artikel „{product}“ entspricht nicht meinen Erwartungen. Wie kann "
                "ich ihn zurückgeben?",
                "fr": "Bonjour, l'article « {product} » ne correspond pas à mes attentes. Comment "
                "puis-je le retourner ?",
                "es": "Hola, el artículo «{product}» no es lo que esperaba. ¿Cómo puedo "
                "devolverlo?",
                "it": "Salve, l'articolo «{product}» non è come me lo aspettavo. Come posso "
                "restituirlo?",
                "ja": "「{product}」がイメージと違ったため返品したいのですが、どうすればよいですか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, this order was shipped by the marketplace, so its customer "
                "service handles returns. Please open Your Orders and choose Return items.",
                "de": "Hallo {name}, diese Bestellung wurde vom Marktplatz versandt, daher "
                "kümmert sich dessen Kundenservice um Rücksendungen. Bitte öffnen Sie „Meine "
                "Bestellungen“ und wählen Sie „Artikel zurücksenden“.",
                "fr": "Bonjour {name}, cette commande a été expédiée par la place de marché : "
                "c'est son service client qui gère les retours. Ouvrez « Vos commandes » et "
                "choisissez « Retourner des articles ».",
                "es": "Hola {name}: este pedido lo envió el marketplace, así que su servicio de "
                "atención al cliente gestiona las devoluciones. Abra «Mis pedidos» y elija "
                "«Devolver productos».",
                "it": "Gentile {name}, questo ordine è stato spedito dal marketplace, quindi i "
                "resi sono gestiti dal suo servizio clienti. Apra «I miei ordini» e scelga "
                "«Restituisci articoli».",
                "ja": "{name}様、このご注文はマーケットプレイスから発送されたため、返品は"
                "マーケットプレイスのカスタマーサービスが承ります。「注文履歴」から"
                "「返品」をお選びください。",
            },
        ),
    ),
)

ACTIVATION_KEY = Script(
    "activation_key",
    (
        Turn(
            "buyer",
            {
                "en": "I bought {product} but I cannot find the activation key anywhere.",
                "de": "Ich habe „{product}“ gekauft, finde aber den Aktivierungsschlüssel nicht.",
                "fr": "J'ai acheté « {product} » mais je ne trouve pas la clé d'activation.",
                "es": "Compré «{product}» pero no encuentro la clave de activación.",
                "it": "Ho acquistato «{product}» ma non trovo la chiave di attivazione.",
                "ja": "「{product}」を購入しましたが、アクティベーションキーが見つかりません。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, your activation key is KF7Q-M2XP-9RTA-44BD. Enter it when the "
                "program asks for it on first start.",
                "de": "Hallo {name}, Ihr Aktivierungsschlüssel lautet KF7Q-M2XP-9RTA-44BD. Geben "
                "Sie ihn beim ersten Programmstart ein.",
                "fr": "Bonjour {name}, votre clé d'activation est KF7Q-M2XP-9RTA-44BD. Saisissez-la "
                "au premier démarrage du programme.",
                "es": "Hola {name}: su clave de activación es KF7Q-M2XP-9RTA-44BD. Introdúzcala "
                "la primera vez que inicie el programa.",
                "it": "Gentile {name}, la chiave di attivazione è KF7Q-M2XP-9RTA-44BD. La inserisca "
                "al primo avvio del programma.",
                "ja": "{name}様、アクティベーションキーは KF7Q-M2XP-9RTA-44BD です。"
                "初回起動時に入力してください。",
            },
            reason="digital_access_key",
        ),
        Turn(
            "buyer",
            {
                "en": "It works now, thanks!",
                "de": "Funktioniert jetzt, danke!",
                "fr": "Ça marche maintenant, merci !",
                "es": "Ya funciona, ¡gracias!",
                "it": "Ora funziona, grazie!",
                "ja": "使えるようになりました。ありがとうございます。",
            },
        ),
    ),
)

WARRANTY = Script(
    "warranty",
    (
        Turn(
            "buyer",
            {
                "en": "The {product} stopped working after two months. What can I do?",
                "de": "Der Artikel „{product}“ funktioniert nach zwei Monaten nicht mehr. Was kann "
                "ich tun?",
                "fr": "L'article « {product} » ne fonctionne plus après deux mois. Que puis-je "
                "faire ?",
                "es": "El artículo «{product}» dejó de funcionar a los dos meses. ¿Qué puedo hacer?",
                "it": "L'articolo «{product}» ha smesso di funzionare dopo due mesi. Cosa posso "
                "fare?",
                "ja": "「{product}」が2か月で動かなくなりました。どうすればよいでしょうか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "We are sorry to hear that, {name}. The {product} has a two-year warranty. "
                "Please describe the fault briefly and we will arrange a replacement under the "
                "warranty.",
                "de": "Das tut uns leid, {name}. Der Artikel hat zwei Jahre Garantie. Bitte "
                "beschreiben Sie kurz den Fehler, dann veranlassen wir einen Ersatz im Rahmen der "
                "Garantie.",
                "fr": "Nous en sommes désolés, {name}. L'article est garanti deux ans. Décrivez-nous "
                "brièvement la panne et nous organiserons un remplacement sous garantie.",
                "es": "Lo sentimos, {name}. El artículo tiene dos años de garantía. Descríbanos "
                "brevemente la avería y organizaremos la sustitución en garantía.",
                "it": "Ci dispiace, {name}. L'articolo ha due anni di garanzia. Ci descriva "
                "brevemente il guasto e organizzeremo la sostituzione in garanzia.",
                "ja": "{name}様、ご迷惑をおかけして申し訳ございません。本商品には2年間の保証が"
                "ございます。不具合の内容をお知らせいただければ、保証による交換を手配いたします。",
            },
            reason="warranty",
        ),
    ),
)

PRODUCT_QUESTION = Script(
    "product_question",
    (
        Turn(
            "buyer",
            {
                "en": "Does the {product} come with instructions in English?",
                "de": "Liegt dem Artikel „{product}“ eine Anleitung auf Deutsch bei?",
                "fr": "L'article « {product} » est-il livré avec une notice en français ?",
                "es": "¿El artículo «{product}» incluye instrucciones en español?",
                "it": "L'articolo «{product}» include le istruzioni in italiano?",
                "ja": "「{product}」には日本語の説明書が付いていますか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, yes, printed instructions in English are in the box.",
                "de": "Hallo {name}, ja, eine gedruckte Anleitung auf Deutsch liegt bei.",
                "fr": "Bonjour {name}, oui, une notice imprimée en français est incluse.",
                "es": "Hola {name}: sí, se incluyen instrucciones impresas en español.",
                "it": "Gentile {name}, sì, nella confezione ci sono le istruzioni in italiano.",
                "ja": "{name}様、はい、日本語の説明書が同梱されております。",
            },
        ),
    ),
)

REVIEW_REQUEST = Script(
    "review_request",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}, we hope you enjoy your {product}! Please leave us a 5-star "
                "review on the product page, it helps our small shop a lot.",
                "de": "Hallo {name}, wir hoffen, Sie haben Freude an „{product}“! Bitte geben Sie "
                "uns eine 5-Sterne-Bewertung auf der Produktseite.",
                "fr": "Bonjour {name}, nous espérons que « {product} » vous plaît ! Merci de nous "
                "laisser un avis 5 étoiles sur la page du produit.",
                "es": "Hola {name}: ¡esperamos que disfrute de «{product}»! Por favor, déjenos una "
                "reseña de 5 estrellas en la página del producto.",
                "it": "Gentile {name}, speriamo che «{product}» Le piaccia! La preghiamo di "
                "lasciarci una recensione a 5 stelle sulla pagina del prodotto.",
                "ja": "{name}様、「{product}」はいかがでしょうか。ぜひ商品ページで星5つの"
                "レビューをお願いいたします。",
            },
        ),
    ),
    breaks_policy=True,
)

REVIEW_INCENTIVE = Script(
    "review_incentive",
    (
        Turn(
            "buyer",
            {
                "en": "Is the {product} dishwasher safe?",
                "de": "Ist der Artikel „{product}“ spülmaschinenfest?",
                "fr": "L'article « {product} » passe-t-il au lave-vaisselle ?",
                "es": "¿El artículo «{product}» se puede lavar en el lavavajillas?",
                "it": "L'articolo «{product}» si può lavare in lavastoviglie?",
                "ja": "「{product}」は食洗機で洗えますか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, please wash it by hand. And if you leave a positive review, "
                "we will refund 10% of the price!",
                "de": "Hallo {name}, bitte nur von Hand spülen. Und wenn Sie eine positive "
                "Bewertung schreiben, erstatten wir Ihnen 10 % des Preises!",
                "fr": "Bonjour {name}, lavez-le à la main. Et si vous laissez un avis positif, nous "
                "vous remboursons 10 % du prix !",
                "es": "Hola {name}: lávelo a mano. ¡Y si deja una reseña positiva, le devolvemos "
                "el 10 % del precio!",
                "it": "Gentile {name}, lo lavi a mano. E se lascia una recensione positiva, Le "
                "rimborsiamo il 10% del prezzo!",
                "ja": "{name}様、手洗いをお願いいたします。高評価のレビューを書いていただければ、"
                "代金の10%を返金いたします！",
            },
        ),
    ),
    breaks_policy=True,
)

CONTACT_OFF_PLATFORM = Script(
    "contact_off_platform",
    (
        Turn(
            "buyer",
            {
                "en": "One of the parts of my {product} is missing.",
                "de": "Bei meinem Artikel „{product}“ fehlt ein Teil.",
                "fr": "Il manque une pièce à mon article « {product} ».",
                "es": "Falta una pieza de mi artículo «{product}».",
                "it": "Manca un pezzo del mio articolo «{product}».",
                "ja": "「{product}」の部品が1つ足りません。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Sorry! Message me on WhatsApp at +1 415 555 0134 or email "
                "help@{domain} and we will sort it out faster.",
                "de": "Entschuldigung! Schreiben Sie mir auf WhatsApp unter +49 151 23456789 oder "
                "per E-Mail an help@{domain}, dann geht es schneller.",
                "fr": "Désolé ! Écrivez-moi sur WhatsApp au +33 6 12 34 56 78 ou par e-mail à "
                "help@{domain}, ce sera plus rapide.",
                "es": "¡Lo siento! Escríbame por WhatsApp al +34 612 345 678 o a help@{domain} y "
                "lo resolveremos antes.",
                "it": "Ci scusi! Mi scriva su WhatsApp al +39 312 345 6789 o a help@{domain}, "
                "faremo prima.",
                "ja": "申し訳ございません。LINE または help@{domain} までご連絡いただければ、"
                "早く対応できます。電話 090-1234-5678 でも大丈夫です。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, we are sorry a part is missing. We are sending the missing "
                "part today at no cost.",
                "de": "Hallo {name}, es tut uns leid, dass ein Teil fehlt. Wir schicken Ihnen das "
                "fehlende Teil heute kostenlos zu.",
                "fr": "Bonjour {name}, nous sommes désolés qu'il manque une pièce. Nous vous "
                "envoyons la pièce manquante aujourd'hui, sans frais.",
                "es": "Hola {name}: sentimos que falte una pieza. Hoy le enviamos la pieza que "
                "falta sin coste.",
                "it": "Gentile {name}, ci dispiace per il pezzo mancante. Glielo spediamo oggi "
                "senza costi.",
                "ja": "{name}様、部品が不足しており申し訳ございません。本日、不足分の部品を"
                "無料で発送いたします。",
            },
        ),
    ),
    breaks_policy=True,
)

MARKETING = Script(
    "marketing",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}! Our new autumn collection is out. Visit www.{domain} and get "
                "15% off with code AUTUMN15!",
                "de": "Hallo {name}! Unsere neue Herbstkollektion ist da. Besuchen Sie "
                "www.{domain} und sparen Sie 15 % mit dem Code HERBST15!",
                "fr": "Bonjour {name} ! Notre nouvelle collection d'automne est arrivée. Rendez-vous "
                "sur www.{domain} et profitez de 15 % de réduction avec le code AUTOMNE15 !",
                "es": "¡Hola {name}! Ya está aquí nuestra nueva colección de otoño. Visite "
                "www.{domain} y obtenga un 15 % de descuento con el código OTONO15.",
                "it": "Gentile {name}! È arrivata la nuova collezione autunnale. Visiti "
                "www.{domain} e ottenga il 15% di sconto con il codice AUTUNNO15!",
                "ja": "{name}様、秋の新作コレクションが登場しました！www.{domain} で"
                "クーポンコード AKI15 を使うと15%オフになります。",
            },
        ),
    ),
    breaks_policy=True,
)

THANK_YOU = Script(
    "thank_you",
    (
        Turn(
            "seller",
            {
                "en": "Thank you for your order, {name}!",
                "de": "Vielen Dank für Ihre Bestellung, {name}!",
                "fr": "Merci pour votre commande, {name} !",
                "es": "¡Gracias por su pedido, {name}!",
                "it": "Grazie per il Suo ordine, {name}!",
                "ja": "{name}様、ご注文ありがとうございました！",
            },
        ),
    ),
    breaks_policy=True,
)

FBA_REFUND_MYSELF = Script(
    "fba_refund_myself",
    (
        Turn(
            "buyer",
            {
                "en": "The {product} arrived damaged. Can I get a refund?",
                "de": "Der Artikel „{product}“ kam beschädigt an. Bekomme ich mein Geld zurück?",
                "fr": "L'article « {product} » est arrivé abîmé. Puis-je être remboursé ?",
                "es": "El artículo «{product}» llegó dañado. ¿Me pueden devolver el dinero?",
                "it": "L'articolo «{product}» è arrivato danneggiato. Posso avere un rimborso?",
                "ja": "「{product}」が破損して届きました。返金してもらえますか。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "No need to go through the marketplace. Just send it back to us and we will "
                "refund you directly.",
                "de": "Sie müssen nicht über den Marktplatz gehen. Schicken Sie es einfach an uns "
                "zurück, wir erstatten Ihnen den Betrag direkt.",
                "fr": "Inutile de passer par la place de marché. Renvoyez-le-nous et nous vous "
                "rembourserons directement.",
                "es": "No hace falta pasar por el marketplace. Envíenoslo y le devolvemos el "
                "dinero directamente.",
                "it": "Non serve passare dal marketplace. Ce lo rispedisca e La rimborsiamo "
                "direttamente noi.",
                "ja": "マーケットプレイスを通す必要はありません。当店に直接返送していただければ、"
                "当店から直接返金いたします。",
            },
        ),
        Turn(
            "seller",
            {
                "en": "Hello {name}, we are sorry the item arrived damaged. This order was shipped "
                "by the marketplace: please request the refund in Your Orders, where its customer "
                "service handles it.",
                "de": "Hallo {name}, es tut uns leid, dass der Artikel beschädigt ankam. Diese "
                "Bestellung wurde vom Marktplatz versandt: Bitte beantragen Sie die Erstattung "
                "unter „Meine Bestellungen“, dort kümmert sich der Kundenservice darum.",
                "fr": "Bonjour {name}, nous sommes désolés que l'article soit arrivé abîmé. Cette "
                "commande a été expédiée par la place de marché : demandez le remboursement dans "
                "« Vos commandes », son service client s'en occupe.",
                "es": "Hola {name}: sentimos que el artículo llegara dañado. Este pedido lo envió "
                "el marketplace: solicite el reembolso en «Mis pedidos» y su servicio de atención "
                "al cliente se encargará.",
                "it": "Gentile {name}, ci dispiace che l'articolo sia arrivato danneggiato. Questo "
                "ordine è stato spedito dal marketplace: richieda il rimborso in «I miei ordini», "
                "se ne occupa il suo servizio clienti.",
                "ja": "{name}様、商品が破損して届き申し訳ございません。このご注文は"
                "マーケットプレイスから発送されたため、「注文履歴」から返金をお申し込みください。"
                "マーケットプレイスのカスタマーサービスが対応いたします。",
            },
        ),
    ),
    breaks_policy=True,
)

OPTED_OUT_NOTICE = Script(
    "opted_out_notice",
    (
        Turn(
            "seller",
            {
                "en": "Hello {name}, your {product} comes with a two-year warranty. Please keep "
                "your order number {order_id} for any warranty claim.",
                "de": "Hallo {name}, Ihr Artikel „{product}“ hat zwei Jahre Garantie. Bitte "
                "bewahren Sie die Bestellnummer {order_id} für Garantiefälle auf.",
                "fr": "Bonjour {name}, votre article « {product} » est garanti deux ans. Conservez "
                "le numéro de commande {order_id} pour toute demande de garantie.",
                "es": "Hola {name}: su artículo «{product}» tiene dos años de garantía. Guarde el "
                "número de pedido {order_id} para cualquier reclamación.",
                "it": "Gentile {name}, l'articolo «{product}» ha due anni di garanzia. Conservi il "
                "numero d'ordine {order_id} per eventuali richieste in garanzia.",
                "ja": "{name}様、「{product}」には2年間の保証がございます。保証のご請求の際は"
                "注文番号 {order_id} をお控えください。",
            },
            reason="warranty",
        ),
    ),
)

SELLER_TO_SELLER = Script(
    "seller_to_seller",
    (
        Turn(
            "seller",
            {
                "en": "Hello, the shipping address of order {order_id} is missing the suite number. "
                "Could you confirm the complete address?",
            },
            reason="address_issue",
        ),
    ),
    breaks_policy=True,
)

# Scripts a generated order may get, by what suits the order (see demo_marketplace.py).
ORDINARY = (
    WHERE_IS_MY_ORDER,
    ENGRAVING,
    DELIVERY_DAY,
    ADDRESS,
    MARKETPLACE_RETURN,
    ACTIVATION_KEY,
    WARRANTY,
    PRODUCT_QUESTION,
)
POLICY_BREAKING = (
    REVIEW_REQUEST,
    REVIEW_INCENTIVE,
    CONTACT_OFF_PLATFORM,
    MARKETING,
    THANK_YOU,
    FBA_REFUND_MYSELF,
)
