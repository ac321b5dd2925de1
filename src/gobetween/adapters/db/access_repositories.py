"""SQL repositories of the messaging API: tokens, attachment records, reports, seller policies.

Each works inside the caller's transaction, on the connection of the unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import Connection, Row, and_, bindparam, func, select, update

from gobetween.adapters.db import access_tables as a
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.case_repositories import SqlResponseClockRepository
from gobetween.adapters.db.dialect import DriverStatement, utc
from gobetween.adapters.db.dialect import insert_on_conflict as _insert
from gobetween.adapters.db.dialect import utc_or_none as _utc_or_none
from gobetween.adapters.db.repositories import SqlMessageRepository
from gobetween.domain.response_times import STOP_REASONS
from gobetween.services.access_ports import (
    Blob,
    Report,
    Role,
    SellerPolicy,
    TokenRecord,
    Upload,
)


class SqlTokenRepository:
    """API tokens by the SHA-256 of their value."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

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
    ) -> int:
        return int(
            self._c.execute(
                a.api_tokens.insert()
                .values(
                    token_hash=token_hash,
                    prefix=prefix,
                    role=role,
                    seller_id=seller_id,
                    buyer_id=buyer_id,
                    label=label,
                    created_at=utc(now),
                )
                .returning(a.api_tokens.c.id)
            ).scalar_one()
        )

    def find_active_by_hash(self, token_hash: str) -> TokenRecord | None:
        row = _ACTIVE_TOKEN.first(self._c, {"token_hash": token_hash})
        return None if row is None else self._load(row)

    def find(self, token_id: int) -> TokenRecord | None:
        row = self._c.execute(select(a.api_tokens).where(a.api_tokens.c.id == token_id)).first()
        return None if row is None else self._load(row)

    def revoke(self, token_id: int, *, now: datetime) -> bool:
        result = self._c.execute(
            update(a.api_tokens)
            .where(a.api_tokens.c.id == token_id, a.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utc(now))
        )
        return result.rowcount == 1

    def all(self) -> Sequence[TokenRecord]:
        rows = self._c.execute(select(a.api_tokens).order_by(a.api_tokens.c.id)).all()
        return [self._load(row) for row in rows]

    @staticmethod
    def _load(row: Row[Any]) -> TokenRecord:
        return TokenRecord(
            id=row.id,
            prefix=row.prefix,
            role=cast(Role, row.role),
            seller_id=row.seller_id,
            buyer_id=row.buyer_id,
            label=row.label,
            created_at=utc(row.created_at),
            revoked_at=_utc_or_none(row.revoked_at),
        )


