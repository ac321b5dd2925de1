"""Composing outbound mail from an outbox row with the standard library's `email` package.

One function, `compose_delivery`, so the relay (DKIM, VERP, threading headers) can replace it whole.
"""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from gobetween.services.ports import OutboundMail, OutboxItem


def message_id_for(delivery_key: str, *, domain: str) -> str:
    """Our own Message-ID: stable per delivery key (a retry reuses it), no internal ids inside."""
    token = hashlib.sha256(delivery_key.encode("utf-8")).hexdigest()[:32]
    return f"<{token}@{domain}>"


def compose_delivery(item: OutboxItem, *, alias_domain: str) -> OutboundMail:
    """Build the exact bytes to deliver for an outbox row of kind `message` or `bounce_notice`.

    A message goes From the sender's alias (with a display name) To the recipient's real address;
    replies to it come back through the alias. Raises ValueError for an unknown kind.
    """
    payload = item.payload
    mail = EmailMessage(policy=SMTP)
    if item.kind == "message":
        sender = Address(
            display_name=str(payload["from_name"]),
            username=str(payload["from_alias"]),
            domain=alias_domain,
        )
        mail["Subject"] = _subject(payload)
        mail.set_content(_message_body(payload))
    elif item.kind == "bounce_notice":
        sender = Address(
            display_name="Marketplace messaging", username="postmaster", domain=alias_domain
        )
        mail["Subject"] = f"Message not delivered: {_subject(payload)}"
        mail["Auto-Submitted"] = "auto-replied"
        mail.set_content(_bounce_body(payload, alias_domain))
    else:
        raise ValueError(f"outbox row {item.id}: unknown kind {item.kind!r}")
    mail["From"] = sender
    mail["To"] = item.recipient
    mail["Message-ID"] = message_id_for(item.delivery_key, domain=alias_domain)
    if item.created_at is not None:
        mail["Date"] = format_datetime(item.created_at)
    return OutboundMail(
        delivery_key=item.delivery_key,
        sender=sender.addr_spec,
        recipient=item.recipient,
        data=mail.as_bytes(),
    )


def _subject(payload: dict[str, Any]) -> str:
    subject = str(payload.get("subject") or "").strip()
    order = payload.get("order_id")
    if subject:
        return subject
    return f"Message about order {order}" if order else "Message"


def _message_body(payload: dict[str, Any]) -> str:
    text = str(payload["text"])
    attachments = payload.get("attachments") or []
    if not attachments:
        return text
    listed = "\n".join(f"- {a['filename']} ({a['size']} bytes)" for a in attachments)
    return f"{text}\n\nAttachments:\n{listed}\n"


def _bounce_body(payload: dict[str, Any], alias_domain: str) -> str:
    buyer = f"{payload.get('buyer_alias', 'the buyer')}@{alias_domain}"
    return (
        f"Your message about order {payload.get('order_id')} to {buyer} was not delivered:\n"
        "the buyer has opted out of non-critical messages.\n\n"
        "Messages needed to complete the order (customization, delivery scheduling, address\n"
        "issues, unexpected problems, legal disclosures) are still delivered.\n"
        "You can turn these notices off under Settings > Notifications > Messaging.\n"
    )
