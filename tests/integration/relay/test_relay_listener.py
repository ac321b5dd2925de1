"""The listener as `gobetween serve` starts it: from settings, through the composition root."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from relay_world import BUYER_EMAIL, free_port, listener_settings, mail, seed, zone
from sqlalchemy import func, select

from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.bootstrap import build_platform, load_settings
from gobetween.bootstrap.settings import SettingsError
from gobetween.entrypoints.smtp import (
    MAX_LISTENERS_BY_CORES,
    listener_count,
    start_listener,
    start_listeners,
)


def test_listener_from_settings_takes_alias_mail(tmp_path: Path) -> None:
    port = free_port()
    settings = listener_settings(tmp_path / "relay.db", smtp_port=port, smtp_protocol="smtp")
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
    # smtp_port 0: the children must join the port the system chose.
    settings = listener_settings(tmp_path / "relay.db", smtp_port=0, smtp_listeners=2)
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
    settings = listener_settings(tmp_path / "relay.db", smtp_port=free_port(), smtp_listeners=2)
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


def test_a_negative_listener_count_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"SMTP_LISTENERS .* must be 0 or more"):
        load_settings(environ={"GOBETWEEN_SMTP_LISTENERS": "-1"})


def test_listeners_follow_the_cores_by_default_on_sqlite_up_to_two(tmp_path: Path) -> None:
    on_file = {"database_url": f"sqlite:///{tmp_path / 'relay.db'}"}
    default = load_settings(environ={}, overrides=on_file)
    assert default.smtp_listeners == 0
    assert listener_count(default, cores=1) == 1
    assert listener_count(default, cores=2) == 2
    assert listener_count(default, cores=64) == MAX_LISTENERS_BY_CORES == 2
    assert 1 <= listener_count(default) <= 2  # this machine's cores
    # A count that is set is kept, whatever the cores.
    three = load_settings(environ={"GOBETWEEN_SMTP_LISTENERS": "3"}, overrides=on_file)
    assert listener_count(three, cores=1) == 3
    # Each process would have its own in-memory database: one listener.
    in_memory = load_settings(environ={}, overrides={"database_url": "sqlite://"})
    assert listener_count(in_memory, cores=2) == 1
    on_postgresql = load_settings(
        environ={}, overrides={"database_url": "postgresql://gobetween@db.example/gobetween"}
    )
    assert listener_count(on_postgresql, cores=2) == 1
    two_on_postgresql = load_settings(
        environ={"GOBETWEEN_SMTP_LISTENERS": "2"},
        overrides={"database_url": "postgresql://gobetween@db.example/gobetween"},
    )
    assert listener_count(two_on_postgresql, cores=1) == 2
