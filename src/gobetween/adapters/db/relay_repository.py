"""Reads and writes of the relay's tables, inside the caller's transaction (one connection)."""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    LargeBinary,
    String,
    and_,
    bindparam,
    case,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from gobetween.adapters.db import access_tables as a
from gobetween.adapters.db import relay_tables as r
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.dialect import DriverStatement, utc
from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.messages import AttachmentMeta, Direction
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.access_ports import SellerPolicy


@dataclass(frozen=True, slots=True)
class InboundRecord:
    """One inbound mail as the relay recorded it."""

    id: int
    alias: str
    message_id: str
    body_sha256: str
    from_address: str
    status: str
    reply: str
    message_ref: int | None
    raw: bytes
    auth: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AliasParties:
    """An alias with the seller and the buyer of its pair, read in one statement."""

    alias: Alias
    seller: Seller
    buyer: Buyer


@dataclass(frozen=True, slots=True)
class KeptAttachment:
    """An attachment as kept (kept_attachment): its bytes, when its row holds them, or else the
    raw mail's base64 body that holds them (CRLF breaks, the last line's left out), which the
    reader decodes (outbound.decode_wire_lines gives the bytes and the lines compose sends)."""

    data: bytes | None
    base64_body: bytes | None = None


@dataclass(frozen=True, slots=True)
class MessageToSend:
    """The parts of a stored message (MessageRecord) its mail, or a notice about it, is made of."""

    id: int
    thread_id: int
    seq: int
    direction: Direction
    subject: str
    body: str
    created_at: datetime
    attachments: tuple[AttachmentMeta, ...]


@dataclass(frozen=True, slots=True)
class ThreadPair:
    """A thread's seller and buyer with the pair's two aliases, read in one statement."""

    seller: Seller
    buyer: Buyer
    seller_alias: Alias
    buyer_alias: Alias


@dataclass(frozen=True, slots=True)
class InboundLookup:
    """What deciding one inbound mail reads, in one statement (inbound_lookup)."""

    seen_reply: str | None  # the reply given when this exactly-once key was seen before
    parties: AliasParties | None  # None: no such alias (or its seller or buyer is missing)
    newest_order: str | None  # the pair's most recently purchased order
    # The operator's settings for the seller (SqlSellerPolicyRepository.find), None for none.
    seller_policy: SellerPolicy | None = None
    # The order of the newest of the lookup's `header_ids` that the writing side knows (its
    # relay_message_ids) on a thread of the alias's pair, as orders_for_headers would find it.
    referenced_order: str | None = None


def _insert(connection: Connection, table: Any) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


_IGNORING_CONFLICTS: dict[tuple[str, str], Any] = {}


