"""Attachments through the API: judged by their bytes, stored by SHA-256, read only by parties."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from api_world import ANNA_ORDER, World

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


def docx(*extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            archive.writestr(name, "x")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.pdf", PDF)
    return buffer.getvalue()


def upload(world: World, who: str, data: bytes, filename: str) -> Any:
    return world.client.post(
        "/api/v1/attachments",
        params={"filename": filename},
        content=data,
        headers=world.headers(who) | {"Content-Type": "application/octet-stream"},
    )


def test_a_pdf_is_stored_under_its_sha256_and_sent_with_a_message(world: World) -> None:
    response = upload(world, "anna", PDF, "Rechnung 118.pdf")
    assert response.status_code == 201, response.text
    stored = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert stored == {
        "sha256": digest,
        "filename": "Rechnung 118.pdf",
        "kind": "pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    folder = Path(world.platform.settings.attachment_folder)
    assert (folder / digest[:2] / digest[2:4] / digest).read_bytes() == PDF
    sent = world.send(
        "anna",
        ANNA_ORDER,
        template_id="invoice",
        fields={"invoice_number": "R-118"},
        attachments=[digest],
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["disposition"] == "delivered"
    thread = world.get("mira", f"/threads/{sent.json()['thread_id']}").json()
    assert thread["messages"][0]["attachments"] == [
        {
            "sha256": digest,
            "filename": "Rechnung 118.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        }
    ]
    # The buyer who received it and an auditor may download it; nobody else.
    for who in ("mira", "anna", "auditor"):
        download = world.get(who, f"/attachments/{digest}")
        assert download.status_code == 200, who
        assert download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
    for who in ("ben", "noah"):
        assert world.get(who, f"/attachments/{digest}").status_code == 404, who
    assert world.get("operator", f"/attachments/{digest}").status_code == 403


@pytest.mark.parametrize(
    ("data", "filename", "says"),
    [
        (WINDOWS_EXE, "invoice.pdf", "Windows executable"),
        (plain_zip(), "invoice.pdf", "ZIP archive"),
        (docx("word/vbaProject.bin"), "letter.docx", "macros"),
        (b"GIF89a" + bytes(20), "smile.png", "GIF"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", "not a permitted type"),
        (b"<html><body>hi</body></html>", "page.txt", "not a permitted type"),
        (b"\x00\x01\x02binary", "data.txt", "not a permitted type"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_the_type_is_judged_by_the_bytes_never_the_name(
    sqlite_world: World, data: bytes, filename: str, says: str
) -> None:
    response = upload(sqlite_world, "anna", data, filename)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["field"] == "file"
    assert says in error["detail"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(20), "jpeg"),
        (docx(), "docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "doc"),
        ("Größe: 42 cm\nFarbe: blau\n".encode(), "txt"),
    ],
)
def test_permitted_types_whatever_their_name(sqlite_world: World, data: bytes, kind: str) -> None:
    response = upload(sqlite_world, "mira", data, "file.bin")
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == kind


def test_more_than_10_mb_is_refused_with_413(sqlite_world: World) -> None:
    big = PDF + bytes(10 * 1024 * 1024)
    response = upload(sqlite_world, "anna", big, "big.pdf")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_hash_you_did_not_upload_cannot_be_attached(sqlite_world: World) -> None:
    world = sqlite_world
    digest = upload(world, "ben", PDF, "ben.pdf").json()["sha256"]
    sent = world.send(
        "anna",
        ANNA_ORDER,
        text="See the attached file.",
        contact_reason="customization",
        attachments=[digest],
    )
    assert sent.status_code == 404
    assert sent.json()["code"] == "not_found"


def test_a_path_in_the_file_name_is_dropped(sqlite_world: World) -> None:
    response = upload(sqlite_world, "anna", PDF, "../../etc/passwd.pdf")
    assert response.json()["filename"] == "passwd.pdf"
