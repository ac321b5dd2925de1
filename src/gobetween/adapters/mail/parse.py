"""Read an inbound mail: sender, new text (quoted history and signature kept apart), attachments.

Only the new text is checked and stored as the message: quoted history was checked when it was
first sent, and re-checking it would block a reply for what the other side wrote. Because the
relay delivers what it stored (never the inbound bytes), text that merely looks quoted is not
delivered either, so "> " lines cannot smuggle unchecked text to the recipient.
"""

from __future__ import annotations

import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from email import message_from_bytes
from email.contentmanager import raw_data_manager
from email.errors import InvalidHeaderDefect
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import EmailPolicy, default
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

import pybase64

from gobetween.domain.errors import InvalidInput

# relay-notes.md, Size and attachment limits.
MAX_PARTS = 100
MAX_DEPTH = 10
MAX_HEADER_BYTES = 64 * 1024
# Leaf bodies from this size are cut out before the stdlib parser reads the mail (_lift_bodies).
LIFT_BYTES = 16 * 1024
# The most body text the relay reads, in characters after decoding (docs/relay.md, What is
# checked and stored). Reading costs CPU per character: splitting plain text into new text,
# history and signature about 0.1-0.4 s per million characters, turning HTML into text 0.7-1.7 s
# (html.parser), where a mail may be 25 MB. A plain body of 1 Mi characters holds hundreds of
# messages of policy.md's longest (2,000 characters) as quoted history; HTML-only mail is rare
# (mail clients send a plain alternative, which is preferred), so 256 Ki characters of it.
MAX_PLAIN_BODY_CHARS = 1024 * 1024
MAX_HTML_BODY_CHARS = 256 * 1024


class ReusedHeaderClasses(HeaderRegistry):
    """The stdlib's header registry, building each header name's class once.

    HeaderRegistry builds a new class with `type()` on every header it is asked for (Python
    3.11): a third of parsing a 4 kB mail (0.94 -> 0.65 ms measured), and ~70 us of every header
    composing an outbound mail sets or re-reads. The classes it builds for one name are all
    alike and keep no state, so the first is kept. The registry's own names are always kept;
    other names (X- headers, whatever a mail invents) up to MAX_UNREGISTERED_NAMES, after which
    they are built as the stdlib does, so mails with ever new header names cannot grow it.
    Shared by the relay's parsing (MAIL_POLICY) and outbound mail (outbound.WIRE_POLICY).
    """

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}
        self._unregistered = 0

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = super().__getitem__(name)
            if key in self.registry:
                self._classes[key] = found
            elif self._unregistered < MAX_UNREGISTERED_NAMES:
                self._unregistered += 1
                self._classes[key] = found
        return found


MAX_UNREGISTERED_NAMES = 1024


class _HeadersOfOneMail:
    """The header factory of one mail's parse: each (name, value) parsed once for that mail.

    The `default` policy parses a header again on every access, and the stdlib's own Message
    methods ask for Content-Type many times per mail (get_body, get_content, is_attachment...):
    ten parses of it for a one-part mail, half of what parsing the mail then cost. A parsed
    header depends on nothing but its name and value and is not changed after it is built (a
    str, its parameters behind a read-only mapping, its defects a tuple), so one object serves
    every access. The objects live as long as the mail's parse: kept across mails, the mails'
    own Subject, From and Message-ID objects would keep replacing each other in a long-lived
    cache, and the garbage collector's full passes that such churn sets off cost more than the
    parses saved (0.6 ms per mail on PostgreSQL, measured with and without gc).
    """

    __slots__ = ("_parsed",)

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: str) -> BaseHeader:
        key = (name, value)
        found = self._parsed.get(key)
        if found is None:
            found = _RECURRING_HEADERS.get(key)
            if found is None:
                try:
                    found = _HEADER_CLASSES[name](name, value)
                except Exception:
                    # The stdlib's structured parsers are meant to record a defect and go on,
                    # but some values make them raise instead (Python 3.11: "Content-Type:
                    # text/plain;x*" raises IndexError, during the parse itself). Such a header
                    # is kept as plain text with a defect, which is what the stdlib does with a
                    # value it can read no structure in: Message reads Content-Type's text then
                    # (text/plain here), and the mail is relayed instead of failing for days.
                    found = _UnreadableHeader(name, value)
                else:
                    if _recurs(name, value) and len(_RECURRING_HEADERS) < MAX_RECURRING_HEADERS:
                        _RECURRING_HEADERS[key] = found
            self._parsed[key] = found
        return found

    def __getitem__(self, name: str) -> type[BaseHeader]:
        # The policy asks the factory for a name's class too (header_max_count).
        return _HEADER_CLASSES[name]


_HEADER_CLASSES = ReusedHeaderClasses()


class _UnreadableHeader(UnstructuredHeader, BaseHeader):
    """A header whose value the stdlib's parser for its name raised on, kept as its text."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        super().parse(value, kwds)
        kwds["defects"].append(InvalidHeaderDefect("the value cannot be parsed; kept as text"))


# The MIME headers whose values most mails share (`text/plain; charset="utf-8"`,
# `quoted-printable`, `1.0`), parsed once per process instead of once per mail: Content-Type's
# parse alone took 0.1 ms, a quarter of parsing a 4 kB mail. Only values without a boundary or
# a file name, which are new in every mail: those would keep replacing each other (see
# _HeadersOfOneMail on why that costs more than it saves). Once full the table takes no more,
# so odd values cannot push the common ones out; a parsed header is never changed, so threads
# share them as they share a mail's.
_RECURRING_NAMES = frozenset(
    {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}
)
MAX_RECURRING_HEADERS = 256
_RECURRING_HEADERS: dict[tuple[str, str], BaseHeader] = {}


def _recurs(name: str, value: str) -> bool:
    """Whether a header's value is one many mails share (_RECURRING_HEADERS)."""
    if name.lower() not in _RECURRING_NAMES or len(value) > 80:
        return False
    lowered = value.lower()
    return "boundary" not in lowered and "name" not in lowered


# The stdlib's `default` policy, with the header classes reused.
MAIL_POLICY = default.clone(header_factory=_HEADER_CLASSES)


def mail_policy() -> EmailPolicy[EmailMessage]:
    """MAIL_POLICY for one mail: its headers parsed once each (_HeadersOfOneMail)."""
    return MAIL_POLICY.clone(header_factory=_HeadersOfOneMail())


