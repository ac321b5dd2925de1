"""What to do instead of a blocked message: a rewrite without the offending sentences, where the
rest can stand, and the action or contact reason to use (policy.md §2, §3)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from gobetween.policy.rules import AnalyzedMessage
from gobetween.policy.sentences import layout, split_sentences
from gobetween.policy.verdict import Finding, Suggestion

# Categories that condemn the message as a whole: removing sentences cannot make it sendable.
_WHOLE_MESSAGE = frozenset(
    {
        "non_critical_proactive",
        "thank_you_only",
        "redundant_notification",
        "stock_or_delay_notice",
        "buyer_opted_out",
        "seller_to_seller",
        "daily_limit",
        "outside_window",
        "case_closed",
        "attachment_not_permitted",
        "length",
    }
)

_REDIRECT = {
    "en": "Because this order was fulfilled by {m}, {m} customer service handles returns, refunds, "
    "replacements and delivery problems. Please go to Your Orders or contact {m} customer service "
    "from the Help page; they will sort it out quickly.",
    "de": "Da diese Bestellung von {m} versandt wurde, kümmert sich der {m}-Kundenservice um "
    'Rücksendungen, Erstattungen, Ersatz und Lieferprobleme. Bitte gehen Sie zu "Meine '
    'Bestellungen" oder wenden Sie sich über die Hilfeseite an den {m}-Kundenservice.',
    "fr": "Cette commande ayant été expédiée par {m}, le service client {m} gère les retours, "
    'remboursements, remplacements et problèmes de livraison. Rendez-vous dans "Vos commandes" '
    "ou contactez le service client {m} depuis la page d'aide.",
    "es": "Como este pedido lo gestionó {m}, el servicio de atención al cliente de {m} se encarga "
    'de devoluciones, reembolsos, sustituciones y problemas de entrega. Entra en "Mis pedidos" o '
    "contacta con el servicio de atención al cliente de {m} desde la página de ayuda.",
    "it": "Poiché l'ordine è stato gestito da {m}, il servizio clienti {m} si occupa di resi, "
    'rimborsi, sostituzioni e problemi di consegna. Vada su "I miei ordini" o contatti il '
    "servizio clienti {m} dalla pagina di aiuto.",
    "ja": "ご注文の商品は{m}から発送されているため、返品・返金・交換・配送に関するお手続きは{m}"
    "カスタマーサービスが承っております。「注文履歴」からお手続きいただくか、ヘルプページより"
    "{m}カスタマーサービスへお問い合わせください。",
}


def redirect_template(language: str, marketplace: str) -> str:
    """The reply that sends the buyer to the marketplace's customer service, in `language`."""
    return _REDIRECT.get(language, _REDIRECT["en"]).format(m=marketplace)


def _advice(category: str, message: AnalyzedMessage) -> Suggestion | None:
    name = message.policy.marketplace_name
    limits = message.policy.limits
    if category in ("review_request", "review_incentive", "review_change_request"):
        return Suggestion(
            explanation=f"Use {name}'s own Request a Review action: a fixed, translated request "
            f"sent once "
            f"per order, {limits.review_request_min_days} to {limits.review_request_max_days} "
            f"days after "
            "delivery. Never offer anything for a review or ask to change one.",
            action="request_review",
        )
    if category == "stock_or_delay_notice":
        return Suggestion(
            explanation="If you cannot ship the order on time or at all, cancel it instead of "
            "messaging "
            "the buyer.",
            action="cancel_order",
        )
    if category == "fba_customer_service":
        return Suggestion(
            explanation=f"Send the buyer to {name} customer service with this template.",
            rewrite=redirect_template(message.language, name),
            action="customer_service_redirect",
        )
    if category in ("non_critical_proactive", "buyer_opted_out"):
        return Suggestion(
            explanation="Start a conversation only for a reason the order needs, and pick that "
            "contact "
            "reason: customization, delivery_scheduling, address_issue, unexpected_problem, "
            "invoice, "
            "legal_disclosure, warranty or digital_access_key. Otherwise wait for the buyer to "
            "write.",
        )
    if category == "redundant_notification":
        return Suggestion(explanation=f"Nothing to send: {name} notifies the buyer automatically.")
    if category == "thank_you_only":
        return Suggestion(
            explanation="Don't send a thank-you on its own; thank the buyer inside a message "
            "the order needs, or in your reply when they write."
        )
    if category == "proactive_customer_service":
        return Suggestion(
            explanation="Wait until the buyer asks; then a reply with the manual or tips is fine."
        )
    if category in ("contact_info", "off_platform"):
        return Suggestion(
            explanation="Keep the conversation here: ask the buyer to send files and questions "
            "through this messaging system and take payment only through the marketplace."
        )
    if category == "external_link":
        return Suggestion(
            explanation="Remove the link, or use an HTTPS link to a domain approved as essential "
            "to this order."
        )
    return None


def _rewrite(message: AnalyzedMessage, findings: Sequence[Finding]) -> str | None:
    text = message.text
    spans = [f.span for f in findings if f.severity == "block" and f.span is not None]
    if not spans:
        return None
    sentences = split_sentences(text)
    doomed = [s for s in sentences if any(s.start < end and start < s.end for start, end in spans)]
    if not doomed:
        return None
    frame = layout(text)
    body = [s for s in sentences if frame.body_start <= s.start < frame.body_end]
    if not [s for s in body if s not in doomed]:
        # Nothing of the body would be left: the message cannot stand without the offending part.
        return None
    pieces: list[str] = []
    position = 0
    for sentence in doomed:
        pieces.append(text[position : sentence.start])
        position = sentence.end
    pieces.append(text[position:])
    rewritten = "".join(pieces)
    rewritten = re.sub(r"[ \t]+\n", "\n", rewritten)
    rewritten = re.sub(r"\n{3,}", "\n\n", rewritten)
    rewritten = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", rewritten)
    return rewritten.strip()


def suggest(message: AnalyzedMessage, findings: Sequence[Finding]) -> tuple[Suggestion, ...]:
    """Suggestions for a seller message: the rewrite first (if any), then advice per category."""
    blocking = [f for f in findings if f.severity == "block"]
    if not blocking:
        return ()
    suggestions: list[Suggestion] = []
    categories = list(dict.fromkeys(f.category for f in blocking))
    if not _WHOLE_MESSAGE.intersection(categories):
        rewrite = _rewrite(message, blocking)
        if rewrite:
            suggestions.append(
                Suggestion(
                    explanation="The message without the sentences that break the policy.",
                    rewrite=rewrite,
                )
            )
    given: set[str] = set()
    for category in categories:
        advice = _advice(category, message)
        if advice is not None and advice.explanation not in given:
            given.add(advice.explanation)
            suggestions.append(advice)
    return tuple(suggestions)
