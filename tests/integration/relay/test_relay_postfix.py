"""End to end through Debian's Postfix in front of gobetween (LMTP), all on loopback."""

from __future__ import annotations

import os
import smtplib
import time
from email.policy import SMTP

import pytest
from postfix_instance import postfix_instance, postfix_problem
from relay_world import BUYER_EMAIL, DOMAIN, SELLER_CS, free_port, mail, running_world
from sqlalchemy import Engine, func, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey


def _wait_for_messages(engine: Engine, expected: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    found = 0
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            found = int(
                connection.execute(select(func.count()).select_from(t.messages)).scalar_one()
            )
        if found >= expected:
            return found
        time.sleep(0.2)
    return found


@pytest.mark.slow
def test_postfix_hands_alias_mail_to_gobetween_over_lmtp(
    engine: Engine, relay_key: DkimKey
) -> None:
    problem = postfix_problem()
    if problem is not None:
        # .ci/run installs Postfix: in CI a missing MTA fails the run instead of skipping.
        if os.environ.get("CI") == "true":
            pytest.fail(f"Postfix is required in CI: {problem}")
        pytest.skip(problem)
    with running_world(engine, relay_key, protocol="lmtp") as world:
        front = free_port()
        with postfix_instance(
            listen_port=front,
            relay_domain=DOMAIN,
            relay_port=world.sink_port,
            lmtp_port=world.relay_port,
        ) as folder:
            message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Via Postfix: any news?")
            with smtplib.SMTP("127.0.0.1", front, timeout=30) as client:
                client.ehlo("client.buyer.example")
                assert (
                    client.sendmail(
                        BUYER_EMAIL, [world.seller_alias], message.as_bytes(policy=SMTP)
                    )
                    == {}
                )
            found = _wait_for_messages(engine, 1)
            assert found == 1, (folder / "maillog").read_text()
        with engine.connect() as connection:
            row = connection.execute(
                select(r.relay_inbound.c.client_ip, r.relay_inbound.c.raw)
            ).one()
        # Postfix told us the real client over XFORWARD, and its Received header is evidence.
        assert row.client_ip == "127.0.0.1"
        assert b"by mx.gobetween.test (Postfix)" in bytes(row.raw)
        assert world.deliver().delivered == 1
        [(_, rcpts, data)] = world.sink.received
        assert rcpts == [SELLER_CS]
        assert b"Via Postfix: any news?" in data
        assert b"mx.gobetween.test" not in data  # Postfix's Received header does not travel