class MalformedMail(InvalidInput):
    """The mail cannot be relayed as it is: too many parts, too deep, no sender, no text."""

    def __init__(self, problem: str, *, over_limit: bool = False) -> None:
        super().__init__("mail", problem)
        # True when a size or complexity limit was hit (SMTP 552), not a malformed mail (550).
        self.over_limit = over_limit


@dataclass(frozen=True, slots=True)
class MailAttachment:
    """A file carried by the mail, with its decoded bytes."""

    filename: str
    content_type: str
    data: bytes
    # Hashed once: the relay needs it for the message's record and for the stored bytes.
    sha256: str = field(init=False)
    # (start, end) of this attachment's body in the raw mail it was parsed from, when that body
    # is `data`'s base64 encoding exactly as binascii writes it, with only line breaks (CR, LF)
    # between: the relay keeps such an attachment as a slice of the raw mail (relay_repository.
    # base64_body_in), which this saves encoding `data` again to find. None when not known.
    raw_base64: tuple[int, int] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class ReplyText:
    """A body split into what the writer wrote now, the quoted history and the signature."""

    new: str
    quoted: str = ""
    signature: str = ""


class MailBody:
    """The mail's body part (text/plain preferred, else text/html), read on first use.

    Reading is the costly part of a mail's parse: decoding, HTML turned into text, quoted
    history and signature split off. The relay asks for it only once the sender is authorized
    and authenticated (inbound.py), so a forged mail costs none of it, and the limits bound it
    for everyone else: a body over them raises MalformedMail (over_limit) instead of being read.
    """

    __slots__ = ("_body", "_max_html_chars", "_max_plain_chars", "_part", "_reply")

    def __init__(
        self,
        part: EmailMessage | None,
        *,
        max_plain_chars: int = MAX_PLAIN_BODY_CHARS,
        max_html_chars: int = MAX_HTML_BODY_CHARS,
    ) -> None:
        self._part = part
        self._max_plain_chars = max_plain_chars
        self._max_html_chars = max_html_chars
        self._body: str | None = None
        self._reply: ReplyText | None = None

    def text(self) -> str:
        """The whole body as text (HTML turned into text), line breaks as LF, end trimmed."""
        if self._body is None:
            self._body = self._read()
        return self._body

    def reply(self) -> ReplyText:
        """The body split into new text, quoted history and signature."""
        if self._reply is None:
            self._reply = split_reply(self.text())
        return self._reply

    def __eq__(self, other: object) -> bool:
        """Bodies are equal when reading them gives the same text, or the same refusal."""
        if not isinstance(other, MailBody):
            return NotImplemented
        return self._outcome() == other._outcome()

    # Equal by what reading gives, which a hash must not read: unhashable, like a list.
    __hash__ = None  # type: ignore[assignment]

    def _outcome(self) -> tuple[str, ReplyText] | str:
        try:
            return self.text(), self.reply()
        except MalformedMail as error:
            return str(error)

    def _read(self) -> str:
        part = self._part
        if part is None:
            return ""
        content = _text_of(part)
        html = part.get_content_subtype() == "html"
        limit = self._max_html_chars if html else self._max_plain_chars
        if len(content) > limit:
            kind = "HTML" if html else "text"
            advice = (
                "send it with a plain-text version, or without the quoted history"
                if html
                else "send it without the quoted history"
            )
            raise MalformedMail(
                f"the {kind} body is {len(content)} characters; the relay reads at most "
                f"{limit} characters of {kind}: {advice}",
                over_limit=True,
            )
        body = html_to_text(content) if html else content
        return body.replace("\r\n", "\n").replace("\r", "\n").rstrip()


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """The parts of an inbound mail the relay needs.

    Headers and attachments are read by parse_mail; the body only when `body`, `reply` or
    `text` is first asked for (MailBody), which raises MalformedMail for a body over the limits.
    """

    from_address: str
    from_name: str
    subject: str
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    body_part: MailBody
    attachments: tuple[MailAttachment, ...]
    auto_submitted: bool
    recipients: tuple[str, ...]

    @property
    def body(self) -> str:
        """The whole body as text; reads it on first use (MailBody)."""
        return self.body_part.text()

    @property
    def reply(self) -> ReplyText:
        """The body split into new text, history and signature; reads it on first use."""
        return self.body_part.reply()

    @property
    def text(self) -> str:
        """The text that is checked and stored: the new text only; reads it on first use."""
        return self.reply.new


def parse_mail(
    raw: bytes,
    *,
    max_parts: int = MAX_PARTS,
    max_depth: int = MAX_DEPTH,
    max_header_bytes: int = MAX_HEADER_BYTES,
    lift_from: int | None = LIFT_BYTES,
    max_plain_body_chars: int = MAX_PLAIN_BODY_CHARS,
    max_html_body_chars: int = MAX_HTML_BODY_CHARS,
) -> ParsedMail:
    """Parse raw RFC 5322 bytes; raise MalformedMail naming the limit or field that is wrong.

    `lift_from`: leaf bodies of at least this many bytes skip the stdlib's line-by-line reader
    (_lift_bodies); None reads everything with the stdlib alone. The result is the same.
    The body text is read later, on first use, within the `max_*_body_chars` (MailBody).
    """
    header_end = _header_end(raw)
    if header_end > max_header_bytes:
        raise MalformedMail(
            f"header block is {header_end} bytes; the limit is {max_header_bytes}", over_limit=True
        )
    lifted: dict[int, tuple[int, int]] = {}
    message = _read_message(raw, lift_from, max_parts=max_parts, max_depth=max_depth, lifted=lifted)
    _check_shape(message, max_parts=max_parts, max_depth=max_depth)
    senders = _addresses(message, "from")
    if len(senders) != 1:
        raise MalformedMail(f"needs exactly one From address; found {len(senders)}")
    from_name, from_address = senders[0]
    body_part = message.get_body(preferencelist=("plain", "html"))
    headers = _read_headers(message)
    return ParsedMail(
        from_address=from_address,
        from_name=from_name,
        subject=headers["subject"],
        message_id=next(iter(_message_ids(headers["message-id"])), None),
        in_reply_to=_message_ids(headers["in-reply-to"]),
        references=_message_ids(headers["references"]),
        body_part=MailBody(
            body_part if isinstance(body_part, EmailMessage) else None,
            max_plain_chars=max_plain_body_chars,
            max_html_chars=max_html_body_chars,
        ),
        attachments=tuple(_attachments(message, body_part, _content_types(message), lifted)),
        auto_submitted=headers["auto-submitted"].strip().lower() not in ("", "no"),
        recipients=tuple(address for _, address in _addresses(message, "to", "cc")),
    )


