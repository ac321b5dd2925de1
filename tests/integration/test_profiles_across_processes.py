"""Operator policy profiles written by one process reach the checks of another (SQLite and PG).

The checker's registry of profiles is per process; `gobetween serve --workers N`, the relay's
listener processes and `gobetween worker` are each a process. Here the profiles are written by a
separate Python process (profile_writer.py) and used by this one's platform, as a web worker
would use a profile the operator saved through another.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gobetween import policy
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.bootstrap import Platform, build_platform, load_settings
from gobetween.domain.errors import InvalidInput
from gobetween.policy import MessageContext
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.administration import (
    StoredProfiles,
    put_policy_profile,
    put_seller_policy,
    upsert_record,
)

HERE = Path(__file__).parent
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# 61 characters: over a limit of 20, well under the default 2,000.
TEXT = "Your parcel left our warehouse today and should arrive soon."
SHORT = {"limits": {"text_length": {"default": 20}}}
LONG = {"limits": {"text_length": {"default": 2000}}}


def unique(prefix: str) -> str:
    """A profile name no other test uses: the registry is shared by the whole test process."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def write_elsewhere(database_url: str, name: str, definition: dict[str, Any]) -> None:
    """Store a profile through `put_policy_profile` in another process."""
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "profile_writer.py"),
            database_url,
            name,
            json.dumps(definition),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    """This process's platform on a migrated database, with the production bound."""
    built = build_platform(
        load_settings(environ={"GOBETWEEN_DATABASE_URL": database_url}), clock=lambda: NOW
    )
    built.migrate()
    try:
        yield built
    finally:
        built.close()


def test_a_profile_stored_by_another_process_is_checked_with_at_once(
    platform: Platform, database_url: str
) -> None:
    name = unique("fresh")
    # This process has just looked, and its clock stands still: no look is due.
    stored = StoredProfiles(
        lambda: SqlAccessUnitOfWork(platform.read_engine),
        refresh_seconds=5.0,
        monotonic=lambda: 0.0,
    )
    stored.refresh_now()
    check = stored.checking(policy.check)
    with pytest.raises(InvalidInput, match="unknown profile"):
        policy.check(TEXT, MessageContext(profile=name))
    write_elsewhere(database_url, name, SHORT)
    verdict = check(TEXT, MessageContext(profile=name))
    assert (verdict.verdict, verdict.categories, verdict.policy_version) == (
        "block",
        ["length"],
        name,
    )
    # A name stored nowhere is still refused, after that one look, naming the field.
    with pytest.raises(InvalidInput) as refused:
        check(TEXT, MessageContext(profile=unique("never")))
    assert refused.value.field == "context.profile"


def test_an_edit_by_another_process_applies_after_the_bound_and_not_before(
    platform: Platform, database_url: str
) -> None:
    name = unique("edited")
    write_elsewhere(database_url, name, SHORT)
    now = [1000.0]
    stored = StoredProfiles(
        lambda: SqlAccessUnitOfWork(platform.read_engine),
        refresh_seconds=5.0,
        monotonic=lambda: now[0],
    )
    check = stored.checking(policy.check)
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"
    write_elsewhere(database_url, name, LONG)
    # Within the bound nothing is read: the edit is not seen yet.
    now[0] += 4.9
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"
    now[0] += 0.1
    assert check(TEXT, MessageContext(profile=name)).verdict == "allow"
    # And back: an edit made in the same clock second as the last one is still a change.
    write_elsewhere(database_url, name, SHORT)
    now[0] += 5.0
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"


def test_the_platforms_check_applies_an_edit_once_its_bound_passed(database_url: str) -> None:
    settings = load_settings(environ={"GOBETWEEN_DATABASE_URL": database_url})
    platform = build_platform(settings, clock=lambda: NOW, profile_refresh_seconds=0.2)
    try:
        platform.migrate()
        name = unique("bound")
        write_elsewhere(database_url, name, SHORT)
        assert platform.check_policy(TEXT, MessageContext(profile=name)).verdict == "block"
        write_elsewhere(database_url, name, LONG)  # takes longer than the bound
        assert platform.check_policy(TEXT, MessageContext(profile=name)).verdict == "allow"
    finally:
        platform.close()


