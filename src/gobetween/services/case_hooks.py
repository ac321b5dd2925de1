"""Message hooks that keep cases and response clocks in step with every stored message.

The message service calls these inside its one transaction, so a buyer message, its case and its
24-hour clock commit together (system.md, Cases and Response time).

They are on every send's path, so each does as few statements as it can (docs/cases.md, Cost in the
send path): a seller's send reads its thread's case once, before the policy check (on PostgreSQL
in the send's locking read of the thread, `ThreadRepository.case_glance`), and that read also says
whether any webhook subscription covers the seller and whether the thread has a live case or a
running clock; the answer then only writes, and only when it has something to change.
"""

from __future__ import annotations

from typing import cast

from gobetween.services.cases import (
    CaseGlance,
    CaseUnitOfWork,
    glance_at_thread,
    note_buyer_message,
    note_seller_message,
)
from gobetween.services.ports import StoredMessage, UnitOfWork


class CaseHooks:
    """Opens and moves cases, starts and stops clocks. Needs a unit of work with case repositories
    (the SQL access unit of work has them); a plain one is refused with TypeError.

    Remembers, from `case_state` to `message_stored` of the same unit of work and thread, whether
    anyone listens to the seller's webhooks and whether an answer has anything to change; without
    that read (another unit of work or thread) the announcements ask the subscriptions
    themselves and the answer is written.
    """

    __slots__ = ("_glanced",)

    def __init__(self) -> None:
        self._glanced: tuple[UnitOfWork, int, CaseGlance] | None = None

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        # On PostgreSQL a seller's send read it with its thread, in its one locking read.
        glance = uow.threads.case_glance(thread_id) or glance_at_thread(_case_uow(uow), thread_id)
        self._glanced = (uow, thread_id, glance)
        return glance.state

    def _glance(self, uow: UnitOfWork, thread_id: int) -> CaseGlance:
        glanced, self._glanced = self._glanced, None
        if glanced is None or glanced[0] is not uow or glanced[1] != thread_id:
            return _UNSEEN
        return glanced[2]

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        cases_uow = _case_uow(uow)
        glance = self._glance(uow, message.thread_id)
        if message.direction == "buyer_to_seller":
            note_buyer_message(
                cases_uow,
                message_id=message.message_id,
                order_id=message.order_id,
                thread_id=message.thread_id,
                seller_id=message.seller_id,
                buyer_id=message.buyer_id,
                at=message.created_at,
                data={"subject": message.subject, "text": message.text},
            )
        else:
            note_seller_message(
                cases_uow,
                message_id=message.message_id,
                order_id=message.order_id,
                thread_id=message.thread_id,
                seller_id=message.seller_id,
                disposition=message.disposition,
                categories=message.categories,
                at=message.created_at,
                listened=glance.listened,
                answerable=glance.answerable,
            )


# Nothing read: the announcements ask the subscriptions, the answer is written.
_UNSEEN = CaseGlance(state=None, listened=True, answerable=True)


def _case_uow(uow: UnitOfWork) -> CaseUnitOfWork:
    missing = [name for name in ("cases", "response_clocks", "webhooks") if not hasattr(uow, name)]
    if missing:
        raise TypeError(
            f"CaseHooks need a unit of work with {', '.join(missing)}; "
            f"got {type(uow).__name__} (use the SQL access unit of work)"
        )
    return cast(CaseUnitOfWork, uow)