def _insert_ignoring_conflicts(connection: Connection, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the table, built once per dialect.

    The values go in as parameters: a statement built with .values() on every call costs
    more than running it (its cache key walks every value).
    """
    key = (connection.dialect.name, table.name)
    statement = _IGNORING_CONFLICTS.get(key)
    if statement is None:
        statement = _IGNORING_CONFLICTS[key] = _insert(connection, table).on_conflict_do_nothing()
    return statement


_ADDS_IGNORING_CONFLICTS: dict[tuple[str, str], DriverStatement] = {}


def _add_ignoring_conflicts(connection: Connection, table: Any) -> DriverStatement:
    """_insert_ignoring_conflicts on the driver's cursor (every column a parameter), built once
    per dialect: the relay adds a Message-ID (and each attachment) on every stored mail."""
    key = (connection.dialect.name, table.name)
    statement = _ADDS_IGNORING_CONFLICTS.get(key)
    if statement is None:
        statement = _ADDS_IGNORING_CONFLICTS[key] = DriverStatement(
            _insert_ignoring_conflicts(connection, table),
            column_keys=[column.name for column in table.c],
        )
    return statement


_ADDING_IGNORING_CONFLICTS: dict[tuple[str, str], DriverStatement] = {}


def _adding_ignoring_conflicts(connection: Connection, table: Any) -> DriverStatement:
    """_add_ignoring_conflicts returning the first primary key column of the row it inserted:
    no row when a conflicting one was there."""
    key = (connection.dialect.name, table.name)
    statement = _ADDING_IGNORING_CONFLICTS.get(key)
    if statement is None:
        # Built afresh, not from _insert_ignoring_conflicts' statement: a copy of that one
        # may carry its memoized (empty) result columns once something has read them.
        statement = _ADDING_IGNORING_CONFLICTS[key] = DriverStatement(
            _insert(connection, table)
            .on_conflict_do_nothing()
            .returning(next(iter(table.primary_key.columns))),
            column_keys=[column.name for column in table.c],
        )
    return statement


class SqlRelayRepository:
    """The relay's rows: inbound mail and its dedupe key, Message-ID maps, outbound bytes."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # Inbound -------------------------------------------------------------------------------

    def find_reply(self, alias: str, message_id: str, body_sha256: str) -> str | None:
        """The reply given to the mail with this exactly-once key, if it was seen before."""
        return self._c.execute(
            _REPLY_OF_KEY, {"alias": alias, "message_id": message_id, "body": body_sha256}
        ).scalar()

    def alias_active(self, local_part: str) -> bool | None:
        """Whether the alias takes mail: None when there is no such alias."""
        row = _ALIAS_ACTIVE.first(self._c, {"local": local_part.lower()})
        return None if row is None else bool(row.active)

    def alias_with_parties(self, local_part: str) -> AliasParties | None:
        """The alias, its seller (with sending addresses) and its buyer; None if any is missing."""
        rows = self._c.execute(_ALIAS_WITH_PARTIES, {"local": local_part.lower()}).all()
        return _alias_parties(rows) if rows else None

    def inbound_lookup(
        self,
        local_part: str,
        message_id: str,
        body_sha256: str,
        header_ids: Sequence[str] = (),
    ) -> InboundLookup:
        """alias_with_parties, find_reply, the pair's newest order and the seller's policy
        settings in one round trip; with `header_ids` (the mail's In-Reply-To and References,
        oldest first) also the order they refer to (InboundLookup.referenced_order), which
        orders_for_headers would read in a round trip of its own.

        Aliases are never deleted, so a mail seen before always finds its alias row here.
        """
        local = local_part.lower()
        params: dict[str, Any] = {"local": local, "message_id": message_id, "body": body_sha256}
        statement = _INBOUND_LOOKUP_ON_DRIVER
        if header_ids:
            statement = _INBOUND_LOOKUP_WITH_REFERENCES[self._c.dialect.name]
            if self._c.dialect.name == "postgresql":
                params["header_ids"] = list(header_ids)
            else:
                params["header_ids"] = json.dumps(list(header_ids))
        rows = statement.rows(self._c, params)
        if not rows:
            return InboundLookup(seen_reply=None, parties=None, newest_order=None)
        first = rows[0]
        return InboundLookup(
            seen_reply=first.seen_reply,
            parties=_alias_parties(rows),
            newest_order=first.newest_order,
            referenced_order=first.referenced_order if header_ids else None,
            seller_policy=None
            if first.p_seller_id is None
            else SellerPolicy(
                seller_id=first.p_seller_id,
                profile=first.p_profile,
                allowed_link_domains=tuple(first.p_allowed_link_domains),
                daily_limit_base=first.p_daily_limit_base,
                daily_limit_multiplier=first.p_daily_limit_multiplier,
            ),
        )

    def pair_of_thread(self, thread_id: int) -> ThreadPair | None:
        """The thread's seller (with sending addresses), buyer and both aliases of their pair;
        None when the thread, either party or either alias is missing. One round trip where
        reading the thread, the seller, the buyer and each alias took five per delivered mail."""
        rows = _THREAD_PAIR.rows(self._c, {"thread": thread_id})
        sides = {side: [row for row in rows if row.side == side] for side in ("seller", "buyer")}
        if not sides["seller"] or not sides["buyer"]:
            return None
        seller_side, buyer_side = _alias_parties(sides["seller"]), _alias_parties(sides["buyer"])
        return ThreadPair(
            seller=seller_side.seller,
            buyer=seller_side.buyer,
            seller_alias=seller_side.alias,
            buyer_alias=buyer_side.alias,
        )

    def orders_of_pair(self, buyer_id: str, seller_id: str) -> list[str]:
        """The ids of the pair's orders, the most recently purchased first."""
        rows = self._c.execute(_ORDERS_OF_PAIR, {"buyer": buyer_id, "seller": seller_id})
        return [str(row[0]) for row in rows]

    def find_by_release_token(self, token_sha256: str) -> InboundRecord | None:
        row = self._c.execute(
            select(r.relay_inbound).where(r.relay_inbound.c.release_token_sha256 == token_sha256)
        ).first()
        return None if row is None else _inbound(row)

    def add_inbound(
        self,
        *,
        alias: str,
        message_id: str,
        body_sha256: str,
        mail_from: str,
        from_address: str,
        client_ip: str,
        auth: dict[str, Any],
        raw: bytes,
        status: str,
        reply: str,
        now: datetime,
        message_ref: int | None = None,
        release_token_sha256: str | None = None,
    ) -> int:
        """Record a mail; the unique key raises IntegrityError for a concurrent duplicate."""
        row = _ADD_INBOUND.first(
            self._c,
            _inbound_params(
                alias=alias,
                message_id=message_id,
                body_sha256=body_sha256,
                mail_from=mail_from,
                from_address=from_address,
                client_ip=client_ip,
                auth=auth,
                raw=raw,
                status=status,
                reply=reply,
                now=now,
                message_ref=message_ref,
                release_token_sha256=release_token_sha256,
            ),
        )
        assert row is not None
        return int(row.id)

    def add_stored_mail(
        self,
        *,
        alias: str,
        message_id: str,
        body_sha256: str,
        mail_from: str,
        from_address: str,
        client_ip: str,
        auth: dict[str, Any],
        raw: bytes,
        reply: str,
        now: datetime,
        message_ref: int,
        party: AliasSide,
        header_id: str | None,
        attachments: Sequence[tuple[str, str, bytes]],
        base64_at: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        """A stored mail's rows: add_inbound (status "stored"), add_header for `header_id` and
        keep_attachment for each (sha256, content type, bytes) in `attachments`, except that an
        attachment of REFERENCED_FROM_BYTES or more whose base64 body `raw` holds
        (base64_body_in) is kept as that slice of the mail's row, not stored again: a 200 kB
        mail with a 196 kB PDF wrote 500 kB of WAL on PostgreSQL, 210 kB of it the PDF again.
        `base64_at`: by sha256, where the parse found an attachment's body written as its
        base64 encoding (parse.MailAttachment.raw_base64), which spares encoding it to search.

        On PostgreSQL all of them in one statement (data-modifying CTEs): each statement is a
        round trip, and the deciding threads hand the GIL over at each (docs/relay.md). A
        duplicate of the exactly-once key still raises IntegrityError, and nothing of the
        statement is kept. Each attachment is a CTE with parameters of its own, not one insert
        of arrays: as an array parameter psycopg sends bytes in text form, hex-escaped, 3.5 ms
        for a 196 kB attachment against 0.004 ms as a single binary parameter.
        """
        params = _inbound_params(
            alias=alias,
            message_id=message_id,
            body_sha256=body_sha256,
            mail_from=mail_from,
            from_address=from_address,
            client_ip=client_ip,
            auth=auth,
            raw=raw,
            status="stored",
            reply=reply,
            now=now,
            message_ref=message_ref,
            release_token_sha256=None,
        )
        if self._c.dialect.name != "postgresql":
            inbound = _ADD_INBOUND.first(self._c, params)
            assert inbound is not None  # an INSERT ... RETURNING that did not raise
            if header_id is not None:
                self.add_header(message_ref, party, header_id)
            for sha256, content_type, data in attachments:
                found = _slice_of_raw(raw, data, (base64_at or {}).get(sha256))
                if found is None:
                    self.keep_attachment(sha256, content_type, data, now=now)
                else:
                    self._add_attachment(
                        _attachment_params(sha256, content_type, None, now, int(inbound.id), *found)
                    )
            return
        if header_id is not None:
            params.update(h_message_ref=message_ref, h_party=party, h_header_id=header_id)
        # One row per content hash, the first one's content type, as inserting them in turn
        # with ON CONFLICT DO NOTHING keeps; two CTEs of one statement must not insert one key.
        firsts: dict[str, tuple[str, bytes]] = {}
        for sha256, content_type, data in attachments:
            firsts.setdefault(sha256, (content_type, data))
        referenced: list[bool] = []
        for position, (sha256, (content_type, data)) in enumerate(firsts.items()):
            params[f"a{position}_sha256"] = sha256
            params[f"a{position}_content_type"] = content_type
            found = _slice_of_raw(raw, data, (base64_at or {}).get(sha256))
            referenced.append(found is not None)
            if found is None:
                params[f"a{position}_data"] = data
            else:
                params[f"a{position}_raw_start"], params[f"a{position}_raw_length"] = found
        statement = _stored_mail_statement(header=header_id is not None, referenced=referenced)
        statement.rowcount(self._c, params)

    def mark_released(
        self, inbound_id: int, *, message_ref: int, reply: str, now: datetime
    ) -> bool:
        """Held → released, once: False when it was released (or discarded) already."""
        result = self._c.execute(
            update(r.relay_inbound)
            .where(r.relay_inbound.c.id == inbound_id, r.relay_inbound.c.status == "held")
            .values(status="released", message_ref=message_ref, reply=reply, decided_at=now)
        )
        return result.rowcount == 1

    # Messages and Message-IDs --------------------------------------------------------------

    def latest_outcome_of_order(self, order_id: str) -> tuple[int, str, list[str]] | None:
        """The order's newest message: (id, disposition, words of its blocking findings).

        One statement, and a second only for a blocked message's findings; the caller holds the
        thread's lock, so the newest message is the one it just stored.
        """
        row = _LATEST_OF_ORDER.first(self._c, {"order_id": order_id})
        if row is None:
            return None
        message_ref, disposition = int(row.id), str(row.disposition)
        findings = self.blocking_findings(message_ref) if disposition == "blocked" else []
        return message_ref, disposition, findings

    def blocking_findings(self, message_ref: int) -> list[str]:
        """The words of a message's blocking findings, in the order the policy found them."""
        return [str(text[0]) for text in self._c.execute(_BLOCKING, {"ref": message_ref})]

    def orders_for_headers(
        self, party: AliasSide, header_ids: Sequence[str]
    ) -> list[tuple[str, str, str]]:
        """(buyer, seller, order) of the messages a party's mail refers to, newest reference first.

        The relay's Message-ID map joined with the messages' threads: one statement however many
        ids the mail's In-Reply-To and References carry.
        """
        if not header_ids:
            return []
        rows = self._c.execute(_ORDERS_FOR_HEADERS, {"party": party, "ids": list(header_ids)})
        by_header = {row.header_id: (row.buyer_id, row.seller_id, row.order_id) for row in rows}
        return [by_header[h] for h in reversed(header_ids) if h in by_header]

    def message_to_send(self, message_id: int) -> MessageToSend:
        """The parts of a stored message its mail, or a notice about it, is made of; LookupError
        when there is no such message."""
        rows = _MESSAGE_TO_SEND.rows(self._c, {"message_id": message_id})
        if not rows:
            raise LookupError(f"message {message_id} not found")
        first = rows[0]
        return MessageToSend(
            id=message_id,
            thread_id=first.thread_id,
            seq=first.seq,
            direction=first.direction,
            subject=first.subject,
            body=first.body,
            created_at=utc(first.created_at),
            attachments=tuple(
                AttachmentMeta(row.filename, row.content_type, row.size, row.sha256)
                for row in rows
                if row.sha256 is not None
            ),
        )

    def earlier_headers(self, thread_id: int, seq: int, party: AliasSide, limit: int) -> list[str]:
        """The Message-IDs `party` knows the thread's messages before `seq` by, the latest first,
        at most `limit`."""
        rows = _EARLIER_HEADERS.rows(
            self._c, {"thread": thread_id, "seq": seq, "party": party, "limit": limit}
        )
        return [row.header_id for row in rows]

    def header_for(self, message_ref: int, party: AliasSide) -> str | None:
        """The Message-ID under which `party` knows the message, if it knows it."""
        row = _HEADER_OF_MESSAGE.first(self._c, {"message_ref": message_ref, "party": party})
        return None if row is None else str(row.header_id)

    def add_header(self, message_ref: int, party: AliasSide, header_id: str) -> None:
        """Record the id a party knows the message by, unless one is on record already."""
        _add_ignoring_conflicts(self._c, r.relay_message_ids).rowcount(
            self._c, {"message_ref": message_ref, "party": party, "header_id": header_id}
        )

    def remember_header(self, message_ref: int, party: AliasSide, header_id: str) -> str:
        """Record the id a party knows the message by; returns the id that is on record.

        The id is read back only when another one was on record already: the insert returns
        whether it took this one.
        """
        added = _adding_ignoring_conflicts(self._c, r.relay_message_ids).first(
            self._c, {"message_ref": message_ref, "party": party, "header_id": header_id}
        )
        if added is not None:
            return header_id
        known = self.header_for(message_ref, party)
        return known if known is not None else header_id

    # Outbound ------------------------------------------------------------------------------

    def find_outbound(self, delivery_key: str) -> tuple[str, str, bytes] | None:
        """(Message-ID, envelope sender, bytes) first composed for this delivery, if any."""
        row = _OUTBOUND_OF_KEY.first(self._c, {"delivery_key": delivery_key})
        return None if row is None else (row.header_id, row.sender, bytes(row.data))

    def keep_outbound(
        self, delivery_key: str, *, header_id: str, sender: str, data: bytes, now: datetime
    ) -> tuple[str, str, bytes]:
        """Store the bytes for this delivery unless some are stored; return what is stored.

        What was stored before is read back; bytes this call stored are not (a mail of 200 kB
        came back over the connection for nothing): the insert returns whether it stored them.
        """
        added = _adding_ignoring_conflicts(self._c, r.relay_outbound).first(
            self._c,
            {
                "delivery_key": delivery_key,
                "header_id": header_id,
                "sender": sender,
                "data": data,
                "created_at": now,
            },
        )
        if added is not None:
            return header_id, sender, data
        stored = self.find_outbound(delivery_key)
        assert stored is not None
        return stored

    # Attachments ---------------------------------------------------------------------------

    def keep_attachment(
        self, sha256: str, content_type: str, data: bytes, *, now: datetime
    ) -> None:
        self._add_attachment(_attachment_params(sha256, content_type, data, now, None, None, None))

    def _add_attachment(self, params: dict[str, Any]) -> None:
        _add_ignoring_conflicts(self._c, r.relay_attachments).rowcount(self._c, params)

    def kept_attachment(self, sha256: str) -> KeptAttachment | None:
        """The attachment as stored: its bytes, or the slice of the raw mail that holds them.
        Not checked against `sha256` here: the caller decodes and hashes them anyway (a
        MailAttachment), and must compare, since the raw mail's row is not append-only."""
        row = _ATTACHMENT_DATA.first(self._c, {"sha256": sha256})
        if row is None:
            return None
        if row.data is not None:
            return KeptAttachment(bytes(row.data))
        return KeptAttachment(None, bytes(row.base64_body))


# Built once: the relay reads and stores with these on every mail (building a statement costs
# more than running it on a local database).
# The delivery worker's reads of every composed mail: its Message-ID and its stored bytes.
_HEADER_OF_MESSAGE = DriverStatement(
    select(r.relay_message_ids.c.header_id).where(
        r.relay_message_ids.c.message_ref == bindparam("message_ref"),
        r.relay_message_ids.c.party == bindparam("party"),
    )
)
# The stored bytes (a whole mail, an attachment) come in binary, not hex-escaped text.
_OUTBOUND_OF_KEY = DriverStatement(
    select(r.relay_outbound).where(r.relay_outbound.c.delivery_key == bindparam("delivery_key")),
    binary_results=True,
)
# The Message-IDs one party knows the thread's messages before `seq` by, the latest first, at
# most `limit`: the References of a reply, in one statement (built once; a thread's rows are
# never all read).
_EARLIER_HEADERS = DriverStatement(
    select(r.relay_message_ids.c.header_id)
    .select_from(
        t.messages.join(
            r.relay_message_ids,
            and_(
                r.relay_message_ids.c.message_ref == t.messages.c.id,
                r.relay_message_ids.c.party == bindparam("party"),
            ),
        )
    )
    .where(t.messages.c.thread_id == bindparam("thread"), t.messages.c.seq < bindparam("seq"))
    .order_by(t.messages.c.seq.desc())
    .limit(bindparam("limit"))
)
# What a message's mail is made of, with its attachments' names, types and hashes (a row each,
# in their order; one row of nulls when it has none), in one statement built once. The
# message repository's `find` builds and runs three per call, one of them for the findings,
# which a mail does not carry.
_MESSAGE_TO_SEND = DriverStatement(
    select(
        t.messages.c.thread_id,
        t.messages.c.seq,
        t.messages.c.direction,
        t.messages.c.subject,
        t.messages.c.body,
        t.messages.c.created_at,
        t.message_attachments.c.filename,
        t.message_attachments.c.content_type,
        t.message_attachments.c.size,
        t.message_attachments.c.sha256,
    )
    .select_from(
        t.messages.outerjoin(
            t.message_attachments, t.message_attachments.c.message_id == t.messages.c.id
        )
    )
    .where(t.messages.c.id == bindparam("message_id"))
    .order_by(t.message_attachments.c.position)
)


_ATTACHMENT_DATA = DriverStatement(
    select(
        r.relay_attachments.c.data,
        func.substr(
            r.relay_inbound.c.raw,
            r.relay_attachments.c.raw_start + 1,
            r.relay_attachments.c.raw_length,
            type_=LargeBinary,
        ).label("base64_body"),
    )
    .select_from(
        r.relay_attachments.outerjoin(
            r.relay_inbound, r.relay_inbound.c.id == r.relay_attachments.c.inbound_id
        )
    )
    .where(r.relay_attachments.c.sha256 == bindparam("sha256")),
    binary_results=True,
)
_REPLY_OF_KEY = select(r.relay_inbound.c.reply).where(
    r.relay_inbound.c.alias == bindparam("alias"),
    r.relay_inbound.c.message_id == bindparam("message_id"),
    r.relay_inbound.c.body_sha256 == bindparam("body"),
)
_PARTIES_COLUMNS: tuple[Any, ...] = (
    t.aliases,
    *[column.label(f"s_{column.name}") for column in t.sellers.c],
    t.seller_addresses.c.address.label("address"),
    t.seller_addresses.c.kind.label("address_kind"),
    *[column.label(f"b_{column.name}") for column in t.buyers.c],
)
_PARTIES = (
    t.aliases.join(t.sellers, t.sellers.c.id == t.aliases.c.seller_id)
    .join(t.buyers, t.buyers.c.id == t.aliases.c.buyer_id)
    .outerjoin(t.seller_addresses, t.seller_addresses.c.seller_id == t.sellers.c.id)
)
_ALIAS_WITH_PARTIES = (
    select(*_PARTIES_COLUMNS)
    .select_from(_PARTIES)
    .where(t.aliases.c.local_part == bindparam("local"))
    .order_by(t.seller_addresses.c.address)
)
_THREAD_PAIR = DriverStatement(
    select(*_PARTIES_COLUMNS)
    .select_from(
        t.threads.join(
            t.aliases,
            and_(
                t.aliases.c.buyer_id == t.threads.c.buyer_id,
                t.aliases.c.seller_id == t.threads.c.seller_id,
            ),
        )
        .join(t.sellers, t.sellers.c.id == t.aliases.c.seller_id)
        .join(t.buyers, t.buyers.c.id == t.aliases.c.buyer_id)
        .outerjoin(t.seller_addresses, t.seller_addresses.c.seller_id == t.sellers.c.id)
    )
    .where(t.threads.c.id == bindparam("thread"))
    .order_by(t.aliases.c.side, t.seller_addresses.c.address)
)
# The seller's policy settings ride along: a seller's mail is judged with them, and reading them
# in a statement of their own was one more round trip per mail (docs/relay.md).
_INBOUND_LOOKUP = (
    select(
        *_PARTIES_COLUMNS,
        *[column.label(f"p_{column.name}") for column in a.seller_policies.c],
    )
    .select_from(
        _PARTIES.outerjoin(a.seller_policies, a.seller_policies.c.seller_id == t.sellers.c.id)
    )
    .where(t.aliases.c.local_part == bindparam("local"))
    .order_by(t.seller_addresses.c.address)
).add_columns(
    select(r.relay_inbound.c.reply)
    .where(
        r.relay_inbound.c.alias == bindparam("local"),
        r.relay_inbound.c.message_id == bindparam("message_id"),
        r.relay_inbound.c.body_sha256 == bindparam("body"),
    )
    .scalar_subquery()
    .label("seen_reply"),
    select(t.orders.c.id)
    .where(
        t.orders.c.buyer_id == t.aliases.c.buyer_id,
        t.orders.c.seller_id == t.aliases.c.seller_id,
    )
    .order_by(t.orders.c.purchased_at.desc(), t.orders.c.id)
    .limit(1)
    .scalar_subquery()
    .label("newest_order"),
)


def _referenced_order(header_id: Any, position: Any, references: Any) -> Any:
    """The lookup's referenced_order: the thread's order of the newest (highest `position`)
    of the `references` rows' `header_id`s that the side writing to the alias knows, on the
    alias's pair (orders_for_headers and the relay's choice among them); NULL for none."""
    m = r.relay_message_ids
    return (
        select(t.threads.c.order_id)
        .select_from(
            references.join(m, m.c.header_id == header_id)
            .join(t.messages, t.messages.c.id == m.c.message_ref)
            .join(t.threads, t.threads.c.id == t.messages.c.thread_id)
        )
        .where(
            # The side writing to a buyer's alias is the seller, and the other way round.
            m.c.party == case((t.aliases.c.side == "buyer", "seller"), else_="buyer"),
            t.threads.c.buyer_id == t.aliases.c.buyer_id,
            t.threads.c.seller_id == t.aliases.c.seller_id,
        )
        .order_by(position.desc())
        .limit(1)
        .scalar_subquery()
        .label("referenced_order")
    )


# The mail's In-Reply-To and References are one parameter, `header_ids`, with each id's position:
# an array on PostgreSQL, a JSON array on SQLite; one statement for any number of them.
_REFERENCES_POSTGRESQL = (
    func.unnest(bindparam("header_ids", type_=postgresql.ARRAY(String)))
    .table_valued("header_id", with_ordinality="position")
    .render_derived("reference")
)
_REFERENCES_SQLITE = func.json_each(bindparam("header_ids", type_=String)).table_valued(
    "key", "value", name="reference"
)
# The statements of every mail, on the driver's cursor: through `Connection.execute` each costs
# more Python (cache key, compiled-cache lookup, row objects) than SQLite takes to run it.
_INBOUND_LOOKUP_ON_DRIVER = DriverStatement(_INBOUND_LOOKUP)
_INBOUND_LOOKUP_WITH_REFERENCES = {
    "postgresql": DriverStatement(
        _INBOUND_LOOKUP.add_columns(
            _referenced_order(
                _REFERENCES_POSTGRESQL.c.header_id,
                _REFERENCES_POSTGRESQL.c.position,
                _REFERENCES_POSTGRESQL,
            )
        )
    ),
    "sqlite": DriverStatement(
        _INBOUND_LOOKUP.add_columns(
            _referenced_order(
                _REFERENCES_SQLITE.c.value, _REFERENCES_SQLITE.c.key, _REFERENCES_SQLITE
            )
        )
    ),
}
_ALIAS_ACTIVE = DriverStatement(
    select(t.aliases.c.active).where(t.aliases.c.local_part == bindparam("local"))
)
_ORDERS_OF_PAIR = (
    select(t.orders.c.id)
    .where(t.orders.c.buyer_id == bindparam("buyer"), t.orders.c.seller_id == bindparam("seller"))
    .order_by(t.orders.c.purchased_at.desc(), t.orders.c.id)
)
_ORDERS_FOR_HEADERS = (
    select(
        r.relay_message_ids.c.header_id,
        t.threads.c.buyer_id,
        t.threads.c.seller_id,
        t.threads.c.order_id,
    )
    .select_from(
        r.relay_message_ids.join(
            t.messages, t.messages.c.id == r.relay_message_ids.c.message_ref
        ).join(t.threads, t.threads.c.id == t.messages.c.thread_id)
    )
    .where(
        r.relay_message_ids.c.party == bindparam("party"),
        r.relay_message_ids.c.header_id.in_(bindparam("ids", expanding=True)),
    )
)
_ADD_INBOUND = DriverStatement(
    r.relay_inbound.insert().returning(r.relay_inbound.c.id),
    column_keys=[column.name for column in r.relay_inbound.c if column.name != "id"],
)
# Built once: the relay stores a mail with these on every accepted message.
_LATEST_OF_ORDER = DriverStatement(
    select(t.messages.c.id, t.messages.c.disposition)
    .select_from(t.messages.join(t.threads, t.threads.c.id == t.messages.c.thread_id))
    .where(t.threads.c.order_id == bindparam("order_id"))
    .order_by(t.messages.c.id.desc())
    .limit(1)
)
_BLOCKING = (
    select(t.findings.c.message)
    .where(t.findings.c.message_id == bindparam("ref"), t.findings.c.severity == "block")
    .order_by(t.findings.c.position)
)


_STORED_MAIL: dict[tuple[bool, tuple[bool, ...]], DriverStatement] = {}


def _stored_mail_statement(*, header: bool, referenced: Sequence[bool]) -> DriverStatement:
    """PostgreSQL: a stored mail's relay_inbound row, with `header` its Message-ID row, and a
    relay_attachments row per item of `referenced` (parameters a<n>_sha256, a<n>_content_type,
    and a<n>_data, or where `referenced` is true a<n>_raw_start and a<n>_raw_length: the slice
    of this mail's raw bytes that holds the attachment; created at received_at) in one
    statement, built once per shape (a mail has at most parse.MAX_PARTS attachments)."""
    key = (header, tuple(referenced))
    found = _STORED_MAIL.get(key)
    if found is not None:
        return found
    inbound: Any = postgresql.insert(r.relay_inbound).values(
        {column.name: bindparam(column.name) for column in r.relay_inbound.c if column.name != "id"}
    )
    if not header and not referenced:
        built = _STORED_MAIL[key] = DriverStatement(inbound)
        return built
    # The other inserts ride along as CTEs, which PostgreSQL runs whether or not anything reads
    # them; the attachments kept in the raw mail read its new id.
    inbound_row = inbound.returning(r.relay_inbound.c.id).cte("relay_inbound_row")
    riders: list[Any] = [inbound_row]
    for position, in_raw in enumerate(referenced):
        attachment: Any
        if in_raw:
            attachment = postgresql.insert(r.relay_attachments).from_select(
                ["sha256", "content_type", "created_at", "inbound_id", "raw_start", "raw_length"],
                select(
                    bindparam(f"a{position}_sha256", type_=String),
                    bindparam(f"a{position}_content_type", type_=String),
                    bindparam("received_at", type_=r.relay_attachments.c.created_at.type),
                    inbound_row.c.id,
                    bindparam(f"a{position}_raw_start", type_=Integer),
                    bindparam(f"a{position}_raw_length", type_=Integer),
                ),
            )
        else:
            attachment = postgresql.insert(r.relay_attachments).values(
                sha256=bindparam(f"a{position}_sha256"),
                content_type=bindparam(f"a{position}_content_type"),
                data=bindparam(f"a{position}_data"),
                created_at=bindparam("received_at"),
            )
        riders.append(attachment.on_conflict_do_nothing().cte(f"relay_attachment_{position}"))
    statement: Any = select(inbound_row.c.id)
    if header:
        statement = (
            postgresql.insert(r.relay_message_ids)
            .from_select(
                ["message_ref", "party", "header_id"],
                select(
                    bindparam("h_message_ref", type_=BigInteger),
                    bindparam("h_party", type_=String),
                    bindparam("h_header_id", type_=String),
                ),
            )
            .on_conflict_do_nothing()
        )
    built = _STORED_MAIL[key] = DriverStatement(statement.add_cte(*riders))
    return built


# An attachment from this size is kept as a slice of the raw mail that carries it, not stored a
# second time; a smaller one is stored with its row (PostgreSQL keeps rows under ~2 kB inline).
REFERENCED_FROM_BYTES = 4096
# The base64 characters an attachment's body is searched for by: the encoding of its first 48
# bytes, so a body whose lines hold 64 characters or more is found (76 is what mailers write).
_LEADING_CHARACTERS = 64


def _slice_of_raw(
    raw: bytes, data: bytes, written_at: tuple[int, int] | None
) -> tuple[int, int] | None:
    """Where in `raw` an attachment of `data` is kept instead of stored again: its base64 body
    (base64_body_in), for attachments of REFERENCED_FROM_BYTES or more; None: store the bytes."""
    if len(data) < REFERENCED_FROM_BYTES:
        return None
    return base64_body_in(raw, data, written_at)


def base64_body_in(
    raw: bytes, data: bytes, written_at: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """(start, length) of a slice of `raw` that is `data`'s base64 encoding in lines of one
    length with CRLF breaks (the last line's break left out), or None when there is none.

    Exact, not a guess: the slice without its line breaks is compared with the encoding, so
    decoding it gives `data` back byte for byte (0.25 ms for a 196 kB attachment). A body in
    other lines (shorter than 64 characters, uneven, LF breaks, non-zero padding bits) is not
    found, and its bytes are stored instead.

    `written_at`: (start, end) of a part of `raw` known to be that encoding with only CRs and
    LFs besides (parse.MailAttachment.raw_base64). The answer is the same; it then takes a
    search of the first line and a look at the bytes where the slice and the part's ends differ,
    instead of encoding `data` (0.45 ms for 196 kB) and comparing the whole slice (0.25 ms).
    """
    if written_at is not None:
        found = _base64_body_at(raw, len(data), *written_at)
        if found is not None:
            return found
    encoded = binascii.b2a_base64(data, newline=False)
    start = raw.find(encoded[:_LEADING_CHARACTERS])
    if start < 0:
        return None
    line_end = raw.find(b"\r\n", start)
    width = (line_end if line_end >= 0 else len(raw)) - start
    lines = -(-len(encoded) // width)
    length = len(encoded) + 2 * (lines - 1)
    # Deleting every CR and LF (one pass, a quarter of what replacing CRLF costs) is what the
    # decoder does with them too.
    if raw[start : start + length].translate(None, b"\r\n") != encoded:
        return None
    return start, length


def _base64_body_at(raw: bytes, data_length: int, start: int, end: int) -> tuple[int, int] | None:
    """base64_body_in's answer when it finds a slice, for raw[start:end] holding the encoding of
    `data_length` bytes with only CRs and LFs besides; None when undecided here (the full search
    then answers).

    The same steps: the encoding's first characters are raw[start:start + 64] when the first line
    holds them, and the search for them must land on `start`; the width of that line gives the
    slice's length. Since raw[start:end] without CR and LF is the encoding, the slice is too
    exactly when the bytes between `end` and the slice's end are all CR or LF.
    """
    leading = raw[start : start + _LEADING_CHARACTERS]
    if (
        len(leading) < _LEADING_CHARACTERS
        or end - start < _LEADING_CHARACTERS
        or b"\r" in leading
        or b"\n" in leading
        or raw.find(leading) != start
    ):
        return None
    encoded_length = 4 * -(-data_length // 3)
    line_end = raw.find(b"\r\n", start)
    width = (line_end if line_end >= 0 else len(raw)) - start
    lines = -(-encoded_length // width)
    length = encoded_length + 2 * (lines - 1)
    if start + length > len(raw):
        return None
    low, high = sorted((end, start + length))
    if raw[low:high].translate(None, b"\r\n"):
        return None
    return start, length


def _attachment_params(
    sha256: str,
    content_type: str,
    data: bytes | None,
    now: datetime,
    inbound_id: int | None,
    raw_start: int | None,
    raw_length: int | None,
) -> dict[str, Any]:
    """The parameters of a relay_attachments row: its bytes, or where they are in a raw mail."""
    return {
        "sha256": sha256,
        "content_type": content_type,
        "data": data,
        "created_at": now,
        "inbound_id": inbound_id,
        "raw_start": raw_start,
        "raw_length": raw_length,
    }


def _inbound_params(
    *,
    alias: str,
    message_id: str,
    body_sha256: str,
    mail_from: str,
    from_address: str,
    client_ip: str,
    auth: dict[str, Any],
    raw: bytes,
    status: str,
    reply: str,
    now: datetime,
    message_ref: int | None,
    release_token_sha256: str | None,
) -> dict[str, Any]:
    """The parameters of a relay_inbound row, for `_ADD_INBOUND` and the stored-mail statement."""
    return {
        "alias": alias,
        "message_id": message_id,
        "body_sha256": body_sha256,
        "mail_from": mail_from,
        "from_address": from_address,
        "client_ip": client_ip,
        "auth": auth,
        "raw": raw,
        "status": status,
        "message_ref": message_ref,
        "reply": reply,
        "release_token_sha256": release_token_sha256,
        "received_at": now,
        "decided_at": now if status != "held" else None,
    }


def _alias_parties(rows: Sequence[Any]) -> AliasParties:
    """The alias, seller and buyer of rows repeating them once per seller address."""
    first = rows[0]
    return AliasParties(
        alias=Alias(
            local_part=first.local_part,
            buyer_id=first.buyer_id,
            seller_id=first.seller_id,
            side=first.side,
            active=first.active,
        ),
        seller=Seller(
            id=first.s_id,
            display_name=first.s_display_name,
            business_name=first.s_business_name,
            customer_service_address=first.s_customer_service_address,
            registered_addresses=tuple(
                row.address for row in rows if row.address_kind == "registered"
            ),
            authorized_addresses=tuple(
                row.address for row in rows if row.address_kind == "authorized"
            ),
            opt_out_bounce_notices=first.s_opt_out_bounce_notices,
            buyer_id=first.s_buyer_id,
            created_at=utc(first.s_created_at),
        ),
        buyer=Buyer(
            id=first.b_id,
            name=first.b_name,
            email=first.b_email,
            language=first.b_language,
            opted_out=first.b_opted_out,
            created_at=utc(first.b_created_at),
        ),
    )


def _inbound(row: Any) -> InboundRecord:
    return InboundRecord(
        id=int(row.id),
        alias=row.alias,
        message_id=row.message_id,
        body_sha256=row.body_sha256,
        from_address=row.from_address,
        status=row.status,
        reply=row.reply,
        message_ref=None if row.message_ref is None else int(row.message_ref),
        raw=bytes(row.raw),
        auth=dict(row.auth),
    )