def _read_message(
    raw: bytes,
    lift_from: int | None,
    *,
    max_parts: int,
    max_depth: int,
    lifted: dict[int, tuple[int, int]] | None = None,
) -> EmailMessage:
    """The stdlib's parse of `raw`, with large leaf bodies lifted out and put back (if any).

    Finding the large bodies reads each part's headers, and the parse reads the same headers
    again: both go through one policy, whose header factory parses each (name, value) once.
    `lifted`, when given, receives {id(leaf): (start, end)} for each leaf whose whole payload
    is the lifted raw[start:end].
    """
    policy = mail_policy()
    if lift_from is not None:
        leaf = _read_leaf(raw, policy)
        if leaf is not None:
            message, body_start = leaf
            end = len(raw)
            if (
                lifted is not None
                and end - body_start >= lift_from
                and not _has_dash_line(raw, body_start, end)
            ):
                # Where _lift_bodies would have lifted it from.
                lifted[id(message)] = (body_start, end)
            return message
        multipart = _read_multipart(
            raw, policy, lift_from, max_parts=max_parts, max_depth=max_depth, lifted=lifted
        )
        if multipart is not None:
            return multipart
    lifted_at: dict[str, tuple[int, int]] = {}
    skeleton, bodies = (
        (raw, {})
        if lift_from is None
        else _lift_bodies(
            raw, lift_from, policy, max_parts=max_parts, max_depth=max_depth, lifted_at=lifted_at
        )
    )
    message = message_from_bytes(skeleton, _class=EmailMessage, policy=policy)
    assert isinstance(message, EmailMessage)
    whole: dict[int, str] = {}
    if bodies and _put_back(message, bodies, whole) != len(bodies):
        # A body landed where no leaf payload holds it: trust the plain parse instead.
        message = message_from_bytes(raw, _class=EmailMessage, policy=policy)
        assert isinstance(message, EmailMessage)
        whole = {}
    if lifted is not None:
        lifted.update((part, lifted_at[token]) for part, token in whole.items())
    return message


def _read_leaf(raw: bytes, policy: EmailPolicy[EmailMessage]) -> tuple[EmailMessage, int] | None:
    """(The stdlib's parse of `raw`, where its body starts) for a mail that is one leaf (neither
    multipart nor message/*); None for any other mail, or when unsure.

    The stdlib reads a leaf's body line by line only to join the lines again into its payload:
    63 lines and most of the parse of a 4 kB mail. Here the stdlib parses the header block alone
    (up to and with the first empty line), its own reading of Content-Type says whether the mail
    is a leaf, and the rest of the mail becomes the payload as the stdlib would hold it (ASCII
    with surrogateescape, every character kept). Only when that parse used the whole block for
    headers, ending at its empty line (an empty payload): a line the stdlib does not read as a
    header, or a bare CR it takes for a line break, would end the headers elsewhere, and the
    mail is then parsed whole. A block that names "multipart" anywhere is not tried at all.
    """
    body_start = _body_start(raw, 0, len(raw))
    if body_start is None:
        return None
    head = raw[:body_start]
    if b"multipart" in head.lower():
        return None
    message = message_from_bytes(head, _class=EmailMessage, policy=policy)
    assert isinstance(message, EmailMessage)
    if getattr(message, "_payload", None) != "" or message.get_content_maintype() in (
        "multipart",
        "message",
    ):
        return None
    message.set_payload(raw[body_start:].decode("ascii", "surrogateescape"))
    return message, body_start


# ---------------------------------------------------------------------------------------------
# Plain multiparts without the stdlib's line-by-line reader
#
# For a multipart mail the stdlib's feed parser compiles a regular expression for the boundary,
# new in every mail (0.1-0.2 ms), and reads the mail line by line in Python; before this, the
# large bodies were cut out first (_lift_bodies, which also parses every part's headers) and
# the rest parsed whole, headers again. Here the stdlib parses each header block alone, as
# _read_leaf does, and the tree around them is built as the feed parser builds it
# (feedparser._parsegen, Python 3.11): the parts between delimiter lines, the line break before
# a delimiter belonging to the delimiter, the preamble, the epilogue. Anything the feed parser
# would treat in a way of its own is left to the parse of the whole mail: a missing or repeated
# delimiter, a part without an empty line after its headers or with a line its header reader
# ends elsewhere, message/* parts, multipart/digest, a boundary shared with an enclosing
# multipart, a transfer encoding it marks as a defect, more parts or levels than the limits.


def _read_multipart(
    raw: bytes,
    policy: EmailPolicy[EmailMessage],
    lift_from: int,
    *,
    max_parts: int,
    max_depth: int,
    lifted: dict[int, tuple[int, int]] | None,
) -> EmailMessage | None:
    """The stdlib's parse of a multipart mail of plain structure; None for any other mail.

    `lifted`, when given, receives {id(leaf): (start, end)} for each leaf of at least
    `lift_from` bytes: its payload is raw[start:end].
    """
    reader = _MultipartReader(raw, policy, lift_from, max_parts=max_parts, max_depth=max_depth)
    body_start = _body_start(raw, 0, len(raw))
    if body_start is None:
        return None
    message = reader.headers(0, body_start)
    if message is None or not reader.read_multipart(message, body_start, len(raw), ()):
        return None
    if lifted is not None:
        lifted.update(reader.spans)
    return message


