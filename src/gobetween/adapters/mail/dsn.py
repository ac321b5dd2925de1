"""RFC 3464 delivery status notifications: tell a sender's registered address a mail failed.

Sent with a null return path (so a DSN can never cause another one) and carrying only the
original's headers, not its body (relay-notes.md, Bounce generation). The final recipient shown
is the buyer's alias, never the buyer's real address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime

from gobetween.adapters.mail.outbound import WIRE_POLICY, new_message_id
from gobetween.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class DeliveryFailure:
    """Why one mail did not reach its recipient."""

    # Who gets the notice: the sender's registered address, never an unverified envelope sender.
    notify: str
    # The address shown as the failed recipient: the alias the sender wrote to.
    final_recipient: str
    original_headers: bytes
    status: str
    diagnostic: str
    explanation: str
    arrival: datetime
    original_message_id: str | None = None


def build_dsn(failure: DeliveryFailure, *, reporting_domain: str, now: datetime) -> bytes:
    """The DSN's bytes: multipart/report with a text part, the status and the original headers."""
    if not failure.status or failure.status[0] not in "45" or failure.status.count(".") != 2:
        raise InvalidInput(
            "status", f"must be an enhanced status code such as 5.7.1; got {failure.status!r}"
        )
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = f"Mail Delivery System <mailer-daemon@{reporting_domain}>"
    message["To"] = failure.notify
    message["Subject"] = "Undelivered message: " + (
        "returned to sender" if failure.status.startswith("5") else "delayed"
    )
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = new_message_id(reporting_domain)
    message["Auto-Submitted"] = "auto-replied"
    if failure.original_message_id:
        message["In-Reply-To"] = failure.original_message_id
        message["References"] = failure.original_message_id
    message.set_content(failure.explanation.rstrip() + "\n")
    message.make_mixed()
    message.set_type("multipart/report")
    message.set_param("report-type", "delivery-status")

    status = EmailMessage(policy=WIRE_POLICY)
    status["Content-Type"] = "message/delivery-status"
    status.set_payload(_status_groups(failure, reporting_domain))  # type: ignore[arg-type]
    message.attach(status)

    headers = EmailMessage(policy=WIRE_POLICY)
    headers.set_content(_header_block(failure.original_headers), subtype="rfc822-headers")
    del headers["MIME-Version"]
    message.attach(headers)
    return message.as_bytes(policy=WIRE_POLICY)


def _status_groups(failure: DeliveryFailure, reporting_domain: str) -> list[Message]:
    """The per-message and per-recipient field groups of RFC 3464 §2.2 and §2.3."""
    per_message = Message(policy=WIRE_POLICY)
    per_message["Reporting-MTA"] = f"dns; {reporting_domain}"
    per_message["Arrival-Date"] = format_datetime(failure.arrival.astimezone(UTC))
    per_recipient = Message(policy=WIRE_POLICY)
    per_recipient["Final-Recipient"] = f"rfc822; {failure.final_recipient}"
    per_recipient["Action"] = "failed" if failure.status.startswith("5") else "delayed"
    per_recipient["Status"] = failure.status
    per_recipient["Diagnostic-Code"] = "smtp; " + " ".join(failure.diagnostic.split())
    return [per_message, per_recipient]


def _header_block(raw_headers: bytes) -> str:
    # Headers only: the end of the header block, or the whole input when no body follows.
    text = raw_headers.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace")
    return text.strip("\n") + "\n"


def headers_of(raw: bytes) -> bytes:
    """The header block of a raw mail."""
    normalized = raw.replace(b"\r\n", b"\n")
    return normalized.split(b"\n\n", 1)[0] + b"\n"
