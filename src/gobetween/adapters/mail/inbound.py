"""Mail arriving on an alias: authorise and authenticate the sender, then store it as a message.

Each step answers with an SMTP reply, decided before the SMTP session ends, so nothing is ever
bounced later to an address that may be forged (no backscatter):

1. the alias exists and is active (550 5.1.1 otherwise), one alias per mail;
2. the mail parses within the MIME limits (550 5.6.0 / 552 5.3.4);
3. not a loop (From on our own domain) and not an automatic reply (550 5.7.1);
4. From is one of the addresses allowed to write to this alias (550 5.7.1);
5. SPF/DKIM/DMARC prove the From domain (451 4.7.0 when DNS fails; otherwise held for the
   registered address to release, or refused with 550 5.7.26, as configured);
6. only now the body is read, within parse.py's limits (552 5.3.4 over them): turning a large
   HTML body into text costs seconds of CPU, which a forged mail must not be able to cost;
7. the new text goes through the core message service, like any other channel; the relay's own
   record of the mail, with its exactly-once key, is written in the SAME transaction, and the
   reply is 250 only after that commit (550 5.7.1 with the findings when the policy blocks).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db.access_repositories import SqlSellerPolicyRepository
from gobetween.adapters.db.group_commit import GroupCommitter
from gobetween.adapters.db.relay_read_connections import KeptConnections
from gobetween.adapters.db.relay_repository import (
    AliasParties,
    InboundLookup,
    InboundRecord,
    SqlRelayRepository,
)
from gobetween.adapters.db.unit_of_work import SqlUnitOfWork
from gobetween.adapters.mail.parse import (
    MAX_DEPTH,
    MAX_PARTS,
    MalformedMail,
    ParsedMail,
    parse_mail,
)
from gobetween.adapters.mail.sender_auth import AuthResult, SenderAuthenticator
from gobetween.domain.aliases import Alias, AliasSide
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.messages import AttachmentMeta
from gobetween.domain.orders import ORDER_ID_PATTERN
from gobetween.domain.parties import Buyer, Seller
from gobetween.policy.categories import CONTACT_REASONS
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.case_hooks import CaseHooks
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    RecordBuyerMessage,
    SendSellerMessage,
    record_buyer_message,
    send_seller_message,
)
from gobetween.services.ports import Clock, OutboxItem, StoredMessage, UnitOfWork
from gobetween.services.sending import seller_limits, with_link_domains

log = logging.getLogger(__name__)

Unauthenticated = Literal["hold", "refuse"]
T = TypeVar("T")
# Bytes of an attachment the policy sees to judge its type by content.
ATTACHMENT_HEAD_BYTES = 512
# relay-notes.md, Size and attachment limits: decoded attachments per message (Amazon's limit).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Envelope:
    """One SMTP transaction as the listener received it."""

    mail_from: str
    recipient: str
    client_ip: str
    helo: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Party:
    """Who is writing through an alias, and to whom."""

    alias: Alias
    sender_side: AliasSide
    seller: Seller
    buyer: Buyer

    @property
    def allowed_senders(self) -> frozenset[str]:
        if self.sender_side == "seller":
            return frozenset(a.lower() for a in self.seller.sending_addresses)
        return frozenset({self.buyer.email.lower()})

    @property
    def registered_address(self) -> str:
        """Where notices about this sender's mail go: never the (forgeable) envelope sender."""
        if self.sender_side == "seller":
            registered = self.seller.registered_addresses
            return registered[0] if registered else self.seller.customer_service_address
        return self.buyer.email


class _RelayUnitOfWork(SqlUnitOfWork):
    """The core's unit of work, plus the relay's own rows written just before its commit.

    The core service commits once; the relay's record of the mail (its exactly-once key) must
    be in that same transaction, or a crash between the two would let a retry store it twice.
    """

    def __init__(self, engine: Engine, before_commit: Callable[[Connection], None]) -> None:
        super().__init__(engine)
        self._before_commit = before_commit

    def commit(self) -> None:
        connection = self._connection
        if connection is None:
            raise RuntimeError("commit() outside the `with` block")
        self._before_commit(connection)
        super().commit()


