"""Turns outbox rows into the signed mail the transport sends, once per delivery key.

The first composition of a row is stored (relay_outbound) and every retry sends exactly those
bytes: same Message-ID, same signature, so a receiver that saw a lost-ack copy can deduplicate,
and the evidence holds what the recipient got.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from gobetween.adapters.db import repositories as repos
from gobetween.adapters.db.outbox_repository import SqlOutboxRepository
from gobetween.adapters.db.relay_repository import MessageToSend, SqlRelayRepository
from gobetween.adapters.mail.compose import compose_delivery
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.dsn import DeliveryFailure, build_dsn, headers_of
from gobetween.adapters.mail.outbound import (
    WIRE_POLICY,
    Letter,
    compose,
    decode_wire_lines,
    new_message_id,
    sign,
)
from gobetween.adapters.mail.parse import MailAttachment
from gobetween.domain.aliases import AliasSide
from gobetween.domain.parties import Buyer, Seller
from gobetween.services.ports import Clock, OutboundMail, OutboxItem

log = logging.getLogger(__name__)

# How many earlier messages of the thread the References header names.
MAX_REFERENCES = 10
# How long one of prepare's transactions keeps taking mails (see OutboxMail.prepare).
PREPARE_TRANSACTION_SECONDS = 0.05
# The core's delivery keys for messages: message-<id>-<recipient side>.
_MESSAGE_KEY = re.compile(r"message-(\d+)-(buyer|seller)")


@dataclass(frozen=True, slots=True)
class _Pair:
    seller: Seller
    buyer: Buyer
    seller_alias: str
    buyer_alias: str

    def alias_of(self, side: AliasSide) -> str:
        return self.seller_alias if side == "seller" else self.buyer_alias

    def replacements(self) -> dict[str, str]:
        """Each real address of either party mapped to the alias that stands for it."""
        mapping = {self.buyer.email.lower(): self.buyer_alias}
        for address in (
            *self.seller.sending_addresses,
            self.seller.customer_service_address,
        ):
            mapping[address.lower()] = self.seller_alias
        return mapping


class OutboxMail:
    """The delivery worker's composer: `compose(item) -> OutboundMail` for every outbox kind."""

    def __init__(
        self, *, engine: Engine, alias_domain: str, key: DkimKey | None, clock: Clock
    ) -> None:
        self.engine = engine
        self.alias_domain = alias_domain.lower()
        self.key = key
        self.clock = clock
        # Mails `prepare` stored for the batch this thread is delivering, by delivery key.
        self._prepared = threading.local()

    @property
    def bounce_address(self) -> str:
        """Envelope sender of relayed mail: on our domain, so SPF aligns with the From alias."""
        return f"bounces@{self.alias_domain}"

    def __call__(self, item: OutboxItem) -> OutboundMail:
        prepared: dict[str, tuple[str, str, bytes]] = getattr(self._prepared, "mails", {})
        stored = prepared.pop(item.delivery_key, None)
        if stored is None:
            now = self.clock().astimezone(UTC)
            with self.engine.begin() as connection:
                stored = self._stored_or_composed(SqlRelayRepository(connection), item, now)
        _, sender, data = stored
        return OutboundMail(
            delivery_key=item.delivery_key, sender=sender, recipient=item.recipient, data=data
        )

    def prepare(self, items: Sequence[OutboxItem]) -> None:
        """Compose and store the mails of a claimed batch, several to a transaction.

        One commit for many mails instead of one each (on SQLite each is a sync to disk). A
        transaction takes no new mail once it has been open for PREPARE_TRANSACTION_SECONDS:
        on SQLite it holds the database's write lock, which the relay, the API and the other
        workers wait for, and a 200 kB mail takes tens of milliseconds to compose. The calls
        for these items that follow, in this thread, return what was stored here. An item that
        cannot be composed is left out (its own savepoint is rolled back): its call composes
        it again and raises, and the worker handles that as it handles any such row.
        """
        self._prepared.mails = {}
        remaining = list(items)
        while remaining:
            now = self.clock().astimezone(UTC)
            opened = time.monotonic()
            mails: dict[str, tuple[str, str, bytes]] = {}
            with self.engine.begin() as connection:
                repo = SqlRelayRepository(connection)
                # At least one mail per transaction, however short the limit.
                while remaining:
                    item = remaining.pop(0)
                    try:
                        with connection.begin_nested():
                            mails[item.delivery_key] = self._stored_or_composed(repo, item, now)
                    except Exception:
                        log.debug("outbox %s: left to be composed alone", item.id, exc_info=True)
                    if time.monotonic() - opened >= PREPARE_TRANSACTION_SECONDS:
                        break
            # Kept only once committed: what the calls return is always what is stored.
            self._prepared.mails.update(mails)

    def _stored_or_composed(
        self, repo: SqlRelayRepository, item: OutboxItem, now: datetime
    ) -> tuple[str, str, bytes]:
        stored = repo.find_outbound(item.delivery_key)
        if stored is None:
            header_id, sender, data = self._compose(repo, item, now)
            stored = repo.keep_outbound(
                item.delivery_key, header_id=header_id, sender=sender, data=data, now=now
            )
        return stored

    def _compose(
        self, repo: SqlRelayRepository, item: OutboxItem, now: datetime
    ) -> tuple[str, str, bytes]:
        if item.kind == "message" and item.message_id is not None:
            return self._message(repo, item)
        if item.kind == "bounce_notice" and item.message_id is not None:
            return self._opt_out_dsn(repo, item, now)
        if item.kind == "delivery_failure":
            return self._failure_dsn(item, now)
        if item.kind == "relay_hold":
            return self._hold_notice(item, now)
        # Kinds the relay does not know (added by other features) keep their own composer.
        mail = compose_delivery(item, alias_domain=self.alias_domain)
        data = sign(mail.data, self.key) if self.key is not None else mail.data
        return "", mail.sender, data

    # A message between the parties ---------------------------------------------------------

    def _message(self, repo: SqlRelayRepository, item: OutboxItem) -> tuple[str, str, bytes]:
        assert item.message_id is not None
        record = repo.message_to_send(item.message_id)
        pair = self._pair(repo, record)
        recipient_side: AliasSide = "buyer" if record.direction == "seller_to_buyer" else "seller"
        sender_side: AliasSide = "seller" if recipient_side == "buyer" else "buyer"
        header_id = repo.header_for(item.message_id, recipient_side) or repo.remember_header(
            item.message_id, recipient_side, new_message_id(self.alias_domain)
        )
        # The recipient's Message-IDs of the thread's latest earlier messages, oldest first.
        earlier = repo.earlier_headers(record.thread_id, record.seq, recipient_side, MAX_REFERENCES)
        known = list(reversed(earlier))
        attachments: list[MailAttachment] = []
        missing: list[str] = []
        # Base64 bodies the attachments arrived in, which compose sends as they are.
        arrived: dict[str, bytes] = {}
        for meta in record.attachments:
            kept = repo.kept_attachment(meta.sha256)
            if kept is None:
                missing.append(meta.filename)
                continue
            lines: bytes | None = None
            if kept.data is not None:
                data = kept.data
            else:
                assert kept.base64_body is not None
                data, lines = decode_wire_lines(kept.base64_body)
            attachment = MailAttachment(meta.filename, meta.content_type, data)
            # The bytes may come from a raw mail's row, which is not append-only: what is sent
            # must be what the message's record names.
            if attachment.sha256 != meta.sha256:
                raise ValueError(f"the stored bytes of attachment {meta.sha256} have changed")
            attachments.append(attachment)
            if lines is not None:
                arrived[meta.sha256] = lines
        text = record.body
        if missing:
            text += "\n\nAttachments in the message center: " + ", ".join(missing)
        payload_name = str(item.payload.get("from_name") or "")
        sender_name = payload_name or (
            pair.seller.display_name if sender_side == "seller" else pair.buyer.first_name
        )
        letter = Letter(
            sender_alias=pair.alias_of(sender_side),
            sender_name=sender_name,
            recipient=item.recipient,
            subject=record.subject or f"Message about order {item.payload.get('order_id', '')}",
            text=text,
            date=record.created_at,
            message_id=header_id,
            in_reply_to=known[-1] if known else None,
            references=tuple(known[-MAX_REFERENCES:]),
            attachments=tuple(attachments),
            attachment_lines=arrived,
        )
        data = compose(letter, replacements=pair.replacements(), key=self.key)
        return header_id, self.bounce_address, data

    def _pair(self, repo: SqlRelayRepository, record: MessageToSend) -> _Pair:
        pair = repo.pair_of_thread(record.thread_id)
        if pair is None:
            raise LookupError(
                f"the thread {record.thread_id} of message {record.id}, its parties or its"
                " aliases are missing"
            )
        return _Pair(
            seller=pair.seller,
            buyer=pair.buyer,
            seller_alias=pair.seller_alias.address(self.alias_domain),
            buyer_alias=pair.buyer_alias.address(self.alias_domain),
        )

    # Notices to a sender --------------------------------------------------------------------

    def _opt_out_dsn(
        self, repo: SqlRelayRepository, item: OutboxItem, now: datetime
    ) -> tuple[str, str, bytes]:
        assert item.message_id is not None
        record = repo.message_to_send(item.message_id)
        buyer_alias = f"{item.payload.get('buyer_alias', '')}@{self.alias_domain}"
        original = _original_headers(record, to=buyer_alias)
        failure = DeliveryFailure(
            notify=item.recipient,
            final_recipient=buyer_alias,
            original_headers=original,
            status="5.7.1",
            diagnostic="550 5.7.1 The buyer has opted out of messages not needed for the order",
            explanation=(
                f"Your message about order {item.payload.get('order_id', '')} was not delivered:\n"
                "the buyer has opted out of messages that are not needed to complete the order.\n\n"
                "Messages needed for the order (customization, delivery scheduling, address\n"
                "issues, unexpected problems, legal disclosures) are still delivered.\n"
                "You can turn these notices off under Settings > Notifications > Messaging."
            ),
            arrival=record.created_at,
            original_message_id=repo.header_for(item.message_id, "seller"),
        )
        return self._signed_dsn(failure, now)

    def _failure_dsn(self, item: OutboxItem, now: datetime) -> tuple[str, str, bytes]:
        payload = item.payload
        failure = DeliveryFailure(
            notify=item.recipient,
            final_recipient=str(payload["final_recipient"]),
            original_headers=str(payload.get("original_headers", "")).encode("utf-8"),
            status=str(payload.get("status", "5.0.0")),
            diagnostic=str(payload.get("diagnostic", "")),
            explanation=(
                f"Your message to {payload['final_recipient']} could not be delivered.\n"
                f"The receiving mail server answered: {payload.get('diagnostic', '')}"
            ),
            arrival=datetime.fromisoformat(str(payload.get("arrival", now.isoformat()))),
            original_message_id=payload.get("original_message_id") or None,
        )
        return self._signed_dsn(failure, now)

    def _signed_dsn(self, failure: DeliveryFailure, now: datetime) -> tuple[str, str, bytes]:
        data = build_dsn(failure, reporting_domain=self.alias_domain, now=now)
        header_id = _header(data, "Message-ID")
        # A DSN goes with the null return path: nothing can bounce back from it.
        return header_id, "", sign(data, self.key) if self.key is not None else data

    def _hold_notice(self, item: OutboxItem, now: datetime) -> tuple[str, str, bytes]:
        payload = item.payload
        message = EmailMessage(policy=WIRE_POLICY)
        message["From"] = f"Marketplace messaging <postmaster@{self.alias_domain}>"
        message["To"] = item.recipient
        message["Subject"] = "Your mail was held: sender not authenticated"
        message["Date"] = format_datetime(now)
        header_id = new_message_id(self.alias_domain)
        message["Message-ID"] = header_id
        message["Auto-Submitted"] = "auto-replied"
        message.set_content(
            f"A mail from {payload.get('from')} to {payload.get('alias')} "
            f"(subject: {payload.get('subject', '')}) was held and not delivered,\n"
            f"because its sender could not be authenticated: {payload.get('reason', '')}.\n\n"
            "If you sent it, ask the marketplace to release it with this code:\n\n"
            f"    {payload.get('release_code', '')}\n\n"
            "If you did not send it, someone used your address; nothing was delivered.\n"
        )
        data = message.as_bytes(policy=WIRE_POLICY)
        return header_id, "", sign(data, self.key) if self.key is not None else data


