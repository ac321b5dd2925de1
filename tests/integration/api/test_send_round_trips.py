"""The statements of a seller's API send, and what its locking read now reads with the thread.

A send on PostgreSQL waits for every round trip (and for the GIL after each answer), so the send's
statements are counted here: the send facts carry the seller's settings (policy profile, essential
link domains, daily limit overrides), and on PostgreSQL the thread's locking read also takes the
case hooks' glance (the newest case's state, whether the seller's webhooks are listened to), so no
statement reads either apart. BEGIN and COMMIT are not counted (they are not statements of the
code). Both must still take effect on every send, on both databases and on both of the send's paths
(an order's first message, a thread's next one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from api_world import ANNA_ORDER, BEN_ORDER, NOW, World
from sqlalchemy import Engine, func, select, update

from gobetween.adapters.attachment_folder import FolderBlobStore
from gobetween.adapters.db import case_tables as ct
from gobetween.adapters.db import tables as t
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.domain.parties import Buyer
from gobetween.policy import Finding, MessageContext, SystemFacts, Verdict
from gobetween.services import webhooks
from gobetween.services.access import Principal
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.messaging import (
    MessagingLimits,
    PolicyCheck,
    SendSellerMessage,
    send_seller_draft,
)
from gobetween.services.ports import OrderParties
from gobetween.services.sending import Draft, Sending, send_message


@pytest.fixture
def statements(world: World, record_statements: Callable[[Engine], list[str]]) -> list[str]:
    """The SQL of every statement run, through `execute` or on the driver's cursor."""
    return record_statements(world.platform.engine)


def _kinds(seen: list[str]) -> list[str]:
    """Each statement as its verb and the first table it reads or the table it writes."""
    kinds = []
    for sql in seen:
        words = sql.split()
        verb = words[0]
        if verb == "WITH":
            kinds.append("WITH " + words[1])
        elif verb == "SELECT":
            table = words[words.index("FROM") + 1] if "FROM" in words else ""
            kinds.append(f"SELECT {table}".strip())
        elif verb in ("INSERT", "UPDATE"):
            kinds.append(f"{verb} {words[2] if verb == 'INSERT' else words[1]}")
        else:
            kinds.append(verb)
    return kinds


def _reader_of_english(world: World) -> None:
    # The buyer reads the message's language: the verdict has no findings, as in the usual send.
    with SqlAccessUnitOfWork(world.platform.engine) as uow:
        uow.buyers.upsert(Buyer("b-mira", "Mira Keller", "mira@mail.example", "en"), now=NOW)
        uow.commit()


ADDRESS = "Your shipping address is missing the apartment number. Could you add it?"


def test_statements_of_a_sellers_send_on_a_thread(world: World, statements: list[str]) -> None:
    _reader_of_english(world)
    asked = world.send("mira", ANNA_ORDER, text="Hello, is my ring engraved yet?")
    assert asked.status_code == 201, asked.text
    world.send("anna", ANNA_ORDER, text=ADDRESS, contact_reason="address_issue")  # its token read
    statements.clear()
    again = world.send("anna", ANNA_ORDER, text=ADDRESS, contact_reason="address_issue")
    assert again.status_code == 201, again.text
    assert again.json()["disposition"] == "delivered"
    assert again.json()["verdict"]["findings"] == []
    kinds = _kinds(statements)
    if world.platform.engine.dialect.name == "postgresql":
        # The order, parties, thread lock and send facts (the seller's settings and the case
        # glance among them); the message, head move and delivery; the answer to the clocks.
        assert kinds == ["WITH h", "WITH moved", "WITH touched"]
    else:
        # SQLite's separate reads (in process, no round trips): the order with its parties, the
        # thread, the send facts with the seller's settings, the case glance; then the writes.
        assert kinds == [
            "SELECT orders",
            "SELECT threads",
            "SELECT messages",
            "SELECT cases",
            "INSERT messages",
            "UPDATE threads",
            "INSERT outbox",
            "UPDATE cases",
            "UPDATE response_clocks",
        ]