class InboundRelay:
    """Turns inbound SMTP transactions into stored messages (or refusals), one at a time."""

    def __init__(
        self,
        *,
        engine: Engine,
        authenticator: SenderAuthenticator,
        check_policy: PolicyCheck,
        clock: Clock,
        limits: MessagingLimits,
        alias_domain: str,
        unauthenticated: Unauthenticated = "hold",
        max_parts: int = MAX_PARTS,
        max_depth: int = MAX_DEPTH,
        group_commit: GroupCommitter | None = None,
        read_engine: Engine | None = None,
    ) -> None:
        self.engine = engine
        # Lookups that only decide the reply (RCPT, seen-before, who writes): with SQLite, a
        # read-only engine that never waits for the group-commit writer (read_engine.py).
        self.read_engine = read_engine or engine
        self._read_connections = (
            None if self.read_engine is engine else KeptConnections(self.read_engine)
        )
        # With SQLite, all database work goes through one group-committing writer thread.
        self.group_commit = group_commit
        self.authenticator = authenticator
        self.check_policy = check_policy
        self.clock = clock
        self.limits = limits
        self.alias_domain = alias_domain.lower()
        self.unauthenticated = unauthenticated
        self.max_parts = max_parts
        self.max_depth = max_depth

    def close(self) -> None:
        """Finish queued database work, stop the group-commit writer and the read engine, if any."""
        if self.group_commit is not None:
            self.group_commit.close()
        if self._read_connections is not None:
            self._read_connections.close()
        # Only an engine with a pool of its own: an autocommit view of the writing engine
        # (PostgreSQL) shares its pool, which the platform closes.
        if self.read_engine.pool is not self.engine.pool:
            self.read_engine.dispose()

    # RCPT ----------------------------------------------------------------------------------

    def check_recipient(self, address: str) -> str | None:
        """None when mail to `address` is welcome, else the SMTP reply refusing it."""
        local = self._local_part(address)
        if local is None:
            return f"550 5.1.1 <{address}>: no such alias here"
        active = self._read(lambda connection: SqlRelayRepository(connection).alias_active(local))
        if active is None:
            return f"550 5.1.1 <{address}>: no such alias here"
        if not active:
            return f"550 5.1.1 <{address}>: this alias is disabled"
        return None

    def _db(self, job: Callable[[Engine], T]) -> T:
        """Run database work: in the next group commit, or directly on the engine."""
        if self.group_commit is not None:
            return self.group_commit.run(job)
        return job(self.engine)

    def _read(self, job: Callable[[Connection], T]) -> T:
        """Run a lookup: on a kept connection of the read engine when there is one, else like any
        database work, on a connection of its own.

        A copy of this mail committed after the lookup still meets the UNIQUE exactly-once key
        when it is stored (_reply_of_duplicate), so reading beside the writer loses nothing.
        """
        if self._read_connections is not None:
            return self._read_connections.run(job)
        return self._db(lambda engine: _on_connection(engine, job))

    def _local_part(self, address: str) -> str | None:
        local, _, domain = address.strip().strip("<>").lower().rpartition("@")
        if domain != self.alias_domain or not local or "+" in local:
            return None
        return local

    # DATA ----------------------------------------------------------------------------------

    def receive(self, envelope: Envelope) -> str:
        """Decide one mail; the returned SMTP reply is final (250 only after the commit)."""
        now = self._now()
        local = self._local_part(envelope.recipient)
        if local is None:
            return f"550 5.1.1 <{envelope.recipient}>: no such alias here"
        try:
            parsed = parse_mail(envelope.data, max_parts=self.max_parts, max_depth=self.max_depth)
        except MalformedMail as error:
            code = "552 5.3.4" if error.over_limit else "550 5.6.0"
            return f"{code} Message refused: {error.problem}"
        attached = sum(attachment.size for attachment in parsed.attachments)
        if attached > MAX_ATTACHMENT_BYTES:
            return (
                f"552 5.3.4 Message refused: attachments total {attached} bytes; "
                f"the limit is {MAX_ATTACHMENT_BYTES}"
            )
        message_id, body_hash = _dedupe_key(envelope.data, parsed)

        # Everything the decision needs from the database: one statement, the order the mail
        # replies to included (a second, for an order the text names, only once the sender is
        # known: reading the text is the costly part of a mail, see below).
        def look_up(connection: Connection) -> tuple[InboundLookup, Party | None]:
            found = SqlRelayRepository(connection).inbound_lookup(
                local, message_id, body_hash, parsed.in_reply_to + parsed.references
            )
            if found.seen_reply is not None or found.parties is None:
                return found, None
            return found, _party_of(found.parties)

        found, party = self._read(look_up)
        seen = found.seen_reply
        if seen is not None:
            # The same mail again (a retry after a lost 250): answer as the first time, do nothing.
            return seen
        if party is None or not party.alias.active:
            return f"550 5.1.1 <{envelope.recipient}>: no such alias here"
        refusal = self._check_sender(parsed, party)
        if refusal is not None:
            return refusal
        auth = self.authenticator.authenticate(
            envelope.data,
            from_address=parsed.from_address,
            client_ip=envelope.client_ip,
            mail_from=envelope.mail_from,
            helo=envelope.helo,
        )
        if auth.dmarc == "temperror":
            return (
                f"451 4.7.0 Cannot check the sender's domain now ({auth.reason}); try again later"
            )
        if not auth.authenticated:
            if self.unauthenticated == "refuse":
                return f"550 5.7.26 Sender not authenticated: {auth.reason}"
            return self._hold(envelope, parsed, party, auth, local, message_id, body_hash, now)
        # Only now is the body read (decoded, HTML turned into text, history split off): up to
        # seconds of CPU for a large HTML body, which a forged mail must not be able to make the
        # listener spend; within parse.py's limits for everyone else.
        refusal = _body_refusal(parsed)
        if refusal is not None:
            return refusal
        order_id = found.referenced_order
        if order_id is None:
            order_id = self._order_the_mail_names(parsed, party, newest=found.newest_order)
        return self._store(
            envelope,
            parsed,
            party,
            auth,
            local,
            message_id,
            body_hash,
            now,
            order_id=order_id,
            seller_policy=found.seller_policy,
            release_of=None,
        )

    def release(self, token: str) -> str:
        """Deliver a held mail after its registered address asked for it; returns the outcome."""
        token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()

        def look_up(
            engine: Engine,
        ) -> tuple[InboundRecord | None, Party | None, SellerPolicy | None]:
            with engine.connect() as connection:
                held = SqlRelayRepository(connection).find_by_release_token(token_hash)
                party = None if held is None else _party(connection, held.alias)
                seller_policy = (
                    SqlSellerPolicyRepository(connection).find(party.seller.id)
                    if party is not None and party.sender_side == "seller"
                    else None
                )
            return held, party, seller_policy

        held, party, seller_policy = self._db(look_up)
        if held is None or party is None:
            raise NotFound("held mail", "with this release code")
        if held.status != "held":
            return held.reply
        parsed = parse_mail(held.raw, max_parts=self.max_parts, max_depth=self.max_depth)
        refusal = _body_refusal(parsed)
        if refusal is not None:
            return refusal
        order_id = self._db(lambda engine: _order_in(engine, parsed, party))
        auth = auth_from_dict(held.auth)
        envelope = Envelope("", f"{held.alias}@{self.alias_domain}", "", "", held.raw)
        return self._store(
            envelope,
            parsed,
            party,
            auth,
            held.alias,
            held.message_id,
            held.body_sha256,
            self._now(),
            order_id=order_id,
            seller_policy=seller_policy,
            release_of=held.id,
        )

    def _order_the_mail_names(
        self, parsed: ParsedMail, party: Party, *, newest: str | None
    ) -> str | None:
        """_order_named on a lookup connection: the pair's orders are read only when the
        mail's subject or text names an order."""
        named = _orders_named_in(parsed)
        if not named:
            return newest
        alias = party.alias

        def orders(connection: Connection) -> list[str]:
            return SqlRelayRepository(connection).orders_of_pair(alias.buyer_id, alias.seller_id)

        ids = set(self._read(orders))
        return next((candidate for candidate in named if candidate in ids), newest)

    def _check_sender(self, parsed: ParsedMail, party: Party) -> str | None:
        sender = parsed.from_address
        if sender.rpartition("@")[2] == self.alias_domain:
            return "550 5.7.1 Mail from this relay's own domain is not accepted (mail loop)"
        if parsed.auto_submitted:
            return "550 5.7.1 Automatic replies are not relayed to the other party"
        if sender not in party.allowed_senders:
            who = (
                "the seller's registered or authorized addresses"
                if party.sender_side == "seller"
                else "the buyer's own address"
            )
            return f"550 5.7.1 <{sender}> may not write to this alias: only {who} may"
        return None

    def _hold(
        self,
        envelope: Envelope,
        parsed: ParsedMail,
        party: Party,
        auth: AuthResult,
        local: str,
        message_id: str,
        body_hash: str,
        now: datetime,
    ) -> str:
        token = _release_code()
        token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()
        reply = (
            "250 2.0.0 Held, not delivered: the sender could not be authenticated "
            f"({auth.reason}); the registered address was told how to release it"
        )

        def record(connection: Connection) -> None:
            SqlRelayRepository(connection).add_inbound(
                alias=local,
                message_id=message_id,
                body_sha256=body_hash,
                mail_from=envelope.mail_from,
                from_address=parsed.from_address,
                client_ip=envelope.client_ip,
                auth=auth.to_dict(),
                raw=envelope.data,
                status="held",
                reply=reply,
                now=now,
                release_token_sha256=token_hash,
            )

        def write(engine: Engine) -> None:
            with _RelayUnitOfWork(engine, record) as uow:
                uow.outbox.add(
                    OutboxItem(
                        kind="relay_hold",
                        recipient=party.registered_address,
                        delivery_key=f"relay-hold-{token_hash[:32]}",
                        payload={
                            "alias": f"{local}@{self.alias_domain}",
                            "from": parsed.from_address,
                            "subject": parsed.subject,
                            "reason": auth.reason,
                            "release_code": token,
                        },
                    ),
                    now=now,
                )
                uow.commit()

        try:
            self._db(write)
        except IntegrityError:
            return self._reply_of_duplicate(local, message_id, body_hash)
        log.info("held mail to %s from %s: %s", local, parsed.from_address, auth.reason)
        return reply

    def _store(
        self,
        envelope: Envelope,
        parsed: ParsedMail,
        party: Party,
        auth: AuthResult,
        local: str,
        message_id: str,
        body_hash: str,
        now: datetime,
        *,
        order_id: str | None,
        seller_policy: SellerPolicy | None,
        release_of: int | None,
    ) -> str:
        """Store the mail through the message service; `seller_policy` is the operator's
        settings for the alias's seller, read with the mail's lookup."""
        if not parsed.text:
            return (
                "550 5.6.0 No new text: the mail holds only quoted history or a signature; "
                "write the message above the quoted text"
            )
        if order_id is None:
            return "550 5.1.1 No order links the buyer and the seller of this alias"
        reason, subject = _contact_reason(parsed.subject)
        if reason not in CONTACT_REASONS:
            return (
                f"550 5.6.0 Unknown contact reason [reason:{reason}] in the subject; use one of "
                + ", ".join(CONTACT_REASONS)
            )
        attachments = tuple(
            AttachmentMeta(
                filename=a.filename[:255],
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                head=a.data[:ATTACHMENT_HEAD_BYTES],
            )
            for a in parsed.attachments
        )
        replies: list[str] = []
        # The operator's settings for this seller (policy profile, essential link domains, daily
        # limit), exactly as the API and the pages apply them: a mail is judged like a web send.
        limits, check_policy = self.limits, self.check_policy
        if party.sender_side == "seller":
            limits = seller_limits(self.limits, seller_policy)
            if seller_policy is not None:
                check_policy = with_link_domains(
                    self.check_policy, seller_policy.allowed_link_domains
                )

        hooks = _StoredMessageHooks()

        def record(connection: Connection) -> None:
            repo = SqlRelayRepository(connection)
            stored = hooks.stored
            if stored is not None:
                # What the service just appended, as its hooks were told: no statement to find it.
                message_ref, disposition = stored.message_id, stored.disposition
                findings = repo.blocking_findings(message_ref) if disposition == "blocked" else []
            else:
                outcome = repo.latest_outcome_of_order(order_id)
                if outcome is None:
                    raise RuntimeError(f"the message service stored nothing for order {order_id}")
                message_ref, disposition, findings = outcome
            reply = _reply(disposition, findings, message_ref)
            if release_of is None:
                repo.add_stored_mail(
                    alias=local,
                    message_id=message_id,
                    body_sha256=body_hash,
                    mail_from=envelope.mail_from,
                    from_address=parsed.from_address,
                    client_ip=envelope.client_ip,
                    auth=auth.to_dict(),
                    raw=envelope.data,
                    reply=reply,
                    now=now,
                    message_ref=message_ref,
                    party=party.sender_side,
                    header_id=parsed.message_id,
                    attachments=[(a.sha256, a.content_type, a.data) for a in parsed.attachments],
                    base64_at=_base64_bodies(parsed),
                )
                replies.append(reply)
                return
            if not repo.mark_released(release_of, message_ref=message_ref, reply=reply, now=now):
                raise _AlreadyReleasedError
            if parsed.message_id is not None:
                repo.add_header(message_ref, party.sender_side, parsed.message_id)
            for attachment in parsed.attachments:
                repo.keep_attachment(
                    attachment.sha256, attachment.content_type, attachment.data, now=now
                )
            replies.append(reply)

        def write(engine: Engine) -> None:
            uow = _RelayUnitOfWork(engine, record)
            if party.sender_side == "seller":
                send_seller_message(
                    SendSellerMessage(
                        order_id=order_id,
                        seller_id=party.seller.id,
                        subject=subject,
                        text=parsed.text,
                        contact_reason=reason,
                        channel="email",
                        attachments=attachments,
                    ),
                    uow=uow,
                    check_policy=check_policy,
                    hooks=hooks,
                    clock=self.clock,
                    limits=limits,
                )
            else:
                record_buyer_message(
                    RecordBuyerMessage(
                        order_id=order_id,
                        buyer_id=party.buyer.id,
                        subject=subject,
                        text=parsed.text,
                        channel="email",
                        attachments=attachments,
                    ),
                    uow=uow,
                    check_policy=self.check_policy,
                    hooks=hooks,
                    clock=self.clock,
                    limits=self.limits,
                )

        try:
            self._db(write)
        except IntegrityError:
            return self._reply_of_duplicate(local, message_id, body_hash)
        except _AlreadyReleasedError:
            return "250 2.0.0 Already released"
        except InvalidInput as error:
            return f"550 5.6.0 Message refused: {_one_line(str(error))}"
        except Refused as error:
            return f"550 5.7.1 Message refused: {_one_line(error.reason)}"
        except NotFound as error:
            return f"550 5.1.1 {_one_line(str(error))}"
        return replies[-1]

    def _reply_of_duplicate(self, local: str, message_id: str, body_hash: str) -> str:
        # A concurrent copy of the same mail won the race and is stored; answer as it did.
        def look_up(engine: Engine) -> str | None:
            with engine.connect() as connection:
                return SqlRelayRepository(connection).find_reply(local, message_id, body_hash)

        seen = self._db(look_up)
        return seen if seen is not None else "451 4.3.0 Try again"

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)


