"""The operator edits policy in the pages; a buyer reports a seller's message into the queue."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
from page_server import Served, csrf_of, demo_email
from sqlalchemy import Engine, text


def scalar(db: Engine, sql: str, **params: object) -> object:
    with db.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def stored_policy(db: Engine, seller_id: str) -> tuple[object, ...] | None:
    with db.connect() as connection:
        row = connection.execute(
            text(
                "SELECT profile, allowed_link_domains, daily_limit_base, daily_limit_multiplier"
                " FROM seller_policies WHERE seller_id = :s"
            ),
            {"s": seller_id},
        ).first()
    return None if row is None else tuple(row)


def seller_form(client: httpx.Client, seller_id: str) -> str:
    page = client.get("/operator/policy", params={"seller": seller_id})
    assert page.status_code == 200, page.text[:300]
    return page.text


def test_operator_sets_a_sellers_policy_and_a_wrong_field_is_named_and_nothing_written(
    db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    seller_id = str(scalar(db, "SELECT id FROM sellers ORDER BY id DESC LIMIT 1"))
    operator = sign_in(demo_email("operator"))
    page = seller_form(operator, seller_id)
    assert f"Settings of seller {seller_id}" in page
    token = csrf_of(page)

    saved = operator.post(
        "/operator/policy/seller",
        data={
            "csrf_token": token,
            "seller_id": seller_id,
            "profile": "amazon",
            "allowed_link_domains": "Portal.Shop.example\n\nhelp.shop.example\n",
            "daily_limit_base": "250",
            "daily_limit_multiplier": "",
        },
    )
    assert saved.status_code == 303
    stored = stored_policy(db, seller_id)
    assert stored is not None
    profile, domains, base, multiplier = stored
    assert profile == "amazon"
    domains_list = json.loads(domains) if isinstance(domains, str) else domains
    assert domains_list == ["portal.shop.example", "help.shop.example"]
    assert (base, multiplier) == (250, None)
    shown = seller_form(operator, seller_id)
    assert "portal.shop.example\nhelp.shop.example</textarea>" in shown
    assert 'value="250"' in shown

    # A bad domain among good fields: the domain field is named and marked, nothing changes.
    refused = operator.post(
        "/operator/policy/seller",
        data={
            "csrf_token": token,
            "seller_id": seller_id,
            "profile": "amazon",
            "allowed_link_domains": "fine.example\nnot a domain",
            "daily_limit_base": "999",
        },
    )
    assert refused.status_code == 422
    assert "Allowed link domains: must be a domain" in refused.text
    assert re.search(r'id="sp-allowed_link_domains"[^>]*aria-invalid="true"', refused.text)
    assert "not a domain</textarea>" in refused.text  # what was typed is kept
    assert stored_policy(db, seller_id) == stored

    for field, value, label in (
        ("daily_limit_base", "lots", "Daily limit base: must be a whole number"),
        ("daily_limit_multiplier", "0", "Daily limit multiplier: must be between 1 and"),
        ("profile", "no-such-profile", "Policy profile: unknown profile"),
    ):
        wrong = operator.post(
            "/operator/policy/seller",
            data={"csrf_token": token, "seller_id": seller_id, "profile": "amazon", field: value},
        )
        assert wrong.status_code == 422, field
        assert label in wrong.text, field
        assert stored_policy(db, seller_id) == stored

    unknown = operator.post(
        "/operator/policy/seller",
        data={"csrf_token": token, "seller_id": "no-such-seller", "profile": "amazon"},
    )
    assert unknown.status_code == 404
    assert "there is no seller &#39;no-such-seller&#39;" in unknown.text
    assert stored_policy(db, "no-such-seller") is None

    forged = operator.post(
        "/operator/policy/seller",
        data={"csrf_token": "forged", "seller_id": seller_id, "daily_limit_base": "1"},
    )
    assert forged.status_code == 403
    assert stored_policy(db, seller_id) == stored


def test_operator_writes_a_profile_in_toml_and_a_broken_one_is_refused_whole(
    db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    operator = sign_in(demo_email("operator"))
    token = csrf_of(operator.get("/operator/policy").text)
    definition = (
        'extends = "amazon"\n[limits]\ndaily_limit_base = 300\n[attachments]\nmax_files = 2\n'
    )
    saved = operator.post(
        "/operator/policy/profiles",
        data={"csrf_token": token, "name": "pages-test", "definition": definition},
    )
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/operator/policy?profile=pages-test")
    stored = scalar(db, "SELECT definition FROM policy_profiles WHERE name = 'pages-test'")
    stored_map = json.loads(stored) if isinstance(stored, str) else stored
    assert stored_map == {
        "name": "pages-test",
        "extends": "amazon",
        "limits": {"daily_limit_base": 300},
        "attachments": {"max_files": 2},
    }
    edit = operator.get("/operator/policy", params={"profile": "pages-test"})
    assert "&#34;daily_limit_base&#34;: 300" in edit.text
    # The new profile is offered for sellers at once.
    seller_id = str(scalar(db, "SELECT id FROM sellers ORDER BY id LIMIT 1"))
    assert '<option value="pages-test"' in seller_form(operator, seller_id)

    for name, body, named in (
        ("pages-test", "[limits]\ndaily_limit_base = -1\n", "profile.limits.daily_limit_base"),
        ("pages-test", "[limits\n", "not valid TOML"),
        ("pages-test", '{"limits": [1]}', "profile.limits: must be a table"),
        ("pages-test", 'extends = "nowhere"\n', "profile.extends: unknown profile"),
        ("Bad Name", 'extends = "amazon"\n', "Name: must be 1-64 of a-z"),
        ("amazon", 'extends = "amazon"\n', "Name: &#39;amazon&#39; is the built-in profile"),
    ):
        refused = operator.post(
            "/operator/policy/profiles",
            data={"csrf_token": token, "name": name, "definition": body},
        )
        assert refused.status_code == 422, (name, body)
        assert named in refused.text, (name, body, refused.text[-3000:])
        assert 'aria-invalid="true"' in refused.text
        again = scalar(db, "SELECT definition FROM policy_profiles WHERE name = 'pages-test'")
        assert again == stored  # nothing half-written


def test_a_buyer_reports_a_sellers_message_and_it_reaches_the_operators_queue(
    served: Served, db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    with db.connect() as connection:
        message_id, buyer_id, order_id = connection.execute(
            text(
                "SELECT m.id, t.buyer_id, t.order_id FROM messages m"
                " JOIN threads t ON t.id = m.thread_id"
                " JOIN web_accounts a ON a.buyer_id = t.buyer_id"
                " WHERE m.direction = 'seller_to_buyer' AND m.disposition = 'delivered'"
                " AND NOT EXISTS (SELECT 1 FROM message_reports r WHERE r.message_id = m.id)"
                " ORDER BY m.id LIMIT 1"
            )
        ).one()
    buyer = sign_in(demo_email("buyer", str(buyer_id)))
    page = buyer.get(f"/buyer/orders/{order_id}")
    assert f'action="/buyer/messages/{message_id}/report"' in page.text
    token = csrf_of(page.text)

    wrong = buyer.post(
        f"/buyer/messages/{message_id}/report", data={"csrf_token": token, "reason": "meh"}
    )
    assert wrong.status_code == 422
    assert "The report was not sent: reason: must be one of" in wrong.text
    assert (
        scalar(db, "SELECT count(*) FROM message_reports WHERE message_id = :m", m=message_id) == 0
    )

    sent = buyer.post(
        f"/buyer/messages/{message_id}/report",
        data={"csrf_token": token, "reason": "off_platform_payment", "note": "Asked for PayPal"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"/buyer/orders/{order_id}?notice=Reported")
    after = buyer.get(f"/buyer/orders/{order_id}")
    assert "Reported to the marketplace" in after.text
    assert f'action="/buyer/messages/{message_id}/report"' not in after.text

    operator = sign_in(demo_email("operator"))
    queue = operator.get("/operator/reports").text
    assert "Off platform payment" in queue
    assert f"by buyer {buyer_id}" in queue
    assert "Asked for PayPal" in queue

    # A buyer cannot report their own message, nor one of another buyer's orders.
    own = scalar(
        db,
        "SELECT m.id FROM messages m JOIN threads t ON t.id = m.thread_id"
        " WHERE t.buyer_id = :b AND m.direction = 'buyer_to_seller' ORDER BY m.id LIMIT 1",
        b=buyer_id,
    )
    if own is not None:
        refused = buyer.post(
            f"/buyer/messages/{own}/report", data={"csrf_token": token, "reason": "spam"}
        )
        assert refused.status_code == 422
        assert "only a message written to you can be reported" in refused.text
    foreign = scalar(
        db,
        "SELECT m.id FROM messages m JOIN threads t ON t.id = m.thread_id"
        " WHERE t.buyer_id <> :b AND m.direction = 'seller_to_buyer' ORDER BY m.id LIMIT 1",
        b=buyer_id,
    )
    assert (
        buyer.post(
            f"/buyer/messages/{foreign}/report", data={"csrf_token": token, "reason": "spam"}
        ).status_code
        == 404
    )
    # The seller's report route is the seller's alone.
    assert (
        buyer.post(
            f"/seller/messages/{message_id}/report", data={"csrf_token": token, "reason": "spam"}
        ).status_code
        == 404
    )


def test_the_sellers_overview_pages_by_name_says_how_old_its_figures_are(
    db: Engine, sign_in: Callable[[str], httpx.Client]
) -> None:
    with db.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sellers (id, display_name, business_name, customer_service_address,"
                " opt_out_bounce_notices, created_at, updated_at) VALUES (:id, :name, :business,"
                " :address, :notices, :now, :now)"
            ),
            [
                {
                    "id": f"zz-{n:02d}",
                    "name": f"Zz Paging {n:02d}",
                    "business": f"Zz Paging {n:02d} Ltd",
                    "address": f"cs@zz{n}.example",
                    "notices": True,
                    "now": "2026-01-01 00:00:00",
                }
                for n in range(60)
            ],
        )
    with db.connect() as connection:
        by_name = list(connection.scalars(text("SELECT id FROM sellers ORDER BY display_name, id")))
    operator = sign_in(demo_email("operator"))
    first = operator.get("/operator/sellers")
    assert first.status_code == 200
    assert re.search(
        r"Figures as of <time datetime=\"[^\"]+\">\d\d:\d\d:\d\d UTC</time>", first.text
    )
    assert f"Sellers 1–50 of {len(by_name)}" in first.text
    assert 'rel="next"' in first.text
    assert 'rel="prev"' not in first.text

    def listed(html: str) -> list[str]:
        return re.findall(r'href="/operator/policy\?seller=([^"#]+)#seller-policy"', html)

    assert listed(first.text) == by_name[:50]
    last = operator.get("/operator/sellers", params={"page": 2})
    assert listed(last.text) == by_name[50:]
    assert 'rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    beyond = operator.get("/operator/sellers", params={"page": 99})
    assert beyond.status_code == 200
    assert listed(beyond.text) == by_name[50:]
