"""The relay end to end on loopback: smtplib as the parties' clients, our listener, a real database,
the delivery worker with our composer and SMTP transport, and an aiosmtpd sink as the smarthost.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

from flufl.bounce import all_failures
from relay_world import (
    BUYER_EMAIL,
    DOMAIN,
    REAL_ADDRESSES,
    SELLER_CS,
    SELLER_OWNER,
    SELLER_STAFF,
    World,
    mail,
    running_world,
)
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.sanitize import LEAKING_HEADERS
from gobetween.adapters.mail.sender_auth import SenderAuthenticator


def send(world: World, message: EmailMessage, *, mail_from: str | None = None) -> tuple[int, str]:
    """Submit over SMTP; return the final reply (code, text) of the transaction."""
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
        client.ehlo("client.buyer.example")
        sender = (
            mail_from if mail_from is not None else str(message["From"]).split("<")[-1].strip(">")
        )
        code, reply = client.mail(sender)
        assert code == 250, reply
        code, reply = client.rcpt(str(message["To"]))
        if code != 250:
            return code, reply.decode()
        code, reply = client.data(message.as_bytes(policy=SMTP))
        return code, reply.decode()


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def bodies(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [
            row.body
            for row in connection.execute(select(t.messages.c.body).order_by(t.messages.c.id))
        ]


def decoded(message: EmailMessage) -> str:
    """Every header and decoded part the recipient can see, but To (the recipient's own)."""
    chunks = [f"{k}: {v}" for part in message.walk() for k, v in part.items() if k != "To"]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            chunks.append(payload.decode("utf-8", "replace"))
    return "\n".join(chunks).lower()


def buyer_writes(world: World, text: str = "Where is my parcel? It has not arrived.") -> None:
    leaky = dict.fromkeys(LEAKING_HEADERS, f"{BUYER_EMAIL} via mx.buyer.example")
    message = mail(
        sender=f"Bob Buyer <{BUYER_EMAIL}>", to=world.seller_alias, text=text, extra_headers=leaky
    )
    code, reply = send(world, message)
    assert code == 250, reply


def test_buyer_mail_reaches_the_seller_signed_and_without_identity(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        assert world.deliver().delivered == 1
        [(mail_from, rcpts, data)] = world.sink.received
        assert rcpts == [SELLER_CS]  # a buyer's message reaches the seller's service address
        assert mail_from == f"bounces@{DOMAIN}"
        # DKIM verifies on the exact bytes the smarthost got, against the published key.
        assert SenderAuthenticator(world.resolver).check_dkim(data) == (DOMAIN,)
        message = message_from_bytes(data, _class=EmailMessage, policy=default)
        assert isinstance(message, EmailMessage)
        assert str(message["From"]) == f"Bob <{world.buyer_alias}>"  # the buyer's first name
        assert str(message["Message-ID"]).endswith(f"@{DOMAIN}>")
        assert str(message["Message-ID"]) != "<first@buyer.example>"
        present = {name.lower() for part in message.walk() for name in part}
        for leaking in LEAKING_HEADERS:
            if leaking != "DKIM-Signature":
                assert leaking.lower() not in present, leaking
        # The one DKIM-Signature is ours; the sender's is gone.
        [signature] = message.get_all("DKIM-Signature", [])
        assert f"d={DOMAIN};" in str(signature).replace(" ", "")
        seen = decoded(message)
        assert BUYER_EMAIL not in seen
        assert "mx.buyer.example" not in seen
        assert "where is my parcel?" in seen


def test_seller_reply_threads_and_quoted_history_is_not_checked(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        world.deliver()
        ours = str(world.sink.messages()[0]["Message-ID"])
        # The seller's client quotes the buyer's mail, which the policy would block as new text.
        reply = mail(
            sender=f"ACME <{SELLER_STAFF}>",
            to=world.buyer_alias,
            subject="Re: About my order",
            message_id="<reply-1@seller.example>",
            in_reply_to=ours,
            text=(
                "It left our warehouse today and arrives on Friday.\n\n"
                f"On Thu, Nov 26, 2026 at 10:00 AM Bob <{world.buyer_alias}> wrote:\n"
                "> Where is my parcel? Call me on +1 415 555 0100 or mail bob@home.example\n\n"
                "-- \nACME Store, +1 212 555 0199, www.acme.example"
            ),
        )
        code, text = send(world, reply)
        assert code == 250, text
        assert bodies(engine)[-1] == "It left our warehouse today and arrives on Friday."
        assert world.deliver().delivered == 1
        delivered = world.sink.messages()[-1]
        assert str(delivered["To"]) == BUYER_EMAIL
        assert str(delivered["From"]) == f"ACME Store <{world.seller_alias}>"
        # Threading in the buyer's own terms: the buyer's original Message-ID.
        assert str(delivered["In-Reply-To"]) == "<first@buyer.example>"
        seen = decoded(delivered)
        for real in REAL_ADDRESSES:
            assert real not in seen
        assert "555 0199" not in seen  # the signature stays behind
        assert "555 0100" not in seen  # so does the quoted history


def test_policy_block_is_refused_in_the_session_with_the_findings(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        world.deliver()
        bad = mail(
            sender=SELLER_OWNER,
            to=world.buyer_alias,
            message_id="<bad@seller.example>",
            text="Please leave us a 5-star review and we will refund you.",
        )
        code, reply = send(world, bad)
        assert code == 550
        assert "5.7.1" in reply
        assert "review" in reply.lower()
        # Stored as evidence with its findings, never queued; a retry gets the same answer.
        assert count(engine, t.findings) >= 1
        assert world.deliver().claimed == 0
        assert send(world, bad) == (code, reply)
        assert count(engine, t.messages) == 2


def test_same_mail_twice_is_stored_and_delivered_once(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        buyer_writes(world)
        assert count(engine, t.messages) == 1
        assert count(engine, r.relay_inbound) == 1
        world.deliver()
        assert world.deliver().claimed == 0
        assert len(world.sink.received) == 1
        # Same Message-ID with a different body is a different mail.
        buyer_writes(world, "And could you gift-wrap it?")
        assert count(engine, t.messages) == 2


def test_unknown_and_disabled_aliases_are_refused_at_rcpt(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        code, reply = send(
            world, mail(sender=BUYER_EMAIL, to=f"nosuchalias00000@{DOMAIN}", text="x")
        )
        assert code == 550
        assert "5.1.1" in reply
        code, reply = send(
            world, mail(sender=BUYER_EMAIL, to="someone@elsewhere.example", text="x")
        )
        assert code == 550
        with engine.begin() as connection:
            connection.execute(
                t.aliases.update()
                .where(t.aliases.c.local_part == world.aliases.seller.local_part)
                .values(active=False)
            )
        code, reply = send(world, mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello"))
        assert (code, "5.1.1" in reply, "disabled" in reply) == (550, True, True)


def test_second_recipient_is_deferred(engine: Engine, relay_key: DkimKey) -> None:
    with (
        running_world(engine, relay_key) as world,
        smtplib.SMTP("127.0.0.1", world.relay_port) as client,
    ):
        client.ehlo("client.example")
        client.mail(BUYER_EMAIL)
        assert client.rcpt(world.seller_alias)[0] == 250
        code, reply = client.rcpt(world.buyer_alias)
        assert code == 452
        assert b"4.5.3" in reply


def test_unregistered_sender_is_refused(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        code, reply = send(
            world, mail(sender="mallory@seller.example", to=world.buyer_alias, text="Hi")
        )
        assert code == 550
        assert "registered or authorized" in reply
        # The buyer's alias only takes the seller's mail; the buyer cannot write to it.
        code, reply = send(world, mail(sender=BUYER_EMAIL, to=world.buyer_alias, text="Hi"))
        assert code == 550
        assert count(engine, t.messages) == 0


def test_forged_from_of_a_registered_address_is_held_then_released(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        world.deliver()
        # The registered address's domain now publishes SPF that excludes the sending host.
        world.resolver.records[("seller.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
        forged = mail(
            sender=SELLER_OWNER,
            to=world.buyer_alias,
            message_id="<forged@seller.example>",
            text="Your parcel arrives on Friday.",
        )
        code, reply = send(world, forged, mail_from="attacker@seller.example")
        assert code == 250
        assert "Held" in reply
        assert count(engine, t.messages) == 1  # not stored as a message
        world.deliver()
        notice = world.sink.messages()[-1]
        sent_to = world.sink.received[-1][1]
        # The notice goes to the registered address, never to the envelope sender.
        assert sent_to == [SELLER_OWNER]
        assert world.sink.received[-1][0] == ""  # null return path
        body = notice.get_body()
        assert isinstance(body, EmailMessage)
        text = body.get_content()
        code_line = next(line.strip() for line in text.splitlines() if line.startswith("    "))
        assert "DMARC failed" in text
        released = world.relay.release(code_line)
        assert released.startswith("250")
        assert bodies(engine)[-1] == "Your parcel arrives on Friday."
        assert world.relay.release(code_line) == released  # releasing twice changes nothing
        world.deliver()
        assert str(world.sink.received[-1][1]) == str([BUYER_EMAIL])


def test_forged_from_is_refused_when_configured(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key, unauthenticated="refuse") as world:
        world.resolver.records[("buyer.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
        code, reply = send(world, mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello"))
        assert code == 550
        assert "5.7.26" in reply
        assert "buyer.example" in reply
        assert count(engine, r.relay_inbound) == 0


def test_dns_trouble_asks_for_a_retry(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        world.resolver.failing.add("buyer.example")
        code, reply = send(world, mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello"))
        assert code == 451
        assert "4.7.0" in reply
        assert "DNS" in reply
        assert count(engine, t.messages) == 0
        assert count(engine, r.relay_inbound) == 0  # nothing kept: the sender retries


def test_size_limit_is_552(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key, max_bytes=20_000) as world:
        big = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="x" * 30_000)
        code, _ = send(world, big)
        assert code == 552
        # A client that declares the size up front is refused before it sends anything.
        with smtplib.SMTP("127.0.0.1", world.relay_port) as client:
            client.ehlo("client.example")
            assert client.has_extn("size")
            code, _ = client.mail(BUYER_EMAIL, options=["SIZE=30000"])
            assert code == 552
        assert count(engine, t.messages) == 0


def test_too_many_mime_parts_is_refused(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key, max_parts=5) as world:
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="See files")
        for index in range(6):
            message.add_attachment(
                b"%PDF-1.4 x", maintype="application", subtype="pdf", filename=f"{index}.pdf"
            )
        code, reply = send(world, message)
        assert code == 552
        assert "MIME parts" in reply


def test_attachments_over_ten_megabytes_are_refused(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Photos of the damage")
        for index in range(3):
            message.add_attachment(
                b"\x89PNG\r\n\x1a\n" + bytes(3_700_000),
                maintype="image",
                subtype="png",
                filename=f"{index}.png",
            )
        code, reply = send(world, message)
        assert code == 552
        assert "attachments total" in reply
        assert count(engine, t.messages) == 0


def test_temporary_smarthost_failure_is_retried_with_the_same_bytes(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        world.sink.fail_next.append("451 4.3.0 Try again later")
        report = world.deliver()
        assert (report.retried, report.delivered) == (1, 0)
        world.advance(timedelta(minutes=5))
        assert world.deliver().delivered == 1
        assert len(world.sink.received) == 1
        with engine.connect() as connection:
            stored = connection.execute(select(r.relay_outbound.c.data)).scalar_one()
        assert bytes(stored) == world.sink.received[0][2]  # the stored evidence is what was sent


def test_permanent_failure_tells_the_sender_with_a_dsn(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        buyer_writes(world)
        world.deliver()
        reply = mail(
            sender=SELLER_STAFF,
            to=world.buyer_alias,
            message_id="<r2@seller.example>",
            in_reply_to=str(world.sink.messages()[0]["Message-ID"]),
            text="It ships today.",
        )
        assert send(world, reply)[0] == 250
        world.sink.fail_next.append("550 5.1.1 No such user here")
        assert world.deliver().failed == 1
        assert world.deliver().delivered == 1  # the DSN
        mail_from, rcpts, data = world.sink.received[-1]
        assert (mail_from, rcpts) == ("", [SELLER_OWNER])
        dsn = message_from_bytes(data, _class=EmailMessage, policy=default)
        assert isinstance(dsn, EmailMessage)
        assert dsn.get_content_type() == "multipart/report"
        _temporary, permanent = all_failures(dsn)
        assert permanent == {world.buyer_alias.encode()}
        assert BUYER_EMAIL not in decoded(dsn)
        assert SenderAuthenticator(world.resolver).check_dkim(data) == (DOMAIN,)


def test_mail_to_an_opted_out_buyer_bounces_as_a_dsn(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key, opted_out=True) as world:
        invoice = mail(
            sender=SELLER_OWNER,
            to=world.buyer_alias,
            subject="Your invoice [reason:invoice]",
            message_id="<inv@seller.example>",
            text="Please find your invoice attached.",
        )
        code, reply = send(world, invoice)
        assert code == 250
        assert "opted out" in reply
        assert world.deliver().delivered == 1
        mail_from, rcpts, data = world.sink.received[-1]
        assert (mail_from, rcpts) == ("", [SELLER_OWNER])
        dsn = message_from_bytes(data, _class=EmailMessage, policy=default)
        assert isinstance(dsn, EmailMessage)
        _, permanent = all_failures(dsn)
        assert permanent == {world.buyer_alias.encode()}
        assert str(dsn["In-Reply-To"]) == "<inv@seller.example>"


def test_unknown_contact_reason_tag_names_the_choices(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key) as world:
        tagged = mail(
            sender=SELLER_OWNER, to=world.buyer_alias, subject="[reason:promo]", text="Hi"
        )
        code, reply = send(world, tagged)
        assert code == 550
        assert "delivery_scheduling" in reply


def test_lmtp_mode(engine: Engine, relay_key: DkimKey) -> None:
    with (
        running_world(engine, relay_key, protocol="lmtp") as world,
        smtplib.LMTP("127.0.0.1", world.relay_port) as client,
    ):
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello over LMTP")
        refused = client.sendmail(BUYER_EMAIL, [world.seller_alias], message.as_bytes(policy=SMTP))
        assert refused == {}
        assert bodies(engine) == ["Hello over LMTP"]


def test_xforward_from_loopback_sets_the_client_address(engine: Engine, relay_key: DkimKey) -> None:
    with (
        running_world(engine, relay_key) as world,
        smtplib.SMTP("127.0.0.1", world.relay_port) as client,
    ):
        client.ehlo("postfix.local")
        assert client.has_extn("xforward")
        # The real client (per our front MTA) is not in buyer.example's SPF: held, not stored.
        assert client.docmd("XFORWARD", "ADDR=203.0.113.9 HELO=evil.example")[0] == 250
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello")
        client.sendmail(BUYER_EMAIL, [world.seller_alias], message.as_bytes(policy=SMTP))
        assert count(engine, t.messages) == 0
        with engine.connect() as connection:
            status, ip = connection.execute(
                select(r.relay_inbound.c.status, r.relay_inbound.c.client_ip)
            ).one()
        assert (status, ip) == ("held", "203.0.113.9")


def test_a_content_type_the_stdlib_cannot_parse_is_read_as_plain_text(
    engine: Engine, relay_key: DkimKey
) -> None:
    # Python 3.11's parser raises IndexError on this value instead of noting a defect; the relay
    # used to answer 451 to it, so the sender's MTA would have retried for days.
    with running_world(engine, relay_key) as world:
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Is the lamp 230 V?")
        raw = message.as_bytes(policy=SMTP)
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = [
            b"Content-Type: text/plain;x*" if line.lower().startswith(b"content-type:") else line
            for line in head.split(b"\r\n")
        ]
        assert b"Content-Type: text/plain;x*" in lines
        with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
            client.ehlo("client.buyer.example")
            assert client.mail(BUYER_EMAIL)[0] == 250
            assert client.rcpt(world.seller_alias)[0] == 250
            code, reply = client.data(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        assert code == 250, reply
        assert bodies(engine) == ["Is the lamp 230 V?"]
