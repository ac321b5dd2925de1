"""The listener as `gobetween serve` starts it: from settings, through the composition root."""

from __future__ import annotations

import smtplib
from pathlib import Path

from relay_world import BUYER_EMAIL, free_port, mail, seed, zone

from gobetween.adapters.mail.dkim_keys import generate_key
from gobetween.bootstrap import build_platform, load_settings
from gobetween.entrypoints.smtp import start_listener


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
