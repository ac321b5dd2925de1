"""The SP-API store on SQL, and the unit of work that carries it next to the API's repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from sqlalchemy import Connection, and_, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import spapi_tables as s
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.dialect import utc
from gobetween.services.spapi_ports import (
    SolicitationRecord,
    SpapiCredential,
    SpapiStore,
    UploadDestination,
)


class SqlSpapiStore:
    """SpapiStore on one connection (the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_credential(
        self,
        *,
        client_id: str,
        client_secret_hash: str,
        refresh_token_hash: str,
        seller_id: str,
        label: str,
        now: datetime,
    ) -> int:
        result = self._c.execute(
            insert(s.spapi_credentials)
            .values(
                client_id=client_id,
                client_secret_hash=client_secret_hash,
                refresh_token_hash=refresh_token_hash,
                seller_id=seller_id,
                label=label,
                created_at=now,
            )
            .returning(s.spapi_credentials.c.id)
        )
        return int(result.scalar_one())

    def find_credential_by_refresh_token(self, refresh_token_hash: str) -> SpapiCredential | None:
        c = s.spapi_credentials
        row = self._c.execute(
            select(c).where(c.c.refresh_token_hash == refresh_token_hash, c.c.revoked_at.is_(None))
        ).first()
        if row is None:
            return None
        return SpapiCredential(
            id=row.id,
            client_id=row.client_id,
            client_secret_hash=row.client_secret_hash,
            seller_id=row.seller_id,
            label=row.label,
            created_at=utc(row.created_at),
        )

    def add_access_token(
        self,
        *,
        token_hash: str,
        credential_id: int,
        seller_id: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        a = s.spapi_access_tokens
        # A tool asks for a new token every hour: the app's expired ones go, so the table stays
        # one or two rows per app.
        self._c.execute(delete(a).where(a.c.credential_id == credential_id, a.c.expires_at < now))
        self._c.execute(
            insert(s.spapi_access_tokens).values(
                token_hash=token_hash,
                credential_id=credential_id,
                seller_id=seller_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def find_access_token_seller(self, token_hash: str, *, now: datetime) -> str | None:
        a, c = s.spapi_access_tokens, s.spapi_credentials
        row = self._c.execute(
            select(a.c.seller_id, a.c.expires_at)
            .join(c, c.c.id == a.c.credential_id)
            .where(a.c.token_hash == token_hash, c.c.revoked_at.is_(None))
        ).first()
        if row is None or utc(row.expires_at) <= now:
            return None
        return str(row.seller_id)

    def add_upload(self, destination: UploadDestination) -> None:
        self._c.execute(
            insert(s.spapi_upload_destinations).values(
                id=destination.id,
                seller_id=destination.seller_id,
                resource=destination.resource,
                content_md5=destination.content_md5,
                content_type=destination.content_type,
                created_at=destination.created_at,
                expires_at=destination.expires_at,
            )
        )

    def find_upload(self, destination_id: str) -> UploadDestination | None:
        u = s.spapi_upload_destinations
        row = self._c.execute(select(u).where(u.c.id == destination_id)).first()
        if row is None:
            return None
        return UploadDestination(
            id=row.id,
            seller_id=row.seller_id,
            resource=row.resource,
            content_md5=row.content_md5,
            content_type=row.content_type,
            created_at=utc(row.created_at),
            expires_at=utc(row.expires_at),
            sha256=row.sha256,
            uploaded_at=None if row.uploaded_at is None else utc(row.uploaded_at),
        )

    def finish_upload(self, destination_id: str, *, sha256: str, now: datetime) -> None:
        u = s.spapi_upload_destinations
        self._c.execute(
            update(u).where(u.c.id == destination_id).values(sha256=sha256, uploaded_at=now)
        )

    def find_solicitation(self, order_id: str) -> SolicitationRecord | None:
        so = s.spapi_solicitations
        row = self._c.execute(select(so).where(so.c.order_id == order_id)).first()
        if row is None:
            return None
        return SolicitationRecord(
            order_id=row.order_id,
            seller_id=row.seller_id,
            buyer_id=row.buyer_id,
            language=row.language,
            subject=row.subject,
            body=row.body,
            created_at=utc(row.created_at),
        )

    def add_solicitation(self, record: SolicitationRecord) -> bool:
        # A savepoint, so a concurrent insert that won the race leaves the transaction usable.
        try:
            with self._c.begin_nested():
                self._c.execute(
                    insert(s.spapi_solicitations).values(
                        order_id=record.order_id,
                        seller_id=record.seller_id,
                        buyer_id=record.buyer_id,
                        language=record.language,
                        subject=record.subject,
                        body=record.body,
                        created_at=record.created_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def proactive_message_sent(self, order_id: str) -> bool:
        m, th = t.messages, t.threads
        query = select(
            exists().where(
                and_(
                    th.c.order_id == order_id,
                    m.c.thread_id == th.c.id,
                    m.c.direction == "seller_to_buyer",
                    m.c.initiation == "proactive",
                    # Critical messages (an unexpected problem, a legal disclosure) do not count.
                    m.c.critical.is_(False),
                    m.c.disposition == "delivered",
                )
            )
        )
        return bool(self._c.execute(query).scalar())


class SqlSpapiUnitOfWork(SqlAccessUnitOfWork):
    """The API's unit of work with the SP-API store on the same transaction."""

    # Typed as the port (protocol attributes are invariant), bound to the SQL store on entry.
    spapi: SpapiStore

    def __enter__(self) -> Self:
        super().__enter__()
        connection = self._connection
        if connection is None:  # pragma: no cover - super().__enter__ always connects
            raise RuntimeError("the unit of work did not open a connection")
        self.spapi = SqlSpapiStore(connection)
        return self
