"""The attachment type detector: an allow-list judged from bytes (policy.md §4)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.domain.errors import InvalidInput
from gobetween.services.attachments import (
    DOC,
    DOCX,
    JPEG,
    PDF,
    PNG,
    TEXT,
    check_sha256,
    clean_filename,
    judge_file_type,
)


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4\n", PDF),
        (b"\x89PNG\r\n\x1a\n....", PNG),
        (b"\xff\xd8\xff\xdb....", JPEG),
        (zipped("[Content_Types].xml", "word/document.xml"), DOCX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), DOC),
        (b"\xef\xbb\xbfHello\r\n\tWorld\n", TEXT),
        ("こんにちは".encode(), TEXT),
    ],
)
def test_permitted_types(data: bytes, expected: object) -> None:
    assert judge_file_type(data) == expected


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"MZ\x90\x00", "Windows executable"),
        (b"\x7fELF\x02\x01", "Linux executable"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"Rar!\x1a\x07\x00", "RAR"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
        (bytes(257) + b"ustar\x0000", "tar"),
        (zipped("evil.exe"), "ZIP archive"),
        (zipped("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), "macros"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "not a Word document"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"<!DOCTYPE html><p>", "not a permitted type"),
        (b"\xff\xfe\x00\x00", "not a permitted type"),
    ],
)
def test_refused_types_say_what_they_are(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        judge_file_type(data)
    assert raised.value.field == "file"
    assert says in raised.value.problem


@given(st.binary(max_size=512))
def test_any_bytes_get_a_type_or_a_clear_refusal(data: bytes) -> None:
    outcome: object
    try:
        outcome = judge_file_type(data).kind
    except InvalidInput as error:
        outcome = error.field
    assert outcome in {"file", "pdf", "png", "jpeg", "docx", "doc", "txt"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\x\\scan.pdf", "scan.pdf"),
        ("../../a.pdf", "a.pdf"),
        ("in\x00voice.pdf", "invoice.pdf"),
    ],
)
def test_file_names_lose_folders_and_control_characters(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "..", "dir/", "x" * 256])
def test_unusable_file_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        clean_filename(raw)


def test_sha256_digests_are_checked_and_lower_cased() -> None:
    assert check_sha256("A" * 64) == "a" * 64
    with pytest.raises(InvalidInput):
        check_sha256("g" * 64)
