"""Message hooks that keep cases and response clocks in step with every stored message.

The message service calls these inside its one transaction, so a buyer message, its case and its
24-hour clock commit together (system.md, Cases and Response time).
"""

from __future__ import annotations

from typing import cast

from gobetween.services.cases import (
    CaseUnitOfWork,
    case_state_for_thread,
    note_buyer_message,
    note_seller_message,
)
from gobetween.services.ports import StoredMessage, UnitOfWork


class CaseHooks:
    """Opens and moves cases, starts and stops clocks. Needs a unit of work with case repositories
    (the SQL access unit of work has them); a plain one is refused with TypeError."""

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return case_state_for_thread(_case_uow(uow), thread_id)

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        cases_uow = _case_uow(uow)
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
            )


def _case_uow(uow: UnitOfWork) -> CaseUnitOfWork:
    missing = [name for name in ("cases", "response_clocks", "webhooks") if not hasattr(uow, name)]
    if missing:
        raise TypeError(
            f"CaseHooks need a unit of work with {', '.join(missing)}; "
            f"got {type(uow).__name__} (use the SQL access unit of work)"
        )
    return cast(CaseUnitOfWork, uow)
