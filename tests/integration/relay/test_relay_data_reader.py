"""The listener's chunked DATA reader: dot-stuffing, line and size limits, split terminators."""

from __future__ import annotations

import os
import shutil
import smtplib
import socket
import subprocess
import time
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path

import pytest
from relay_world import BUYER_EMAIL, mail, running_world
from sqlalchemy import Engine, select

from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.mail.dkim_keys import DkimKey


def _dialogue(port: int, lines: list[bytes]) -> list[bytes]:
    """Send each chunk and read one reply after each; a raw client, no smtplib fixing things."""
    replies: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        reader = connection.makefile("rb")
        replies.append(reader.readline())
        for chunk in lines:
            connection.sendall(chunk)
            reply = reader.readline()
            while reply[3:4] == b"-":
                reply = reader.readline()
            replies.append(reply)
        reader.close()
    return replies


def test_dot_stuffing_is_undone_and_the_raw_mail_is_kept(
    engine: Engine, relay_key: DkimKey
) -> None:
    with (
        running_world(engine, relay_key) as world,
        smtplib.SMTP("127.0.0.1", world.relay_port) as client,
    ):
        text = "First line\n.A line that starts with a dot\n.\nLast line"
        message = mail(sender=BUYER_EMAIL, to=world.seller_alias, text=text)
        assert client.sendmail(BUYER_EMAIL, [world.seller_alias], message.as_string()) == {}
    with engine.connect() as connection:
        body = connection.execute(select(t.messages.c.body)).scalar_one()
        raw = bytes(connection.execute(select(r.relay_inbound.c.raw)).scalar_one())
    assert body == "First line\n.A line that starts with a dot\n.\nLast line"
    assert b"\r\n.A line that starts with a dot\r\n.\r\n" in raw


def test_long_lines_big_mail_and_pipelined_commands(engine: Engine, relay_key: DkimKey) -> None:
    with running_world(engine, relay_key, max_bytes=300_000) as world:
        head = [b"EHLO client.example\r\n", f"MAIL FROM:<{BUYER_EMAIL}>\r\n".encode()]
        rcpt = f"RCPT TO:<{world.seller_alias}>\r\n".encode()
        headers = f"From: {BUYER_EMAIL}\r\nTo: {world.seller_alias}\r\nSubject: x\r\n\r\n".encode()

        too_long = headers + b"x" * 1200 + b"\r\n.\r\n"
        replies = _dialogue(world.relay_port, [*head, rcpt, b"DATA\r\n", too_long])
        assert replies[-1].startswith(b"500 Line too long")

        # 84 kB (over one 64 kB read) in odd-sized pieces: the terminator may straddle reads.
        body = b"".join(b"line %06d of the mail\r\n" % n for n in range(3_500))
        big = headers + body + b".\r\n"
        pieces = [big[i : i + 9_999] for i in range(0, len(big), 9_999)]
        with socket.create_connection(("127.0.0.1", world.relay_port), timeout=30) as connection:
            reader = connection.makefile("rb")
            reader.readline()
            for command in (*head, rcpt, b"DATA\r\n"):
                connection.sendall(command)
                while reader.readline()[3:4] == b"-":
                    pass
            for piece in pieces:
                connection.sendall(piece)
            reply = reader.readline()
            reader.close()
        assert reply.startswith(b"250 2.0.0 Accepted"), reply

        # The terminator split in the middle, in two writes the server reads apart.
        split = headers + b"Short one.\r\n.\r\n"
        with socket.create_connection(("127.0.0.1", world.relay_port), timeout=30) as connection:
            reader = connection.makefile("rb")
            reader.readline()
            for command in (*head, rcpt, b"DATA\r\n"):
                connection.sendall(command)
                while reader.readline()[3:4] == b"-":
                    pass
            connection.sendall(split[:-4])
            time.sleep(0.3)
            connection.sendall(split[-4:])
            reply = reader.readline()
            reader.close()
        assert reply.startswith(b"250 2.0.0 Accepted"), reply
        with engine.connect() as connection_:
            bodies = connection_.execute(select(t.messages.c.body)).scalars().all()
        assert "Short one." in bodies

        over = headers + b"y" * 900 + b"\r\n"
        over_limit = over * 400 + b".\r\n"
        replies = _dialogue(world.relay_port, [*head, rcpt, b"DATA\r\n", over_limit])
        assert replies[-1].startswith(b"552")

        # A command right behind the mail, in the same write: the mail is decided, then the
        # command answered, as aiosmtpd's line reader does (nothing past the "." is read).
        pipelined = headers + b"Hello\r\n.\r\nNOOP\r\n"
        replies = _dialogue(world.relay_port, [*head, rcpt, b"DATA\r\n", pipelined, b""])
        assert replies[-2].startswith(b"250 2.0.0 Accepted"), replies[-2]
        assert replies[-1] == b"250 OK\r\n"