class _MultipartReader:
    """Builds the stdlib's tree of one multipart mail of plain structure (_read_multipart)."""

    __slots__ = (
        "_headers_of",
        "_parts_left",
        "_policy",
        "_raw",
        "depth_left",
        "lift_from",
        "spans",
    )

    def __init__(
        self,
        raw: bytes,
        policy: EmailPolicy[EmailMessage],
        lift_from: int,
        *,
        max_parts: int,
        max_depth: int,
    ) -> None:
        self._raw = raw
        self._policy = policy
        self._headers_of = BytesHeaderParser(_class=EmailMessage, policy=policy)
        self._parts_left = max_parts
        self.depth_left = max_depth
        self.lift_from = lift_from
        self.spans: dict[int, tuple[int, int]] = {}

    def headers(self, start: int, body_start: int) -> EmailMessage | None:
        """The stdlib's parse of the header block raw[start:body_start] (up to and with its
        empty line); None unless the stdlib's header reader ends it exactly there."""
        self._parts_left -= 1
        if self._parts_left < 0:
            return None
        block = self._raw[start:body_start]
        part = _plain_header_block(block, self._policy)
        if part is None:
            part = self._headers_of.parsebytes(block)
        # A line the stdlib does not read as a header, or a bare CR it takes for a line break,
        # ends the headers earlier; the rest of the block is then its body.
        return part if getattr(part, "_payload", None) == "" else None

    def read_multipart(
        self, message: EmailMessage, start: int, end: int, enclosing: tuple[bytes, ...]
    ) -> bool:
        """Give `message`, whose headers name a multipart, the parts, preamble and epilogue the
        feed parser reads from its body raw[start:end]; False when unsure (nothing is set)."""
        raw = self._raw
        self.depth_left -= 1
        if self.depth_left < 0 or message.get_content_maintype() != "multipart":
            return False
        if message.get_content_type() == "multipart/digest":
            return False  # its parts' default type is message/rfc822
        encoding = str(message.get("content-transfer-encoding", "8bit")).lower()
        if encoding not in ("7bit", "8bit", "binary"):
            return False
        boundary = message.get_boundary()
        if not boundary:
            return False
        try:
            separator = b"--" + boundary.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            return False
        if any(separator == outer for outer in enclosing):
            return False
        lines = _delimiter_lines(raw, separator, start, end)
        if not lines or lines[0][2]:
            return False
        parts: list[Message[str, str] | str] = []
        index = 0
        while not lines[index][2]:
            if index + 1 == len(lines):
                return False  # no closing delimiter
            part_start, part_end = lines[index][1], lines[index + 1][0]
            if part_end <= part_start:
                return False  # delimiter lines in a row: the feed parser skips them its own way
            part = self._part(part_start, part_end, (*enclosing, separator))
            if part is None:
                return False
            parts.append(part)
            index += 1
        closing = lines[index]
        first = lines[0][0]
        message.set_payload(parts)
        # The line break before the first delimiter belongs to it, as before any other.
        preamble_end = first - _last_line_break_length(raw, start, first)
        message.preamble = (
            raw[start:preamble_end].decode("ascii", "surrogateescape") if first > start else None
        )
        # What follows the closing delimiter's line, up to the end of the enclosing part.
        message.epilogue = raw[closing[1] : end].decode("ascii", "surrogateescape")
        return True

    def _part(self, start: int, end: int, enclosing: tuple[bytes, ...]) -> EmailMessage | None:
        """The part in raw[start:end] (up to the next delimiter line), as the feed parser
        reads it; None when unsure."""
        raw = self._raw
        body_start = _body_start(raw, start, end)
        if body_start is None:
            return None
        part = self.headers(start, body_start)
        if part is None:
            return None
        maintype = part.get_content_maintype()
        if maintype == "message":
            return None
        if maintype == "multipart":
            if not self.read_multipart(part, body_start, end, enclosing):
                return None
            self.depth_left += 1
            # The line break before the enclosing delimiter belongs to it, not to the epilogue.
            epilogue = part.epilogue
            part.epilogue = _without_last_line_break_text(epilogue) if epilogue else None
            return part
        payload_end = end - _last_line_break_length(raw, body_start, end)
        part.set_payload(raw[body_start:payload_end].decode("ascii", "surrogateescape"))
        if payload_end - body_start >= self.lift_from:
            self.spans[id(part)] = (body_start, payload_end)
        return part


def _plain_header_block(block: bytes, policy: EmailPolicy[EmailMessage]) -> EmailMessage | None:
    """BytesHeaderParser's parse of a plain header block (ASCII, CRLF line breaks only, each
    line a `Name: value` header or a continuation of one, ending in its empty line); None for
    any other block.

    The stdlib's header parser runs a feed parser over the block, its lines cracked and matched
    one by one: 84 us for the bench's mail's top block, where this takes 23 us. For such a block
    the feed parser does nothing but what is done here (feedparser._parse_headers, Python 3.11):
    each header's lines go to the policy's header_source_parse as they stand, CRLF kept, and the
    payload after the empty line is empty. A line that would start the body, a "From " line, a
    continuation first, a name that is empty, a bare CR or LF: the stdlib reads the block
    (tests/unit/mail/test_parse_header_blocks.py compares the two).
    """
    if not block.endswith(b"\r\n\r\n") or not block.isascii():
        return None
    text = block[:-4].decode("ascii")
    breaks = text.count("\r\n")
    if text.count("\r") != breaks or text.count("\n") != breaks:
        return None
    message = EmailMessage(policy=policy)
    header: list[str] = []
    for line in text.split("\r\n"):
        if line.startswith((" ", "\t")):
            if not header:
                return None
            header.append(line + "\r\n")
            continue
        if _HEADER_NAME.match(line) is None:
            return None
        if header:
            message.set_raw(*policy.header_source_parse(header))
        header = [line + "\r\n"]
    if header:
        message.set_raw(*policy.header_source_parse(header))
    message.set_payload("")
    return message


# A header's name and colon as the feed parser reads a header line (feedparser.headerRE), the
# name not empty; a "From " line does not match (a space is not a name's character).
_HEADER_NAME = re.compile(r"[\041-\071\073-\176]+:")


# A delimiter line: (where it starts, where the next line starts, whether it closes).
_Delimiter = tuple[int, int, bool]


def _delimiter_lines(raw: bytes, separator: bytes, start: int, end: int) -> list[_Delimiter]:
    """The delimiter lines of a boundary in raw[start:end], in order: (where the line starts,
    where the next one starts, whether it closes the multipart).

    A line, to the feed parser, ends at CRLF, a bare CR or LF; it is a delimiter when it is
    `separator`, "--" if it closes, blanks, and its line break (feedparser's boundaryre).
    """
    found: list[_Delimiter] = []
    at = raw.find(separator, start, end)
    while at >= 0:
        if at == start or raw[at - 1] in b"\r\n":
            tail = _DELIMITER_TAIL.match(raw, at + len(separator), end)
            assert tail is not None  # it matches the empty string
            line_end = tail.end()
            if line_end == end:
                found.append((at, end, tail.group(1) is not None))
            elif raw[line_end] in b"\r\n":
                crlf = raw.startswith(b"\r\n", line_end) and line_end + 2 <= end
                found.append((at, line_end + (2 if crlf else 1), tail.group(1) is not None))
        at = raw.find(separator, at + 1, end)
    return found


# After the boundary on a delimiter line: "--" when it closes, then blanks (feedparser's
# boundaryre without its line break).
_DELIMITER_TAIL = re.compile(rb"(--)?[ \t]*")