ALLOW = Verdict(verdict="allow", language="en")
# What a policy block answers: the case hooks then announce `message.blocked`.
BLOCK = Verdict(
    verdict="block",
    findings=(Finding("contact_info", "email", "block", (0, 1), "An address."),),
    language="en",
)


@dataclass
class RecordingCheck:
    """A policy check that answers `verdict` to everything and keeps what it was asked with."""

    verdict: Verdict = ALLOW
    seen: list[tuple[MessageContext, SystemFacts | None]] = field(default_factory=list)

    def __call__(
        self,
        text: str,
        context: MessageContext,
        *,
        subject: str | None = None,
        facts: SystemFacts | None = None,
    ) -> Verdict:
        self.seen.append((context, facts))
        return self.verdict


def _sending(world: World, check: RecordingCheck, tmp_path: Path) -> Sending:
    engine = world.platform.engine
    return Sending(
        uow_factory=lambda: SqlAccessUnitOfWork(engine),
        blobs=FolderBlobStore(tmp_path / "blobs"),
        clock=world.clock,
        limits=world.platform.messaging_limits,
        check_policy=check,
    )


def _set_policy(world: World, policy: SellerPolicy) -> None:
    with SqlAccessUnitOfWork(world.platform.engine) as uow:
        uow.access.seller_policies.upsert(policy, now=NOW)
        uow.commit()


def _send(sending: Sending, check: RecordingCheck) -> tuple[MessageContext, SystemFacts]:
    draft = Draft(BEN_ORDER, text="It arrives on Monday.", contact_reason="other")
    outcome = send_message(draft, sender=Principal("seller", seller_id="s-ben"), sending=sending)
    assert outcome.result.disposition == "delivered"
    context, facts = check.seen[-1]
    assert facts is not None
    return context, facts


# Ben has one order in the last 7 days (BEN_ORDER); the marketplace's limit is 600 + 5 x 1 // 7.
MARKETPLACE_LIMIT = 600


def test_the_sellers_settings_judge_its_first_message_and_each_next_one(
    world: World, tmp_path: Path
) -> None:
    check = RecordingCheck()
    sending = _sending(world, check, tmp_path)
    _set_policy(world, SellerPolicy("s-ben", "strict-shop", ("shop.ben.example",), 3, 14))
    # The order's first message: the facts read apart from the thread's creation and lock.
    context, facts = _send(sending, check)
    assert context.profile == "strict-shop"
    assert "shop.ben.example" in context.allowed_link_domains
    assert facts.daily_limit == 3 + 14 * 1 // 7
    # The thread's next message: on PostgreSQL the facts come with the thread's locking read.
    _set_policy(world, SellerPolicy("s-ben", "amazon", ("ben.example", "b.example"), 10, None))
    context, facts = _send(sending, check)
    assert context.profile == "amazon"
    assert {"ben.example", "b.example"} <= set(context.allowed_link_domains)
    assert "shop.ben.example" not in context.allowed_link_domains
    assert facts.daily_limit == 10 + 5 * 1 // 7
    _set_policy(world, SellerPolicy("s-ben", "lenient", (), None, 70))
    context, facts = _send(sending, check)
    assert context.profile == "lenient"
    assert not {"ben.example", "b.example"} & set(context.allowed_link_domains)
    assert facts.daily_limit == 600 + 70 * 1 // 7


def test_a_seller_without_settings_gets_the_marketplaces(world: World, tmp_path: Path) -> None:
    check = RecordingCheck()
    sending = _sending(world, check, tmp_path)
    for _ in range(2):  # the first message, then the thread's next
        context, facts = _send(sending, check)
        assert context.profile == world.platform.messaging_limits.policy_profile
        assert context.allowed_link_domains == ()
        assert facts.daily_limit == MARKETPLACE_LIMIT
    # Another seller's settings are not this seller's.
    _set_policy(world, SellerPolicy("s-anna", "strict-shop", ("anna.example",), 0, 1))
    context, facts = _send(sending, check)
    assert context.profile == world.platform.messaging_limits.policy_profile
    assert context.allowed_link_domains == ()
    assert facts.daily_limit == MARKETPLACE_LIMIT


