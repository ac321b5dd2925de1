"""Attachments: judge a file's type by its bytes, store it by SHA-256, let only the parties read it.

policy.md §4 `attachment_not_permitted`: PDF, plain text, JPEG, PNG, DOC and DOCX only, judged by
content and never by name; no executables or archives; at most 5 files and 10 MB together.

The type detector is written here rather than taken from a general library (python-magic needs
libmagic; filetype and puremagic guess among hundreds of formats): the job is an allow-list of
six, and two of them need a look inside the container that general detectors skip. A DOCX is a ZIP
archive, and only its parts tell it from any other ZIP (or from a macro-carrying DOCM); a DOC is an
OLE compound file, the same container as an MSI installer, and only its `WordDocument` stream
tells them apart.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC
from typing import Final, Protocol

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.messages import AttachmentMeta
from gobetween.services.access import Principal
from gobetween.services.access_ports import AccessUnitOfWork, Blob
from gobetween.services.ports import Clock

MAX_FILES: Final = 5
MAX_TOTAL_BYTES: Final = 10 * 1024 * 1024
# The policy judges the type from the first bytes it is handed (policy.Attachment.head).
HEAD_BYTES: Final = 4096
MAX_FILENAME_CHARS: Final = 255

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM: Final = "WordDocument".encode("utf-16-le")
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")
# Signatures of what is refused outright, named so the error says what the file really is.
_REFUSED_SIGNATURES: Final[tuple[tuple[bytes, int, str], ...]] = (
    (b"MZ", 0, "a Windows executable"),
    (b"\x7fELF", 0, "a Linux executable"),
    (b"\xcf\xfa\xed\xfe", 0, "a macOS executable"),
    (b"\xce\xfa\xed\xfe", 0, "a macOS executable"),
    (b"\xca\xfe\xba\xbe", 0, "a macOS or Java executable"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"\x28\xb5\x2f\xfd", 0, "a zstd archive"),
    (b"ustar", 257, "a tar archive"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
)


@dataclass(frozen=True, slots=True)
class FileType:
    """What a file is, judged by its bytes: a short kind and its MIME type."""

    kind: str
    content_type: str


PDF: Final = FileType("pdf", "application/pdf")
PNG: Final = FileType("png", "image/png")
JPEG: Final = FileType("jpeg", "image/jpeg")
DOCX: Final = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
DOC: Final = FileType("doc", "application/msword")
TEXT: Final = FileType("txt", "text/plain; charset=utf-8")


class BlobStore(Protocol):
    """Where file contents live, by SHA-256 (adapters: a folder on disk)."""

    def put(self, sha256: str, data: bytes) -> None:
        """Store `data` under its hash; storing the same content again changes nothing."""
        ...

    def get(self, sha256: str) -> bytes: ...


def judge_file_type(data: bytes) -> FileType:
    """The permitted type `data` is, by its bytes; InvalidInput("file") naming what it is else."""
    if not data:
        raise InvalidInput("file", "is empty")
    for signature, offset, what in _REFUSED_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            raise InvalidInput("file", f"is {what}; permitted are PDF, text, JPEG, PNG, DOC, DOCX")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _judge_zip(data)
    if data.startswith(_OLE_MAGIC):
        if _WORD_STREAM in data:
            return DOC
        raise InvalidInput("file", "is an OLE compound file but not a Word document (DOC)")
    if _is_plain_text(data):
        return TEXT
    raise InvalidInput(
        "file", "is not a permitted type (PDF, text, JPEG, PNG, DOC, DOCX) judged by its content"
    )


def _judge_zip(data: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise InvalidInput("file", "is a damaged ZIP container") from None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        if "word/vbaProject.bin" in names:
            raise InvalidInput("file", "is a Word document with macros (DOCM); send it without")
        return DOCX
    raise InvalidInput("file", "is a ZIP archive; archives are not permitted")


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text without NULs or control characters, and not markup or a script."""
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text):
        return False
    start = text.lstrip()[:64].lower()
    # A script is a program; HTML and SVG are markup the policy keeps out of messages.
    return not start.startswith(("#!", "<!doctype", "<html", "<svg", "<?xml", "<script"))


