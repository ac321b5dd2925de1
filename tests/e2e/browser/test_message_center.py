"""The message center in a real browser: the seller's, the buyer's and the auditor's main paths."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from page_server import Served, demo_email
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text

from gobetween.adapters.db.engine import build_engine
from gobetween.adapters.db.spapi_tables import spapi_solicitations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def db(served: Served) -> Iterator[Engine]:
    engine = build_engine(served.database_url)
    yield engine
    engine.dispose()


def sign_in(browser: Browser, served: Served, email: str, *, width: int = 1280) -> Page:
    """A fresh browser context signed in as `email`."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(served.base_url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("gobetween-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def buyer_order(
    db: Engine, *, skip: int, fulfillment: str | None = None, recent: bool = False
) -> tuple[str, str, str]:
    """(buyer id, order id, seller id) of a delivered order of a demo buyer who can sign in.

    `recent`: delivered less than 25 days ago, of a category with a warranty, so a warranty
    notice may still start a conversation (policy.md §2).
    """
    cutoff = (datetime.now(UTC) - timedelta(days=25)).strftime("%Y-%m-%d %H:%M:%S")
    with db.connect() as connection:
        row = connection.execute(
            text(
                "SELECT o.buyer_id, o.id, o.seller_id FROM orders o"
                " JOIN web_accounts a ON a.buyer_id = o.buyer_id"
                " WHERE o.status = 'delivered'"
                " AND (:fulfillment IS NULL OR o.fulfillment = :fulfillment)"
                " AND (:recent = 0 OR (o.delivered_at > :cutoff AND o.product_category NOT IN"
                " ('software', 'video_games', 'digital', 'gift_cards', 'ebooks', 'grocery',"
                " 'food', 'books')))"
                " ORDER BY o.buyer_id, o.id"
            ),
            {"fulfillment": fulfillment, "recent": int(recent), "cutoff": cutoff},
        ).all()
    buyers: dict[str, tuple[str, str, str]] = {}
    for buyer_id, order_id, seller_id in row:
        buyers.setdefault(buyer_id, (buyer_id, order_id, seller_id))
    return list(buyers.values())[skip]


def write_as_buyer(page: Page, served: Served, order_id: str, message: str) -> None:
    page.goto(f"{served.base_url}/buyer/orders/{order_id}")
    page.get_by_role("textbox", name="Message", exact=True).fill(message)
    page.get_by_role("button", name="Send to seller").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to the seller")


