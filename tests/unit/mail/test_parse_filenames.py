"""An attachment's file name read from a plain Content-Disposition (parse._filename) is the one
the stdlib's get_filename gives, for any value; other values go to get_filename itself."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail import parse
from gobetween.adapters.mail.parse import _filename, mail_policy, parse_mail


def _part(headers: bytes) -> EmailMessage:
    message = message_from_bytes(headers + b"\r\n\r\nbody\r\n", policy=mail_policy())
    assert isinstance(message, EmailMessage)
    return message


def _outcome(read: Callable[[EmailMessage], str | None], headers: bytes) -> str | None:
    """What `read` gives for a part with `headers`, or the name of what it raised (the
    registry raises on some values, e.g. IndexError for an empty parameter value)."""
    try:
        return read(_part(headers))
    except Exception as error:
        return type(error).__name__


def _same(headers: bytes) -> str | None:
    found = _outcome(_filename, headers)
    assert found == _outcome(EmailMessage.get_filename, headers)
    return found


NAME_CHARACTERS = st.sampled_from(
    [*"aZ09 ._+,()[]!#$&@~^{}-", '"', "\\", "<", ">", "=?", "?=", "*", "%", "'", ";", "é"]
)
NAMES = st.lists(NAME_CHARACTERS, max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(
    kind=st.sampled_from(["attachment", "Attachment", "INLINE", "form-data", ""]),
    before=st.sampled_from(["", " ", "\t", "  "]),
    separator=st.sampled_from([";", "; ", ";\t", " ; ", ";\r\n ", ""]),
    parameter=st.sampled_from(["filename", "FileName", "filename*", "name", "filename "]),
    equals=st.sampled_from(["=", " =", "= "]),
    quote=st.sampled_from(['"', "", "'"]),
    name=NAMES,
    after=st.sampled_from(["", " ", '; size="10"', "; filename=b.pdf", " (comment)"]),
)
def test_a_file_name_is_the_one_get_filename_gives(
    kind: str,
    before: str,
    separator: str,
    parameter: str,
    equals: str,
    quote: str,
    name: str,
    after: str,
) -> None:
    value = f"{before}{kind}{separator}{parameter}{equals}{quote}{name}{quote}{after}"
    _same(b"Content-Disposition: " + value.encode("utf-8"))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (b'Content-Disposition: attachment; filename="photo.pdf"', "photo.pdf"),
        (b'Content-Disposition: inline; filename=" a b.pdf "', "a b.pdf"),
        (b"Content-Disposition: attachment; filename=report-1.pdf", "report-1.pdf"),
        (b'Content-Disposition: attachment; filename=""', ""),
        # Not plain: the stdlib decides.
        (b"Content-Disposition: attachment; filename*=utf-8''%C3%A9.pdf", "\u00e9.pdf"),
        (b'Content-Disposition: attachment; filename="=?utf-8?q?caf=C3=A9?=.pdf"', "café.pdf"),
        (b'Content-Disposition: attachment; filename="<x>"', "x"),
        (b"Content-Disposition: attachment", None),
        (b'Content-Type: application/pdf; name="from-type.pdf"', "from-type.pdf"),
        # The first Content-Disposition is the one read.
        (
            b'Content-Disposition: attachment; filename="first.pdf"\r\n'
            b'Content-Disposition: attachment; filename="second.pdf"',
            "first.pdf",
        ),
        (
            b"Content-Disposition: attachment; filename*=x\r\n"
            b'Content-Disposition: attachment; filename="second.pdf"',
            "x",
        ),
    ],
)
def test_file_names_by_example(headers: bytes, expected: str | None) -> None:
    assert _same(headers) == expected


def test_a_plain_value_is_read_without_get_filename(monkeypatch: pytest.MonkeyPatch) -> None:
    part = _part(b'Content-Disposition: attachment; filename="photo.pdf"')

    def not_called(*args: object) -> None:
        raise AssertionError("get_filename was called")

    monkeypatch.setattr(EmailMessage, "get_filename", not_called)
    assert _filename(part) == "photo.pdf"


def test_the_mail_names_its_attachments_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (
        b"From: bob@buyer.example\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        b"--b0\r\nContent-Type: text/plain\r\n\r\nSee the files.\r\n"
        b"--b0\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\nQUJD\r\n'
        b'--b0\r\nContent-Type: text/plain; name="notes.txt"\r\n\r\nnotes\r\n'
        b"--b0\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\n \r\n"
        b"--b0\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: inline\r\n\r\nQUJD\r\n--b0--\r\n"
    )
    names = [a.filename for a in parse_mail(raw).attachments]
    monkeypatch.setattr(parse, "_filename", EmailMessage.get_filename)
    assert names == [a.filename for a in parse_mail(raw).attachments]
    assert names == ["a.pdf", "notes.txt", "part-3"]