class SqlAttachmentRepository:
    """What is known about stored file contents and who uploaded them."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find_blob(self, sha256: str) -> Blob | None:
        row = self._c.execute(
            select(a.attachment_blobs).where(a.attachment_blobs.c.sha256 == sha256)
        ).first()
        if row is None:
            return None
        return Blob(sha256=row.sha256, content_type=row.content_type, kind=row.kind, size=row.size)

    def add_blob(self, blob: Blob, *, now: datetime) -> None:
        statement = (
            _insert(self._c, a.attachment_blobs)
            .values(
                sha256=blob.sha256,
                content_type=blob.content_type,
                kind=blob.kind,
                size=blob.size,
                created_at=utc(now),
            )
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        self._c.execute(statement)

    def add_upload(
        self, *, sha256: str, filename: str, uploader_role: str, uploader_id: str, now: datetime
    ) -> int:
        return int(
            self._c.execute(
                a.attachment_uploads.insert()
                .values(
                    sha256=sha256,
                    filename=filename,
                    uploader_role=uploader_role,
                    uploader_id=uploader_id,
                    created_at=utc(now),
                )
                .returning(a.attachment_uploads.c.id)
            ).scalar_one()
        )

    def find_upload(self, sha256: str, *, uploader_role: str, uploader_id: str) -> Upload | None:
        u = a.attachment_uploads
        row = self._c.execute(
            select(u)
            .where(u.c.sha256 == sha256, u.c.uploader_role == uploader_role)
            .where(u.c.uploader_id == uploader_id)
            .order_by(u.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return Upload(
            id=row.id,
            sha256=row.sha256,
            filename=row.filename,
            uploader_role=row.uploader_role,
            uploader_id=row.uploader_id,
            created_at=utc(row.created_at),
        )

    def message_parties(self, sha256: str) -> Sequence[tuple[str, str, bool]]:
        m = t.messages
        # The buyer may read what the buyer sent or what reached the buyer, never a blocked or
        # bounced seller attachment.
        buyer_may_read = (m.c.direction == "buyer_to_seller") | (m.c.disposition == "delivered")
        rows = self._c.execute(
            select(t.threads.c.seller_id, t.threads.c.buyer_id, buyer_may_read)
            .select_from(
                t.message_attachments.join(m, m.c.id == t.message_attachments.c.message_id).join(
                    t.threads, t.threads.c.id == m.c.thread_id
                )
            )
            .where(t.message_attachments.c.sha256 == sha256)
            .distinct()
        ).all()
        return [(seller_id, buyer_id, bool(readable)) for seller_id, buyer_id, readable in rows]


class SqlReportRepository:
    """The reported-messages queue."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

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
        statement = (
            _insert(self._c, a.message_reports)
            .values(
                message_id=message_id,
                reporter_role=reporter_role,
                reporter_id=reporter_id,
                reason=reason,
                note=note,
                status="open",
                created_at=utc(now),
            )
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(a.message_reports.c.id)
        )
        report_id = self._c.execute(statement).scalar()
        return None if report_id is None else int(report_id)

    def find(self, report_id: int) -> Report | None:
        row = self._c.execute(
            select(a.message_reports).where(a.message_reports.c.id == report_id)
        ).first()
        return None if row is None else self._load(row)

    def find_for_message(self, message_id: int) -> Report | None:
        row = self._c.execute(
            select(a.message_reports).where(a.message_reports.c.message_id == message_id)
        ).first()
        return None if row is None else self._load(row)

    def queue(self, *, status: str | None, after_id: int | None, limit: int) -> Sequence[Report]:
        r = a.message_reports
        query = select(r).order_by(r.c.id).limit(limit)
        if status is not None:
            query = query.where(r.c.status == status)
        if after_id is not None:
            query = query.where(r.c.id > after_id)
        return [self._load(row) for row in self._c.execute(query).all()]

    def handle(self, report_id: int, *, resolution: str, now: datetime) -> bool:
        r = a.message_reports
        result = self._c.execute(
            update(r)
            .where(and_(r.c.id == report_id, r.c.status == "open"))
            .values(status="handled", handled_at=utc(now), resolution=resolution)
        )
        return result.rowcount == 1

    @staticmethod
    def _load(row: Row[Any]) -> Report:
        return Report(
            id=row.id,
            message_id=row.message_id,
            reporter_role=row.reporter_role,
            reporter_id=row.reporter_id,
            reason=row.reason,
            note=row.note,
            status=row.status,
            created_at=utc(row.created_at),
            handled_at=_utc_or_none(row.handled_at),
            resolution=row.resolution,
        )