def _last_line_break_length(raw: bytes, start: int, end: int) -> int:
    """The length of the line break (CRLF, CR or LF) that raw[start:end] ends with, else 0."""
    if end - start >= 2 and raw.startswith(b"\r\n", end - 2):
        return 2
    return 1 if end > start and raw[end - 1] in b"\r\n" else 0


def _without_last_line_break_text(text: str) -> str:
    """`text` less one line break (CRLF, CR or LF) at its end (feedparser's NLCRE_eol)."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\r", "\n")) else text


# ---------------------------------------------------------------------------------------------
# Large bodies around the stdlib parser
#
# The stdlib's feed parser reads a mail line by line in Python, also the 2,600 lines of a 200 kB
# base64 attachment whose only use is to be decoded later: 5 of the 6 ms a 200 kB mail took to
# parse (docs/performance.md, Mail relay). So large leaf bodies are cut out of the bytes first,
# each replaced by a one-line token, the much smaller rest goes through the stdlib parser as
# usual, and the tokens in the parsed leaves are replaced by the original text: the payloads are
# the very strings the stdlib would have stored, and decoding them runs the stdlib's own code.
#
# Why the structure cannot change: the feed parser splits a multipart only at lines that start
# with "--", and a lifted body contains no such line (and no bare CR, the other line break it
# knows, is followed by "--" in it either); a lifted body starts after the first empty line of
# its part, so it is body text for
# the stdlib too, whatever it makes of that part's headers. Each part's type comes from the
# stdlib's own header parser, and message/* parts (whose body is parsed as a mail) are never
# lifted. Should a token still end up anywhere but in a leaf's payload, the mail is parsed again
# without lifting (_read_message).


def _lift_bodies(
    raw: bytes,
    lift_from: int,
    policy: EmailPolicy[EmailMessage] = MAIL_POLICY,
    *,
    max_parts: int,
    max_depth: int,
    lifted_at: dict[str, tuple[int, int]] | None = None,
) -> tuple[bytes, dict[str, str]]:
    """(raw with its large leaf bodies replaced by tokens, {token: body as the stdlib holds it}).

    Parts' headers are read with `policy`. `lifted_at`, when given, receives {token: (start,
    end)}: where in `raw` each lifted body stands.
    """
    if len(raw) < lift_from:
        return raw, {}
    spans: list[tuple[int, int]] = []
    headers_of = BytesHeaderParser(_class=EmailMessage, policy=policy)
    _find_large_leaves(raw, 0, len(raw), spans, lift_from, [max_parts], max_depth, headers_of)
    if not spans:
        return raw, {}
    tag = secrets.token_hex(8)
    pieces: list[bytes] = []
    bodies: dict[str, str] = {}
    position = 0
    for number, (start, end) in enumerate(spans):
        token = f"gobetween-lifted-{tag}-{number}"
        pieces += [raw[position:start], token.encode("ascii")]
        # BytesParser reads bytes as ASCII with surrogateescape: the same string it would store.
        bodies[token] = raw[start:end].decode("ascii", "surrogateescape")
        if lifted_at is not None:
            lifted_at[token] = (start, end)
        position = end
    pieces.append(raw[position:])
    return b"".join(pieces), bodies


def _find_large_leaves(
    raw: bytes,
    start: int,
    end: int,
    spans: list[tuple[int, int]],
    lift_from: int,
    parts_left: list[int],
    depth_left: int,
    headers_of: BytesHeaderParser[EmailMessage],
) -> None:
    """Add the spans of the large leaf bodies in the entity raw[start:end], in order."""
    parts_left[0] -= 1
    if parts_left[0] < 0 or depth_left <= 0 or end - start < lift_from:
        return
    body_start = _body_start(raw, start, end)
    if body_start is None:
        return
    headers = headers_of.parsebytes(raw[start:body_start])
    maintype = headers.get_content_maintype()
    if maintype == "message":
        return
    if maintype != "multipart":
        if end - body_start >= lift_from and not _has_dash_line(raw, body_start, end):
            spans.append((body_start, end))
        return
    boundary = headers.get_boundary()
    if not boundary:
        return
    try:
        marker = b"\n--" + boundary.encode("ascii")
    except UnicodeEncodeError:
        return
    part_start: int | None = None
    # The first delimiter may open the body itself; every other one follows a line break.
    found = (
        body_start - 1
        if raw.startswith(marker[1:], body_start)
        else raw.find(marker, body_start, end)
    )
    while found >= 0:
        line_end = raw.find(b"\n", found + len(marker), end)
        line_end = end if line_end < 0 else line_end
        delimiter = _DELIMITER_REST.fullmatch(raw, found + len(marker), line_end)
        if delimiter is not None:
            if part_start is not None:
                # The line break before a delimiter belongs to the delimiter, not to the part.
                part_end = found - 1 if raw[found - 1 : found] == b"\r" else found
                if part_end > part_start:
                    _find_large_leaves(
                        raw,
                        part_start,
                        part_end,
                        spans,
                        lift_from,
                        parts_left,
                        depth_left - 1,
                        headers_of,
                    )
            if delimiter.group(1):
                return
            part_start = line_end + 1
        found = raw.find(marker, line_end, end)
    # No closing delimiter: the last part is left to the stdlib as it is.


# After "--boundary" on a delimiter line: "--" when it closes, blanks, the CR of the line break.
_DELIMITER_REST = re.compile(rb"(--)?[ \t]*\r?")


def _has_dash_line(raw: bytes, start: int, end: int) -> bool:
    """Whether a line in raw[start:end] starts with "--" (after LF or a bare CR, or at start).

    Base64 has no "-" at all, and a one-byte search (memchr) says so in a few microseconds, where
    the two-byte search for "--" took 0.45 ms over a 200 kB attachment.
    """
    if raw.find(b"-", start, end) < 0:
        return False
    found = raw.find(b"--", start, end)
    while found >= 0:
        if found == start or raw[found - 1] in b"\r\n":
            return True
        found = raw.find(b"--", found + 2, end)
    return False


def _body_start(raw: bytes, start: int, end: int) -> int | None:
    """Where the body of the entity at raw[start:end] begins: after its first empty line."""
    if raw.startswith(b"\r\n", start):
        return start + 2
    if raw.startswith(b"\n", start):
        return start + 1
    return _after_empty_line(raw, start, end)


def _after_empty_line(raw: bytes, start: int, end: int) -> int | None:
    """Just past the first empty line (CRLF or LF) in raw[start:end], None without one."""
    crlf = raw.find(b"\r\n\r\n", start, end)
    # Only up to the CRLF one: a mail without LF-only lines is not searched to its end.
    lf = raw.find(b"\n\n", start, end if crlf < 0 else crlf)
    if lf >= 0:
        return lf + 2
    return None if crlf < 0 else crlf + 4


def _put_back(
    message: EmailMessage, bodies: dict[str, str], whole: dict[int, str] | None = None
) -> int:
    """Replace the tokens in the leaves' payloads by their bodies; how many were replaced.

    `whole`, when given, receives {id(leaf): token} for each leaf whose payload was the token
    alone, so is now that body exactly.
    """
    restored = 0
    for part in message.walk():
        # The payload as stored, not get_payload(): that one may re-decode a string holding
        # surrogates, and the stored string is what the stdlib itself would keep.
        payload = getattr(part, "_payload", None)
        if not isinstance(payload, str) or "gobetween-lifted-" not in payload:
            continue
        if whole is not None and payload in bodies:
            whole[id(part)] = payload
        for token, body in bodies.items():
            if token in payload:
                payload = payload.replace(token, body)
                restored += 1
        part.set_payload(payload)
    return restored


def _header_end(raw: bytes) -> int:
    after = _after_empty_line(raw, 0, len(raw))
    return (
        len(raw) if after is None else after - (4 if raw[after - 4 : after] == b"\r\n\r\n" else 2)
    )


def _check_shape(message: EmailMessage, *, max_parts: int, max_depth: int) -> None:
    """Count parts and nesting without recursion, so a hostile tree cannot exhaust the stack."""
    count = 0
    stack: list[tuple[EmailMessage, int]] = [(message, 1)]
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > max_parts:
            raise MalformedMail(f"has more than {max_parts} MIME parts", over_limit=True)
        if depth > max_depth:
            raise MalformedMail(
                f"MIME parts are nested deeper than {max_depth} levels", over_limit=True
            )
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(
                    (child, depth + 1) for child in payload if isinstance(child, EmailMessage)
                )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError):  # the header could not be decoded; treat it as absent
        return ""
    return "" if value is None else str(value).strip()


# The headers parse_mail reads as text: Message-ID through the registry's msg-id parser, the
# others as unstructured text (the registry has no class of its own for them).
_READ_HEADERS = ("subject", "message-id", "in-reply-to", "references", "auto-submitted")


def _read_headers(message: EmailMessage) -> dict[str, str]:
    """`_header` of each of _READ_HEADERS, in one pass over the mail's headers.

    `message.get` scans every header for each name asked for, and the registry parses the first
    one it finds; for the bench's 4 kB mail that was a quarter of parse_mail. The registry's
    text of an unstructured value that is ASCII and holds no "=?" (no encoded word to decode)
    is the value itself with its line breaks removed, as the policy's fetch removes them; so is
    its text of a Message-ID that is one plain `<left@right>` of dot-atoms. Any other value goes
    to `_header` (tests/unit/mail/test_parse_header_text.py compares the two).
    """
    first: dict[str, str] = {}
    for key, value in message.raw_items():
        name = key.lower()
        if name in _READ_HEADERS and name not in first:
            first[name] = value
    read: dict[str, str] = {}
    for name in _READ_HEADERS:
        value = first.get(name)
        if value is None:
            read[name] = ""
            continue
        text = _plain_header_text(name, value)
        read[name] = _header(message, name) if text is None else text
    return read


def _plain_header_text(name: str, value: object) -> str | None:
    """The registry's text of a header value (stripped), when it is plainly the value itself;
    None when the registry must read it."""
    if not isinstance(value, str) or not value.isascii() or "=?" in value:
        return None
    if "\r" in value or "\n" in value:
        value = value.replace("\r", "").replace("\n", "")
    if name == "message-id" and _PLAIN_MESSAGE_ID.fullmatch(value) is None:
        return None
    return value.strip()


def _addresses(message: EmailMessage, *names: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) of every address in the named headers, in order.

    Values that are one plain address (`a@b.example` or `Some Name <a@b.example>`, ASCII words
    and dot-atoms, on one line) read the same without the header registry's RFC 5322 parse,
    a third of parsing a 4 kB mail; when any value is not, all go the stdlib's way, as before
    (tests/unit/mail/test_parse_plain_addresses.py compares the two).
    """
    plain = _plain_addresses(message, names)
    if plain is not None:
        return plain
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in message.get_all(name, []))
        except (ValueError, IndexError):
            continue
    return [
        (display, address.lower()) for display, address in getaddresses(values) if "@" in address
    ]


