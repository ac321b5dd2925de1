"""Compose the mail a recipient gets: re-authored from the alias, sanitised, then DKIM-signed.

The bytes are built once, in 7-bit form (quoted-printable or base64), and signed as they are: no
later hop needs to re-encode them, so the body hash still matches on arrival (the failure
relay-notes.md records for relays that sign before converting 8-bit parts).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

import dkim
import pybase64
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from dkim.canonicalization import (
    CanonicalizationPolicy,
    compress_whitespace,
    correct_empty_body,
    strip_trailing_lines,
    strip_trailing_whitespace,
)

from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.parse import MailAttachment, ReusedHeaderClasses
from gobetween.adapters.mail.sanitize import sanitize
from gobetween.domain.errors import InvalidInput


class _KeptWireHeaders(ReusedHeaderClasses):
    """The wire policy's header factory: a header whose values recur from mail to mail is parsed
    once per (name, value), and the same header object serves every mail that sets it.

    To is the seller's or the buyer's own address, the same for every mail of a thread, and the
    content headers set_content and add_attachment write take a few values; parsing them cost
    about 0.14 ms of every mail (To 69 us, Content-Type 54 us). A parsed header depends on nothing
    but its name and value and is not changed once built (a str, its parameters behind a
    read-only mapping, its defects a tuple; parse._HeadersOfOneMail relies on the same), so
    sharing one changes no byte. Other names (Date, Message-ID, Subject) are new in every mail.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parsed = functools.lru_cache(maxsize=4096)(super().__call__)

    def __call__(self, name: str, value: Any) -> Any:
        if type(value) is str and name.lower() in _RECURRING_HEADERS:
            return self._parsed(name, value)
        return super().__call__(name, value)


_RECURRING_HEADERS = frozenset(
    {"to", "content-type", "content-transfer-encoding", "content-disposition", "mime-version"}
)

# Every line of what we send fits in 7 bits, so no relay on the way converts (and breaks) it.
WIRE_POLICY = SMTP.clone(cte_type="7bit", max_line_length=78, header_factory=_KeptWireHeaders())

# Bodies from this size go around the generator (wire_bytes).
SPLICE_BYTES = 16 * 1024
# The line breaks the generator recognises in a body (email.generator's NLCRE).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CRLF = "\r\n"

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
    # Some attachments' base64 bodies as compose writes them, by their sha256: what
    # decode_wire_lines gave with the bytes, which the caller has. Sent as they are instead of
    # encoding and cutting the bytes again. Not compared: a letter sends the same bytes with them
    # as without.
    attachment_lines: Mapping[str, bytes] = field(default_factory=dict, compare=False)


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
    tag = secrets.token_hex(8)
    encoded: list[_EncodedBody] = []
    for attachment in letter.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        maintype, subtype = maintype or "application", subtype or "octet-stream"
        # A large binary body is base64-encoded here, as bytes, and put in by wire_bytes: the
        # standard library encodes it a line at a time into a str. Text is left to it: the
        # sanitiser reads and may rewrite a text part.
        outside = maintype not in ("text", "message", "multipart") and (
            _base64_length(len(attachment.data)) >= SPLICE_BYTES
        )
        message.add_attachment(
            b"" if outside else attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
        )
        if outside:
            part = _last_part(message)
            token = f"gobetween-attachment-{tag}-{len(encoded)}"
            part.set_payload(token + "\n")
            known = letter.attachment_lines.get(attachment.sha256)
            # _base64_length counts a line break as one byte; these lines end theirs with CRLF.
            breaks = (len(attachment.data) + 56) // 57
            if known is not None and len(known) != _base64_length(len(attachment.data)) + breaks:
                raise ValueError(
                    f"the base64 body given for {attachment.filename!r} does not fit it"
                )
            encoded.append(_EncodedBody(part, token.encode("ascii"), attachment.data, known))
    sanitize(message, replacements=replacements)
    # The recipient's own address, set after the scrub: it is the one real address that belongs.
    message["To"] = letter.recipient
    data, crlf_only = _wire_bytes_and_line_ends(message, encoded)
    return _sign(data, key, crlf_only=crlf_only) if key is not None else data


