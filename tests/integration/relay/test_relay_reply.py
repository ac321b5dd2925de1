"""The reply to a stored mail names the message the service stored, and the relay's row agrees."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

from relay_world import BUYER_EMAIL, SELLER_OWNER, World, mail, running_world
from sqlalchemy import Engine, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey


def _send(world: World, message: EmailMessage, sender: str) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
        client.ehlo("client.example")
        client.mail(sender)
        code, reply = client.rcpt(str(message["To"]))
        assert code == 250, reply
        code, reply = client.data(message.as_bytes(policy=SMTP))
        return code, reply.decode()


def _stored(engine: Engine, message_id: str) -> tuple[int, str, str, int]:
    """(inbound row's message_ref, its status, its reply, the message's own id) of one mail."""
    with engine.connect() as connection:
        inbound = connection.execute(
            select(
                r.relay_inbound.c.message_ref, r.relay_inbound.c.status, r.relay_inbound.c.reply
            ).where(r.relay_inbound.c.message_id == message_id)
        ).one()
        newest = connection.execute(
            select(t.messages.c.id).order_by(t.messages.c.id.desc())
        ).first()
    assert newest is not None
    return int(inbound.message_ref), str(inbound.status), str(inbound.reply), int(newest.id)


def test_each_reply_names_the_stored_message(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        for number in range(3):
            message_id = f"<reply-{number}@buyer.example>"
            code, reply = _send(
                world,
                mail(
                    sender=f"Bob Buyer <{BUYER_EMAIL}>",
                    to=world.seller_alias,
                    text=f"Where is my parcel? Question {number}.",
                    message_id=message_id,
                ),
                BUYER_EMAIL,
            )
            assert code == 250, reply
            ref, status, stored_reply, newest = _stored(engine, message_id)
            assert (ref, status) == (newest, "stored")
            assert reply == f"2.0.0 Accepted as message {newest}"
            assert stored_reply == f"250 {reply}"


def test_a_blocked_reply_lists_the_findings_of_that_message(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        code, reply = _send(
            world,
            mail(sender=f"Bob Buyer <{BUYER_EMAIL}>", to=world.seller_alias, text="Hello there."),
            BUYER_EMAIL,
        )
        assert code == 250, reply
        message_id = "<blocked@seller.example>"
        code, reply = _send(
            world,
            mail(
                sender=SELLER_OWNER,
                to=world.buyer_alias,
                text="Please leave us a 5-star review and we will refund you.",
                message_id=message_id,
            ),
            SELLER_OWNER,
        )
        assert code == 550, reply
        ref, status, stored_reply, newest = _stored(engine, message_id)
        assert (ref, status) == (newest, "stored")
        with engine.connect() as connection:
            findings = connection.execute(
                select(t.findings.c.message)
                .where(t.findings.c.message_id == newest, t.findings.c.severity == "block")
                .order_by(t.findings.c.position)
            ).scalars()
            words = [str(text) for text in findings]
        assert words
        assert stored_reply.startswith("550-5.7.1 Not delivered")
        for text in words:
            assert " ".join(text.split())[:100] in stored_reply
