"""Save the message center's main pages as PNG files (`make screenshots`).

Starts `gobetween serve` on the demo marketplace (a temporary SQLite database), drives Debian's
Chromium through Playwright and writes one image per page into the given folder.

    python tests/e2e/browser/screenshots.py docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "pages"))

from page_server import Served, demo_email, demo_server
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import text

from gobetween.adapters.db.engine import build_engine

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
]


def sign_in(browser: Browser, served: Served, email: str, width: int = 1280) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 860}, device_scale_factor=1)
    page.goto(served.base_url + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("gobetween-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def shoot(page: Page, path: str, target: Path, *, full: bool = True) -> None:
    if path:
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(target), full_page=full)
    print(f"saved {target}")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        with demo_server(workdir, f"sqlite:///{workdir / 'gobetween.db'}") as served:
            engine = build_engine(served.database_url)
            with engine.connect() as connection:
                seller_id, thread_id, order_id = connection.execute(
                    text(
                        "SELECT t.seller_id, t.id, t.order_id FROM threads t WHERE t.message_count"
                        " >= 3 AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND"
                        " m.disposition = 'blocked') ORDER BY t.message_count DESC, t.id LIMIT 1"
                    )
                ).one()
                buyer_id, buyer_order = connection.execute(
                    text(
                        "SELECT o.buyer_id, o.id FROM orders o JOIN web_accounts a"
                        " ON a.buyer_id = o.buyer_id JOIN threads t ON t.order_id = o.id"
                        " ORDER BY t.message_count DESC, o.id LIMIT 1"
                    )
                ).one()
                busiest = connection.execute(
                    text(
                        "SELECT seller_id FROM response_clocks WHERE stopped_at IS NULL"
                        " GROUP BY seller_id ORDER BY count(*) DESC, seller_id LIMIT 1"
                    )
                ).scalar()
            engine.dispose()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                inbox = sign_in(browser, served, demo_email("seller", busiest or seller_id))
                shoot(inbox, "/seller/inbox", folder / "seller-inbox.png", full=False)
                seller = sign_in(browser, served, demo_email("seller", seller_id))
                shoot(seller, f"/seller/threads/{thread_id}", folder / "seller-thread.png")
                seller.get_by_role("textbox", name="Message", exact=True).fill(
                    "Thanks for your order! Please leave us a 5-star review, and for anything"
                    " else mail me at shop@example.com."
                )
                seller.wait_for_selector("#check [data-verdict=block]")
                seller.locator("#answer").scroll_into_view_if_needed()
                seller.locator("#answer").screenshot(path=str(folder / "seller-live-check.png"))
                print(f"saved {folder / 'seller-live-check.png'}")
                shoot(seller, f"/seller/orders/{order_id}/contact", folder / "seller-contact.png")
                shoot(seller, "/seller/health", folder / "seller-health.png")
                phone = sign_in(browser, served, demo_email("seller", seller_id), width=390)
                shoot(
                    phone, "/seller/inbox?view=all", folder / "seller-inbox-phone.png", full=False
                )
                buyer = sign_in(browser, served, demo_email("buyer", buyer_id))
                shoot(buyer, f"/buyer/orders/{buyer_order}", folder / "buyer-order.png")
                operator = sign_in(browser, served, demo_email("operator"))
                shoot(operator, "/operator/sellers", folder / "operator-sellers.png")
                shoot(
                    operator,
                    f"/operator/policy?seller={seller_id}",
                    folder / "operator-policy.png",
                )
                auditor = sign_in(browser, served, demo_email("auditor"))
                shoot(
                    auditor, f"/auditor/threads/{thread_id}?verify=1", folder / "auditor-thread.png"
                )
                browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
