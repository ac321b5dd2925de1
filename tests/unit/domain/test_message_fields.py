"""Validation of message fields at the edge: text, subject, channel, attachments."""

from __future__ import annotations

import pytest

from gobetween.domain.errors import InvalidInput
from gobetween.domain.messages import (
    MAX_ATTACHMENTS,
    MAX_SUBJECT_CHARS,
    MAX_TEXT_BYTES,
    AttachmentMeta,
    check_attachments,
    check_channel,
    check_subject,
    check_text,
)

GOOD = AttachmentMeta("invoice.pdf", "application/pdf", 1234, "0" * 64)


def test_text_up_to_the_byte_cap_passes() -> None:
    assert check_text("a" * MAX_TEXT_BYTES) == "a" * MAX_TEXT_BYTES


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "must be a string"),
        (42, "must be a string"),
        ("", "must not be empty"),
        ("\t \n", "must not be empty"),
        ("a\x00b", "NUL"),
        ("broken \ud800 escape", "lone surrogate"),
        ("a" * (MAX_TEXT_BYTES + 1), "too large"),
        ("€" * (MAX_TEXT_BYTES // 3 + 1), "too large"),
    ],
)
def test_bad_text_is_named(value: object, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as raised:
        check_text(value)
    assert raised.value.field == "text"


def test_subjects_are_one_line_and_bounded() -> None:
    assert check_subject("  Your order  ") == "Your order"
    assert check_subject("") == ""
    with pytest.raises(InvalidInput, match="one line"):
        check_subject("a\nb")
    with pytest.raises(InvalidInput, match="too long"):
        check_subject("x" * (MAX_SUBJECT_CHARS + 1))


def test_channels_are_a_closed_list() -> None:
    assert check_channel("email") == "email"
    with pytest.raises(InvalidInput, match="must be one of"):
        check_channel("fax")


def test_attachments_are_checked_field_by_field() -> None:
    assert check_attachments([GOOD]) == (GOOD,)
    cases = [
        (AttachmentMeta("", "application/pdf", 1, "0" * 64), "[0].filename"),
        (AttachmentMeta("../x", "application/pdf", 1, "0" * 64), "[0].filename"),
        (AttachmentMeta("a", "pdf", 1, "0" * 64), "[0].content_type"),
        (AttachmentMeta("a", "application/pdf", -1, "0" * 64), "[0].size"),
        (AttachmentMeta("a", "application/pdf", 1, "A" * 64), "[0].sha256"),
    ]
    for attachment, field in cases:
        with pytest.raises(InvalidInput) as raised:
            check_attachments((attachment,))
        assert raised.value.field == f"attachments{field}"
    with pytest.raises(InvalidInput, match="at most"):
        check_attachments((GOOD,) * (MAX_ATTACHMENTS + 1))
    with pytest.raises(InvalidInput, match="list"):
        check_attachments("invoice.pdf")
