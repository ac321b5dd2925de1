"""What the API's services need from storage besides the core's repositories, as protocols.

The SQL adapters (adapters/db/access_repositories.py, adapters/db/inbox_queries.py) implement
them on the same connection as the core's unit of work, so a report, its event and the stopped
response clock commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from gobetween.services.ports import UnitOfWork

Role = Literal["operator", "seller", "buyer", "auditor"]
InboxView = Literal["requires_response", "sent", "blocked", "bounced", "all"]
INBOX_VIEWS: tuple[InboxView, ...] = ("requires_response", "sent", "blocked", "bounced", "all")
ROLES: tuple[Role, ...] = ("operator", "seller", "buyer", "auditor")


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A stored API token: never the token itself, only its hash and a prefix to recognise it."""

    id: int
    prefix: str
    role: Role
    seller_id: str | None
    buyer_id: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Blob:
    """A stored file content, by SHA-256; `kind` is the type judged from its bytes."""

    sha256: str
    content_type: str
    kind: str
    size: int


@dataclass(frozen=True, slots=True)
class Upload:
    """Who uploaded which content under which file name."""

    id: int
    sha256: str
    filename: str
    uploader_role: str
    uploader_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    """A reported message in the operator's queue (system.md, Delivery rules)."""

    id: int
    message_id: int
    reporter_role: str
    reporter_id: str
    reason: str
    note: str
    status: Literal["open", "handled"]
    created_at: datetime
    handled_at: datetime | None = None
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class SellerPolicy:
    """The operator's settings for one seller; None limits fall back to the marketplace's."""

    seller_id: str
    profile: str = "amazon"
    allowed_link_domains: tuple[str, ...] = ()
    daily_limit_base: int | None = None
    daily_limit_multiplier: int | None = None


class TokenRepository(Protocol):
    def add(
        self,
        *,
        token_hash: str,
        prefix: str,
        role: Role,
        seller_id: str | None,
        buyer_id: str | None,
        label: str,
        now: datetime,
    ) -> int: ...
    def find_active_by_hash(self, token_hash: str) -> TokenRecord | None: ...
    def find(self, token_id: int) -> TokenRecord | None: ...
    def revoke(self, token_id: int, *, now: datetime) -> bool:
        """Revoke an active token; False when it was already revoked."""
        ...

    def all(self) -> Sequence[TokenRecord]: ...


class AttachmentRepository(Protocol):
    def find_blob(self, sha256: str) -> Blob | None: ...
    def add_blob(self, blob: Blob, *, now: datetime) -> None:
        """Record a content unless it is already known (content-addressed: same bytes, one row)."""
        ...

    def add_upload(
        self, *, sha256: str, filename: str, uploader_role: str, uploader_id: str, now: datetime
    ) -> int: ...
    def find_upload(
        self, sha256: str, *, uploader_role: str, uploader_id: str
    ) -> Upload | None: ...
    def message_parties(self, sha256: str) -> Sequence[tuple[str, str, bool]]:
        """(seller_id, buyer_id, buyer may read) of each thread whose messages hold the file."""
        ...


class ReportRepository(Protocol):
    def add(
        self,
        *,
        message_id: int,
        reporter_role: str,
        reporter_id: str,
        reason: str,
        note: str,
        now: datetime,
    ) -> int | None:
        """Queue a report; None when the message was already reported."""
        ...

    def find(self, report_id: int) -> Report | None: ...
    def find_for_message(self, message_id: int) -> Report | None: ...
    def queue(
        self, *, status: str | None, after_id: int | None, limit: int
    ) -> Sequence[Report]: ...
    def handle(self, report_id: int, *, resolution: str, now: datetime) -> bool: ...


class SellerPolicyRepository(Protocol):
    def find(self, seller_id: str) -> SellerPolicy | None: ...
    def upsert(self, policy: SellerPolicy, *, now: datetime) -> None: ...
    def find_profile(self, name: str) -> dict[str, object] | None: ...
    def upsert_profile(
        self, name: str, definition: dict[str, object], *, now: datetime
    ) -> None: ...
    def all_profiles(self) -> Sequence[dict[str, object]]: ...
    def profile_versions(self) -> dict[str, datetime]:
        """When each stored profile was last written, by name: what changed since a look."""
        ...


class ResponseClocks(Protocol):
    """The 24-hour clocks of buyer messages (the cases feature's table), as the API touches them."""

    def stop(self, message_id: int, *, reason: str, now: datetime) -> bool:
        """Stop the running clock of `message_id`; False when none runs."""
        ...


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One message as the inbox lists it, with its thread and, when one runs, its clock."""

    message_id: int
    thread_id: int
    order_id: str
    seller_id: str
    buyer_id: str
    seq: int
    direction: str
    sender_id: str
    contact_reason: str
    subject: str
    preview: str
    verdict: str
    disposition: str
    triage: str | None
    created_at: datetime
    clock_started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What to list. Party ids restrict to a party's threads; None means every thread."""

    view: InboxView
    seller_id: str | None = None
    buyer_id: str | None = None
    order_id: str | None = None
    # Only messages written in this direction (the caller's own, for the `sent` view).
    direction: str | None = None
    # Only messages a buyer may see (delivered ones): the buyer's own inbox.
    delivered_only: bool = False


class InboxQueries(Protocol):
    def list(
        self, where: InboxFilter, *, after: tuple[str, int] | None, limit: int
    ) -> Sequence[InboxEntry]:
        """Entries in the view's order; `after` is the (sort key, message id) of the last seen."""
        ...


class DailySendCounts(Protocol):
    def sent_since(self, seller_id: str, day_start: datetime) -> int:
        """The seller's messages the daily limit counts (delivered ones) since `day_start`, a
        midnight UTC: what the message service's check counted for that day."""
        ...


class AccessStore(Protocol):
    """The API's repositories, bound to the unit of work's transaction."""

    tokens: TokenRepository
    attachments: AttachmentRepository
    reports: ReportRepository
    seller_policies: SellerPolicyRepository
    clocks: ResponseClocks
    inbox: InboxQueries
    daily_sends: DailySendCounts


class AccessUnitOfWork(UnitOfWork, Protocol):
    """The core's unit of work plus the API's repositories on the same transaction."""

    access: AccessStore