def clean_filename(value: object) -> str:
    """A file name safe to show and to put in a mail header: no folders, no control characters."""
    if not isinstance(value, str):
        raise InvalidInput("filename", "must be a string")
    name = value.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if not name or name in (".", ".."):
        raise InvalidInput("filename", "must name the file, e.g. invoice.pdf")
    if len(name) > MAX_FILENAME_CHARS:
        raise InvalidInput("filename", f"is longer than {MAX_FILENAME_CHARS} characters")
    return name


def check_sha256(value: object, *, field_name: str = "sha256") -> str:
    """Return a lower-case SHA-256 hex digest, else raise InvalidInput."""
    if not isinstance(value, str) or not _SHA256_HEX.fullmatch(value.lower()):
        raise InvalidInput(field_name, f"must be a SHA-256 hex digest; got {value!r}")
    return value.lower()


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    """An upload: the content's hash, its judged type and size, the name it was uploaded under."""

    sha256: str
    filename: str
    kind: str
    content_type: str
    size: int


def store_attachment(
    data: bytes,
    *,
    filename: str,
    uploader: Principal,
    uow: AccessUnitOfWork,
    blobs: BlobStore,
    clock: Clock,
) -> StoredAttachment:
    """Judge, store and record an uploaded file; InvalidInput when its type or size is refused.

    The bytes are written before the rows that point at them, so a crash in between leaves an
    unreferenced file, never a row without its file.
    """
    name = clean_filename(filename)
    if len(data) > MAX_TOTAL_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
    file_type = judge_file_type(data)
    sha256 = hashlib.sha256(data).hexdigest()
    blobs.put(sha256, data)
    now = clock().astimezone(UTC)
    with uow:
        uow.access.attachments.add_blob(
            Blob(sha256, file_type.content_type, file_type.kind, len(data)), now=now
        )
        uow.access.attachments.add_upload(
            sha256=sha256,
            filename=name,
            uploader_role=uploader.role,
            uploader_id=uploader.party_id,
            now=now,
        )
        uow.commit()
    return StoredAttachment(sha256, name, file_type.kind, file_type.content_type, len(data))


def attachments_for_message(
    sha256s: list[str], *, sender: Principal, uow: AccessUnitOfWork, blobs: BlobStore
) -> tuple[AttachmentMeta, ...]:
    """The sender's own uploads as message attachments, each with its first bytes for the policy.

    A hash the sender did not upload is NotFound, whoever else uploaded it: knowing a hash is not
    a right to send the file.
    """
    if not sha256s:
        return ()
    metas: list[AttachmentMeta] = []
    with uow:
        for index, value in enumerate(sha256s):
            sha256 = check_sha256(value, field_name=f"attachments[{index}]")
            upload = uow.access.attachments.find_upload(
                sha256, uploader_role=sender.role, uploader_id=sender.party_id
            )
            blob = uow.access.attachments.find_blob(sha256)
            if upload is None or blob is None:
                raise NotFound("attachment", sha256)
            head = blobs.get(sha256)[:HEAD_BYTES]
            metas.append(
                AttachmentMeta(upload.filename, blob.content_type, blob.size, sha256, head=head)
            )
    return tuple(metas)


def open_attachment(
    sha256: str, *, viewer: Principal, uow: AccessUnitOfWork, blobs: BlobStore
) -> tuple[Blob, bytes]:
    """The file for a download; NotFound unless the viewer uploaded it, is party to a message
    carrying it, or is an auditor."""
    digest = check_sha256(sha256)
    with uow:
        blob = uow.access.attachments.find_blob(digest)
        allowed = blob is not None and (
            viewer.role == "auditor"
            or uow.access.attachments.find_upload(
                digest, uploader_role=viewer.role, uploader_id=viewer.party_id
            )
            is not None
            or _party_to_a_message(uow, digest, viewer)
        )
    if blob is None or not allowed:
        raise NotFound("attachment", digest)
    return blob, blobs.get(digest)


def _party_to_a_message(uow: AccessUnitOfWork, sha256: str, viewer: Principal) -> bool:
    for seller_id, buyer_id, buyer_may_read in uow.access.attachments.message_parties(sha256):
        if viewer.role == "seller" and viewer.seller_id == seller_id:
            return True
        if viewer.role == "buyer" and viewer.buyer_id == buyer_id and buyer_may_read:
            return True
    return False
