"""The body of a mail is read (decoded, HTML turned into text, history split off) only once its
sender is authorized and authenticated, and within parse.py's limits: a forged multi-megabyte
HTML mail costs the listener no conversion, an authenticated one over the limit gets 552.
"""

from __future__ import annotations

import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP

from relay_world import BUYER_EMAIL, NOW, ORDER, SELLER_OWNER, World, running_world
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.parse import MAX_HTML_BODY_CHARS, html_to_text
from gobetween.domain.orders import Order

# Tag-dense HTML: html.parser's costliest kind of input per byte.
HTML_PIECE = "<p>Your <b>parcel</b> <i>ships</i> <a href='https://shop.example/t'>today</a>.</p>\n"
OLDER_ORDER = "114-0000000-0000007"


def _html_mail(sender: str, to: str, html: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Your parcel"
    message["Message-ID"] = message_id
    message.set_content(html, subtype="html")
    return message.as_bytes(policy=SMTP)


def _send(world: World, mail_from: str, to: str, data: bytes) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=120) as client:
        client.ehlo("client.example")
        client.mail(mail_from)
        code, reply = client.rcpt(to)
        assert code == 250, reply
        code, reply = client.data(data)
        return code, reply.decode()


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_forged_five_megabyte_html_mail_is_held_without_reading_its_body(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        # seller.example's SPF now excludes the sending host: a From of the owner is forged.
        world.resolver.records[("seller.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
        html = "<html><body>" + HTML_PIECE * (5_000_000 // len(HTML_PIECE)) + "</body></html>"
        data = _html_mail(SELLER_OWNER, world.buyer_alias, html, "<forged-html@seller.example>")
        assert len(data) > 5_000_000
        # What turning it into text would cost, from a tenth of it (the conversion is linear).
        tenth = html[: len(html) // 10]
        started = time.thread_time()
        html_to_text(tenth)
        conversion = (time.thread_time() - started) * 10

        # The listener runs in this process: its CPU for the whole session, the client's too.
        started = time.process_time()
        code, reply = _send(world, "attacker@seller.example", world.buyer_alias, data)
        session = time.process_time() - started

        assert code == 250
        assert "Held" in reply
        assert _count(engine, t.messages) == 0
        assert session < conversion / 3, (session, conversion)


def test_a_forged_html_mail_is_refused_without_reading_its_body_when_configured(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key, unauthenticated="refuse") as world:
        world.resolver.records[("buyer.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
        html = HTML_PIECE * (2_000_000 // len(HTML_PIECE))
        data = _html_mail(BUYER_EMAIL, world.seller_alias, html, "<forged@buyer.example>")
        started = time.thread_time()
        html_to_text(html[: len(html) // 10])
        conversion = (time.thread_time() - started) * 10

        started = time.process_time()
        code, reply = _send(world, BUYER_EMAIL, world.seller_alias, data)
        session = time.process_time() - started

        assert code == 550
        assert "5.7.26" in reply
        assert session < conversion / 3, (session, conversion)


def test_an_authenticated_html_mail_over_the_limit_is_refused_naming_it(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        html = "<p>Where is my parcel?</p>" + "<p>" + "x" * MAX_HTML_BODY_CHARS + "</p>"
        data = _html_mail(BUYER_EMAIL, world.seller_alias, html, "<big@buyer.example>")
        code, reply = _send(world, BUYER_EMAIL, world.seller_alias, data)
        assert code == 552
        assert "5.3.4" in reply
        assert "HTML" in reply
        assert str(MAX_HTML_BODY_CHARS) in reply
        assert _count(engine, t.messages) == 0
        assert _count(engine, r.relay_inbound) == 0


def test_an_authenticated_html_mail_within_the_limit_is_stored_as_text(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        html = (
            "<p>Where is my <b>parcel</b>?</p>"
            "<blockquote><p>It ships today.</p></blockquote>"
            + "<!--"
            + "x" * (MAX_HTML_BODY_CHARS - 200)
            + "-->"
        )
        assert len(html) <= MAX_HTML_BODY_CHARS
        data = _html_mail(BUYER_EMAIL, world.seller_alias, html, "<fits@buyer.example>")
        code, reply = _send(world, BUYER_EMAIL, world.seller_alias, data)
        assert code == 250, reply
        with engine.connect() as connection:
            bodies = list(connection.execute(select(t.messages.c.body)).scalars())
        assert bodies == ["Where is my parcel?"]


def test_the_order_a_mail_names_is_found_after_authentication(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        # A second, older order of the same pair: the mail names it, so it is not the newest.
        with SqlUnitOfWork(engine) as uow:
            uow.orders.upsert(
                Order(
                    OLDER_ORDER,
                    "US",
                    "s1",
                    "b1",
                    "seller",
                    "shipped",
                    "books",
                    NOW - timedelta(days=9),
                ),
                now=NOW,
            )
            uow.commit()
        message = EmailMessage()
        message["From"] = BUYER_EMAIL
        message["To"] = world.seller_alias
        message["Subject"] = "A question"
        message["Message-ID"] = "<names@buyer.example>"
        message.set_content(f"About order {OLDER_ORDER}: is it shipped?")
        code, reply = _send(world, BUYER_EMAIL, world.seller_alias, message.as_bytes(policy=SMTP))
        assert code == 250, reply
        with engine.connect() as connection:
            orders = list(
                connection.execute(
                    select(t.threads.c.order_id).join(
                        t.messages, t.messages.c.thread_id == t.threads.c.id
                    )
                ).scalars()
            )
        # Not the pair's newest order, which a mail naming none is filed under.
        assert orders == [OLDER_ORDER] != [ORDER]
