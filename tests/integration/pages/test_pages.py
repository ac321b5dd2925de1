"""The message center over real HTTP: sign-in, sessions, CSRF, roles, and each role's pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from page_server import Served, csrf_of, demo_email
from sqlalchemy import Engine, text


@pytest.fixture
def anonymous(served: Served) -> Iterator[httpx.Client]:
    """A client with no session."""
    with httpx.Client(base_url=served.base_url, follow_redirects=False, timeout=30) as client:
        yield client


def one(db: Engine, sql: str, **params: object) -> tuple[object, ...]:
    with db.connect() as connection:
        row = connection.execute(text(sql), params).first()
    assert row is not None, f"no row for {sql}"
    return tuple(row)


def blocked_thread(db: Engine) -> tuple[str, int, str]:
    """(seller id, thread id, order id) of a thread holding a blocked seller message."""
    seller_id, thread_id, order_id = one(
        db,
        "SELECT t.seller_id, t.id, t.order_id FROM messages m JOIN threads t ON t.id = m.thread_id"
        " WHERE m.disposition = 'blocked' ORDER BY t.id LIMIT 1",
    )
    return str(seller_id), int(str(thread_id)), str(order_id)


def test_sign_in_sets_a_secure_http_only_session_and_security_headers(
    served: Served, anonymous: httpx.Client
) -> None:
    client = anonymous
    form = client.get("/login")
    assert form.status_code == 200
    assert "default-src 'self'" in form.headers["content-security-policy"]
    client.cookies.set("gb_login_csrf", form.cookies["gb_login_csrf"])
    response = client.post(
        "/login",
        data={
            "email": demo_email("operator").upper(),
            "password": "gobetween-demo",
            "csrf_token": csrf_of(form.text),
            "next": "/operator/sellers",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/operator/sellers"
    cookie = next(v for k, v in response.headers.multi_items() if v.startswith("gb_session="))
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "samesite=lax" in cookie.lower()


def test_a_wrong_password_and_a_missing_form_token_are_refused(
    served: Served, anonymous: httpx.Client
) -> None:
    client = anonymous
    form = client.get("/login")
    client.cookies.set("gb_login_csrf", form.cookies["gb_login_csrf"])
    wrong = client.post(
        "/login",
        data={
            "email": demo_email("operator"),
            "password": "not-the-password",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert wrong.status_code == 401
    assert "do not match an account" in wrong.text
    assert "gb_session" not in wrong.cookies
    forged = httpx.post(
        served.base_url + "/login",
        data={"email": demo_email("operator"), "password": "gobetween-demo", "csrf_token": "x"},
    )
    assert forged.status_code == 403
    assert "gb_session" not in forged.cookies


def test_pages_need_a_session_and_open_redirects_are_refused(
    served: Served, anonymous: httpx.Client
) -> None:
    refused = httpx.get(served.base_url + "/seller/inbox?view=sent", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/login?next=/seller/inbox%3Fview%3Dsent"
    client = anonymous
    form = client.get("/login")
    client.cookies.set("gb_login_csrf", form.cookies["gb_login_csrf"])
    response = client.post(
        "/login",
        data={
            "email": demo_email("auditor"),
            "password": "gobetween-demo",
            "csrf_token": csrf_of(form.text),
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/auditor/threads"


def test_roles_see_only_their_own_pages_and_threads(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id, thread_id, _order = blocked_thread(db)
    other_seller = str(
        one(db, "SELECT id FROM sellers WHERE id <> :s ORDER BY id LIMIT 1", s=seller_id)[0]
    )
    owner = sign_in(demo_email("seller", seller_id))
    stranger = sign_in(demo_email("seller", other_seller))
    assert owner.get(f"/seller/threads/{thread_id}").status_code == 200
    foreign = stranger.get(f"/seller/threads/{thread_id}")
    assert foreign.status_code == 404
    assert "There is no such conversation." in foreign.text
    auditor = sign_in(demo_email("auditor"))
    assert auditor.get("/seller/inbox").status_code == 404
    assert auditor.get(f"/auditor/threads/{thread_id}").status_code == 200
    assert owner.get(f"/auditor/threads/{thread_id}").status_code == 404


def test_a_form_without_the_session_csrf_token_changes_nothing(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id = str(one(db, "SELECT id FROM sellers ORDER BY id LIMIT 1")[0])
    client = sign_in(demo_email("seller", seller_id))
    before = one(db, "SELECT opt_out_bounce_notices FROM sellers WHERE id = :s", s=seller_id)[0]
    refused = client.post("/seller/settings/notifications", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    after = one(db, "SELECT opt_out_bounce_notices FROM sellers WHERE id = :s", s=seller_id)[0]
    assert bool(after) == bool(before)


def test_sign_out_ends_the_session_on_the_server(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    client = sign_in(demo_email("operator"))
    page = client.get("/operator/reports")
    assert page.status_code == 200
    token = client.cookies["gb_session"]
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    with httpx.Client(base_url=served.base_url, follow_redirects=False) as replay:
        replay.cookies.set("gb_session", token)
        assert replay.get("/operator/reports").status_code == 303


def test_seller_inbox_filters_and_finds_a_thread_by_alias(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id, thread_id, order_id = blocked_thread(db)
    client = sign_in(demo_email("seller", seller_id))
    blocked = client.get("/seller/inbox?view=blocked")
    assert blocked.status_code == 200
    assert f"/seller/threads/{thread_id}" in blocked.text
    assert blocked.text.count('badge--bad">Blocked') >= 1
    assert 'badge--ok">Sent' not in blocked.text
    local_part = one(
        db,
        "SELECT a.local_part FROM aliases a JOIN threads t ON t.buyer_id = a.buyer_id"
        " AND t.seller_id = a.seller_id WHERE t.id = :t AND a.side = 'buyer'",
        t=thread_id,
    )[0]
    pasted = f'"Buyer" <{str(local_part).upper()}@relay.gobetween.localhost>'
    found = client.get("/seller/inbox", params={"q": pasted})
    assert f"/seller/threads/{thread_id}" in found.text
    assert f"Order {order_id}" in found.text
    garbage = client.get("/seller/inbox", params={"q": "not-an-order"})
    assert "Enter an order id like" in garbage.text


def awaiting_thread(db: Engine) -> tuple[str, int, str]:
    """(seller id, thread id, order id) of a thread whose last delivered message is the buyer's."""
    seller_id, thread_id, order_id = one(
        db,
        "SELECT t.seller_id, t.id, t.order_id FROM threads t JOIN messages m ON m.thread_id = t.id"
        " WHERE m.direction = 'buyer_to_seller' AND m.seq = (SELECT max(x.seq) FROM messages x"
        " WHERE x.thread_id = t.id AND x.disposition <> 'blocked') ORDER BY t.id LIMIT 1",
    )
    return str(seller_id), int(str(thread_id)), str(order_id)


