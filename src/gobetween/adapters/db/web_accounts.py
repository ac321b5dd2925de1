"""The SQL store of web accounts and login sessions (services/web_accounts.py's WebAccountStore)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, exists, select, update
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db.tables import buyers as buyers_table
from gobetween.adapters.db.tables import orders, sellers
from gobetween.adapters.db.web_tables import web_accounts, web_sessions
from gobetween.services.web_accounts import WebAccount, WebRole, WebSession


class SqlWebAccountStore:
    """Accounts and sessions on the platform's database; each method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_account(
        self,
        *,
        email: str,
        password_hash: str,
        role: WebRole,
        seller_id: str | None,
        buyer_id: str | None,
        display_name: str,
        now: datetime,
    ) -> WebAccount | None:
        values = {
            "email": email,
            "password_hash": password_hash,
            "role": role,
            "seller_id": seller_id,
            "buyer_id": buyer_id,
            "display_name": display_name,
            "created_at": now,
        }
        try:
            with self._engine.begin() as connection:
                result = connection.execute(web_accounts.insert().values(**values))
                key = result.inserted_primary_key
                assert key is not None
                account_id = int(key[0])
        except IntegrityError:
            with self._engine.connect() as connection:
                taken = connection.execute(
                    select(web_accounts.c.id).where(web_accounts.c.email == email)
                ).first()
            if taken is not None:
                return None
            raise
        return WebAccount(account_id, email, role, seller_id, buyer_id, display_name, now)

    def find_by_email(self, email: str) -> tuple[WebAccount, str] | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(web_accounts).where(web_accounts.c.email == email)
            ).first()
        if row is None:
            return None
        return _account(row._mapping), str(row.password_hash)

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(web_accounts)
                .where(web_accounts.c.id == account_id)
                .values(password_hash=password_hash)
            )

    def accounts(self) -> Sequence[WebAccount]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(web_accounts).order_by(web_accounts.c.id)).all()
        return [_account(row._mapping) for row in rows]

    def party_exists(self, role: WebRole, party_id: str) -> bool:
        table = sellers if role == "seller" else buyers_table
        with self._engine.connect() as connection:
            return bool(connection.execute(select(exists().where(table.c.id == party_id))).scalar())

    def demo_parties(self, *, buyers: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(id, name) of every seller, and of the first `buyers` buyers with orders (by id).

        Buyers who are also sellers are left out: they sign in as their seller.
        """
        selling_buyers = select(sellers.c.buyer_id).where(sellers.c.buyer_id.is_not(None))
        with self._engine.connect() as connection:
            seller_rows = connection.execute(
                select(sellers.c.id, sellers.c.display_name).order_by(sellers.c.id)
            ).all()
            buyer_rows = connection.execute(
                select(buyers_table.c.id, buyers_table.c.name)
                .where(
                    buyers_table.c.id.in_(select(orders.c.buyer_id)),
                    buyers_table.c.id.not_in(selling_buyers),
                )
                .order_by(buyers_table.c.id)
                .limit(buyers)
            ).all()
        return (
            [(str(r.id), str(r.display_name)) for r in seller_rows],
            [(str(r.id), str(r.name)) for r in buyer_rows],
        )

    def add_session(
        self,
        *,
        token_hash: str,
        account_id: int,
        csrf_token: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                web_sessions.insert().values(
                    token_hash=token_hash,
                    account_id=account_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    def find_session(self, token_hash: str, *, now: datetime) -> WebSession | None:
        query = (
            select(web_sessions.c.csrf_token, web_sessions.c.expires_at, web_accounts)
            .join(web_accounts, web_accounts.c.id == web_sessions.c.account_id)
            .where(
                web_sessions.c.token_hash == token_hash,
                web_sessions.c.revoked_at.is_(None),
                web_sessions.c.expires_at > now,
                web_accounts.c.disabled_at.is_(None),
            )
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        mapping = row._mapping
        return WebSession(
            _account(mapping), str(mapping["csrf_token"]), _utc(mapping["expires_at"])
        )

    def revoke_session(self, token_hash: str, *, now: datetime) -> bool:
        with self._engine.begin() as connection:
            result = connection.execute(
                update(web_sessions)
                .where(web_sessions.c.token_hash == token_hash, web_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return bool(result.rowcount)


def _utc(moment: Any) -> datetime:
    value = cast(datetime, moment)
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _account(row: Any) -> WebAccount:
    return WebAccount(
        id=int(row["id"]),
        email=str(row["email"]),
        role=row["role"],
        seller_id=row["seller_id"],
        buyer_id=row["buyer_id"],
        display_name=str(row["display_name"]),
        created_at=_utc(row["created_at"]),
        disabled_at=None if row["disabled_at"] is None else _utc(row["disabled_at"]),
    )