def test_every_stuffed_line_loses_one_dot_and_a_line_at_the_limit_passes(
    engine: Engine, relay_key: DkimKey
) -> None:
    with running_world(engine, relay_key) as world:
        head = [b"EHLO client.example\r\n", f"MAIL FROM:<{BUYER_EMAIL}>\r\n".encode()]
        rcpt = f"RCPT TO:<{world.seller_alias}>\r\n".encode()
        headers = f"From: {BUYER_EMAIL}\r\nTo: {world.seller_alias}\r\nSubject: x\r\n\r\n".encode()
        # As a client stuffs them: ".one", ".", "..", and ".zzz…", 999 bytes once stuffed (the
        # longest line allowed).
        stuffed = b"Hello\r\n..one\r\n..\r\n...\r\n.." + b"z" * 997 + b"\r\nBye\r\n.\r\n"
        replies = _dialogue(world.relay_port, [*head, rcpt, b"DATA\r\n", headers + stuffed])
        assert replies[-1].startswith(b"250 2.0.0 Accepted"), replies[-1]
    with engine.connect() as connection:
        raw = bytes(connection.execute(select(r.relay_inbound.c.raw)).scalar_one())
    assert raw == headers + b"Hello\r\n.one\r\n.\r\n..\r\n." + b"z" * 997 + b"\r\nBye\r\n"


def test_smtplib_mail_exactly_at_the_size_limit_passes_and_one_byte_more_gets_552(
    engine: Engine, relay_key: DkimKey
) -> None:
    limit = 4_000
    with running_world(engine, relay_key, max_bytes=limit) as world:

        def padded_to(size: int, message_id: str) -> bytes:
            message = mail(
                sender=BUYER_EMAIL,
                to=world.seller_alias,
                text="Is it shipped yet?",
                message_id=message_id,
            )
            unpadded = message.as_bytes(policy=SMTP)
            # Header lines of 100 bytes, the last one 100-199, up to exactly `size`.
            lines, last = divmod(size - len(unpadded), 100)
            pad = [b"X-Pad: " + b"p" * 91 + b"\r\n"] * (lines - 1)
            pad.append(b"X-Pad: " + b"p" * (91 + last) + b"\r\n")
            return b"".join(pad) + unpadded

        replies = []
        for size, message_id in (
            (limit, "<at@buyer.example>"),
            (limit + 1, "<over@buyer.example>"),
        ):
            raw = padded_to(size, message_id)
            assert len(raw) == size
            assert raw.endswith(b"\r\n")
            assert b"\r\n." not in raw
            with smtplib.SMTP("127.0.0.1", world.relay_port) as client:
                client.ehlo("client.example")
                # No SIZE= on MAIL FROM (smtplib's sendmail would add it): DATA decides.
                assert client.mail(BUYER_EMAIL)[0] == 250
                assert client.rcpt(world.seller_alias)[0] == 250
                replies.append(client.data(raw))
    assert replies[0][0] == 250, replies[0]
    assert replies[1] == (552, b"Error: Too much mail data")
    with engine.connect() as connection:
        raws = [bytes(raw) for raw in connection.execute(select(r.relay_inbound.c.raw)).scalars()]
    assert raws == [padded_to(limit, "<at@buyer.example>")]


def test_swaks_mail_with_dotted_lines_and_a_200_kb_attachment_arrives_byte_for_byte(
    engine: Engine, relay_key: DkimKey, tmp_path: Path
) -> None:
    swaks = shutil.which("swaks")
    if swaks is None:
        pytest.fail("swaks is not installed (Debian package swaks; .ci/run installs it)")
    body = tmp_path / "body.txt"
    body.write_bytes(b"Photo attached.\n.one dot\n..two dots\n.\nBye\n")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    with running_world(engine, relay_key) as world:
        result = subprocess.run(
            [
                swaks,
                "--server",
                f"127.0.0.1:{world.relay_port}",
                "--helo",
                "client.buyer.example",
                "--from",
                BUYER_EMAIL,
                "--to",
                world.seller_alias,
                "--header",
                "Subject: Damaged item",
                "--body",
                f"@{body}",
                "--attach-type",
                "application/pdf",
                "--attach-name",
                "invoice.pdf",
                "--attach",
                f"@{invoice}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "<-  250 2.0.0 Accepted as message" in result.stdout
    with engine.connect() as connection:
        raw = bytes(connection.execute(select(r.relay_inbound.c.raw)).scalar_one())
    assert b"\r\nPhoto attached.\r\n.one dot\r\n..two dots\r\n.\r\nBye\r\n" in raw
    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    files = [(part.get_filename(), part.get_content()) for part in parsed.iter_attachments()]
    assert files == [("invoice.pdf", invoice.read_bytes())]