class _StoredMessageHooks:
    """The case hooks, also keeping the message the service appended in this unit of work.

    The relay's reply names the stored message and its disposition; the service tells its hooks
    both just before its commit, where the relay writes its own rows, so they need not be read
    back from the database.
    """

    __slots__ = ("_cases", "stored")

    def __init__(self) -> None:
        self._cases = CaseHooks()
        self.stored: StoredMessage | None = None

    def case_state(self, uow: UnitOfWork, thread_id: int) -> str | None:
        return self._cases.case_state(uow, thread_id)

    def message_stored(self, uow: UnitOfWork, message: StoredMessage) -> None:
        self._cases.message_stored(uow, message)
        self.stored = message


def _release_code() -> str:
    """A new release code for a held mail, never led by "-".

    `gobetween relay release CODE` takes the code as an argument, and a leading "-" (one code in
    64 of `token_urlsafe`'s alphabet) would be read there as an option.
    """
    while True:
        code = secrets.token_urlsafe(24)
        if not code.startswith("-"):
            return code


class _AlreadyReleasedError(Exception):
    """Two releases of one held mail raced; the other one stored it."""


def _order_for(
    connection: Connection, parsed: ParsedMail, party: Party, *, newest: str | None
) -> str | None:
    """The order the mail is about: the one it replies to, one it names, or `newest`.

    `newest` is the pair's most recently purchased order, as the caller read it.
    """
    alias = party.alias
    pair = (alias.buyer_id, alias.seller_id)
    for buyer_id, seller_id, order_id in SqlRelayRepository(connection).orders_for_headers(
        party.sender_side, parsed.in_reply_to + parsed.references
    ):
        if (buyer_id, seller_id) == pair:
            return order_id
    return _order_named(connection, parsed, party, newest=newest)