def _plain_addresses(message: EmailMessage, names: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """_addresses when every value of the named headers is one plain address, else None."""
    found: list[tuple[str, str]] = []
    for name in names:
        for key, value in message.raw_items():
            if key.lower() != name:
                continue
            # "=?" may open an encoded word (RFC 2047), which the registry decodes.
            match = None if "=?" in value else _PLAIN_ADDRESS.fullmatch(value)
            if match is None:
                return None
            display, bracketed, bare = match.groups()
            found.append(("" if display is None else display, (bracketed or bare).lower()))
    return found


# RFC 5322 atext (no specials, no quotes, no comments), words of it separated by single spaces,
# and a dot-atom address whose domain has letters, digits and hyphens.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM_ADDRESS = rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_PLAIN_ADDRESS = re.compile(
    rf"[ \t]*(?:({_ATEXT}(?: {_ATEXT})*) <({_DOT_ATOM_ADDRESS})>|({_DOT_ATOM_ADDRESS}))[ \t]*",
    re.ASCII,
)

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# A Message-ID that is one `<dot-atom@dot-atom>`, blanks around it: the registry's msg-id
# parse of it keeps every character, so its text is the value.
_PLAIN_MESSAGE_ID = re.compile(rf"[ \t]*<{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*>[ \t]*")


def _message_ids(value: str) -> tuple[str, ...]:
    """The ids in a Message-ID/In-Reply-To/References header, with their angle brackets."""
    return tuple(f"<{found}>" for found in _MESSAGE_ID.findall(value))


def _text_of(part: EmailMessage) -> str:
    try:
        content = _text_content(part)
    except (LookupError, ValueError):
        # An unknown or lying charset: keep going with a lossless-enough decoding.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _text_content(part: EmailMessage) -> object:
    """part.get_content() for a text/* part under the stdlib's raw_data_manager, in its steps:
    the decoded payload, decoded by the charset parameter (`get_param`, ASCII without one).

    get_param re-reads Content-Type's parameters in Python on every call (not the registry's
    parse): a third of reading a 4 kB body. Its answer depends only on the header's text, so it
    is kept per text for the values many mails share (_CHARSETS). Any other part goes to
    get_content (tests/unit/mail/test_parse_body_charset.py compares the two).
    """
    manager = getattr(part.policy, "content_manager", None)
    if manager is not raw_data_manager or part.get_content_maintype() != "text":
        return part.get_content()
    payload: Any = part.get_payload(decode=True)
    return payload.decode(_charset(part), errors="replace")