def test_live_check_highlights_the_offending_words_and_offers_a_fix(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id, thread_id, order_id = awaiting_thread(db)
    client = sign_in(demo_email("seller", seller_id))
    page = client.get(f"/seller/threads/{thread_id}")
    token = csrf_of(page.text)
    bad = client.post(
        f"/seller/orders/{order_id}/check",
        data={
            "csrf_token": token,
            "mode": "reply",
            "reason": "other",
            "subject": "Thanks",
            "text": "Please leave us a 5-star review and write to me at shop@example.com",
        },
    )
    assert bad.status_code == 200
    assert 'data-verdict="block"' in bad.text
    marked = re.findall(r'<mark class="hit" data-finding="\d+">([^<]+)<sup>', bad.text)
    assert any("review" in m.lower() for m in marked)
    assert any("shop@example.com" in m for m in marked)
    good = client.post(
        f"/seller/orders/{order_id}/check",
        data={
            "csrf_token": token,
            "mode": "reply",
            "reason": "other",
            "subject": "Your parcel",
            "text": "Your parcel left our warehouse today and should arrive on Friday.",
        },
    )
    assert 'data-verdict="allow"' in good.text
    assert "<mark" not in good.text
    forged = client.post(f"/seller/orders/{order_id}/check", data={"text": "hello"})
    assert forged.status_code == 403


def test_auditor_exports_the_thread_as_one_self_checking_evidence_file(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    _seller, thread_id, order_id = blocked_thread(db)
    auditor = sign_in(demo_email("auditor"))
    verified = auditor.get(f"/auditor/threads/{thread_id}?verify=1")
    assert "Chain intact" in verified.text
    export = auditor.get(f"/auditor/threads/{thread_id}/evidence.json")
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    evidence = json.loads(export.text)
    assert evidence["format"] == "gobetween-evidence/1"
    assert evidence["order"]["id"] == order_id
    count = one(db, "SELECT message_count FROM threads WHERE id = :t", t=thread_id)[0]
    assert len(evidence["messages"]) == count
    assert evidence["chain"]["verified"] is True
    assert evidence["chain"]["messages_checked"] == count
    hashes = [m["hash"] for m in evidence["messages"]]
    assert [m["prev_hash"] for m in evidence["messages"][1:]] == hashes[:-1]
    assert evidence["chain"]["head_hash"] == hashes[-1]
    blocked = [m for m in evidence["messages"] if m["disposition"] == "blocked"]
    assert blocked
    assert all(m["findings"] for m in blocked)


def test_every_page_of_every_role_renders(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id, thread_id, order_id = blocked_thread(db)
    buyer_id = str(one(db, "SELECT buyer_id FROM threads WHERE id = :t", t=thread_id)[0])
    pages = {
        demo_email("seller", seller_id): [
            "/seller/inbox",
            "/seller/inbox?view=sent",
            "/seller/inbox?view=blocked",
            "/seller/inbox?view=all",
            f"/seller/threads/{thread_id}",
            f"/seller/orders/{order_id}/contact",
            "/seller/health",
            "/seller/settings",
        ],
        demo_email("operator"): [
            "/operator/reports",
            "/operator/reports?status=handled",
            "/operator/sellers",
            "/operator/policy",
            f"/auditor/threads/{thread_id}",
        ],
        demo_email("auditor"): ["/auditor/threads", f"/auditor/threads/{thread_id}"],
    }
    has_account = one(db, "SELECT count(*) FROM web_accounts WHERE buyer_id = :b", b=buyer_id)[0]
    if has_account:
        pages[demo_email("buyer", buyer_id)] = [
            "/buyer/orders",
            f"/buyer/orders/{order_id}",
            "/buyer/settings",
        ]
    for email, paths in pages.items():
        client = sign_in(email)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path, response.text[:500])
            assert "<main" in response.text


def test_health_page_draws_the_trend_as_svg_with_a_text_alternative(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id, _thread, _order = blocked_thread(db)
    client = sign_in(demo_email("seller", seller_id))
    page = client.get("/seller/health")
    assert '<svg class="chart"' in page.text
    assert 'role="img"' in page.text
    assert '<desc id="trend-desc">' in page.text
    for days in (7, 30, 90):
        assert f"Last {days} days" in page.text
    assert "sent today" in page.text