def _order_named(
    connection: Connection, parsed: ParsedMail, party: Party, *, newest: str | None
) -> str | None:
    """The pair's order that the mail's subject or text names first, else `newest`."""
    alias = party.alias
    named = _orders_named_in(parsed)
    if named:
        ids = set(SqlRelayRepository(connection).orders_of_pair(alias.buyer_id, alias.seller_id))
        for candidate in named:
            if candidate in ids:
                return str(candidate)
    return newest


def _orders_named_in(parsed: ParsedMail) -> list[str]:
    """The order ids the subject and the new text name, in order; reads the body."""
    return order_ids_in(f"{parsed.subject}\n{parsed.text}")


def order_ids_in(text: str) -> list[str]:
    """ORDER_ID_PATTERN.findall(text), tried only where an id can start: three characters before
    a "-".

    Its search tries the pattern at every character, and its `\\d` (any Unicode decimal digit)
    asks the Unicode database each time: 0.8 M instructions over a 4 kB reply, more than the
    rest of reading the mail. An id is always 19 characters with a "-" as its fourth, so the
    places the search would match at are among the places three characters before a "-", which
    a memchr finds; findall takes the leftmost match, then the leftmost one starting at or after
    its end, as this does (tests/unit/mail/test_order_ids_in_mail.py compares them).
    """
    found: list[str] = []
    end = 0
    dash = text.find("-", 3)
    while dash >= 0:
        match = ORDER_ID_PATTERN.match(text, dash - 3)
        if match is None:
            dash = text.find("-", dash + 1)
            continue
        found.append(match.group())
        end = match.end()
        # The next id starts at `end` or later, so its "-" is at end + 3 or later.
        dash = text.find("-", end + 3)
    return found


