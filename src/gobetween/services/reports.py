"""Reported messages: a party reports the other's message; the operator works the queue.

system.md: reported messages go to the operator's queue, need no answer and leave the
response-time metric. The report, its evidence event and the stopped 24-hour clock commit in one
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Final

from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.policy.categories import REPORT_REASONS as CHECKER_REPORT_REASONS
from gobetween.services.access import Principal
from gobetween.services.access_ports import AccessUnitOfWork, Report
from gobetween.services.inbox import visible_message
from gobetween.services.ports import Clock, Event

# The reasons of the seed's "Report Message": the checker's own report reasons (policy.md §5),
# so that a reason the checker suggests is always one a party can file, plus "other".
REPORT_REASONS: Final = (*CHECKER_REPORT_REASONS, "other")
REPORT_STATUSES: Final = ("open", "handled")
MAX_NOTE_CHARS: Final = 2000


def report_message(
    message_id: int,
    *,
    reason: str,
    note: str = "",
    reporter: Principal,
    uow: AccessUnitOfWork,
    clock: Clock,
) -> Report:
    """Queue a report of a message written to the reporter; reporting twice returns the first."""
    if reason not in REPORT_REASONS:
        raise InvalidInput("reason", f"must be one of {', '.join(REPORT_REASONS)}; got {reason!r}")
    if len(note) > MAX_NOTE_CHARS or "\x00" in note:
        raise InvalidInput("note", f"must be text of at most {MAX_NOTE_CHARS} characters")
    now = clock().astimezone(UTC)
    with uow:
        message, _thread = visible_message(uow, message_id, reporter)
        # A party reports what the other side wrote to it, not its own messages.
        written_to_reporter = (
            reporter.role == "seller" and message.direction == "buyer_to_seller"
        ) or (reporter.role == "buyer" and message.direction == "seller_to_buyer")
        if not written_to_reporter:
            raise InvalidInput("message_id", "only a message written to you can be reported")
        report_id = uow.access.reports.add(
            message_id=message_id,
            reporter_role=reporter.role,
            reporter_id=reporter.party_id,
            reason=reason,
            note=note.strip(),
            now=now,
        )
        if report_id is not None:
            if message.direction == "buyer_to_seller":
                uow.access.clocks.stop(message_id, reason="reported", now=now)
            uow.events.append(
                Event(
                    kind="message.reported",
                    subject_type="message",
                    subject_id=str(message_id),
                    actor=str(reporter.actor),
                    data={"reason": reason, "report_id": report_id},
                ),
                now=now,
            )
        report = uow.access.reports.find_for_message(message_id)
        uow.commit()
    assert report is not None
    return report


def report_queue(
    *,
    uow: AccessUnitOfWork,
    status: str | None = "open",
    after_id: int | None = None,
    limit: int = 50,
) -> Sequence[Report]:
    """The operator's queue, oldest first."""
    if status is not None and status not in REPORT_STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(REPORT_STATUSES)}; got {status!r}")
    if not 1 <= limit <= 200:
        raise InvalidInput("limit", f"must be between 1 and 200; got {limit}")
    with uow:
        return uow.access.reports.queue(status=status, after_id=after_id, limit=limit)


def handle_report(
    report_id: int, *, resolution: str, operator: Principal, uow: AccessUnitOfWork, clock: Clock
) -> Report:
    """The operator closes a report with what was done about it."""
    resolution = resolution.strip()
    if not resolution or len(resolution) > MAX_NOTE_CHARS:
        raise InvalidInput(
            "resolution", f"must say what was done, in 1-{MAX_NOTE_CHARS} characters"
        )
    now = clock().astimezone(UTC)
    with uow:
        report = uow.access.reports.find(report_id)
        if report is None:
            raise NotFound("report", report_id)
        if not uow.access.reports.handle(report_id, resolution=resolution, now=now):
            raise InvalidInput("report_id", f"report {report_id} is already handled")
        uow.events.append(
            Event(
                kind="report.handled",
                subject_type="message",
                subject_id=str(report.message_id),
                actor=str(operator.actor),
                data={"report_id": report_id, "resolution": resolution},
            ),
            now=now,
        )
        handled = uow.access.reports.find(report_id)
        uow.commit()
    assert handled is not None
    return handled