def _charset(part: EmailMessage) -> Any:
    """part.get_param("charset", "ASCII"), kept per Content-Type text (at most MAX_CHARSETS)."""
    value = part.get("content-type")
    if value is None:
        return part.get_param("charset", "ASCII")
    key = str(value)
    found = _CHARSETS.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = part.get_param("charset", "ASCII")
        if len(_CHARSETS) < MAX_CHARSETS:
            _CHARSETS[key] = found
    return found


# Content-Type texts and their charset parameter (a str, a tuple for RFC 2231, or "ASCII").
MAX_CHARSETS = 256
_CHARSETS: dict[str, Any] = {}
_UNKNOWN = object()


def _content_types(message: EmailMessage) -> dict[int, str]:
    """Each part's content type by id(part), read once.

    The `default` policy parses a header again on every access, and the walks below would ask
    each part several times (3-5 % of parse_mail, measured in alternating rounds).
    """
    return {id(part): part.get_content_type() for part in message.walk()}


def _attachments(
    message: EmailMessage,
    body_part: object,
    types: dict[int, str],
    lifted: dict[int, tuple[int, int]] | None = None,
) -> list[MailAttachment]:
    """Every leaf that is not the body or an alternative rendering of the body.

    `lifted`: {id(leaf): (start, end)} of leaves whose payload is raw[start:end] (_read_message),
    for MailAttachment.raw_base64.
    """
    skip: set[int] = set()
    if isinstance(body_part, EmailMessage):
        skip.add(id(body_part))
        for parent in _alternative_parents(message, body_part, types):
            skip.update(id(child) for child in parent.iter_parts())
    found: list[MailAttachment] = []
    stack: list[EmailMessage] = [message]
    while stack:
        part = stack.pop(0)
        content_type = types.get(id(part)) or part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            data = inner_message.as_bytes() if isinstance(inner_message, EmailMessage) else b""
            found.append(MailAttachment(_filename(part) or "message.eml", content_type, data))
            continue
        if part.is_multipart():
            stack[0:0] = [child for child in part.iter_parts() if isinstance(child, EmailMessage)]
            continue
        if id(part) in skip:
            continue
        data, as_written = _decoded_base64(part)
        named = _filename(part)
        if content_type.startswith("text/") and not named and not data.strip():
            continue
        filename = named or f"part-{len(found) + 1}"
        span = lifted.get(id(part)) if lifted and as_written else None
        found.append(MailAttachment(filename, content_type, data, raw_base64=span))
    return found


def _filename(part: EmailMessage) -> str | None:
    """part.get_filename(), read from the raw value when Content-Disposition is a plain
    `attachment; filename="name"`.

    get_filename has the header registry parse Content-Disposition (a new value in every mail,
    its file name) and then parses the parameters of that text again in Python: 0.05 ms per
    attachment. A plain value's file name is the text between the quotes, stripped, as both
    parses give it; any other value, or none, goes to get_filename
    (tests/unit/mail/test_parse_filenames.py compares the two).
    """
    for key, value in part.raw_items():
        if key.lower() == "content-disposition":
            if isinstance(value, str) and value.isascii():
                plain = _PLAIN_DISPOSITION.fullmatch(value.replace("\r", "").replace("\n", ""))
                if plain is not None:
                    return (plain.group(1) or plain.group(2) or "").strip()
            break
    return part.get_filename()


# A disposition type and one filename parameter, quoted or a token, of characters that neither
# parse reads in a way of its own (no quotes, backslashes, angle brackets, "=?", "*", "%").
_PLAIN_DISPOSITION = re.compile(
    r"[ \t]*(?:attachment|inline)[ \t]*;[ \t]*filename=(?:"
    r'"([A-Za-z0-9 ._+,()\[\]!#$&@~^{}-]*)"|([A-Za-z0-9._+-]+))[ \t]*',
    re.ASCII | re.IGNORECASE,
)


def _decoded_base64(part: EmailMessage) -> tuple[bytes, bool]:
    """(part.get_payload(decode=True) of a leaf, as bytes; whether its payload with every CR
    and LF deleted is those bytes' base64 encoding exactly as binascii.b2a_base64 writes it).

    For base64 the stdlib splits the payload into its lines and joins them again before the
    strict decode, 3,400 lines for a 200 kB attachment; deleting the CRs and LFs is the same
    join. An ASCII payload that decodes strictly with no padding missing gives
    the stdlib's bytes and no defect; anything else is left to the stdlib.
    """
    payload = getattr(part, "_payload", None)
    if (
        isinstance(payload, str)
        and payload.isascii()
        and str(part.get("content-transfer-encoding", "")).lower() == "base64"
    ):
        # Each deletion copies the stretches between the bytes memchr finds: 89 us for a
        # 200 kB attachment's body against 105 us for translate's table lookup of every byte.
        joined = payload.encode("ascii").replace(b"\r", b"").replace(b"\n", b"")
        data = _canonical_base64_decoded(joined)
        if data is not None:
            return data, True
        if len(joined) % 4 == 0:
            try:
                data = binascii.a2b_base64(joined, strict_mode=True)
            except binascii.Error:
                pass
            else:
                return data, _written_by_b2a(joined, data)
    decoded = part.get_payload(decode=True)
    return (decoded if isinstance(decoded, bytes) else b""), False


def _canonical_base64_decoded(encoded: bytes) -> bytes | None:
    """The bytes whose base64 encoding, as binascii.b2a_base64 writes it, is `encoded`; None
    when `encoded` is not such an encoding.

    binascii's strict decode took 0.63 ms for a 200 kB attachment, pybase64's (SIMD) 14 us,
    and encoding the result again to compare 7 us. Whatever pybase64 accepts, the comparison
    keeps only the one encoding b2a_base64 writes for those bytes, which decodes to them alone
    and which binascii's strict decode accepts: the bytes, and the `as_written` answer (True),
    are the ones the strict decode gives (tests/unit/mail/test_parse_base64_decode.py).
    Mailers write that encoding; any other is left to the strict decode.
    """
    try:
        data = pybase64.b64decode(encoded, validate=True)
    except ValueError:  # binascii.Error
        return None
    return data if pybase64.b64encode(data) == encoded else None


