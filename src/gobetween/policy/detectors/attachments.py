"""Attachment types judged by content (magic numbers), plus the count and size limits.

policy.md §4 `attachment_not_permitted`: PDF, plain text, JPEG, PNG, DOC and DOCX are allowed;
executables, archives and everything else are not; at most 5 files and 10 MB together. When the
first bytes (`Attachment.head`) are known they decide, never the file name: a ZIP is DOCX only when
its first entries are a Word document's. Without bytes the declared content type and the extension
must both say an allowed type. An executable or script extension is refused whatever the bytes
say, because that is what the buyer's computer would run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from gobetween.policy.context import Attachment

FileType = Literal[
    "pdf", "txt", "jpeg", "png", "doc", "docx", "gif", "executable", "archive", "office", "unknown"
]
ProblemKind = Literal["type", "count", "size"]

ALLOWED_TYPES: tuple[str, ...] = ("pdf", "txt", "jpeg", "png", "doc", "docx")
MAX_FILES = 5
# "10 MB" read as binary megabytes (10 × 1024 × 1024 bytes), as mail clients display them.
MAX_TOTAL_BYTES = 10 * 1024 * 1024


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE (.exe, .dll, .scr)
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, also Java class files
    b"#!",
    b"dex\n",
)
_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",  # Microsoft cabinet
    b"\x78\x01",
    b"\x78\x9c",
    b"\x78\xda",
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_EXECUTABLE_EXTENSIONS = _words(
    "exe dll scr com bat cmd msi msp ps1 psm1 vbs vbe js jse wsf wsh hta jar apk app dmg pkg sh "
    "bash run bin elf deb rpm lnk reg cpl inf iso img"
)
_ARCHIVE_EXTENSIONS = _words("zip rar 7z gz tgz bz2 xz tar cab arj lz lzh z zst")
_EXTENSION_TYPES: dict[str, FileType] = {
    "pdf": "pdf",
    "txt": "txt",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "png": "png",
    "doc": "doc",
    "docx": "docx",
    "gif": "gif",
}
_CONTENT_TYPES: dict[str, FileType] = {
    "application/pdf": "pdf",
    "text/plain": "txt",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "image/gif": "gif",
}
_GENERIC_CONTENT_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", ""})


@dataclass(frozen=True, slots=True)
class AttachmentProblem:
    """Why the attachments may not be sent; `index` is the file's position, None for the set."""

    kind: ProblemKind
    index: int | None
    file_type: FileType | None
    message: str


def extension(filename: str) -> str:
    """The lower-case extension of `filename` ('' when there is none)."""
    base = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def sniff(head: bytes) -> FileType:
    """The file type the first bytes show."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(_OLE):
        # An OLE container holds Word, Excel, PowerPoint and installer (.msi) files alike; the
        # rest of the judgement needs the declared type (see `classify`).
        return "doc"
    if head.startswith(_ZIP):
        if b"word/" in head:
            return "docx"
        if b"xl/" in head or b"ppt/" in head or b"mimetype" in head:
            return "office"
        return "archive"
    if head.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    if head.startswith(_ARCHIVE_MAGIC) or head[257:262] == b"ustar":
        return "archive"
    if _looks_like_text(head):
        return "txt"
    return "unknown"


def classify(attachment: Attachment) -> FileType:
    """The attachment's type: by its bytes when known, else by content type and extension."""
    ext = extension(attachment.filename)
    if ext in _EXECUTABLE_EXTENSIONS:
        return "executable"
    declared = _CONTENT_TYPES.get(attachment.content_type.split(";")[0].strip().lower())
    by_extension = _EXTENSION_TYPES.get(ext)
    if attachment.head:
        sniffed = sniff(attachment.head)
        if sniffed == "doc" and "doc" not in (declared, by_extension):
            return "office"
        # The first bytes of a DOCX may end before its `word/` entries: a ZIP that starts like an
        # Office file ([Content_Types].xml) and is declared DOCX is taken as one.
        office_zip = b"[Content_Types].xml" in attachment.head or b"_rels/" in attachment.head
        if sniffed == "archive" and "docx" in (declared, by_extension) and office_zip:
            return "docx"
        if sniffed == "txt" and "txt" not in (declared, by_extension):
            # Text that is not declared plain text (HTML, scripts, CSV) is not "plain text".
            return "unknown"
        return sniffed
    if ext in _ARCHIVE_EXTENSIONS:
        return "archive"
    content_type = attachment.content_type.split(";")[0].strip().lower()
    if "zip" in content_type or "compressed" in content_type or "x-tar" in content_type:
        return "archive"
    if "executable" in content_type or "x-msdownload" in content_type or "x-sh" in content_type:
        return "executable"
    if content_type in _GENERIC_CONTENT_TYPES:
        return by_extension or "unknown"
    if declared is None:
        return "unknown"
    if by_extension is not None and by_extension != declared:
        return "unknown"
    return declared


def check_attachments(
    attachments: Sequence[Attachment],
    *,
    allowed_types: Iterable[str] = ALLOWED_TYPES,
    max_files: int = MAX_FILES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> list[AttachmentProblem]:
    """Every reason the attachments may not be sent (empty when they may)."""
    allowed = frozenset(allowed_types)
    problems: list[AttachmentProblem] = []
    for index, attachment in enumerate(attachments):
        file_type = classify(attachment)
        if file_type not in allowed:
            problems.append(
                AttachmentProblem(
                    kind="type",
                    index=index,
                    file_type=file_type,
                    message=f"{attachment.filename}: {_describe(file_type)} may not be attached",
                )
            )
    if len(attachments) > max_files:
        problems.append(
            AttachmentProblem(
                kind="count",
                index=None,
                file_type=None,
                message=f"{len(attachments)} files attached; at most {max_files} are allowed",
            )
        )
    total = sum(attachment.size for attachment in attachments)
    if total > max_total_bytes:
        problems.append(
            AttachmentProblem(
                kind="size",
                index=None,
                file_type=None,
                message=(
                    f"attachments total {total / 1048576:.1f} MB; "
                    f"at most {max_total_bytes / 1048576:.0f} MB are allowed"
                ),
            )
        )
    return problems


def _describe(file_type: FileType) -> str:
    return {
        "executable": "an executable or script",
        "archive": "an archive",
        "office": "an Office file other than a Word document",
        "gif": "a GIF image",
        "unknown": "a file of a type that is not PDF, plain text, JPEG, PNG, DOC or DOCX",
    }.get(file_type, f"a {file_type.upper()} file")


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff")) and len(head) % 2 == 0
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a multi-byte character.
        if error.start < len(head) - 3:
            return False
        decoded = head[: error.start].decode("utf-8")
    controls = sum(1 for c in decoded if ord(c) < 32 and c not in "\t\n\r\f")
    return controls == 0
