"""The SMTP transport against a real aiosmtpd smarthost on loopback: one kept connection per
worker thread, RSET before reuse, a new connection when the old one is gone or a send failed."""

from __future__ import annotations

import threading

import pytest
from aiosmtpd.controller import Controller
from capturing_smarthost import Smarthost, free_port

from gobetween.adapters.mail.smtp_transport import SmtpTransport
from gobetween.services.ports import OutboundMail, PermanentDeliveryError, TemporaryDeliveryError


def mail(number: int) -> OutboundMail:
    data = f"From: a@relay.test\r\nTo: r{number}@example.com\r\nSubject: {number}\r\n\r\nHi\r\n"
    return OutboundMail(
        f"message-{number}-buyer",
        "bounces@relay.test",
        f"r{number}@example.com",
        data.encode("ascii"),
    )


def test_mails_share_one_connection_and_arrive_byte_for_byte(
    smarthost: tuple[Smarthost, Controller],
) -> None:
    handler, controller = smarthost
    transport = SmtpTransport("127.0.0.1", controller.port, helo="relay.test")
    sent = [mail(number) for number in range(5)]
    for each in sent:
        transport.deliver(each)
    transport.close()
    assert len(set(handler.ports())) == 1
    assert [data for *_, data in handler.received] == [each.data for each in sent]
    assert [(sender, to) for _, sender, to, _ in handler.received] == [
        ("bounces@relay.test", [each.recipient]) for each in sent
    ]
    # Each reuse starts with a RSET, which also proves the connection still works.
    assert handler.commands == ["RSET"] * 4


def test_each_worker_thread_has_its_own_connection(
    smarthost: tuple[Smarthost, Controller],
) -> None:
    handler, controller = smarthost
    transport = SmtpTransport("127.0.0.1", controller.port, helo="relay.test")

    def work(first: int) -> None:
        for number in range(first, first + 3):
            transport.deliver(mail(number))

    threads = [threading.Thread(target=work, args=(first,)) for first in (0, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    transport.close()
    assert len(handler.received) == 6
    assert len(set(handler.ports())) == 2


def test_a_connection_the_smarthost_closed_is_replaced() -> None:
    handler = Smarthost()
    port = free_port()
    first = Controller(handler, hostname="127.0.0.1", port=port)
    first.start()
    transport = SmtpTransport("127.0.0.1", port, helo="relay.test")
    try:
        transport.deliver(mail(1))
    finally:
        first.stop()
    # The smarthost restarts: the kept connection is dead; the next mail still goes through.
    second = Controller(handler, hostname="127.0.0.1", port=port)
    second.start()
    try:
        transport.deliver(mail(2))
        transport.close()
    finally:
        second.stop()
    assert [to for _, _, to, _ in handler.received] == [["r1@example.com"], ["r2@example.com"]]
    assert len(set(handler.ports())) == 2


def test_a_refused_mail_drops_the_connection_and_the_next_goes_on_a_new_one(
    smarthost: tuple[Smarthost, Controller],
) -> None:
    handler, controller = smarthost
    notices: list[tuple[str, str]] = []
    transport = SmtpTransport(
        "127.0.0.1",
        controller.port,
        helo="relay.test",
        on_permanent_failure=lambda failed, diagnostic: notices.append(
            (failed.delivery_key, diagnostic)
        ),
    )
    transport.deliver(mail(1))
    handler.replies.append("550 5.1.1 No such user")
    with pytest.raises(PermanentDeliveryError, match=r"550 5\.1\.1 No such user"):
        transport.deliver(mail(2))
    handler.replies.append("451 4.3.0 Try later")
    with pytest.raises(TemporaryDeliveryError, match=r"451 4\.3\.0 Try later"):
        transport.deliver(mail(3))
    transport.deliver(mail(4))
    transport.close()
    assert notices == [("message-2-buyer", "550 5.1.1 No such user")]
    assert [to for _, _, to, _ in handler.received] == [["r1@example.com"], ["r4@example.com"]]
    assert len(set(handler.ports())) == 2


def test_an_unreachable_smarthost_is_a_temporary_failure() -> None:
    transport = SmtpTransport("127.0.0.1", free_port(), timeout=5)
    with pytest.raises(TemporaryDeliveryError, match=r"smarthost 127\.0\.0\.1"):
        transport.deliver(mail(1))


def test_a_connection_older_than_its_limit_is_replaced(
    smarthost: tuple[Smarthost, Controller],
) -> None:
    handler, controller = smarthost
    transport = SmtpTransport(
        "127.0.0.1", controller.port, helo="relay.test", max_connection_age=0.0
    )
    for number in range(3):
        transport.deliver(mail(number))
    transport.close()
    assert len(set(handler.ports())) == 3
    assert handler.commands == []
