"""What the SP-API surface needs from storage, as protocols (adapters/db/spapi_store.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from gobetween.services.access_ports import AccessUnitOfWork


@dataclass(frozen=True, slots=True)
class SpapiCredential:
    """One seller's SP-API app: the public client id and the hashes of its secrets."""

    id: int
    client_id: str
    client_secret_hash: str
    seller_id: str
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UploadDestination:
    """An Uploads API destination: created with an MD5, finished when the bytes arrived."""

    id: str
    seller_id: str
    resource: str
    content_md5: str
    content_type: str | None
    created_at: datetime
    expires_at: datetime
    sha256: str | None = None
    uploaded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SolicitationRecord:
    """The review request sent for one order, as the buyer received it."""

    order_id: str
    seller_id: str
    buyer_id: str
    language: str
    subject: str
    body: str
    created_at: datetime


class SpapiStore(Protocol):
    def add_credential(
        self,
        *,
        client_id: str,
        client_secret_hash: str,
        refresh_token_hash: str,
        seller_id: str,
        label: str,
        now: datetime,
    ) -> int: ...

    def find_credential_by_refresh_token(self, refresh_token_hash: str) -> SpapiCredential | None:
        """The active (not revoked) credential the refresh token belongs to."""
        ...

    def add_access_token(
        self,
        *,
        token_hash: str,
        credential_id: int,
        seller_id: str,
        now: datetime,
        expires_at: datetime,
    ) -> None: ...

    def find_access_token_seller(self, token_hash: str, *, now: datetime) -> str | None:
        """The seller of an unexpired access token whose credential is not revoked."""
        ...

    def add_upload(self, destination: UploadDestination) -> None: ...
    def find_upload(self, destination_id: str) -> UploadDestination | None: ...
    def finish_upload(self, destination_id: str, *, sha256: str, now: datetime) -> None: ...
    def find_solicitation(self, order_id: str) -> SolicitationRecord | None: ...
    def add_solicitation(self, record: SolicitationRecord) -> bool:
        """Insert unless the order already has one; True when inserted."""
        ...

    def proactive_message_sent(self, order_id: str) -> bool:
        """Whether the seller started contact on the order with a message the buyer received."""
        ...


class SpapiUnitOfWork(AccessUnitOfWork, Protocol):
    """The API's unit of work plus the SP-API store, on one transaction."""

    spapi: SpapiStore
