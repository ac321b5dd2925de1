"""Compose the mail a recipient gets: re-authored from the alias, sanitised, then DKIM-signed.

The bytes are built once, in 7-bit form (quoted-printable or base64), and signed as they are: no
later hop needs to re-encode them, so the body hash still matches on arrival (the failure
relay-notes.md records for relays that sign before converting 8-bit parts).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import dkim

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.parse import MailAttachment
from gobetween.adapters.mail.sanitize import sanitize
from gobetween.domain.errors import InvalidInput

# Every line of what we send fits in 7 bits, so no relay on the way converts (and breaks) it.
WIRE_POLICY = SMTP.clone(cte_type="7bit", max_line_length=78)

# relay-notes.md, Outbound signing. From is listed twice (oversigned): a second From added on the
# way would break the signature instead of being shown to the recipient. Absent headers are
# signed as empty for the same reason.
SIGNED_HEADERS = (
    "from",
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "auto-submitted",
    "list-unsubscribe",
    "list-unsubscribe-post",
)


@dataclass(frozen=True, slots=True)
class Letter:
    """One message to one recipient, as it should look when it arrives."""

    sender_alias: str
    sender_name: str
    recipient: str
    subject: str
    text: str
    date: datetime
    message_id: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[MailAttachment, ...] = ()
    # RFC 8058 one-click opt-out for non-critical seller mail (relay-notes.md).
    list_unsubscribe: str | None = None


def new_message_id(domain: str) -> str:
    """A random Message-ID on our domain: no host names, process ids or internal ids in it."""
    return f"<{secrets.token_hex(16)}@{domain}>"


def compose(
    letter: Letter,
    *,
    replacements: Mapping[str, str],
    key: DkimKey | None,
) -> bytes:
    """Build, sanitise and sign the letter; return the exact bytes to hand to SMTP.

    `replacements` maps each real address of either party to its alias: any of them found in the
    subject, the sender's name, the text or a text attachment is replaced.
    """
    if letter.date.tzinfo is None:
        raise InvalidInput("date", "must be timezone-aware")
    message = EmailMessage(policy=WIRE_POLICY)
    local, _, domain = letter.sender_alias.partition("@")
    if not local or not domain:
        raise InvalidInput("sender_alias", f"must be an address; got {letter.sender_alias!r}")
    message["From"] = Address(
        display_name=_one_line(letter.sender_name), username=local, domain=domain
    )
    message["Subject"] = _one_line(letter.subject)
    # In UTC, so the sender's time zone does not travel (relay-notes.md, Header sanitisation).
    message["Date"] = format_datetime(letter.date.astimezone(UTC))
    message["Message-ID"] = letter.message_id
    if letter.in_reply_to:
        message["In-Reply-To"] = letter.in_reply_to
    if letter.references:
        message["References"] = " ".join(letter.references)
    if letter.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{letter.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text if letter.text.endswith("\n") else letter.text + "\n")
    for attachment in letter.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    sanitize(message, replacements=replacements)
    # The recipient's own address, set after the scrub: it is the one real address that belongs.
    message["To"] = letter.recipient
    data = message.as_bytes(policy=WIRE_POLICY)
    return sign(data, key) if key is not None else data


def sign(data: bytes, key: DkimKey) -> bytes:
    """Prepend a DKIM-Signature (rsa-sha256, relaxed/relaxed) over exactly these bytes."""
    signature = dkim.sign(
        data,
        key.selector.encode("ascii"),
        key.domain.encode("ascii"),
        key.private_pem,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name.encode("ascii") for name in SIGNED_HEADERS],
    )
    if not isinstance(signature, bytes):
        raise TypeError("dkimpy returned no signature")
    return signature + data


def _one_line(value: str) -> str:
    # A line break in a header value would start a new header: never let one through.
    return " ".join(value.split())