def test_a_profile_extending_a_base_from_another_process_follows_the_bases_edits(
    platform: Platform, database_url: str
) -> None:
    base, child = unique("base"), unique("child")
    write_elsewhere(database_url, base, SHORT)
    # Written here, extending a base this process has never registered.
    put_policy_profile(
        child,
        {"extends": base, "allowed_link_domains": ["portal.shop.example"]},
        uow=SqlAccessUnitOfWork(platform.engine),
        clock=platform.clock,
    )
    assert platform.check_policy(TEXT, MessageContext(profile=child)).verdict == "block"
    write_elsewhere(database_url, base, LONG)
    # The base changed: the child, built on the old base, is built again with it.
    assert platform.stored_profiles.refresh_now()
    assert platform.check_policy(TEXT, MessageContext(profile=child)).verdict == "allow"


def test_a_seller_can_be_given_a_profile_stored_by_another_process(
    platform: Platform, database_url: str
) -> None:
    upsert_record(
        "seller",
        "s-far",
        {
            "display_name": "Far Away",
            "business_name": "Far Away Ltd",
            "customer_service_address": "service@far.example",
            "registered_addresses": ["owner@far.example"],
        },
        uow=SqlAccessUnitOfWork(platform.engine),
        clock=platform.clock,
    )
    name = unique("assigned")
    write_elsewhere(database_url, name, SHORT)
    stored = put_seller_policy(
        SellerPolicy("s-far", profile=name),
        uow=SqlAccessUnitOfWork(platform.engine),
        clock=platform.clock,
    )
    assert stored.profile == name
    with pytest.raises(InvalidInput) as refused:
        put_seller_policy(
            SellerPolicy("s-far", profile=unique("nowhere")),
            uow=SqlAccessUnitOfWork(platform.engine),
            clock=platform.clock,
        )
    assert refused.value.field == "profile"
    assert "neither built in nor stored" in refused.value.problem


def test_profiles_extending_each_other_in_a_cycle_are_refused(platform: Platform) -> None:
    first, second = unique("first"), unique("second")

    def put(name: str, extends: str) -> None:
        put_policy_profile(
            name,
            {"extends": extends},
            uow=SqlAccessUnitOfWork(platform.engine),
            clock=platform.clock,
        )

    put(first, "amazon")
    put(second, first)
    with pytest.raises(InvalidInput) as refused:
        put(first, second)
    assert refused.value.field == "profile.extends"
    assert "cycle" in refused.value.problem
    with pytest.raises(InvalidInput, match="cycle"):
        put(first, first)


def test_on_sqlite_the_look_never_waits_for_the_write_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gobetween.db'}"
    platform = build_platform(load_settings(environ={"GOBETWEEN_DATABASE_URL": url}))
    try:
        platform.migrate()
        name = unique("locked")
        write_elsewhere(url, name, SHORT)
        looked = threading.Event()
        verdicts: list[str] = []
        # A writer of this process holds the write lock (as the relay's group commit does)
        # while the check looks for a profile it does not know.
        with platform.engine.begin() as writer:
            writer.exec_driver_sql("UPDATE policy_profiles SET updated_at = updated_at")

            def check() -> None:
                verdicts.append(platform.check_policy(TEXT, MessageContext(profile=name)).verdict)
                looked.set()

            thread = threading.Thread(target=check)
            thread.start()
            # SQLite's busy timeout is 30 s: a look that waited for the lock would not be done.
            assert looked.wait(10), "the look waited for the write lock"
            thread.join()
        assert verdicts == ["block"]
    finally:
        platform.close()
