"""Header allowlist and address replacement, on a mail full of the leaks relay-notes.md lists."""

from __future__ import annotations

import base64
import quopri
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail.sanitize import (
    ALLOWED_HEADERS,
    LEAKING_HEADERS,
    AddressScrubber,
    sanitize,
)

SELLER_REAL = "jane.doe@seller.example"
BUYER_REAL = "bob@buyer.example"
REPLACEMENTS = {SELLER_REAL: "sss@relay.test", BUYER_REAL: "bbb@relay.test"}


def leaky_mail() -> bytes:
    """A mail as a seller's client writes it, with every known leaking header and encoding."""
    headers = "".join(f"{name}: {SELLER_REAL} leak\r\n" for name in LEAKING_HEADERS)
    html = f"<p>Write to <a href='mailto:{SELLER_REAL}'>jane.doe&#64;seller&#46;example</a></p>"
    text_qp = quopri.encodestring(f"Write to Jane.Doe@Seller.Example or {BUYER_REAL}\n".encode())
    csv_b64 = base64.encodebytes(f"name,email\nJane,{SELLER_REAL}\n".encode())
    return (
        f"{headers}"
        f"From: =?utf-8?q?Jane_=3Cjane=2Edoe=40seller=2Eexample=3E?= <{SELLER_REAL}>\r\n"
        f"To: {BUYER_REAL}\r\n"
        f"Subject: =?utf-8?b?{base64.b64encode(f'Re: for {BUYER_REAL}'.encode()).decode()}?=\r\n"
        "X-Unknown-Future-Header: anything\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        '--b1\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n'
        "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nX-Part-Leak: yes\r\n\r\n"
        f"{text_qp.decode()}\r\n"
        "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"{html}\r\n--b2--\r\n"
        '--b1\r\nContent-Type: text/csv; name="list.csv"\r\nContent-Transfer-Encoding: base64\r\n'
        'Content-Disposition: attachment; filename="list.csv"\r\n\r\n'
        f"{csv_b64.decode()}\r\n"
        "--b1\r\nContent-Type: text/vcard\r\n\r\nBEGIN:VCARD\r\nEMAIL:x@y.example\r\nEND:VCARD\r\n"
        "--b1\r\nContent-Type: application/pgp-keys\r\n\r\n-----BEGIN PGP-----\r\n"
        "--b1--\r\n"
    ).encode()


def decoded_text(message: EmailMessage) -> str:
    """Every header value and every part, decoded: what a determined reader could see."""
    chunks = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        chunks.extend(f"{name}: {value}" for name, value in part.items())
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                chunks.append(payload.decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_no_leaking_header_and_no_real_address_survives() -> None:
    message = message_from_bytes(leaky_mail(), _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    before = decoded_text(message)
    assert SELLER_REAL in before.lower()  # the fixture really leaks

    sanitize(message, replacements=REPLACEMENTS)
    wire = message.as_bytes()
    reparsed = message_from_bytes(wire, _class=EmailMessage, policy=default)
    assert isinstance(reparsed, EmailMessage)
    names = {name.lower() for part in reparsed.walk() for name in part}
    for leaking in LEAKING_HEADERS:
        assert leaking.lower() not in names, leaking
    assert "x-unknown-future-header" not in names
    assert "x-part-leak" not in names
    assert names <= ALLOWED_HEADERS
    after = decoded_text(reparsed).lower()
    for real in (SELLER_REAL, BUYER_REAL, "jane.doe&#64;seller&#46;example"):
        assert real not in after
        assert real not in wire.decode("ascii", "replace").lower()
    assert "sss@relay.test" in after
    assert "bbb@relay.test" in after
    content_types = [part.get_content_type() for part in reparsed.walk()]
    assert "text/vcard" not in content_types
    assert "application/pgp-keys" not in content_types
    assert "text/csv" in content_types  # ordinary files stay, with addresses replaced


def test_escaped_forms_are_replaced() -> None:
    scrubber = AddressScrubber({SELLER_REAL: "sss@relay.test"})
    assert scrubber.scrub("JANE.DOE@SELLER.EXAMPLE") == "sss@relay.test"
    assert scrubber.scrub("jane.doe&#x40;seller.example") == "sss@relay.test"
    assert scrubber.scrub("mailto:jane.doe%40seller.example") == "mailto:sss@relay.test"
    assert scrubber.scrub("nothing here") == "nothing here"


_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12).filter(
    lambda s: not s.startswith(".") and not s.endswith(".")
)
_FILLER = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(local=_LOCAL, before=_FILLER, after=_FILLER, html=st.booleans())
def test_property_no_registered_address_survives_any_encoding(
    local: str, before: str, after: str, html: bool
) -> None:
    real = f"{local}@seller.example"
    message = EmailMessage()
    message["From"] = f"x <{real}>"
    message["Subject"] = f"{before}{real}"
    body = f"{before} {real.upper()} {after}"
    message.set_content(f"<p>{body}</p>" if html else body, subtype="html" if html else "plain")
    sanitize(message, replacements={real: "alias@relay.test"})
    reparsed = message_from_bytes(message.as_bytes(), _class=EmailMessage, policy=default)
    assert isinstance(reparsed, EmailMessage)
    assert real not in decoded_text(reparsed).lower()
