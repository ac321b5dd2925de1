"""StoredProfiles with a hand-written store: when it looks, what it builds again, what it survives.

Across processes, on real databases: tests/integration/test_profiles_across_processes.py
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import pytest

from gobetween import policy
from gobetween.domain.errors import InvalidInput
from gobetween.policy import MessageContext, SystemFacts, Verdict
from gobetween.policy.profiles import get_profile
from gobetween.services.administration import StoredProfiles, register_stored_profiles

TEXT = "Your parcel left our warehouse today and should arrive soon."
START = datetime(2026, 11, 26, tzinfo=UTC)


@dataclass
class FakeProfiles:
    """The seller-policy repository's profile methods over a dict; counts what is read."""

    rows: dict[str, tuple[dict[str, object], datetime]] = field(default_factory=dict)
    version_reads: int = 0
    definition_reads: int = 0
    broken: bool = False

    def put(self, definition: dict[str, Any]) -> None:
        self.rows[definition["name"]] = (definition, START + timedelta(seconds=len(self.rows) + 1))

    def touch(self, name: str, definition: dict[str, Any]) -> None:
        _, when = self.rows[name]
        self.rows[name] = (definition, when + timedelta(microseconds=1))

    def profile_versions(self) -> dict[str, datetime]:
        if self.broken:
            raise ConnectionError("server closed the connection unexpectedly\nmore detail")
        self.version_reads += 1
        return {name: when for name, (_, when) in self.rows.items()}

    def all_profiles(self) -> list[dict[str, object]]:
        self.definition_reads += 1
        return [dict(definition) for definition, _ in self.rows.values()]


@dataclass
class FakeAccess:
    seller_policies: FakeProfiles


class FakeReadUnitOfWork:
    def __init__(self, profiles: FakeProfiles) -> None:
        self.access = FakeAccess(profiles)

    def __enter__(self) -> FakeReadUnitOfWork:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def limit(name: str, characters: int, **more: Any) -> dict[str, Any]:
    return {"name": name, "limits": {"text_length": {"default": characters}}, **more}


def synced(profiles: FakeProfiles, clock: Clock) -> tuple[StoredProfiles, Any]:
    stored = StoredProfiles(
        lambda: FakeReadUnitOfWork(profiles),  # type: ignore[arg-type, return-value]
        refresh_seconds=5.0,
        monotonic=clock,
    )
    return stored, stored.checking(policy.check)


def test_checks_with_the_built_in_profile_never_look() -> None:
    profiles, clock = FakeProfiles(), Clock()
    _, check = synced(profiles, clock)
    for _ in range(3):
        clock.now += 60
        assert check(TEXT, MessageContext()).verdict == "allow"
    assert profiles.version_reads == 0


def test_one_look_per_bound_and_definitions_read_only_when_something_changed() -> None:
    name = unique("shop")
    profiles, clock = FakeProfiles(), Clock()
    profiles.put(limit(name, 20))
    _, check = synced(profiles, clock)
    context = MessageContext(profile=name)
    assert check(TEXT, context).verdict == "block"
    for _ in range(10):
        clock.now += 0.4
        check(TEXT, context)
    assert (profiles.version_reads, profiles.definition_reads) == (1, 1)
    clock.now += 1.0  # 5.0 s after the first look
    check(TEXT, context)
    assert (profiles.version_reads, profiles.definition_reads) == (2, 1)
    profiles.touch(name, limit(name, 2000))
    clock.now += 5.0
    assert check(TEXT, context).verdict == "allow"
    assert (profiles.version_reads, profiles.definition_reads) == (3, 2)


def test_only_the_changed_profile_and_those_extending_it_are_built_again() -> None:
    base, child, other = unique("base"), unique("child"), unique("other")
    profiles, clock = FakeProfiles(), Clock()
    # Stored child first: bases must be registered before the profiles extending them.
    profiles.put({"name": child, "extends": base})
    profiles.put(limit(base, 20))
    profiles.put(limit(other, 20))
    stored, check = synced(profiles, clock)
    assert stored.refresh_now()
    assert check(TEXT, MessageContext(profile=child)).verdict == "block"  # the base's limit
    before_other = get_profile(other)
    profiles.touch(base, limit(base, 2000))
    assert stored.refresh_now()
    assert check(TEXT, MessageContext(profile=child)).verdict == "allow"
    assert get_profile(other) is before_other
    assert not stored.refresh_now()  # nothing changed since


def test_an_unknown_name_reads_at_once_and_is_refused_when_stored_nowhere() -> None:
    name = unique("new")
    profiles, clock = FakeProfiles(), Clock()
    stored, check = synced(profiles, clock)
    stored.refresh_now()
    profiles.put(limit(name, 20))
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"
    with pytest.raises(InvalidInput) as refused:
        check(TEXT, MessageContext(profile=unique("missing")))
    assert refused.value.field == "context.profile"


def test_a_failed_look_keeps_the_profiles_and_is_tried_again_after_the_bound(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = unique("kept")
    profiles, clock = FakeProfiles(), Clock()
    profiles.put(limit(name, 20))
    _, check = synced(profiles, clock)
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"
    profiles.broken = True
    clock.now += 5.0
    assert check(TEXT, MessageContext(profile=name)).verdict == "block"
    assert "cannot read the stored ones: server closed the connection unexpectedly" in caplog.text
    assert "more detail" not in caplog.text
    profiles.broken = False
    profiles.touch(name, limit(name, 2000))
    clock.now += 5.0
    assert check(TEXT, MessageContext(profile=name)).verdict == "allow"


def test_a_stored_profile_the_parser_refuses_is_left_out_and_the_others_register(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad, good = unique("bad"), unique("good")
    profiles = FakeProfiles()
    profiles.put({"name": bad, "limts": {}})
    profiles.put(limit(good, 20))
    uow = FakeReadUnitOfWork(profiles)
    assert register_stored_profiles(uow=uow) == 1  # type: ignore[arg-type]
    assert get_profile(good).limits.length_limit("other") == 20
    assert f"policy profile {bad!r} is not registered: profile.limts" in caplog.text


def test_a_wrapped_check_passes_subject_and_facts_through() -> None:
    seen: list[tuple[str | None, SystemFacts | None]] = []
    verdict = policy.check(TEXT, MessageContext())

    def fake(
        text: str,
        context: MessageContext,
        *,
        subject: str | None = None,
        facts: SystemFacts | None = None,
    ) -> Verdict:
        seen.append((subject, facts))
        return verdict

    stored, _ = synced(FakeProfiles(), Clock())
    facts = SystemFacts()
    assert stored.checking(fake)(TEXT, MessageContext(), subject="Hi", facts=facts) is verdict
    assert seen == [("Hi", facts)]