@dataclass(frozen=True, slots=True)
class _EncodedBody:
    """A binary body left out of the message: its part holds `token` as its one line instead."""

    part: EmailMessage
    token: bytes
    data: bytes
    # wire_lines' bytes, known already (_as_wire_lines).
    known_lines: bytes | None = None

    def wire_lines(self) -> bytes:
        """What the generator writes for the body add_attachment would have set (_wire_lines)."""
        return self.known_lines if self.known_lines is not None else _wire_lines(self.data)

    def payload(self) -> str:
        """The part's payload as add_attachment sets it."""
        return self.wire_lines().replace(_LINESEP, b"\n").decode("ascii")


def _wire_lines(data: bytes) -> bytes:
    """base64 lines of 57 octets (76 characters), each ended by CRLF, as email.contentmanager
    makes them for a policy's max_line_length of 78: the same bytes as binascii.b2a_base64's
    encoding cut into lines (tests/unit/mail/test_compose_arrived_lines.py).

    pybase64 writes the lines with LF breaks in C: with the CRLF put in, 0.17 ms for 196 kB,
    where encoding with binascii and cutting the lines in Python took 0.75 ms.
    """
    return pybase64.encodebytes(data).replace(b"\n", _LINESEP)


def decode_wire_lines(lines: bytes) -> tuple[bytes, bytes | None]:
    """`binascii.a2b_base64(lines)`, and `lines` with the last line's CRLF where they are the
    base64 body compose writes for those bytes (_EncodedBody.wire_lines), else None.

    A 196 kB body a mail client wrote took binascii 0.75 ms to decode; pybase64 (SIMD) decodes
    it in 0.07 ms, and the lines compose would write for the result are then made (0.17 ms) and
    compared. Where they are `lines`, `lines` is the one base64 encoding of those bytes, which
    binascii decodes to the same bytes; whatever pybase64 may accept beyond that, nothing else
    is taken from it: other bodies are decoded by binascii, as before (its errors included).
    """
    try:
        data = pybase64.b64decode(lines)
    except ValueError:  # binascii.Error
        return binascii.a2b_base64(lines), None
    wire = _wire_lines(data)
    if len(wire) == len(lines) + len(_LINESEP) and wire.startswith(lines):
        return data, wire
    return binascii.a2b_base64(lines), None


def _last_part(message: EmailMessage) -> EmailMessage:
    """The part add_attachment has just added to the message."""
    parts = message.get_payload()
    if not isinstance(parts, list) or not isinstance(parts[-1], EmailMessage):
        raise TypeError("the message has no attachment part")
    return parts[-1]


def _base64_length(size: int) -> int:
    """The length of a base64 body of `size` octets in 76-character lines with their breaks."""
    return (size + 2) // 3 * 4 + (size + 56) // 57


def wire_bytes(message: EmailMessage, *, encoded: Sequence[_EncodedBody] = ()) -> bytes:
    """`message.as_bytes(policy=WIRE_POLICY)`, with its large base64 bodies put in as bytes.

    The generator writes a body line by line in Python (two writes a line), then searches all it
    wrote for its multipart boundary: for a 200 kB attachment, 3,500 base64 lines, that was a
    third of composing and signing the mail. Such a body is ASCII with line breaks only, which
    the generator writes as its lines with CRLF breaks; so while it runs, each large base64 body
    is a one-line token, and the token's line is then replaced by those bytes. A base64 line
    never starts with "--", so no boundary the generator could pick occurs in one: the boundary
    check over the smaller text decides the same. `encoded` are bodies compose left out of the
    message, their parts already holding their tokens (a part the sanitiser dropped is gone).
    """
    data, _ = _wire_bytes_and_line_ends(message, encoded)
    return data


