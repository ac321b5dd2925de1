"""The listener as `gobetween serve` starts it: from settings, through the composition root."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from relay_world import BUYER_EMAIL, free_port, mail, seed, zone
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.bootstrap import build_platform, load_settings
from gobetween.bootstrap.settings import SettingsError
from gobetween.entrypoints.smtp import start_listener, start_listeners


def test_listener_from_settings_takes_alias_mail(tmp_path: Path) -> None:
    port = free_port()
    settings = load_settings(
        environ={},
        overrides={
            "database_url": f"sqlite:///{tmp_path / 'relay.db'}",
            "alias_domain": "relay.test",
            "smtp_port": port,
            "smtp_protocol": "smtp",
        },
    )
    platform = build_platform(settings)
    try:
        platform.migrate()
        aliases = seed(platform.engine)
        listener = start_listener(
            platform, resolver=zone(generate_key(selector="s", domain="relay.test"))
        )
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.ehlo("client.buyer.example")
                assert client.has_extn("size")
                assert client.esmtp_features["size"] == str(settings.smtp_max_bytes)
                client.mail(BUYER_EMAIL)
                code, _ = client.rcpt("unknownalias0000@relay.test")
                assert code == 550
                client.rset()
                message = mail(
                    sender=BUYER_EMAIL, to=aliases.seller.address("relay.test"), text="Hello there"
                )
                assert client.sendmail(BUYER_EMAIL, [str(message["To"])], message.as_string()) == {}
        finally:
            listener.stop()
    finally:
        platform.close()


def test_smtp_listeners_runs_extra_processes_on_the_same_port(tmp_path: Path) -> None:
    settings = load_settings(
        environ={},
        overrides={
            "database_url": f"sqlite:///{tmp_path / 'relay.db'}",
            "alias_domain": "relay.test",
            "smtp_port": 0,  # the children must join the port the system chose
            "smtp_listeners": 2,
        },
    )
    platform = build_platform(settings)
    try:
        platform.migrate()
        aliases = seed(platform.engine)
        listeners = start_listeners(
            platform, resolver=zone(generate_key(selector="s", domain="relay.test"))
        )
        [(child, _)] = listeners.children
        port = listeners.controller.bound_port
        try:
            assert port != 0
            assert child.is_alive()
            to = aliases.seller.address("relay.test")
            # One connection per mail: the kernel spreads connections over both processes.
            for number in range(12):
                message = mail(
                    sender=BUYER_EMAIL, to=to, text=f"Hello {number}", message_id=f"<l{number}@b>"
                )
                with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                    assert client.sendmail(BUYER_EMAIL, [to], message.as_string()) == {}
            with platform.engine.connect() as connection:
                stored = connection.execute(select(func.count()).select_from(t.messages)).scalar()
            assert stored == 12
        finally:
            listeners.stop()
        assert child.exitcode == 0
    finally:
        platform.close()


def test_an_extra_listener_stops_when_the_serving_process_is_gone(tmp_path: Path) -> None:
    settings = load_settings(
        environ={},
        overrides={
            "database_url": f"sqlite:///{tmp_path / 'relay.db'}",
            "alias_domain": "relay.test",
            "smtp_port": free_port(),
            "smtp_listeners": 2,
        },
    )
    platform = build_platform(settings)
    try:
        platform.migrate()
        listeners = start_listeners(platform)
        [(child, control)] = listeners.children
        try:
            # What the child sees when its parent dies, even by kill -9: the pipe closes.
            control.close()
            child.join(60)
            assert child.exitcode == 0
        finally:
            listeners.controller.stop()
    finally:
        platform.close()


def test_a_listener_count_below_one_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"SMTP_LISTENERS .* must be greater than 0"):
        load_settings(environ={"GOBETWEEN_SMTP_LISTENERS": "0"})
