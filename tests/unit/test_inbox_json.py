"""The inbox's hand-written JSON is byte for byte what its documented models would write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gobetween.entrypoints.http.api.schemas import inbox_json, inbox_out
from gobetween.services.access_ports import InboxEntry
from gobetween.services.inbox import InboxPage

AT = datetime(2026, 11, 20, 10, 0, 5, 123456, tzinfo=UTC)


def entry(number: int, *, clock: datetime | None, triage: str | None) -> InboxEntry:
    return InboxEntry(
        message_id=number,
        thread_id=7,
        order_id="111-0000001-0000001",
        seller_id="s-anna",
        buyer_id="b-mira",
        seq=number,
        direction="buyer_to_seller",
        sender_id="b-mira",
        contact_reason="other",
        subject='Ünïcode "quoted" subject',
        preview="Line one\nline two – ✓",
        verdict="allow",
        disposition="delivered",
        triage=triage,
        created_at=AT + timedelta(minutes=number),
        clock_started_at=clock,
    )


@pytest.mark.parametrize("cursor", [None, "MjAyNi0xMS0yMFQxMDowMDowNXw0Mg"])
def test_inbox_json_matches_the_models(cursor: str | None) -> None:
    page = InboxPage(
        (
            entry(1, clock=AT, triage="question"),
            entry(2, clock=None, triage=None),
        ),
        cursor,
        "requires_response",
    )
    assert inbox_json(page) == inbox_out(page).model_dump_json().encode()


def test_an_empty_page() -> None:
    page = InboxPage((), None, "all")
    assert inbox_json(page) == b'{"view":"all","entries":[],"next_cursor":null}'
