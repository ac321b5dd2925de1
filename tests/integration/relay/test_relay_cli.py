"""`gobetween relay release CODE` on a mail the relay held."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from relay_world import BUYER_EMAIL, DOMAIN, SELLER_CS, mail, running_world
from sqlalchemy import Engine
from test_relay_smtp import count, send
from typer.testing import CliRunner

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.entrypoints.cli import app


def test_release_command_delivers_a_held_mail(
    engine: Engine, database_url: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", database_url)
    monkeypatch.setenv("GOBETWEEN_ALIAS_DOMAIN", DOMAIN)
    with running_world(engine, relay_key) as world:
        world.resolver.records[("buyer.example", "TXT")] = ["v=spf1 ip4:192.0.2.1 -all"]
        code, reply = send(world, mail(sender=BUYER_EMAIL, to=world.seller_alias, text="Hello?"))
        assert (code, "Held" in reply) == (250, True)
        world.deliver()
        [(_, rcpts, _)] = world.sink.received
        assert rcpts == [BUYER_EMAIL]  # the buyer's own address is told, never the envelope
        notice = world.sink.messages()[0].get_body()
        assert notice is not None
        release_code = next(
            line.strip() for line in notice.get_content().splitlines() if line.startswith("    ")
        )

        missing = CliRunner().invoke(app, ["relay", "release", "not-a-code"])
        assert missing.exit_code == 1
        assert "no held mail" in missing.output

        released = CliRunner().invoke(app, ["relay", "release", release_code])
        assert released.exit_code == 0, released.output
        assert released.output.startswith("250 2.0.0 Accepted as message")
        assert count(engine, t.messages) == 1
        # The command stored the mail on the real clock; the world's worker runs on a fixed one
        # (NOW), which real time has passed: let the worker catch up so the mail is due.
        world.clock[0] = max(world.clock[0], datetime.now(UTC))
        world.deliver()
        assert world.sink.received[-1][1] == [SELLER_CS]
