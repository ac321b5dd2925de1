"""The relay after an order's review request: a seller's proactive, non-critical mail is refused in
the SMTP session with the reason; a critical one and a reply still go through (issue 5)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

from relay_world import BUYER_EMAIL, NOW, ORDER, SELLER_OWNER, World, mail, running_world
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.db.spapi_tables import spapi_solicitations
from gobetween.adapters.mail.dkim_keys import DkimKey


def review_requested(engine: Engine) -> None:
    """The row the SP-API's productReviewAndSellerFeedback leaves behind."""
    with engine.begin() as connection:
        connection.execute(
            spapi_solicitations.insert().values(
                order_id=ORDER,
                seller_id="s1",
                buyer_id="b1",
                language="en",
                subject="Review your order",
                body="How was it?",
                created_at=NOW,
            )
        )


def send(world: World, message: EmailMessage) -> tuple[int, str]:
    """Submit over SMTP; the final reply (code, text) of the DATA command."""
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
        client.ehlo("mail.seller.example")
        sender = str(message["From"]).split("<")[-1].strip(">")
        assert client.mail(sender)[0] == 250
        code, reply = client.rcpt(str(message["To"]))
        assert code == 250, reply
        code, reply = client.data(message.as_bytes(policy=SMTP))
        return code, reply.decode()


def seller_messages(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(t.messages)
                .where(t.messages.c.direction == "seller_to_buyer")
            ).scalar_one()
        )


def test_a_proactive_mail_after_the_review_request_is_refused_in_the_session(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        review_requested(engine)
        code, reply = send(
            world,
            mail(
                sender=SELLER_OWNER,
                to=world.buyer_alias,
                subject="Your invoice [reason:invoice]",
                message_id="<invoice@seller.example>",
                text="Your invoice is attached to your account page.",
            ),
        )
        assert code == 550, reply
        assert "5.7.1" in reply
        assert "review was already requested" in reply
        assert seller_messages(engine) == 0
        # A critical reason still reaches the buyer.
        code, reply = send(
            world,
            mail(
                sender=SELLER_OWNER,
                to=world.buyer_alias,
                subject="Your engraving [reason:customization]",
                message_id="<engraving@seller.example>",
                text="Which initials should we engrave on the ring?",
            ),
        )
        assert code == 250, reply
        assert seller_messages(engine) == 1


def test_a_reply_after_the_review_request_is_accepted(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        review_requested(engine)
        asked = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Where is my parcel?")
        assert send(world, asked)[0] == 250
        code, reply = send(
            world,
            mail(
                sender=SELLER_OWNER,
                to=world.buyer_alias,
                subject="Re: About my order",
                message_id="<answer@seller.example>",
                in_reply_to="<first@buyer.example>",
                text="It left our warehouse today.",
            ),
        )
        assert code == 250, reply
        assert seller_messages(engine) == 1