def _written_by_b2a(encoded: bytes, data: bytes) -> bool:
    """Whether `encoded`, which decodes strictly to `data`, is b2a_base64(data) byte for byte.

    A strict decode takes only base64 characters, in whole groups of four, "=" only as the last
    group's padding; each group of four characters without padding is the one encoding of its
    three bytes. Only the last group can differ: its padding leaves bits unused, which the
    decoder ignores and the encoder writes as zeros. So the last group decides.
    """
    if not data:
        return not encoded
    tail = len(data) % 3 or 3
    return binascii.b2a_base64(data[-tail:], newline=False) == encoded[-4:]


def _alternative_parents(
    message: EmailMessage, target: EmailMessage, types: dict[int, str]
) -> list[EmailMessage]:
    parents: list[EmailMessage] = []
    for part in message.walk():
        if isinstance(part, EmailMessage) and types.get(id(part)) == "multipart/alternative":
            children = list(part.iter_parts())
            if any(
                child is target or _contains(child, target)
                for child in children
                if isinstance(child, EmailMessage)
            ):
                parents.append(part)
    return parents


def _contains(part: EmailMessage, target: EmailMessage) -> bool:
    return any(inner is target for inner in part.walk())


# ---------------------------------------------------------------------------------------------
# HTML to text


class _TextExtractor(HTMLParser):
    """Visible text of an HTML body; links keep their target, blockquotes become "> " lines."""

    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "tr",
            "li",
            "ul",
            "ol",
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
        }
    )
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.hidden = 0
        self.link: str | None = None
        self.link_text: list[str] = []

    def _newline(self) -> None:
        if self.lines[-1].strip() or (len(self.lines) > 1 and self.lines[-2].strip()):
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self._newline()
            self.quote_depth += 1
        elif tag in self._BLOCKS:
            self._newline()
        elif tag == "a":
            self.link = dict(attrs).get("href") or None
            self.link_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self._newline()
        elif tag in self._BLOCKS:
            self._newline()
        elif tag == "a" and self.link is not None:
            # A link's target is what the policy must see: "click here" can hide any address.
            shown = "".join(self.link_text).strip()
            target = self.link.strip()
            if target and not target.lower().startswith(("mailto:", "#")) and target != shown:
                self._write(f" <{target}>")
            elif target.lower().startswith("mailto:") and target[7:] != shown:
                self._write(f" <{target[7:]}>")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = re.sub(r"\s+", " ", data)
        if self.link is not None:
            self.link_text.append(text)
        self._write(text)

    def _write(self, text: str) -> None:
        if not self.lines[-1]:
            text = text.lstrip()
            if not text:
                return
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text


def html_to_text(html: str) -> str:
    """Turn an HTML body into plain text for the check; quoted blocks keep their "> " marks."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.rstrip() for line in extractor.lines]
    return "\n".join(lines).strip("\n")


# ---------------------------------------------------------------------------------------------
# Quoted history and signatures

# "On <date>, <name> wrote:" as mail clients write it in the six languages of system.md.
# German's two free runs would backtrack over each other, O(n²) in a line's length (11 s of CPU
# for a 400 kB line, which quoted-printable can carry): the first " schrieb " that leaves room
# for the rest is as good as any later one, so the match commits to it (an atomic group).
_ATTRIBUTION = re.compile(
    r"""^\s*(?:
        On\s.+\swrote:
      | Am\s(?>.+?\sschrieb\s).+:
      | Le\s.+\sa\s[ée]crit\s?:
      | El\s.+\sescribi[óo]\s?:
      | Il\s.+\sha\sscritto\s?:
      | \d{4}年\d{1,2}月\d{1,2}日.+[>＞]?\s?[:：]
      | \d{4}/\d{1,2}/\d{1,2}.+のメール[:：]
      | .+さんは書きました[:：]
    )\s*$""",
    re.VERBOSE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Messaggio originale|元のメッセージ|Forwarded message|Weitergeleitete Nachricht"
    r"|Message transféré|Mensaje reenviado|Messaggio inoltrato|転送されたメッセージ)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
# Outlook and Gmail reply headers: a From line followed closely by Sent/Date/To/Subject lines.
_FROM_LINE = re.compile(r"^\s*\**(?:From|Von|De|Da|差出人|送信者)\s?\**\s?[:：]", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^\s*\**(?:Sent|Date|To|Subject|Cc|Gesendet|Datum|An|Betreff|Envoyé|Date|À|Objet|Enviado"
    r"|Fecha|Para|Asunto|Inviato|Data|A|Oggetto|送信日時|日付|宛先|件名)\s?\**\s?[:：]",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$")


def split_reply(body: str) -> ReplyText:
    """Split a body into new text, quoted history and signature."""
    lines = body.split("\n")
    cut = len(lines)
    for index in range(len(lines)):
        if _starts_history(lines, index):
            cut = index
            break
    # Interleaved "> " lines above the history (inline and bottom quoting) are history too.
    kept = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    quoted_lines = [line for line in lines[:cut] if line.lstrip().startswith(">")] + lines[cut:]
    signature = ""
    for index in range(len(kept) - 1, -1, -1):
        if _SIGNATURE.match(kept[index]):
            signature = "\n".join(kept[index + 1 :]).strip()
            kept = kept[:index]
            break
    return ReplyText(
        new="\n".join(kept).strip(),
        quoted="\n".join(quoted_lines).strip(),
        signature=signature,
    )


def _starts_history(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _ORIGINAL_MESSAGE.match(line):
        return True
    # Gmail wraps long attributions over two lines: "On Mon, ... <a@b.example>\nwrote:".
    joined = line if index + 1 >= len(lines) else f"{line} {lines[index + 1].strip()}"
    if _ATTRIBUTION.match(line) or (
        lines[index + 1 : index + 2]
        and _ATTRIBUTION.match(joined)
        and _quote_follows(lines, index + 2)
    ):
        return True
    if _UNDERSCORES.match(line) and index + 1 < len(lines) and _FROM_LINE.match(lines[index + 1]):
        return True
    if _FROM_LINE.match(line):
        following = [candidate for candidate in lines[index + 1 : index + 5] if candidate.strip()]
        return sum(1 for candidate in following if _HEADER_LINE.match(candidate)) >= 2
    return False


def _quote_follows(lines: list[str], index: int) -> bool:
    following = [line for line in lines[index : index + 3] if line.strip()]
    return bool(following) and following[0].lstrip().startswith(">")