def test_a_sellers_link_domain_is_allowed_on_a_thread_through_the_api(world: World) -> None:
    text = "Please upload your design at https://designs.anna.example/order so we can start."
    first = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization").json()
    assert "external_link" in first["verdict"]["categories"]
    put = world.put(
        "operator",
        "/operator/sellers/s-anna/policy",
        json={"allowed_link_domains": ["designs.anna.example"]},
    )
    assert put.status_code == 200, put.text
    allowed = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization").json()
    assert "external_link" not in allowed["verdict"]["categories"]
    world.put("operator", "/operator/sellers/s-anna/policy", json={"allowed_link_domains": []})
    again = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization").json()
    assert "external_link" in again["verdict"]["categories"]


def _anna_sends(sending: Sending, check: RecordingCheck, text: str = ADDRESS) -> SystemFacts:
    draft = Draft(ANNA_ORDER, text=text, contact_reason="address_issue")
    send_message(draft, sender=Principal("seller", seller_id="s-anna"), sending=sending)
    facts = check.seen[-1][1]
    assert facts is not None
    return facts


def _set_case_state(world: World, state: str) -> None:
    with world.platform.engine.begin() as connection:
        connection.execute(update(ct.cases).values(state=state))


def test_the_threads_case_state_reaches_each_send(world: World, tmp_path: Path) -> None:
    check = RecordingCheck()
    sending = _sending(world, check, tmp_path)
    assert _anna_sends(sending, check).case_state is None  # the order's first message, no case
    asked = world.send("mira", ANNA_ORDER, text="Hello, is my ring engraved yet?")
    assert asked.status_code == 201, asked.text
    # The thread's next messages: on PostgreSQL the state comes with the thread's locking read.
    assert _anna_sends(sending, check).case_state == "opened"
    _set_case_state(world, "resolved")
    assert _anna_sends(sending, check).case_state == "resolved"
    _set_case_state(world, "closed")
    assert _anna_sends(sending, check).case_state == "closed"


def _announced(world: World) -> list[str]:
    with world.platform.engine.connect() as connection:
        payloads = connection.execute(
            select(t.outbox.c.payload)
            .where(t.outbox.c.kind == webhooks.OUTBOX_KIND)
            .order_by(t.outbox.c.id)
        ).scalars()
        return [payload["event"]["type"] for payload in payloads]


def test_a_blocked_send_is_announced_only_while_someone_listens(
    world: World, tmp_path: Path
) -> None:
    check = RecordingCheck(BLOCK)
    sending = _sending(world, check, tmp_path)
    _anna_sends(sending, check)  # the thread
    _anna_sends(sending, check)
    assert _announced(world) == []
    with SqlAccessUnitOfWork(world.platform.engine) as uow:
        webhooks.subscribe(
            uow=uow,
            url="https://anna.example/h",
            events=["message.blocked"],
            now=NOW,
            seller_id="s-anna",
        )
        uow.commit()
    _anna_sends(sending, check)
    assert _announced(world) == ["message.blocked"]


def test_settings_that_would_move_the_facts_window_are_refused(
    world: World, tmp_path: Path
) -> None:
    # The facts counted the orders of the marketplace's window before the settings were known.
    limits = world.platform.messaging_limits
    check = RecordingCheck()

    def compose(parties: OrderParties) -> SendSellerMessage:
        return SendSellerMessage(BEN_ORDER, "s-ben", "Your order", "It arrives.", "other", "api")

    def for_seller(policy: SellerPolicy | None) -> tuple[MessagingLimits, PolicyCheck]:
        return replace(limits, daily_limit_days=limits.daily_limit_days + 1), check

    def refused() -> None:
        with (
            SqlAccessUnitOfWork(world.platform.engine) as uow,
            pytest.raises(ValueError, match="window"),
        ):
            send_seller_draft(
                BEN_ORDER,
                "s-ben",
                compose,
                uow=uow,
                check_policy=check,
                clock=world.clock,
                limits=limits,
                for_seller=for_seller,
            )

    refused()  # the order's first message
    _send(_sending(world, check, tmp_path), check)
    refused()  # the thread's next (on PostgreSQL, after its locking read)
    assert len(check.seen) == 1
    with world.platform.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.messages)).scalar_one() == 1
