"""Read an inbound mail: sender, new text (quoted history and signature kept apart), attachments.

Only the new text is checked and stored as the message: quoted history was checked when it was
first sent, and re-checking it would block a reply for what the other side wrote. Because the
relay delivers what it stored (never the inbound bytes), text that merely looks quoted is not
delivered either, so "> " lines cannot smuggle unchecked text to the recipient.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses
from html.parser import HTMLParser

from gobetween.domain.errors import InvalidInput

# relay-notes.md, Size and attachment limits.
MAX_PARTS = 100
MAX_DEPTH = 10
MAX_HEADER_BYTES = 64 * 1024


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

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class ReplyText:
    """A body split into what the writer wrote now, the quoted history and the signature."""

    new: str
    quoted: str = ""
    signature: str = ""


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """The parts of an inbound mail the relay needs."""

    from_address: str
    from_name: str
    subject: str
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    body: str
    reply: ReplyText
    attachments: tuple[MailAttachment, ...]
    auto_submitted: bool
    recipients: tuple[str, ...]

    @property
    def text(self) -> str:
        """The text that is checked and stored: the new text only."""
        return self.reply.new


def parse_mail(
    raw: bytes,
    *,
    max_parts: int = MAX_PARTS,
    max_depth: int = MAX_DEPTH,
    max_header_bytes: int = MAX_HEADER_BYTES,
) -> ParsedMail:
    """Parse raw RFC 5322 bytes; raise MalformedMail naming the limit or field that is wrong."""
    header_end = _header_end(raw)
    if header_end > max_header_bytes:
        raise MalformedMail(
            f"header block is {header_end} bytes; the limit is {max_header_bytes}", over_limit=True
        )
    message = message_from_bytes(raw, _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    _check_shape(message, max_parts=max_parts, max_depth=max_depth)
    senders = _addresses(message, "from")
    if len(senders) != 1:
        raise MalformedMail(f"needs exactly one From address; found {len(senders)}")
    from_name, from_address = senders[0]
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if isinstance(body_part, EmailMessage):
        content = _text_of(body_part)
        body = html_to_text(content) if body_part.get_content_subtype() == "html" else content
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return ParsedMail(
        from_address=from_address,
        from_name=from_name,
        subject=_header(message, "subject"),
        message_id=next(iter(_message_ids(_header(message, "message-id"))), None),
        in_reply_to=_message_ids(_header(message, "in-reply-to")),
        references=_message_ids(_header(message, "references")),
        body=body,
        reply=split_reply(body),
        attachments=tuple(_attachments(message, body_part, _content_types(message))),
        auto_submitted=_header(message, "auto-submitted").strip().lower() not in ("", "no"),
        recipients=tuple(address for _, address in _addresses(message, "to", "cc")),
    )


def _header_end(raw: bytes) -> int:
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return min(ends) if ends else len(raw)


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


def _addresses(message: EmailMessage, *names: str) -> list[tuple[str, str]]:
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in message.get_all(name, []))
        except (ValueError, IndexError):
            continue
    return [
        (display, address.lower()) for display, address in getaddresses(values) if "@" in address
    ]


_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _message_ids(value: str) -> tuple[str, ...]:
    """The ids in a Message-ID/In-Reply-To/References header, with their angle brackets."""
    return tuple(f"<{found}>" for found in _MESSAGE_ID.findall(value))


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        # An unknown or lying charset: keep going with a lossless-enough decoding.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _content_types(message: EmailMessage) -> dict[int, str]:
    """Each part's content type by id(part), read once.

    The `default` policy parses a header again on every access, and the walks below would ask
    each part several times (3-5 % of parse_mail, measured in alternating rounds).
    """
    return {id(part): part.get_content_type() for part in message.walk()}


def _attachments(
    message: EmailMessage, body_part: object, types: dict[int, str]
) -> list[MailAttachment]:
    """Every leaf that is not the body or an alternative rendering of the body."""
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
            found.append(MailAttachment(part.get_filename() or "message.eml", content_type, data))
            continue
        if part.is_multipart():
            stack[0:0] = [child for child in part.iter_parts() if isinstance(child, EmailMessage)]
            continue
        if id(part) in skip:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if content_type.startswith("text/") and not part.get_filename() and not data.strip():
            continue
        filename = part.get_filename() or f"part-{len(found) + 1}"
        found.append(MailAttachment(filename, content_type, data))
    return found


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
_ATTRIBUTION = re.compile(
    r"""^\s*(?:
        On\s.+\swrote:
      | Am\s.+\sschrieb\s.+:
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