class FailureNotices:
    """Queues one RFC 3464 notice per failed message to its sender's registered address.

    The SMTP transport calls it on a permanent failure (5xx), before reporting the failure.
    """

    def __init__(self, *, engine: Engine, alias_domain: str, clock: Clock) -> None:
        self.engine = engine
        self.alias_domain = alias_domain.lower()
        self.clock = clock

    def __call__(self, mail: OutboundMail, diagnostic: str) -> None:
        matched = _MESSAGE_KEY.fullmatch(mail.delivery_key)
        if matched is None or not mail.sender:
            # Only messages between the parties are reported; never a notice about a notice.
            return
        try:
            self._queue(int(matched.group(1)), mail.delivery_key, diagnostic)
        except IntegrityError:
            log.info("a failure notice for %s is queued already", mail.delivery_key)

    def _queue(self, message_id: int, delivery_key: str, diagnostic: str) -> None:
        now = self.clock().astimezone(UTC)
        with self.engine.begin() as connection:
            relay = SqlRelayRepository(connection)
            record = relay.message_to_send(message_id)
            thread = repos.SqlThreadRepository(connection).find(record.thread_id)
            if thread is None:
                return
            aliases = repos.SqlAliasRepository(connection)
            if record.direction == "seller_to_buyer":
                seller = repos.SqlSellerRepository(connection).find(thread.seller_id)
                if seller is None:
                    return
                notify = (seller.registered_addresses or (seller.customer_service_address,))[0]
                alias = aliases.for_pair(thread.buyer_id, thread.seller_id, "buyer")
                sender_side: AliasSide = "seller"
            else:
                buyer = repos.SqlBuyerRepository(connection).find(thread.buyer_id)
                if buyer is None:
                    return
                notify = buyer.email
                alias = aliases.for_pair(thread.buyer_id, thread.seller_id, "seller")
                sender_side = "buyer"
            if alias is None:
                return
            final_recipient = alias.address(self.alias_domain)
            code = diagnostic.split(" ", 1)[0]
            status = _enhanced_status(diagnostic) or (
                f"{code[0]}.0.0" if code[:1] in "45" else "5.0.0"
            )
            SqlOutboxRepository(connection).add(
                OutboxItem(
                    kind="delivery_failure",
                    recipient=notify,
                    # At most one notice per failed delivery (relay-notes.md, Bounce generation).
                    delivery_key=f"dsn-{delivery_key}",
                    message_id=message_id,
                    payload={
                        "final_recipient": final_recipient,
                        "original_headers": _original_headers(record, to=final_recipient).decode(
                            "ascii"
                        ),
                        "status": status,
                        "diagnostic": diagnostic[:500],
                        "arrival": record.created_at.astimezone(UTC).isoformat(),
                        "original_message_id": relay.header_for(message_id, sender_side),
                    },
                ),
                now=now,
            )


def _original_headers(record: MessageToSend, *, to: str) -> bytes:
    """The headers of the undelivered message that a delivery status notice quotes."""
    headers = EmailMessage(policy=WIRE_POLICY)
    headers["To"] = to
    headers["Subject"] = " ".join(record.subject.split())
    headers["Date"] = format_datetime(record.created_at.astimezone(UTC))
    return headers_of(headers.as_bytes(policy=WIRE_POLICY))


def _enhanced_status(diagnostic: str) -> str | None:
    found = re.search(r"\b([245]\.\d{1,3}\.\d{1,3})\b", diagnostic)
    return found.group(1) if found else None


def _header(data: bytes, name: str) -> str:
    prefix = name.lower().encode("ascii") + b":"
    for line in data.split(b"\r\n"):
        if not line:
            break
        if line.lower().startswith(prefix):
            return line[len(prefix) :].strip().decode("ascii", "replace")
    return ""