def _base64_bodies(parsed: ParsedMail) -> dict[str, tuple[int, int]]:
    """Where the parse found each attachment's base64 body in the raw mail, by sha256 (the first
    of equal ones, as the stored rows keep the first)."""
    found: dict[str, tuple[int, int]] = {}
    for attachment in parsed.attachments:
        if attachment.raw_base64 is not None:
            found.setdefault(attachment.sha256, attachment.raw_base64)
    return found


def _body_refusal(parsed: ParsedMail) -> str | None:
    """Read the mail's body (parse.MailBody); the SMTP reply when it is over the limits."""
    try:
        parsed.body_part.reply()
    except MalformedMail as error:
        return f"552 5.3.4 Message refused: {error.problem}"
    return None


def _on_connection(engine: Engine, job: Callable[[Connection], T]) -> T:
    with engine.connect() as connection:
        return job(connection)


def _order_in(engine: Engine, parsed: ParsedMail, party: Party) -> str | None:
    with engine.connect() as connection:
        orders = SqlRelayRepository(connection).orders_of_pair(
            party.alias.buyer_id, party.alias.seller_id
        )
        return _order_for(connection, parsed, party, newest=orders[0] if orders else None)


def _party(connection: Connection, local: str) -> Party | None:
    found = SqlRelayRepository(connection).alias_with_parties(local)
    return None if found is None else _party_of(found)


