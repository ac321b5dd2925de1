"""How things read on a page: highlighted spans, time left, durations, category names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gobetween.domain.response_times import DUE_SOON, RESPONSE_LIMIT

CATEGORY_NAMES: dict[str, str] = {
    "review_request": "Review request",
    "review_incentive": "Review incentive",
    "review_change_request": "Asks to change a review",
    "marketing": "Marketing",
    "external_link": "External link",
    "contact_info": "Contact details",
    "off_platform": "Off-platform contact",
    "prohibited_media": "Prohibited media",
    "attachment_not_permitted": "Attachment not permitted",
    "fba_customer_service": "Marketplace customer service",
    "length": "Too long",
    "non_critical_proactive": "Non-critical proactive message",
    "redundant_notification": "Redundant notification",
    "proactive_customer_service": "Proactive customer service",
    "stock_or_delay_notice": "Stock or delay notice",
    "thank_you_only": "Thank-you only",
    "buyer_opted_out": "Buyer opted out",
    "seller_to_seller": "Seller to seller",
    "daily_limit": "Daily limit",
    "outside_window": "Outside the 30-day window",
    "case_closed": "Case closed",
    "unprofessional": "Unprofessional tone",
    "language_mismatch": "Not the buyer's language",
}

REASON_NAMES: dict[str, str] = {
    "customization": "Customization",
    "delivery_scheduling": "Delivery scheduling",
    "address_issue": "Address issue",
    "unexpected_problem": "Unexpected problem",
    "invoice": "Invoice",
    "legal_disclosure": "Legal disclosure",
    "warranty": "Warranty",
    "digital_access_key": "Digital access key",
    "other": "Other (reply)",
}

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "ja": "Japanese",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text; `finding` is the 1-based number of the finding it belongs to, if any."""

    text: str
    finding: int | None = None


def finding_spans(findings: Iterable[Any]) -> list[tuple[int, int] | None]:
    """The spans of stored findings (span_start, span_end), in finding order."""
    spans: list[tuple[int, int] | None] = []
    for finding in findings:
        start, end = finding.span_start, finding.span_end
        spans.append(None if start is None or end is None else (int(start), int(end)))
    return spans


def highlight(text: str, spans: Sequence[tuple[int, int] | None]) -> list[Segment]:
    """Cut `text` into plain and marked pieces; overlapping spans merge into the first one."""
    marks: list[tuple[int, int, int]] = []
    for number, span in enumerate(spans, start=1):
        if span is None:
            continue
        start, end = max(0, span[0]), min(len(text), span[1])
        if start < end:
            marks.append((start, end, number))
    marks.sort()
    segments: list[Segment] = []
    position = 0
    for start, end, number in marks:
        if end <= position:
            continue
        start = max(start, position)
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], number))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


@dataclass(frozen=True, slots=True)
class TimeLeft:
    """How long a buyer message has left on its 24-hour clock, as a badge reads it."""

    label: str
    tone: str  # time, due or late
    due_at: datetime


def time_left(started_at: datetime, now: datetime) -> TimeLeft:
    """The badge of a clock that started at `started_at` (system.md: due soon under 4 hours)."""
    due_at = started_at + RESPONSE_LIMIT
    left = due_at - now
    if left <= timedelta(0):
        return TimeLeft(f"{_hours(-left)} overdue", "late", due_at)
    tone = "due" if left < DUE_SOON else "time"
    return TimeLeft(f"{_hours(left)} left", tone, due_at)


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} h {rest:02d} min" if hours < 4 else f"{hours} h"


def duration(seconds: float | None) -> str:
    """A response time such as 3 h 20 min; an en dash when there is none."""
    if seconds is None:
        return "–"
    return _hours(timedelta(seconds=seconds))


def when(moment: datetime | None, now: datetime) -> str:
    """A short, unambiguous UTC time: today's time, or the date and time."""
    if moment is None:
        return "–"
    if moment.date() == now.date():
        return moment.strftime("%H:%M UTC")
    if moment.year == now.year:
        return moment.strftime("%d %b, %H:%M UTC")
    return moment.strftime("%d %b %Y")


def percent(value: float | None) -> str:
    """A percentage with one decimal, or an en dash when there is nothing to measure."""
    return "–" if value is None else f"{value:.1f} %"


def money(minor: int, currency: str) -> str:
    """A price from minor units (yen have none)."""
    if currency == "JPY":
        return f"¥{minor:,}"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    return f"{symbol}{minor / 100:,.2f}"


def category_name(category: str) -> str:
    """The readable name of a policy category."""
    return CATEGORY_NAMES.get(category, category.replace("_", " ").capitalize())


def reason_name(reason: str) -> str:
    """The readable name of a contact reason."""
    return REASON_NAMES.get(reason, reason.replace("_", " ").capitalize())


def language_name(code: str | None) -> str:
    """English name of a language code."""
    return "–" if code is None else LANGUAGE_NAMES.get(code, code)


def first_line(values: Iterable[str]) -> str:
    """The first non-empty value, for a subject line."""
    return next((value for value in values if value), "")
