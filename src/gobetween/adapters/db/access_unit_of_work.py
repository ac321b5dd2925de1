"""The unit of work of the API: the core's SQL unit of work plus the API's and the cases'
repositories, so a report, its event and the stopped clock commit together, and the cases
services (`mark_no_response_needed`) run on it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from gobetween.adapters.db import access_repositories as repos
from gobetween.adapters.db.case_repositories import (
    SqlCaseRepository,
    SqlResponseClockRepository,
    SqlWebhookRepository,
)
from gobetween.adapters.db.inbox_queries import SqlInboxQueries
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.services.access_ports import (
    AccessStore,
    AttachmentRepository,
    DailySendCounts,
    InboxQueries,
    ReportRepository,
    ResponseClocks,
    SellerPolicyRepository,
    TokenRepository,
)
from gobetween.services.cases import CaseRepository, ResponseClockRepository
from gobetween.services.webhooks import WebhookRepository


@dataclass(slots=True)
class SqlAccessStore:
    """The API's repositories, all on one connection."""

    tokens: TokenRepository
    attachments: AttachmentRepository
    reports: ReportRepository
    seller_policies: SellerPolicyRepository
    clocks: ResponseClocks
    inbox: InboxQueries
    daily_sends: DailySendCounts


class SqlAccessUnitOfWork(SqlUnitOfWork):
    """One transaction with the core's repositories and the API's, committed together."""

    access: AccessStore
    cases: CaseRepository
    response_clocks: ResponseClockRepository
    webhooks: WebhookRepository

    def __enter__(self) -> Self:
        super().__enter__()
        connection = self._connection
        if connection is None:  # pragma: no cover - super().__enter__ always connects
            raise RuntimeError("the unit of work did not open a connection")
        self.cases = SqlCaseRepository(connection)
        self.response_clocks = SqlResponseClockRepository(connection)
        self.webhooks = SqlWebhookRepository(connection)
        self.access = SqlAccessStore(
            tokens=repos.SqlTokenRepository(connection),
            attachments=repos.SqlAttachmentRepository(connection),
            reports=repos.SqlReportRepository(connection),
            seller_policies=repos.SqlSellerPolicyRepository(connection),
            clocks=repos.SqlResponseClocks(connection),
            inbox=SqlInboxQueries(connection),
            daily_sends=repos.SqlDailySendCounts(connection),
        )
        return self
