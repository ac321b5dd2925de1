"""Messages and threads as stored: what was said, by whom, how it was judged, where it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from gobetween.domain.errors import InvalidInput

Direction = Literal["seller_to_buyer", "buyer_to_seller"]
Initiation = Literal["proactive", "reply"]
# What happens to a stored message: queued for its recipient, blocked by policy, or bounced back
# to the seller because the buyer opted out of non-critical messages (system.md, Delivery rules).
Disposition = Literal["delivered", "blocked", "bounced"]

CHANNELS: Final = ("web", "api", "email", "cli")
INITIATIONS: Final = ("proactive", "reply")

# A message is a conversation, not a file transfer: 100 kB of text is far beyond any policy length
# limit (policy.md §2: 2000 characters) yet small enough to check and store without strain.
MAX_TEXT_BYTES: Final = 100_000
MAX_SUBJECT_CHARS: Final = 500
MAX_ATTACHMENTS: Final = 10
_SHA256_HEX: Final = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class AttachmentMeta:
    """A file sent with a message, by content hash; the bytes live in the attachment store.

    `head` holds the first bytes for the policy to judge the type by content; it is not stored.
    """

    filename: str
    content_type: str
    size: int
    sha256: str
    head: bytes | None = None


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One policy finding as stored with its message (policy.md §3)."""

    category: str
    rule: str
    severity: str
    span_start: int | None
    span_end: int | None
    message: str


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One stored message with its findings and attachments: the unit the hash chain covers."""

    thread_id: int
    seq: int
    direction: Direction
    sender_id: str
    channel: str
    initiation: Initiation
    contact_reason: str
    subject: str
    body: str
    language: str | None
    verdict: str
    critical: bool
    disposition: Disposition
    triage: str | None
    report: str | None
    created_at: datetime
    prev_hash: str
    hash: str
    findings: tuple[FindingRecord, ...] = ()
    attachments: tuple[AttachmentMeta, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    """All messages about one order, between its seller and its buyer; the head of its chain."""

    id: int
    order_id: str
    seller_id: str
    buyer_id: str
    message_count: int
    head_hash: str
    last_message_at: datetime | None = None


def check_text(value: object, *, field_name: str = "text") -> str:
    """Return the message text if it is a non-empty string of at most MAX_TEXT_BYTES, else raise.

    The length is judged before anything else touches the text, so a 100 MB paste is refused at
    once instead of being normalised and scanned.
    """
    if not isinstance(value, str):
        raise InvalidInput(field_name, f"must be a string; got {type(value).__name__}")
    # A str of more than MAX_TEXT_BYTES characters is always more than MAX_TEXT_BYTES bytes.
    if len(value) > MAX_TEXT_BYTES:
        raise InvalidInput(field_name, f"is too large: at most {MAX_TEXT_BYTES} bytes of UTF-8")
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a broken "\ud800" JSON escape, say) is not text any database
        # or mail can carry.
        raise InvalidInput(field_name, "is not valid Unicode text (lone surrogate)") from None
    if len(encoded) > MAX_TEXT_BYTES:
        raise InvalidInput(field_name, f"is too large: at most {MAX_TEXT_BYTES} bytes of UTF-8")
    if not value.strip():
        raise InvalidInput(field_name, "must not be empty")
    if "\x00" in value:
        raise InvalidInput(field_name, "must not contain NUL characters")
    return value


def check_subject(value: object, *, field_name: str = "subject") -> str:
    """Return a one-line subject of at most MAX_SUBJECT_CHARS characters (may be empty)."""
    if not isinstance(value, str):
        raise InvalidInput(field_name, f"must be a string; got {type(value).__name__}")
    if len(value) > MAX_SUBJECT_CHARS:
        raise InvalidInput(field_name, f"is too long: at most {MAX_SUBJECT_CHARS} characters")
    # A line break in a subject would let text escape into mail headers.
    if any(ch in value for ch in "\r\n\x00"):
        raise InvalidInput(field_name, "must be one line (no line breaks)")
    return value.strip()


def check_channel(value: object, *, field_name: str = "channel") -> str:
    """Return a known channel name, else raise InvalidInput."""
    if value not in CHANNELS:
        raise InvalidInput(field_name, f"must be one of {', '.join(CHANNELS)}; got {value!r}")
    return str(value)


def check_attachments(
    value: object, *, field_name: str = "attachments"
) -> tuple[AttachmentMeta, ...]:
    """Return the attachment metadata if every entry is well-formed, else raise InvalidInput."""
    if not isinstance(value, tuple | list):
        raise InvalidInput(field_name, "must be a list of attachments")
    if len(value) > MAX_ATTACHMENTS:
        raise InvalidInput(field_name, f"at most {MAX_ATTACHMENTS} attachments per message")
    checked: list[AttachmentMeta] = []
    for index, item in enumerate(value):
        where = f"{field_name}[{index}]"
        if not isinstance(item, AttachmentMeta):
            raise InvalidInput(where, "must be an AttachmentMeta")
        if not isinstance(item.filename, str) or not item.filename or len(item.filename) > 255:
            raise InvalidInput(f"{where}.filename", "must be 1-255 characters")
        if any(ch in item.filename for ch in "\r\n\x00/\\"):
            raise InvalidInput(f"{where}.filename", "must not contain line breaks or slashes")
        if not isinstance(item.content_type, str) or "/" not in item.content_type:
            raise InvalidInput(f"{where}.content_type", "must be a media type such as text/plain")
        if len(item.content_type) > 127:
            raise InvalidInput(f"{where}.content_type", "must be at most 127 characters")
        if isinstance(item.size, bool) or not isinstance(item.size, int) or item.size < 0:
            raise InvalidInput(f"{where}.size", "must be a non-negative integer (bytes)")
        digest = item.sha256
        if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _SHA256_HEX:
            raise InvalidInput(f"{where}.sha256", "must be 64 lower-case hex digits")
        checked.append(item)
    return tuple(checked)
