"""A send's hand-written JSON is byte for byte what its documented `SendOut` model would write.

The verdicts come from the real policy checker, so findings with spans, subject findings (whose
`field` the model does not carry), suggestions with and without rewrites, and a buyer message's
triage and report reason are all covered.
"""

from __future__ import annotations

import pytest

from gobetween.entrypoints.http.api.schemas import SendOut, send_json, verdict_out
from gobetween.policy import MessageContext, Verdict, check
from gobetween.services.messaging import SendResult
from gobetween.services.sending import SendOutcome

SELLER = MessageContext(direction="seller_to_buyer", initiation="reply", contact_reason="other")
BUYER = MessageContext(direction="buyer_to_seller", initiation="reply")


def model_json(outcome: SendOutcome) -> bytes:
    """What the route answered before: the `SendOut` model, serialized by pydantic."""
    result = outcome.result
    model = SendOut(
        message_id=result.message_id,
        thread_id=result.thread_id,
        disposition=result.disposition,
        delivered=result.disposition == "delivered",
        subject=outcome.subject,
        text=outcome.text,
        verdict=verdict_out(result.verdict),
    )
    return model.model_dump_json().encode()


def outcome(verdict: Verdict, *, subject: str, text: str, disposition: str) -> SendOutcome:
    result = SendResult(
        message_id=2**40 + 7,
        thread_id=12,
        verdict=verdict,
        disposition=disposition,  # type: ignore[arg-type]
    )
    return SendOutcome(result, subject, text)


CASES = [
    ("allowed", SELLER, "Your order ships tomorrow – thank you! ✓", "Your order 1"),
    (
        "blocked with spans and rewrites",
        SELLER,
        "Call me at +1 415 555 0100 or write to anna@example.com, or see https://evil.example/x",
        'Ünïcode "quoted" subject',
    ),
    (
        "subject finding",
        SELLER,
        "Thanks for your order.",
        "Please leave us a 5-star review at https://shop.example/review",
    ),
    ("review request", SELLER, "Please leave a positive review and we refund you.", "Review"),
    (
        "a rewrite",
        SELLER,
        "Hi! Text me on WhatsApp: +1 415 555 0100. We can sort the refund there.",
        "Refund",
    ),
    ("buyer with triage", BUYER, "Where is my package? It is two weeks late!", "Order 1"),
    ("buyer with an address", BUYER, "My number is +44 20 7946 0958, call me", "Order 1"),
]


@pytest.mark.parametrize(("name", "context", "text", "subject"), CASES, ids=[c[0] for c in CASES])
def test_send_json_matches_the_model(
    name: str, context: MessageContext, text: str, subject: str
) -> None:
    verdict = check(text, context, subject=subject)
    disposition = "blocked" if verdict.blocked else "delivered"
    sent = outcome(verdict, subject=subject, text=text, disposition=disposition)
    assert send_json(sent) == model_json(sent)


def test_the_cases_cover_what_the_shape_can_hold() -> None:
    """Guards the cases above: each part of the shape appears in at least one of them."""
    verdicts = [check(text, context, subject=subject) for _, context, text, subject in CASES]
    assert any(v.blocked for v in verdicts)
    assert any(not v.blocked for v in verdicts)
    assert any(f.span is not None for v in verdicts for f in v.findings)
    assert any(f.field == "subject" for v in verdicts for f in v.findings)
    assert any(s.rewrite is not None for v in verdicts for s in v.suggestions)
    assert any(v.triage is not None for v in verdicts)
    assert any(v.triage is None for v in verdicts)