class SqlSellerPolicyRepository:
    """The operator's per-seller policy settings and named policy profiles."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, seller_id: str) -> SellerPolicy | None:
        row = _SELLER_POLICY.first(self._c, {"seller_id": seller_id})
        if row is None:
            return None
        return SellerPolicy(
            seller_id=row.seller_id,
            profile=row.profile,
            allowed_link_domains=tuple(row.allowed_link_domains),
            daily_limit_base=row.daily_limit_base,
            daily_limit_multiplier=row.daily_limit_multiplier,
        )

    def upsert(self, policy: SellerPolicy, *, now: datetime) -> None:
        values = {
            "profile": policy.profile,
            "allowed_link_domains": list(policy.allowed_link_domains),
            "daily_limit_base": policy.daily_limit_base,
            "daily_limit_multiplier": policy.daily_limit_multiplier,
            "updated_at": utc(now),
        }
        statement = _insert(self._c, a.seller_policies).values(seller_id=policy.seller_id, **values)
        self._c.execute(statement.on_conflict_do_update(index_elements=["seller_id"], set_=values))

    def find_profile(self, name: str) -> dict[str, object] | None:
        row = self._c.execute(
            select(a.policy_profiles.c.definition).where(a.policy_profiles.c.name == name)
        ).first()
        return None if row is None else dict(row.definition)

    def upsert_profile(self, name: str, definition: dict[str, object], *, now: datetime) -> None:
        values = {"definition": definition, "updated_at": utc(now)}
        statement = _insert(self._c, a.policy_profiles).values(name=name, **values)
        self._c.execute(statement.on_conflict_do_update(index_elements=["name"], set_=values))

    def all_profiles(self) -> Sequence[dict[str, object]]:
        rows = self._c.execute(
            select(a.policy_profiles.c.definition).order_by(a.policy_profiles.c.name)
        ).all()
        return [dict(row.definition) for row in rows]

    def profile_versions(self) -> dict[str, datetime]:
        rows = self._c.execute(select(a.policy_profiles.c.name, a.policy_profiles.c.updated_at))
        return {row.name: utc(row.updated_at) for row in rows}


class SqlDailySendCounts:
    """A seller's sends counted against the daily limit, as the message service's check counts
    them: PostgreSQL from the day's counters (migrations 0010 and 0014, kept with each message),
    a few rows instead of a visit to every message of the day; SQLite, which keeps no counters,
    from its covering index."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def sent_since(self, seller_id: str, day_start: datetime) -> int:
        midnight = utc(day_start)
        if midnight.time() != time(0):
            raise ValueError(f"day_start must be a midnight UTC; got {day_start.isoformat()}")
        if self._c.dialect.name != "postgresql":
            return SqlMessageRepository(self._c).count_seller_sent_since(seller_id, midnight)
        # Days after today count too, as messages stamped later do in the SQLite count.
        row = _DAY_COUNTERS.first(
            self._c, {"seller_id": seller_id, "day": midnight.date(), "last_day": date.max}
        )
        return int(row.sent) if row is not None else 0


class SqlResponseClocks:
    """Stops a buyer message's 24-hour clock through the cases' clock repository."""

    def __init__(self, connection: Connection) -> None:
        self._clocks = SqlResponseClockRepository(connection)

    def stop(self, message_id: int, *, reason: str, now: datetime) -> bool:
        if reason not in STOP_REASONS:
            raise ValueError(f"unknown stop reason {reason!r}")
        return self._clocks.stop(message_id, reason=reason, at=now)


# Every API request looks up its token and every API send its seller's settings: each statement is
# compiled once and run on the driver's cursor (dialect.py DriverStatement), which skips the
# select's construction and cache-key generation that cost more than the lookup itself.
_ACTIVE_TOKEN = DriverStatement(
    select(a.api_tokens).where(
        a.api_tokens.c.token_hash == bindparam("token_hash"), a.api_tokens.c.revoked_at.is_(None)
    )
)
_SELLER_POLICY = DriverStatement(
    select(a.seller_policies).where(a.seller_policies.c.seller_id == bindparam("seller_id"))
)
_DAY_COUNTERS = DriverStatement(
    select(func.coalesce(func.sum(t.seller_daily_sends.c.sent), 0).label("sent")).where(
        t.seller_daily_sends.c.seller_id == bindparam("seller_id"),
        t.seller_daily_sends.c.day.between(
            bindparam("day", type_=t.seller_daily_sends.c.day.type),
            bindparam("last_day", type_=t.seller_daily_sends.c.day.type),
        ),
    )
)
