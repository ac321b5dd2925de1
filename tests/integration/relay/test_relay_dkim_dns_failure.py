"""Over SMTP on loopback: a DKIM key that DNS could not fetch asks the sender to retry (451).

The buyer's mail comes from an address its SPF record does not list (a forwarder, say), so
only its DKIM signature can prove the From domain; the relay refuses unauthenticated mail.
"""

from __future__ import annotations

import smtplib
from email.policy import SMTP

import dkim
import pytest
from relay_world import BUYER_EMAIL, World, mail, running_world
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey, generate_key


@pytest.fixture(scope="module")
def buyer_key() -> DkimKey:
    """The signing key of the buyer's own mail provider."""
    return generate_key(selector="mail", domain="buyer.example")


def _signed_by_buyer(world: World, key: DkimKey) -> bytes:
    raw = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello").as_bytes(policy=SMTP)
    signature: bytes = dkim.sign(
        raw,
        key.selector.encode(),
        key.domain.encode(),
        key.private_pem,
        include_headers=[b"from", b"to", b"subject", b"message-id"],
    )
    return signature + raw


def _send(world: World, raw: bytes) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", world.relay_port, timeout=30) as client:
        client.ehlo("client.buyer.example")
        code, reply = client.mail(BUYER_EMAIL)
        assert code == 250, reply
        code, reply = client.rcpt(world.seller_alias)
        assert code == 250, reply
        code, reply = client.data(raw)
        return code, reply.decode()


def _stored(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (
            int(connection.execute(select(func.count()).select_from(t.messages)).scalar_one()),
            int(connection.execute(select(func.count()).select_from(r.relay_inbound)).scalar_one()),
        )


def _buyer_zone(world: World) -> None:
    # SPF does not list the loopback client: the signature alone can authenticate the mail.
    world.resolver.records[("buyer.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
    world.resolver.add("_dmarc.buyer.example", "TXT", "v=DMARC1; p=reject")


def test_a_key_lookup_without_answer_is_a_451_and_nothing_is_kept(
    engine: Engine, relay_key: DkimKey, buyer_key: DkimKey
) -> None:
    with running_world(engine, relay_key, unauthenticated="refuse") as world:
        _buyer_zone(world)
        world.resolver.failing.add(buyer_key.dns_name)
        code, reply = _send(world, _signed_by_buyer(world, buyer_key))
        assert code == 451, reply
        assert "4.7.0" in reply
        assert "DNS did not answer while checking buyer.example" in reply
        assert _stored(engine) == (0, 0)  # nothing kept: the sender retries

        # The retry, once DNS answers again, is authenticated by the signature and delivered.
        world.resolver.failing.clear()
        world.resolver.add(buyer_key.dns_name, "TXT", buyer_key.public_record)
        code, reply = _send(world, _signed_by_buyer(world, buyer_key))
        assert code == 250, reply
        assert _stored(engine)[0] == 1


def test_a_key_that_is_not_published_is_still_refused(
    engine: Engine, relay_key: DkimKey, buyer_key: DkimKey
) -> None:
    with running_world(engine, relay_key, unauthenticated="refuse") as world:
        _buyer_zone(world)
        code, reply = _send(world, _signed_by_buyer(world, buyer_key))
        assert code == 550, reply
        assert "5.7.26" in reply
        assert _stored(engine) == (0, 0)
