"""Buyer-message triage (policy.md §5): does it need a response, should it be reported, and on
marketplace-fulfilled orders the customer-service redirect template for the seller's reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gobetween.policy.phrases import Match, read_in_every_language
from gobetween.policy.rules import AnalyzedMessage
from gobetween.policy.sentences import new_text_end
from gobetween.policy.suggestions import redirect_template
from gobetween.policy.verdict import ReportReason, Suggestion, Triage

_QUESTION_MARKS = ("?", "？", "¿")
# The lexicon's rule groups triage reads; a seller message's scan leaves their phrases out.
TRIAGE_GROUPS = frozenset(
    {
        "buyer_spam",
        "buyer_off_platform_payment",
        "buyer_abuse",
        "buyer_request",
        "buyer_problem",
        "buyer_resolved",
        "buyer_ack",
        "buyer_fulfilment_topic",
    }
)
# An acknowledgement is short; a long buyer message almost always carries something to answer,
# unless it acknowledges all along (`_acknowledges`).
_ACK_MAX_CHARS = 220
_LETTER_ACKS = 3
# "Nessun problema", "no problem", "kein Problem": a problem word inside one of these set
# phrases reports none, whatever the language the problem word was matched in.
read_in_every_language("not_negation")


@dataclass(frozen=True, slots=True)
class TriageOutcome:
    """The triage of one buyer message."""

    triage: Triage
    report: ReportReason | None
    suggestions: tuple[Suggestion, ...]


class _NewText:
    """The buyer's own words: a message with the seller's quoted below it ("> …" lines, or a
    mail client's "-----Original Message-----") is triaged on what comes before the quote
    (`sentences.new_text_end`), so the seller's words neither ask nor lengthen it."""

    __slots__ = ("matches", "matches_end", "scan", "text")

    def __init__(self, message: AnalyzedMessage) -> None:
        self.scan = scan = message.phrases
        end = new_text_end(message.text)
        self.text = message.text[:end]
        if end == len(message.text):
            # Nothing quoted (nearly every message): the scan's own matches, no filter.
            self.matches: Callable[[str], list[Match]] = scan.matches
        else:
            # The same cut on the normalised text the phrase matches index.
            self.matches_end = new_text_end(scan.text)
            self.matches = self._matches_before_the_quote

    def _matches_before_the_quote(self, group: str) -> list[Match]:
        return [match for match in self.scan.matches(group) if match.start < self.matches_end]


def _report(new: _NewText) -> ReportReason | None:
    # Spam first: phishing and review-selling spam often also name a payment or chat channel.
    if new.matches("buyer_spam"):
        return "spam"
    if new.matches("buyer_off_platform_payment"):
        return "off_platform_payment"
    if new.matches("buyer_abuse"):
        return "abuse"
    return None


def _acknowledges(new: _NewText) -> bool:
    """Thanks or an acknowledgement, and short; a longer message only when it acknowledges all
    along, `_LETTER_ACKS` times at least and once per `_ACK_MAX_CHARS` characters (a thank-you
    letter: "merci … arrivé en parfait état … merci aussi … tout était parfait"): a long
    message with a "thanks" or two in it usually carries something to answer."""
    acks = len(new.matches("buyer_ack"))
    if len(new.text) <= _ACK_MAX_CHARS:
        return acks > 0
    return acks >= _LETTER_ACKS and len(new.text) <= acks * _ACK_MAX_CHARS


def _has_question_mark(new: _NewText) -> bool:
    return any(mark in new.text for mark in _QUESTION_MARKS)


def _asks_something(new: _NewText) -> bool:
    return _has_question_mark(new) or bool(new.matches("buyer_request")) or bool(_problems(new))


def _problems(new: _NewText) -> list[Match]:
    """The problem words that are not part of a "no problem" set phrase."""
    problems = new.matches("buyer_problem")
    if not problems:
        return []
    idioms = new.scan.of_class("not_negation")
    return [
        problem
        for problem in problems
        if not any(idiom.start <= problem.start and problem.end <= idiom.end for idiom in idioms)
    ]


def _resolved(new: _NewText) -> bool:
    """The buyer says the matter is settled ("ya me ha llegado el reembolso"), asks nothing, and
    names no problem after a "but" that follows ("die Erstattung ist angekommen, aber es fehlen
    10 Euro" still needs an answer). A problem named before the news is the one it settles ("the
    lamp was broken, but it's solved now")."""
    resolved = new.matches("buyer_resolved")
    if not resolved or _has_question_mark(new):
        return False
    settled = resolved[0].start
    contrasts = [hit.start for hit in new.scan.of_class("contrast") if hit.start > settled]
    if not contrasts:
        return True
    turn = min(contrasts)
    return not any(problem.start > turn for problem in _problems(new))


def triage(message: AnalyzedMessage) -> TriageOutcome:
    """Triage a buyer message; suggestions are offered to the seller, never applied silently."""
    new = _NewText(message)
    report = _report(new)
    asks = _asks_something(new)
    needs: bool
    if report == "spam":
        # policy.md §7: spam never needs a response.
        needs = False
    elif report is not None:
        # policy.md §7: abuse or a payment demand with a question or demand needs a response.
        needs = asks
    elif _resolved(new) or (not asks and _acknowledges(new)):
        needs = False
    else:
        needs = True
    suggestions: list[Suggestion] = []
    if report is not None:
        suggestions.append(
            Suggestion(
                explanation=f"This message looks like {report.replace('_', ' ')}: you can report "
                f"it to the "
                "marketplace instead of answering.",
                action="report_message",
            )
        )
    if not needs:
        suggestions.append(
            Suggestion(
                explanation='Nothing to answer here: mark it "No response needed" so it does not '
                "count "
                "against your response time.",
                action="no_response_needed",
            )
        )
    elif message.context.fulfillment == "marketplace" and new.matches("buyer_fulfilment_topic"):
        name = message.policy.marketplace_name
        suggestions.append(
            Suggestion(
                explanation=f"The marketplace fulfilled this order, so {name} customer service "
                f"handles "
                "returns, refunds and delivery problems: reply with the redirect template.",
                rewrite=redirect_template(message.language, name),
                action="customer_service_redirect",
            )
        )
    return TriageOutcome(
        triage="needs_response" if needs else "no_response_needed",
        report=report,
        suggestions=tuple(suggestions),
    )