def _wire_bytes_and_line_ends(
    message: EmailMessage, encoded: Sequence[_EncodedBody]
) -> tuple[bytes, bool]:
    """wire_bytes, and whether every LF of it ends a CRLF (False where that was not checked).

    Known without searching the spliced bodies, which are nearly all of a large mail's bytes:
    the signature then need not count the line ends of 270 kB twice (0.37 ms) to learn it.
    """
    lifted: dict[int, tuple[bytes, Callable[[], bytes]]] = {}
    restore: list[tuple[EmailMessage, str]] = []
    left_out = {id(body.part): body for body in encoded}
    tag = secrets.token_hex(8)
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() in ("message", "multipart"):
            continue
        body = left_out.get(id(part))
        if body is not None:
            lifted[id(part)] = (body.token, body.wire_lines)
            continue
        payload = part.get_payload()
        if (
            not isinstance(payload, str)
            or len(payload) < SPLICE_BYTES
            or not payload.isascii()
            or part.get("Content-Transfer-Encoding", "").lower() != "base64"
        ):
            continue
        token = f"gobetween-body-{tag}-{len(lifted)}"
        lifted[id(part)] = (token.encode("ascii"), functools.partial(_generator_lines, payload))
        restore.append((part, payload))
        part.set_payload(token + "\n")
    try:
        data = message.as_bytes(policy=WIRE_POLICY)
    finally:
        for part, payload in restore:
            part.set_payload(payload)
    pieces: list[bytes] = []
    # The generator's own bytes are searched for line ends here; the bodies put in end every
    # line with CRLF by construction (_EncodedBody.wire_lines, _generator_lines).
    crlf_only = True
    for marker, lines in lifted.values():
        before, found, data = data.partition(marker + _LINESEP)
        if not found:
            # Never expected: the token is not where the body was. Let the generator do it all.
            for body in encoded:
                body.part.set_payload(body.payload())
            return message.as_bytes(policy=WIRE_POLICY), False
        crlf_only = crlf_only and _only_crlf(before, 0, len(before))
        pieces += [before, lines()]
    crlf_only = crlf_only and _only_crlf(data, 0, len(data))
    pieces.append(data)
    return b"".join(pieces), crlf_only


def _generator_lines(payload: str) -> bytes:
    """What the generator writes for a body: its lines, each ended by CRLF."""
    lines = payload.replace("\n", _CRLF) if "\r" not in payload else _LINE_BREAK.sub(_CRLF, payload)
    return lines.encode("ascii")


def sign(data: bytes, key: DkimKey) -> bytes:
    """Prepend a DKIM-Signature (rsa-sha256, relaxed/relaxed) over exactly these bytes.

    The header is dkimpy's, field for field (same tags, order and folding; a test compares the
    two byte for byte): dkimpy canonicalises and hashes, while the RSA step runs in OpenSSL with
    the key loaded once per process. dkimpy's own signer re-parses the PEM and does the RSA
    arithmetic in Python on every mail, about 30 ms of CPU each, more than all the rest of a
    delivery.
    """
    return _sign(data, key, crlf_only=False)


def _sign(data: bytes, key: DkimKey, *, crlf_only: bool) -> bytes:
    """sign(); `crlf_only` says every LF of `data` is known to end a CRLF (compose knows it)."""
    headers, body = dkim_headers_and_body(data, crlf_only=crlf_only)
    body_hash = hashlib.sha256(relaxed_body(body)).digest()
    fields = [
        (b"v", b"1"),
        (b"a", _ALGORITHM),
        (b"c", _CANONICAL.to_c_value()),
        (b"d", key.domain.encode("ascii")),
        (b"i", b"@" + key.domain.encode("ascii")),
        (b"q", b"dns/txt"),
        (b"s", key.selector.encode("ascii")),
        (b"t", str(int(time.time())).encode("ascii")),
        (b"h", b" : ".join(_SIGNED_HEADER_NAMES)),
        (b"bh", base64.b64encode(body_hash)),
        # A placeholder long enough to fold b= onto its own line, as dkimpy does, so folding
        # after the value is filled in changes no whitespace of the other tags.
        (b"b", b"0" * 60),
    ]
    unsigned = dkim.fold(b"; ".join(b"=".join(field) for field in fields), namelen=len(_NAME))
    unsigned = dkim.RE_BTAG.sub(b"\\1", unsigned)
    digest = hashlib.sha256()
    dkim.hash_headers(
        digest,
        _CANONICAL,
        relaxed_headers(headers),
        _SIGNED_HEADER_NAMES,
        (_NAME, b" " + unsigned),
        dict(fields),
    )
    signature = _private_key(key.private_pem).sign(
        digest.digest(), padding.PKCS1v15(), Prehashed(hashes.SHA256())
    )
    fields[-1] = (b"b", base64.b64encode(signature))
    value = b"; ".join(b"=".join(field) for field in fields) + _LINESEP
    folded: bytes = dkim.fold(value, namelen=len(_NAME), linesep=_LINESEP)
    return _NAME + b": " + folded + data