def test_seller_answers_fixes_a_blocked_draft_and_marks_no_response_needed(
    browser: Browser, served: Served, db: Engine
) -> None:
    buyer_id, order_id, seller_id = buyer_order(db, skip=0, fulfillment="marketplace")
    buyer = sign_in(browser, served, demo_email("buyer", buyer_id))
    write_as_buyer(buyer, served, order_id, "Hello, the lid of my order is cracked. What can I do?")

    seller = sign_in(browser, served, demo_email("seller", seller_id))
    # The inbox opens on "Requires response", least time left first, with an hours-left badge.
    expect(seller.get_by_role("link", name="Requires response")).to_have_attribute(
        "aria-current", "page"
    )
    row = seller.locator("a.row", has_text=order_id).first
    expect(row.locator(".badge")).to_contain_text(re.compile(r"\d+ h( \d+ min)? left"))
    row.click()
    expect(seller.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()

    answer = seller.get_by_role("textbox", name="Message", exact=True)
    answer.fill("So sorry! We will send a new lid. Please leave us a 5-star review afterwards.")
    check = seller.locator("#check")
    expect(check.locator("[data-verdict=block]")).to_be_visible()
    expect(check.locator("mark.hit", has_text=re.compile("review", re.IGNORECASE))).to_have_count(1)
    expect(check.locator("ol.findings li", has_text="Review request")).to_have_count(1)

    # The marketplace shipped this order: the fix is one click, its customer-service template.
    redirect = check.locator(".rewrite", has_text="customer service")
    redirect.get_by_role("button", name="Use this rewrite").click()
    answer = seller.get_by_role("textbox", name="Message", exact=True)
    expect(answer).to_have_value(re.compile("customer service"))
    expect(check.locator("[data-verdict=allow]")).to_be_visible()
    expect(check.locator("mark.hit")).to_have_count(0)
    seller.get_by_role("button", name="Send", exact=True).click()
    expect(seller.get_by_role("status")).to_contain_text("Sent.")
    last = seller.locator("li.message").last
    expect(last).to_contain_text("customer service")
    expect(last.locator(".badge", has_text="Delivered")).to_be_visible()

    write_as_buyer(buyer, served, order_id, "Great, thank you so much!")
    seller.reload()
    thanks = seller.locator("li.message", has_text="thank you so much")
    thanks.get_by_role("button", name="No response needed").click()
    expect(seller.get_by_role("status")).to_contain_text("needing no response")
    expect(
        seller.locator("li.message", has_text="thank you so much").locator(
            ".badge", has_text="No response needed"
        )
    ).to_be_visible()

    # At phone width the inbox still fits: nothing scrolls sideways.
    seller.set_viewport_size({"width": 375, "height": 800})
    seller.goto(served.base_url + "/seller/inbox?view=all")
    overflow = seller.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_buyer_opts_out_and_a_non_critical_proactive_message_bounces(
    browser: Browser, served: Served, db: Engine
) -> None:
    buyer_id, order_id, seller_id = buyer_order(db, skip=1, fulfillment="seller", recent=True)
    buyer = sign_in(browser, served, demo_email("buyer", buyer_id))
    buyer.get_by_role("link", name="Message settings").click()
    buyer.get_by_label("Opt out of non-critical messages").check()
    buyer.get_by_role("button", name="Save").click()
    expect(buyer.get_by_role("status")).to_contain_text("You are opted out")
    expect(buyer.get_by_label("Opt out of non-critical messages")).to_be_checked()

    seller = sign_in(browser, served, demo_email("seller", seller_id))
    seller.goto(f"{served.base_url}/seller/orders/{order_id}/contact")
    reason = seller.locator("input[name=reason][value=warranty]")
    expect(reason).to_be_visible()
    reason.check()
    seller.get_by_role("button", name="Use this reason").click()
    seller.get_by_role("textbox", name="Message", exact=True).fill(
        "Your item comes with a two-year warranty from the day it was delivered."
    )
    expect(seller.locator("#check [data-verdict]")).to_be_visible()
    seller.get_by_role("button", name="Send", exact=True).click()
    expect(seller.get_by_role("status")).to_contain_text("the buyer has opted out")
    bounced = seller.locator("li.message", has_text="two-year warranty")
    expect(bounced.locator(".badge", has_text="Bounced")).to_be_visible()

    # The buyer never sees the bounced message.
    buyer.goto(f"{served.base_url}/buyer/orders/{order_id}")
    expect(buyer.locator("li.message", has_text="two-year warranty")).to_have_count(0)


def test_auditor_verifies_a_chain_and_exports_evidence(
    browser: Browser, served: Served, db: Engine
) -> None:
    with db.connect() as connection:
        order_id, count = connection.execute(
            text(
                "SELECT t.order_id, t.message_count FROM threads t WHERE EXISTS (SELECT 1 FROM"
                " messages m WHERE m.thread_id = t.id AND m.disposition = 'blocked')"
                " ORDER BY t.message_count DESC, t.id LIMIT 1"
            )
        ).one()
    auditor = sign_in(browser, served, demo_email("auditor"))
    # Keyboard first: the first Tab reaches the skip link, with a visible focus ring.
    auditor.keyboard.press("Tab")
    focused = auditor.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = auditor.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    auditor.get_by_label("Order id").fill(order_id)
    auditor.get_by_role("button", name="Open").click()
    expect(auditor.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
    expect(auditor.locator("li.message .badge", has_text="Blocked").first).to_be_visible()
    auditor.get_by_role("link", name="Verify hash chain").click()
    expect(auditor.locator(".chain-ok")).to_contain_text(f"{count} message")
    with auditor.expect_download() as download_info:
        auditor.get_by_role("link", name="Export evidence").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"evidence-{order_id}-thread-")
    evidence = json.loads(download.path().read_text(encoding="utf-8"))
    assert evidence["order"]["id"] == order_id
    assert len(evidence["messages"]) == count
    assert evidence["chain"]["verified"] is True
    assert any(m["findings"] for m in evidence["messages"] if m["disposition"] == "blocked")


def test_buyer_reports_a_sellers_message_and_the_operator_sees_it_in_the_queue(
    browser: Browser, served: Served, db: Engine
) -> None:
    with db.connect() as connection:
        buyer_id, order_id, body = connection.execute(
            text(
                "SELECT t.buyer_id, t.order_id, m.body FROM messages m"
                " JOIN threads t ON t.id = m.thread_id"
                " JOIN web_accounts a ON a.buyer_id = t.buyer_id"
                " WHERE m.direction = 'seller_to_buyer' AND m.disposition = 'delivered'"
                " AND NOT EXISTS (SELECT 1 FROM message_reports r WHERE r.message_id = m.id)"
                " ORDER BY m.id DESC LIMIT 1"
            )
        ).one()
    buyer = sign_in(browser, served, demo_email("buyer", buyer_id))
    buyer.goto(f"{served.base_url}/buyer/orders/{order_id}")
    message = buyer.locator("li.message", has_text=body[:40]).first
    # Keyboard only: the disclosure opens with Enter, the controls are reached by their labels.
    summary = message.locator("summary", has_text="Report message")
    summary.focus()
    buyer.keyboard.press("Enter")
    message.get_by_label("Why are you reporting it?").select_option("off_platform_payment")
    message.get_by_label("Note for the marketplace (optional)").fill("Asked me to pay by PayPal")
    message.get_by_role("button", name="Send report").click()
    expect(buyer.get_by_role("status")).to_contain_text("Reported")
    reported = buyer.locator("li.message", has_text=body[:40]).first
    expect(reported.locator(".badge", has_text="Reported to the marketplace")).to_be_visible()
    expect(reported.locator("summary", has_text="Report message")).to_have_count(0)

    operator = sign_in(browser, served, demo_email("operator"))
    operator.goto(f"{served.base_url}/operator/reports")
    queued = operator.locator("li.message", has_text="Asked me to pay by PayPal")
    expect(queued).to_contain_text("Off platform payment")
    expect(queued).to_contain_text(f"by buyer {buyer_id}")


def test_operator_edits_a_sellers_policy_and_fixes_the_field_named_wrong(
    browser: Browser, served: Served, db: Engine
) -> None:
    with db.connect() as connection:
        seller_id = connection.execute(text("SELECT id FROM sellers ORDER BY id LIMIT 1")).scalar()
    operator = sign_in(browser, served, demo_email("operator"))
    operator.get_by_role("link", name="Policy profile").click()
    operator.get_by_label("Seller id").fill(str(seller_id))
    operator.get_by_role("button", name="Show settings").click()
    expect(operator.get_by_role("heading", name=f"Settings of seller {seller_id}")).to_be_visible()

    operator.get_by_label("Allowed link domains").fill("portal.shop.example\nnot a domain")
    operator.get_by_label("Daily limit base").fill("250")
    operator.get_by_role("button", name="Save seller policy").click()
    domains = operator.get_by_label("Allowed link domains")
    expect(domains).to_have_attribute("aria-invalid", "true")
    expect(operator.get_by_role("alert")).to_contain_text("Allowed link domains: must be a domain")
    expect(operator.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(operator.get_by_label("Daily limit base")).to_have_value("250")  # kept as typed

    domains.fill("portal.shop.example")
    operator.get_by_role("button", name="Save seller policy").click()
    expect(operator.get_by_role("status")).to_contain_text(f"Policy of seller {seller_id} saved")
    expect(operator.get_by_label("Allowed link domains")).to_have_value("portal.shop.example")
    expect(operator.get_by_label("Daily limit base")).to_have_value("250")

    # An operator profile: refused whole with the wrong field named, then stored and offered.
    operator.get_by_label("Name", exact=True).fill("e2e-shop")
    operator.get_by_label("Definition").fill(
        'extends = "amazon"\n[limits]\ndaily_limit_base = -5\n'
    )
    operator.get_by_role("button", name="Save profile").click()
    expect(operator.get_by_role("alert")).to_contain_text("profile.limits.daily_limit_base")
    operator.get_by_label("Definition").fill(
        'extends = "amazon"\n[limits]\ndaily_limit_base = 50\n'
    )
    operator.get_by_role("button", name="Save profile").click()
    expect(operator.get_by_role("status")).to_contain_text("Profile e2e-shop saved")
    expect(operator.get_by_role("link", name="e2e-shop")).to_be_visible()

    # At phone width the policy page does not scroll sideways.
    operator.set_viewport_size({"width": 375, "height": 800})
    operator.goto(f"{served.base_url}/operator/policy?seller={seller_id}")
    assert operator.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_live_check_shows_the_review_request_refusal_before_the_seller_sends(
    browser: Browser, served: Served, db: Engine
) -> None:
    with db.connect() as connection:
        order_id, seller_id, buyer_id = connection.execute(
            text(
                "SELECT o.id, o.seller_id, o.buyer_id FROM orders o"
                " WHERE o.fulfillment = 'seller' AND o.status IN ('unshipped', 'shipped')"
                " AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.order_id = o.id)"
                " AND NOT EXISTS (SELECT 1 FROM spapi_solicitations s WHERE s.order_id = o.id)"
                " AND EXISTS (SELECT 1 FROM web_accounts w WHERE w.seller_id = o.seller_id)"
                " ORDER BY o.seller_id DESC, o.id LIMIT 1"
            )
        ).one()
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
    seller = sign_in(browser, served, demo_email("seller", seller_id))
    seller.goto(f"{served.base_url}/seller/orders/{order_id}/contact")
    reason = seller.locator("input[name=reason][value=invoice]")
    expect(reason).to_be_visible()
    reason.check()
    seller.get_by_role("button", name="Use this reason").click()
    seller.get_by_role("textbox", name="Message", exact=True).fill(
        "Your invoice for this order is ready in your account."
    )
    # While typing, the check says what the send would say: refused, and why.
    refused = seller.locator("#check [data-verdict=refused]")
    expect(refused).to_be_visible()
    expect(refused).to_have_attribute("data-refusal", "review_requested")
    expect(refused).to_contain_text("A review was already requested for this order")
    seller.get_by_role("button", name="Send", exact=True).click()
    expect(seller.get_by_role("alert")).to_contain_text(
        "A review was already requested for this order"
    )
    expect(seller).to_have_url(re.compile(rf"/seller/orders/{order_id}/contact$"))
