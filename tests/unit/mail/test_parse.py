"""Parsing inbound mail: body, HTML to text, quoted history, signatures, attachments, limits."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from gobetween.adapters.mail.parse import MalformedMail, html_to_text, parse_mail, split_reply


def _mail(body: str = "Hello", *, html: str | None = None, subtype: str = "plain") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jane Seller <jane@seller.example>"
    message["To"] = "abcdefghijklmnop@relay.test"
    message["Subject"] = "Your order"
    message["Message-ID"] = "<orig-1@seller.example>"
    message["In-Reply-To"] = "<ours-1@relay.test>"
    message["References"] = "<ours-0@relay.test> <ours-1@relay.test>"
    message.set_content(body, subtype=subtype)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def test_plain_text_is_preferred_over_html() -> None:
    parsed = parse_mail(_mail("Plain words", html="<p>HTML words</p>").as_bytes(policy=SMTP))
    assert parsed.body == "Plain words"
    assert parsed.attachments == ()
    assert parsed.from_address == "jane@seller.example"
    assert parsed.from_name == "Jane Seller"
    assert parsed.message_id == "<orig-1@seller.example>"
    assert parsed.in_reply_to == ("<ours-1@relay.test>",)
    assert parsed.references == ("<ours-0@relay.test>", "<ours-1@relay.test>")
    assert parsed.recipients == ("abcdefghijklmnop@relay.test",)


def test_html_only_body_becomes_text_with_link_targets_and_entities() -> None:
    html = (
        "<html><head><style>p{}</style></head><body><p>Caf&eacute; is <b>open</b></p>"
        '<p><a href="https://elsewhere.example/shop">click here</a></p>'
        "<script>ignored()</script></body></html>"
    )
    parsed = parse_mail(_mail(html, subtype="html").as_bytes())
    assert "Café is open" in parsed.body
    # The target of a link is what the policy must judge, not only its words.
    assert "click here <https://elsewhere.example/shop>" in parsed.body
    assert "ignored" not in parsed.body
    assert "p{}" not in parsed.body


def test_html_blockquote_is_quoted_history() -> None:
    html = (
        "<div>Thanks, shipped today.</div><blockquote><div>Where is my parcel?</div></blockquote>"
    )
    assert html_to_text(html) == "Thanks, shipped today.\n\n> Where is my parcel?"
    parsed = parse_mail(_mail(html, subtype="html").as_bytes())
    assert parsed.text == "Thanks, shipped today."
    assert "Where is my parcel?" in parsed.reply.quoted


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, Nov 23, 2026 at 10:00 AM Buyer <abc@relay.test> wrote:",
        "Am Mo., 23. Nov. 2026 um 10:00 Uhr schrieb Käufer <abc@relay.test>:",
        "Le lun. 23 nov. 2026 à 10:00, Acheteur <abc@relay.test> a écrit :",
        "El lun, 23 nov 2026 a las 10:00, Comprador (<abc@relay.test>) escribió:",
        "Il giorno lun 23 nov 2026 alle ore 10:00 Acquirente <abc@relay.test> ha scritto:",
        "2026年11月23日(月) 10:00 購入者 <abc@relay.test>:",
        "-----Original Message-----",
        "-----Ursprüngliche Nachricht-----",
    ],
)
def test_attribution_lines_start_the_history(attribution: str) -> None:
    body = f"It ships tomorrow.\n\n{attribution}\n> Call me at 555-0100\n> visit shop.example"
    reply = split_reply(body)
    assert reply.new == "It ships tomorrow."
    assert "555-0100" in reply.quoted
    assert "555-0100" not in reply.new


def test_gmail_attribution_wrapped_over_two_lines() -> None:
    body = (
        "Sure.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Some Buyer <abc@relay.test>\nwrote:\n> old text"
    )
    reply = split_reply(body)
    assert reply.new == "Sure."
    assert "old text" in reply.quoted


def test_outlook_reply_header_block_starts_the_history() -> None:
    body = (
        "We refunded you.\n\n________________________________\n"
        "From: Buyer <abc@relay.test>\nSent: Monday, November 23, 2026 10:00\n"
        "To: Seller <xyz@relay.test>\nSubject: Refund\n\nPlease email me at me@home.example"
    )
    reply = split_reply(body)
    assert reply.new == "We refunded you."
    assert "me@home.example" in reply.quoted


def test_outlook_header_block_without_separator_in_german() -> None:
    body = (
        "Danke.\n\nVon: Käufer <abc@relay.test>\nGesendet: Montag\nAn: Verkäufer\n"
        "Betreff: Frage\n\nalt"
    )
    assert split_reply(body).new == "Danke."


def test_a_from_line_in_the_new_text_alone_is_not_history() -> None:
    body = "From: the warehouse we shipped it today.\nIt arrives Friday."
    assert split_reply(body).new == body


def test_signature_is_separated() -> None:
    reply = split_reply("Shipped today.\n\n-- \nJane\nACME Ltd, +1 555 0100")
    assert reply.new == "Shipped today."
    assert reply.signature == "Jane\nACME Ltd, +1 555 0100"


def test_inline_quotes_are_not_new_text() -> None:
    reply = split_reply("> Is it blue?\nYes, it is blue.\n> And large?\nYes.")
    assert reply.new == "Yes, it is blue.\nYes."
    assert reply.quoted == "> Is it blue?\n> And large?"


def test_attachments_are_extracted_with_their_bytes() -> None:
    message = _mail("See the invoice.")
    pdf = b"%PDF-1.7\n" + bytes(range(256))
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="invoice.pdf")
    message.add_attachment(
        b"\x89PNG\r\n\x1a\nxxxx", maintype="image", subtype="png", filename="p.png"
    )
    parsed = parse_mail(message.as_bytes())
    assert parsed.body == "See the invoice."
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("invoice.pdf", "application/pdf", pdf),
        ("p.png", "image/png", b"\x89PNG\r\n\x1a\nxxxx"),
    ]


def test_encoded_headers_are_decoded() -> None:
    raw = (
        b"From: =?utf-8?q?J=C3=BCrgen?= <jurgen@seller.example>\r\nTo: a@relay.test\r\n"
        b"Subject: =?utf-8?b?QmVzdGVsbHVuZyDDvGJlcg==?=\r\n\r\nHallo\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.from_name == "Jürgen"
    assert parsed.subject == "Bestellung über"


def test_too_many_parts_is_refused_with_the_limit() -> None:
    message = _mail("many")
    for index in range(5):
        message.add_attachment(b"x", maintype="application", subtype="pdf", filename=f"{index}.pdf")
    with pytest.raises(MalformedMail, match="more than 4 MIME parts"):
        parse_mail(message.as_bytes(), max_parts=4)


def test_too_deep_nesting_is_refused() -> None:
    inner = "Content-Type: text/plain\r\n\r\ndeep\r\n"
    for level in range(12):
        inner = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'
            f"--b{level}\r\n{inner}\r\n--b{level}--\r\n"
        )
    raw = ("From: a@seller.example\r\nTo: b@relay.test\r\nMIME-Version: 1.0\r\n" + inner).encode()
    with pytest.raises(MalformedMail, match="nested deeper than 10"):
        parse_mail(raw)


def test_oversized_header_block_is_refused() -> None:
    raw = b"From: a@seller.example\r\nX-Pad: " + b"x" * 70_000 + b"\r\n\r\nbody"
    with pytest.raises(MalformedMail, match="header block"):
        parse_mail(raw)


def test_mail_without_a_from_address_is_refused() -> None:
    with pytest.raises(MalformedMail, match="exactly one From"):
        parse_mail(b"To: b@relay.test\r\nSubject: x\r\n\r\nbody")


def test_auto_submitted_is_recognised() -> None:
    message = _mail("Out of office")
    message["Auto-Submitted"] = "auto-replied"
    assert parse_mail(message.as_bytes()).auto_submitted
    assert not parse_mail(_mail().as_bytes()).auto_submitted
