"""The seller's contact page after an order's review request: the send shows why it was refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from page_server import csrf_of, demo_email
from sqlalchemy import Engine, text

from gobetween.adapters.db.spapi_tables import spapi_solicitations


def quiet_orders(db: Engine) -> list[tuple[str, str, str]]:
    """(order id, seller id, buyer id) of seller-fulfilled orders an invoice may go to, with no
    messages yet, of sellers that have a web sign-in."""
    with db.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT o.id, o.seller_id, o.buyer_id FROM orders o"
                " WHERE o.fulfillment = 'seller' AND o.status IN ('unshipped', 'shipped')"
                " AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.order_id = o.id)"
                " AND NOT EXISTS (SELECT 1 FROM spapi_solicitations s WHERE s.order_id = o.id)"
                " AND EXISTS (SELECT 1 FROM web_accounts w WHERE w.seller_id = o.seller_id)"
                " ORDER BY o.seller_id, o.id"
            )
        ).all()
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def contact(client: httpx.Client, order_id: str) -> httpx.Response:
    page = client.get(f"/seller/orders/{order_id}/contact")
    assert page.status_code == 200, page.text[:500]
    return client.post(
        f"/seller/orders/{order_id}/contact",
        data={
            "csrf_token": csrf_of(page.text),
            "reason": "invoice",
            "subject": "Your invoice",
            "text": "Your invoice for this order is ready in your account.",
        },
    )


def test_the_contact_send_shows_the_review_request_refusal(
    db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    orders = quiet_orders(db)
    order_id, seller_id, buyer_id = orders[0]
    other_order = next(o for o, s, _b in orders[1:] if s == seller_id)
    with db.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=order_id,
                seller_id=seller_id,
                buyer_id=buyer_id,
                language="en",
                subject="Review your order",
                body="How was it?",
                created_at=datetime.now(UTC),
            )
        )
    client = sign_in(demo_email("seller", seller_id))
    refused = contact(client, order_id)
    assert refused.status_code == 422, refused.text[:500]
    assert "A review was already requested for this order" in refused.text
    # The draft is kept for the seller to change, and nothing was stored.
    assert "Your invoice for this order is ready in your account." in refused.text
    with db.connect() as connection:
        threads = connection.execute(
            text(
                "SELECT count(*) FROM messages m JOIN threads t ON t.id = m.thread_id"
                " WHERE t.order_id = :o"
            ),
            {"o": order_id},
        ).scalar_one()
    assert threads == 0
    # The same message on the seller's order without a review request is sent.
    sent = contact(client, other_order)
    assert sent.status_code == 303, sent.text[:500]


def live_check(client: httpx.Client, order_id: str) -> httpx.Response:
    page = client.get(f"/seller/orders/{order_id}/contact")
    assert page.status_code == 200, page.text[:500]
    return client.post(
        f"/seller/orders/{order_id}/check",
        data={
            "csrf_token": csrf_of(page.text),
            "mode": "contact",
            "reason": "invoice",
            "subject": "Your invoice",
            "text": "Your invoice for this order is ready in your account.",
        },
    )


def test_the_live_check_shows_the_refusal_the_send_would_make(
    db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    orders = quiet_orders(db)
    order_id, seller_id, buyer_id = orders[0]
    other_order = next(o for o, s, _b in orders[1:] if s == seller_id)
    client = sign_in(demo_email("seller", seller_id))
    before = live_check(client, order_id)
    assert before.status_code == 200, before.text[:500]
    assert 'data-verdict="allow"' in before.text
    with db.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=order_id,
                seller_id=seller_id,
                buyer_id=buyer_id,
                language="en",
                subject="Review your order",
                body="How was it?",
                created_at=datetime.now(UTC),
            )
        )
    checked = live_check(client, order_id)
    assert checked.status_code == 200, checked.text[:500]
    assert 'data-verdict="refused"' in checked.text
    assert 'data-refusal="review_requested"' in checked.text
    assert "This message would not be sent." in checked.text
    assert "A review was already requested for this order" in checked.text
    # The send says the same.
    refused = contact(client, order_id)
    assert refused.status_code == 422
    assert "A review was already requested for this order" in refused.text
    # The seller's order without a review request is checked as before.
    assert 'data-verdict="allow"' in live_check(client, other_order).text