def _party_of(found: AliasParties) -> Party:
    # The buyer's alias stands in for the buyer: whoever writes to it is the seller.
    sender_side: AliasSide = "seller" if found.alias.side == "buyer" else "buyer"
    return Party(alias=found.alias, sender_side=sender_side, seller=found.seller, buyer=found.buyer)


def _dedupe_key(raw: bytes, parsed: ParsedMail) -> tuple[str, str]:
    """(Message-ID, sha256 of the body): the body, not the headers every hop rewrites."""
    unix_lines = _crlf_as_lf(raw, _crlf_only_bodies(raw, parsed))
    # The body after the first empty line, as partition would give it, hashed where it stands:
    # no copy of a 200 kB body.
    empty_line = unix_lines.find(b"\n\n")
    body = memoryview(unix_lines)[empty_line + 2 :] if empty_line >= 0 else b""
    body_hash = hashlib.sha256(body).hexdigest()
    message_id = (parsed.message_id or "").strip()[:255]
    if not message_id:
        # No Message-ID: key on the content alone (relay-notes.md, Idempotency).
        message_id = f"<{body_hash[:32]}@no-message-id.invalid>"
    return message_id, body_hash


def _crlf_as_lf(raw: bytes, crlf_only: Sequence[tuple[int, int]] = ()) -> bytes:
    """raw with every CRLF turned into LF.

    When no CR stands alone, that is every CR deleted: `replace(b"\r", b"")`, which copies the
    stretches between the CRs it finds by memchr (0.04 ms for a 270 kB mail), where
    `translate(None, b"\r")` looked each byte up in a table (0.10 ms) and `replace` of CRLF by LF
    searched for a two-byte pattern (1.5 ms, on a loaded machine). A lone CR is one followed by
    anything but LF, or the last byte. `crlf_only`: (start, end)
    of stretches of raw, in order and apart, known to hold no lone CR (_crlf_only_bodies),
    which the search skips.
    """
    position = 0
    for start, end in crlf_only:
        # Up to and with the stretch's first byte, for a CR just before it.
        if _CR_WITHOUT_LF.search(raw, position, start + 1) is not None:
            return raw.replace(b"\r\n", b"\n")
        position = end
    if _CR_WITHOUT_LF.search(raw, position) is None and not raw.endswith(b"\r"):
        return raw.replace(b"\r", b"")
    return raw.replace(b"\r\n", b"\n")