def dkim_headers_and_body(
    data: bytes, *, crlf_only: bool = False
) -> tuple[list[list[bytes]], bytes]:
    """dkimpy's `rfc822_parse(data)`: the header fields and the body, CRLF-separated.

    rfc822_parse splits the whole mail at every line break and joins the body's lines again,
    3,500 lines for a 200 kB attachment. Only the header block goes through it here; the body is
    the bytes after the first empty line, which is what that join gives back when every line
    break of the body is a CRLF (always so for the generator's output; anything else takes
    dkimpy's way). `crlf_only`: the caller knows every LF of `data` ends a CRLF, so neither
    part is searched for one.
    """
    end = data.find(b"\r\n\r\n")
    # The first empty line is the first CRLF CRLF when no line before it is empty or ends in LF.
    if end > 0 and not data.startswith(b"\r\n") and (crlf_only or _only_crlf(data, 0, end)):
        body = data[end + 4 :]
        if crlf_only or _only_crlf(body, 0, len(body)):
            headers, _ = dkim.rfc822_parse(data[: end + 4])
            return headers, body
    headers, body = dkim.rfc822_parse(data)
    return headers, body


def _only_crlf(data: bytes, start: int, end: int) -> bool:
    """Whether every LF in data[start:end] ends a CRLF."""
    return data.count(b"\n", start, end) == data.count(b"\r\n", start, end)


def relaxed_body(body: bytes) -> bytes:
    """The relaxed body canonicalisation (RFC 6376 §3.4.4) of a CRLF-separated body.

    The same bytes as dkimpy's `Relaxed.canonicalize_body`, whose two whitespace regexes scan
    the whole body: about 4 ms of the 18 ms a 200 kB mail took to compose and sign, though a
    base64 attachment has no blank at all. Both only change runs of spaces and tabs within one
    line, so they run over the lines from the first blank to the last (found by byte searches),
    and the lines around are kept as they are.
    """
    firsts = [found for found in (body.find(b" "), body.find(b"\t")) if found >= 0]
    if firsts:
        last = max(body.rfind(b" "), body.rfind(b"\t"))
        start = body.rfind(b"\n", 0, min(firsts)) + 1
        line_end = body.find(b"\n", last)
        end = len(body) if line_end < 0 else line_end + 1
        lines = body[start:end]
        # The regexes change only a tab, two blanks in a row and a blank before a line break;
        # over text with none of them each single space is a match replaced by itself (0.1 ms
        # for a 4 kB text), and the lines stay as they are.
        if b"\t" in lines or b"  " in lines or b" \r\n" in lines:
            body = body[:start] + compress_whitespace(strip_trailing_whitespace(lines)) + body[end:]
    canonical: bytes = correct_empty_body(strip_trailing_lines(body))
    return canonical


def relaxed_headers(headers: Sequence[Sequence[bytes]]) -> list[tuple[bytes, bytes]]:
    """The relaxed header canonicalisation (RFC 6376 §3.4.2) of (name, value) fields.

    The same bytes as dkimpy's `Relaxed.canonicalize_headers`, which runs two regular expressions
    over every value: the unfolding is two replaces here (every LF goes, and a CR right before
    one: what "\\r?\\n" removes), and the whitespace compression runs only on a value with a
    tab or two blanks in a row, the only ones it changes.
    """
    return [(name.lower().rstrip(), _relaxed_header_value(value)) for name, value in headers]


def _relaxed_header_value(value: bytes) -> bytes:
    unfolded = value.replace(b"\r\n", b"").replace(b"\n", b"")
    if b"\t" in unfolded or b"  " in unfolded:
        unfolded = compress_whitespace(unfolded)
    return unfolded.strip() + b"\r\n"


_NAME = b"DKIM-Signature"
_ALGORITHM = b"rsa-sha256"
_LINESEP = b"\r\n"
_CANONICAL = CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
_SIGNED_HEADER_NAMES = tuple(name.encode("ascii") for name in SIGNED_HEADERS)


@functools.lru_cache(maxsize=8)
def _private_key(pem: bytes) -> rsa.RSAPrivateKey:
    # Loaded once per key and process: parsing a 2048-bit PEM costs about a millisecond.
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidInput("dkim_key_file", "is not an RSA key")
    return key


def _one_line(value: str) -> str:
    # A line break in a header value would start a new header: never let one through.
    return " ".join(value.split())
