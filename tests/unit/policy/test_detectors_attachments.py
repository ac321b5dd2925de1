"""Attachment checks: content decides over names, count and size limits."""

from __future__ import annotations

import pytest

from gobetween.policy.context import Attachment
from gobetween.policy.detectors.attachments import check_attachments, classify, extension, sniff

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
GIF = b"GIF89a\x01\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00photos/a.jpg"
DOCX = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...word/document.xml"
DOCX_SHORT = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"
XLSX = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...xl/workbook.xml"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
RAR = b"Rar!\x1a\x07\x01\x00"
SEVEN_Z = b"7z\xbc\xaf\x27\x1c\x00\x04"
GZIP = b"\x1f\x8b\x08\x00"
TEXT = "Größentabelle: S, M, L\n".encode()
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def _a(name: str, ctype: str, head: bytes | None = None, size: int = 1000) -> Attachment:
    return Attachment(filename=name, content_type=ctype, size=size, head=head)


@pytest.mark.parametrize(
    ("attachment", "file_type"),
    [
        (_a("invoice.pdf", "application/pdf", PDF), "pdf"),
        (_a("proof.png", "image/png", PNG), "png"),
        (_a("photo.jpg", "image/jpeg", JPEG), "jpeg"),
        (
            _a(
                "chart.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                DOCX,
            ),
            "docx",
        ),
        (_a("chart.docx", "application/octet-stream", DOCX_SHORT), "docx"),
        (_a("letter.doc", "application/msword", OLE), "doc"),
        (_a("notes.txt", "text/plain", TEXT), "txt"),
        # Content wins over the name, both ways.
        (_a("invoice.pdf", "application/pdf", EXE), "executable"),
        (_a("invoice.pdf", "application/pdf", ZIP), "archive"),
        (_a("photo.jpg", "image/jpeg", GIF), "gif"),
        (_a("scan.dat", "application/octet-stream", PDF), "pdf"),
        (_a("data.docx", "application/octet-stream", XLSX), "office"),
        (_a("sheet.xls", "application/vnd.ms-excel", OLE), "office"),
        (_a("files.zip", "application/zip", ZIP), "archive"),
        (_a("files.rar", "application/vnd.rar", RAR), "archive"),
        (_a("a.7z", "application/x-7z-compressed", SEVEN_Z), "archive"),
        (_a("a.gz", "application/gzip", GZIP), "archive"),
        (_a("tool", "application/octet-stream", ELF), "executable"),
        (_a("readme.txt", "text/plain", SCRIPT), "executable"),
        (_a("page.html", "text/html", b"<html><body>x</body></html>"), "unknown"),
        # An executable name is refused whatever the bytes are.
        (_a("invoice.pdf.exe", "application/pdf", PDF), "executable"),
        # Without bytes: content type and extension must agree.
        (_a("invoice.pdf", "application/pdf"), "pdf"),
        (_a("driver.exe", "application/vnd.microsoft.portable-executable"), "executable"),
        (_a("proofs.zip", "application/zip"), "archive"),
        (_a("sketch.rar", "application/vnd.rar"), "archive"),
        (_a("preview.gif", "image/gif"), "gif"),
        (
            _a("invoice.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "unknown",
        ),
        (_a("photo.jpg", "application/pdf"), "unknown"),
        (_a("photo.jpg", "application/octet-stream"), "jpeg"),
    ],
)
def test_classify(attachment: Attachment, file_type: str) -> None:
    assert classify(attachment) == file_type


def test_allowed_set_passes() -> None:
    files = [_a("a.pdf", "application/pdf", PDF), _a("b.png", "image/png", PNG)]
    assert check_attachments(files) == []


def test_more_than_five_files() -> None:
    files = [_a(f"frame-{i}.jpg", "image/jpeg", JPEG) for i in range(6)]
    assert [p.kind for p in check_attachments(files)] == ["count"]
    assert check_attachments(files[:5]) == []


def test_over_ten_megabytes_together() -> None:
    files = [
        _a("part1.pdf", "application/pdf", PDF, size=7_340_032),
        _a("part2.pdf", "application/pdf", PDF, size=7_025_459),
    ]
    assert [p.kind for p in check_attachments(files)] == ["size"]
    assert check_attachments([_a("a.pdf", "application/pdf", PDF, size=10 * 1024 * 1024)]) == []


def test_profile_limits_are_honoured() -> None:
    files = [_a("a.pdf", "application/pdf", PDF)] * 2
    assert [p.kind for p in check_attachments(files, max_files=1)] == ["count"]
    assert [p.kind for p in check_attachments(files, allowed_types=("png",))] == ["type", "type"]


def test_helpers() -> None:
    assert extension("Invoice.PDF") == "pdf"
    assert extension(".bashrc") == ""
    assert extension("archive.tar.gz") == "gz"
    assert sniff(b"") == "unknown"
    assert sniff(b"\xff\xfeh\x00i\x00") == "txt"
    assert sniff(b"\x00\x01\x02\x03") == "unknown"
    assert sniff("naïve".encode()[:3]) == "txt"  # cut inside a multi-byte character