def _crlf_only_bodies(raw: bytes, parsed: ParsedMail) -> list[tuple[int, int]]:
    """The base64 bodies of the parsed attachments (raw_base64) whose lines are all one width
    and end in CRLF, as mailers write them: no lone CR in them, in order.

    The search for a lone CR stops at each of a 200 kB mail's ~2,700 CRs (0.1-0.25 ms); for
    these bodies two strided slices tell it instead. raw_base64 promises that the body less its
    CRs and LFs is the attachment's base64 text, 4 * ceil(size / 3) bytes, so a body that
    holds a CR at every line's width and an LF after each, and is that long with those, holds
    no other CR or LF.
    """
    found: list[tuple[int, int]] = []
    for attachment in parsed.attachments:
        span = attachment.raw_base64
        if span is None:
            continue
        start, end = span
        width = raw.find(b"\r\n", start, end) - start
        if width <= 0:
            continue
        # The last line's CRLF, when the body ends with one, whatever that line's width.
        lines_end = end - 2 if raw.startswith(b"\r\n", end - 2) else end
        crs = raw[start + width : lines_end : width + 2]
        lfs = raw[start + width + 1 : lines_end : width + 2]
        text = 4 * ((attachment.size + 2) // 3)
        if (
            len(lfs) == len(crs)
            and lines_end - start == text + 2 * len(crs)
            and crs == b"\r" * len(crs)
            and lfs == b"\n" * len(lfs)
        ):
            found.append(span)
    found.sort()
    return found


# A character class after the CR rather than a lookahead: the regex engine checks it inline, one
# step less at each of a 200 kB mail's ~2,700 CRs (0.12 -> 0.11 ms, 1.94 -> 1.62 M instructions).
_CR_WITHOUT_LF = re.compile(rb"\r[^\n]")


def _reply(disposition: str, findings: list[str], message_ref: int) -> str:
    if disposition == "blocked":
        reasons = [_one_line(text) for text in findings] or ["the communication policy"]
        lines = [f"Not delivered: the message breaks the marketplace's policy ({len(reasons)})"]
        lines += reasons
        return "\r\n".join(
            f"550{' ' if index == len(lines) - 1 else '-'}5.7.1 {line[:400]}"
            for index, line in enumerate(lines)
        )
    if disposition == "bounced":
        return (
            f"250 2.0.0 Stored as message {message_ref}, not delivered: the buyer opted out of "
            "messages not needed for the order; a delivery status notice follows"
        )
    return f"250 2.0.0 Accepted as message {message_ref}"


# A seller picks the contact reason (policy.md §2) by a tag in the subject, as the web form's
# menu would: a structured choice, not a guess from words ("[reason:delivery_scheduling]").
_REASON_TAG = re.compile(r"\[\s*reason\s*:\s*([A-Za-z_-]*)\s*\]", re.IGNORECASE)


def _contact_reason(subject: str) -> tuple[str, str]:
    """(contact reason, subject without the tag); "other" when the subject names none."""
    found = _REASON_TAG.search(subject)
    if found is None:
        return "other", _one_line(subject)[:500]
    reason = found.group(1).lower().replace("-", "_")
    rest = subject[: found.start()] + subject[found.end() :]
    return reason, _one_line(rest)[:500]


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def auth_from_dict(data: dict[str, Any]) -> AuthResult:
    """Rebuild an AuthResult stored as JSON."""
    return AuthResult(**{**data, "dkim_domains": tuple(data.get("dkim_domains", ()))})
