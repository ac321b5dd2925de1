"""The operator's work through the API: upsert sellers, buyers and orders, configure policy.

Records go through exactly the validation and writing of `gobetween import` (one JSON Lines record
read by `import_files.read_records`, written by `importing.import_records`), so the API and the
import can never disagree about what a valid order is.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller
from gobetween.policy import MessageContext, SystemFacts, Verdict
from gobetween.policy.profiles import (
    DEFAULT_PROFILE,
    get_profile,
    profile_from_mapping,
    register_profile,
)
from gobetween.services.access_ports import AccessUnitOfWork, SellerPolicy
from gobetween.services.import_files import ImportRejectedError, read_records
from gobetween.services.importing import import_records
from gobetween.services.messaging import PolicyCheck
from gobetween.services.ports import Clock

log = logging.getLogger(__name__)

RecordKind = Literal["seller", "buyer", "order"]
_DOMAIN: Final = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_PROFILE_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_LINK_DOMAINS: Final = 50
# How stale a process's operator profiles may be: another process's edit is applied by this one's
# checks at most this long after it was committed (a name never seen is looked up at once).
PROFILE_REFRESH_SECONDS: Final = 5.0
# The field `get_profile` names when a check's context asks for a profile it does not know.
_UNKNOWN_PROFILE_FIELD: Final = "context.profile"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Whether the record was new, and the record as stored."""

    created: bool
    record: Seller | Buyer | Order


class RecordRejectedError(GobetweenError):
    """A record failed the import's validation; `field` and `problem` say what is wrong."""

    def __init__(self, field: str, problem: str, problems: Sequence[str]) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.problems = tuple(problems)


def upsert_record(
    kind: RecordKind,
    record_id: str,
    data: Mapping[str, Any],
    *,
    uow: AccessUnitOfWork,
    clock: Clock,
) -> UpsertResult:
    """Create or update one seller, buyer or order, validated as `gobetween import` validates."""
    if "id" in data and data["id"] != record_id:
        raise InvalidInput("id", f"must match the id in the path ({record_id!r}) or be left out")
    if "type" in data:
        raise InvalidInput("type", "is given by the path; leave it out")
    line = json.dumps({"type": kind, **data, "id": record_id}, ensure_ascii=False)
    batch = read_records(io.BytesIO(line.encode("utf-8")), source="request", file_format="jsonl")
    try:
        report = import_records([batch], uow=uow, clock=clock)
    except ImportRejectedError as rejected:
        first = rejected.problems[0]
        raise RecordRejectedError(
            first.field or kind, first.message, [str(p) for p in rejected.problems]
        ) from None
    with uow:
        stored: Seller | Buyer | Order | None
        if kind == "seller":
            stored = uow.sellers.find(record_id)
        elif kind == "buyer":
            stored = uow.buyers.find(record_id)
        else:
            stored = uow.orders.find(record_id)
    if stored is None:  # pragma: no cover - the import just wrote it
        raise NotFound(kind, record_id)
    created = (report.sellers_created + report.buyers_created + report.orders_created) > 0
    return UpsertResult(created, stored)


def get_seller_policy(seller_id: str, *, uow: AccessUnitOfWork) -> SellerPolicy:
    """The operator's settings for a seller (defaults when none were set); NotFound if unknown."""
    with uow:
        if uow.sellers.find(seller_id) is None:
            raise NotFound("seller", seller_id)
        return uow.access.seller_policies.find(seller_id) or SellerPolicy(seller_id)


def put_seller_policy(
    seller_policy: SellerPolicy, *, uow: AccessUnitOfWork, clock: Clock
) -> SellerPolicy:
    """Replace a seller's policy profile, essential link domains and limit overrides."""
    checked = SellerPolicy(
        seller_id=seller_policy.seller_id,
        profile=seller_policy.profile,
        allowed_link_domains=_link_domains(seller_policy.allowed_link_domains),
        daily_limit_base=_limit(seller_policy.daily_limit_base, "daily_limit_base", minimum=0),
        daily_limit_multiplier=_limit(
            seller_policy.daily_limit_multiplier, "daily_limit_multiplier", minimum=1
        ),
    )
    with uow:
        if uow.sellers.find(checked.seller_id) is None:
            raise NotFound("seller", checked.seller_id)
        _known_profile(checked.profile, uow)
        uow.access.seller_policies.upsert(checked, now=clock().astimezone(UTC))
        uow.commit()
    return checked


def get_policy_profile(name: str, *, uow: AccessUnitOfWork) -> dict[str, object]:
    """A stored operator profile's definition; NotFound for unknown ones (and the built-in)."""
    with uow:
        definition = uow.access.seller_policies.find_profile(name)
    if definition is None:
        raise NotFound("policy profile", name)
    return definition


def put_policy_profile(
    name: str, definition: Mapping[str, Any], *, uow: AccessUnitOfWork, clock: Clock
) -> dict[str, object]:
    """Validate a profile with the policy's own parser, store it and make it usable at once.

    Usable at once in this process; the other processes (web workers, the relay, the worker)
    apply it within PROFILE_REFRESH_SECONDS (`StoredProfiles`).
    """
    if not _PROFILE_NAME.fullmatch(name):
        raise InvalidInput("name", "must be 1-64 of a-z, 0-9, '_' and '-', starting alphanumeric")
    if name == DEFAULT_PROFILE:
        raise InvalidInput("name", f"{name!r} is the built-in profile and cannot be replaced")
    if definition.get("name", name) != name:
        raise InvalidInput("profile.name", f"must match the name in the path ({name!r})")
    data = {**definition, "name": name}
    with uow:
        bases = _stored_bases(name, data, uow.access.seller_policies.find_profile)
    # A base written through another process may not be registered in this one yet.
    _register_definitions([base for base in bases if not _registered(str(base["name"]))])
    profile = profile_from_mapping(data)
    now = clock().astimezone(UTC)
    with uow:
        profiles = uow.access.seller_policies
        # Each write moves the profile's time forward, even under a clock that stands still or
        # runs behind the last writer's: the other processes see a change by that time.
        previous = profiles.profile_versions().get(name)
        if previous is not None and now <= previous:
            now = previous + timedelta(microseconds=1)
        profiles.upsert_profile(name, data, now=now)
        uow.commit()
    register_profile(profile)
    return data


def register_stored_profiles(*, uow: AccessUnitOfWork) -> int:
    """Register every stored operator profile with the checker (at start); returns how many.

    A base profile is registered before the profiles that extend it; a stored profile the parser
    refuses now is left out (and logged) rather than keeping the others from registering.
    """
    with uow:
        definitions = uow.access.seller_policies.all_profiles()
    return len(_register_definitions(definitions))


class StoredProfiles:
    """Keeps this process's operator profiles in step with the stored ones.

    The checker's registry of profiles is per process, and every web worker, relay listener and
    CLI command is a process: a profile written through one must reach the others. Every
    `refresh_seconds` (at the first check after that) one read asks when each stored profile was
    last written; only when that changed are the definitions read and the changed profiles, and
    the profiles extending them, built again. A check that names a profile this process does not
    know reads at once, before refusing. The reads go through `read_uow`, which must not take
    the write lock: checks run inside the send's write transaction (on SQLite a DEFERRED read
    snapshot, which never waits for the writer; on PostgreSQL a plain read).
    """

    def __init__(
        self,
        read_uow: Callable[[], AccessUnitOfWork],
        *,
        refresh_seconds: float = PROFILE_REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if refresh_seconds < 0:
            raise InvalidInput("refresh_seconds", f"must be 0 or more; got {refresh_seconds}")
        self._read_uow = read_uow
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._next_look = 0.0
        self._versions: dict[str, datetime] | None = None
        self._definitions: dict[str, dict[str, object]] = {}

    def refresh_if_due(self) -> None:
        """Look for changes when the last look is older than the bound (one clock read if not)."""
        if self._monotonic() >= self._next_look:
            self._look(wait=False)

    def refresh_now(self) -> bool:
        """Look for changes now; whether a profile was registered (again or for the first time)."""
        return self._look(wait=True)

    def checking(self, check_policy: PolicyCheck) -> PolicyCheck:
        """`check_policy` applied with this process's profiles kept current."""

        def check(
            text: str,
            context: MessageContext,
            *,
            subject: str | None = None,
            facts: SystemFacts | None = None,
        ) -> Verdict:
            # The built-in profile is never stored: its messages (all of the relay's) never look.
            if context.profile != DEFAULT_PROFILE:
                self.refresh_if_due()
            try:
                return check_policy(text, context, subject=subject, facts=facts)
            except InvalidInput as error:
                # Perhaps written by another process since the last look: once, read and retry.
                if error.field != _UNKNOWN_PROFILE_FIELD or not self.refresh_now():
                    raise
            return check_policy(text, context, subject=subject, facts=facts)

        return check

    def _look(self, *, wait: bool) -> bool:
        # One thread reads at a time; a due look another thread is making is not waited for.
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            if not wait and self._monotonic() < self._next_look:
                return False  # another thread looked while this one waited for the lock
            self._next_look = self._monotonic() + self._refresh_seconds
            try:
                return self._read_changes()
            except Exception as error:  # the storage's errors are the adapters' own types
                # Unreachable or not migrated yet: the profiles stay as they are, and the next
                # look (after the bound) tries again.
                reason = str(error).strip().splitlines()
                log.warning(
                    "policy profiles: cannot read the stored ones: %s",
                    reason[0] if reason else type(error).__name__,
                )
                return False
        finally:
            self._lock.release()

    def _read_changes(self) -> bool:
        uow = self._read_uow()
        with uow:
            profiles = uow.access.seller_policies
            versions = profiles.profile_versions()
            if versions == self._versions:
                return False
            definitions = {str(d["name"]): d for d in profiles.all_profiles()}
        changed = {
            name
            for name, definition in definitions.items()
            if self._definitions.get(name) != definition
        }
        registered = _register_definitions(list(definitions.values()), changed=changed)
        self._versions = versions
        self._definitions = definitions
        if registered:
            log.info("policy profiles registered again: %s", ", ".join(sorted(registered)))
        return bool(registered)


def _register_definitions(
    definitions: Sequence[Mapping[str, Any]], *, changed: set[str] | None = None
) -> set[str]:
    """Register `definitions`, bases before the profiles extending them; returns the names done.

    With `changed` given, only those profiles and the ones extending them (directly or through
    another) are built again: building a profile with phrases compiles a lexicon (tens of ms).
    """
    pending = {str(definition["name"]): definition for definition in definitions}
    rebuilt: set[str] = set()
    while pending:
        ready = [
            name
            for name, definition in pending.items()
            if definition.get("extends", DEFAULT_PROFILE) not in pending
        ]
        if not ready:
            # Only a cycle of `extends` is left (stored before cycles were refused): none of
            # them can be built.
            log.warning("policy profiles extending each other in a cycle: %s", sorted(pending))
            break
        for name in ready:
            definition = pending.pop(name)
            base = definition.get("extends", DEFAULT_PROFILE)
            if changed is not None and name not in changed and base not in rebuilt:
                continue
            try:
                register_profile(profile_from_mapping(definition))
            except InvalidInput as error:
                log.warning("policy profile %r is not registered: %s", name, error)
                continue
            rebuilt.add(name)
    return rebuilt


def _stored_bases(
    name: str,
    definition: Mapping[str, Any],
    find_profile: Callable[[str], dict[str, object] | None],
) -> list[dict[str, object]]:
    """The stored profiles `definition` extends, the furthest first; InvalidInput on a cycle."""
    bases: list[dict[str, object]] = []
    base = definition.get("extends", DEFAULT_PROFILE)
    seen = {name}
    while isinstance(base, str) and base != DEFAULT_PROFILE:
        if base in seen:
            raise InvalidInput("profile.extends", f"{base!r} extends {name!r}: a cycle")
        seen.add(base)
        stored = find_profile(base)
        if stored is None:
            break  # the parser says what is wrong with a base that does not exist
        bases.insert(0, stored)
        base = stored.get("extends", DEFAULT_PROFILE)
    return bases


def _registered(name: str) -> bool:
    try:
        get_profile(name)
    except InvalidInput:
        return False
    return True


def _known_profile(name: str, uow: AccessUnitOfWork) -> str:
    """`name` if this process has it registered or it is stored (by another process, perhaps)."""
    if not _registered(name) and uow.access.seller_policies.find_profile(name) is None:
        raise InvalidInput("profile", f"unknown profile {name!r}: neither built in nor stored")
    return name


def _link_domains(domains: Sequence[str]) -> tuple[str, ...]:
    if len(domains) > MAX_LINK_DOMAINS:
        raise InvalidInput("allowed_link_domains", f"at most {MAX_LINK_DOMAINS} domains")
    cleaned: list[str] = []
    for index, raw in enumerate(domains):
        domain = raw.strip().lower().rstrip(".")
        if not _DOMAIN.fullmatch(domain):
            raise InvalidInput(
                f"allowed_link_domains[{index}]",
                f"must be a domain such as portal.example.com; got {raw!r}",
            )
        cleaned.append(domain)
    return tuple(dict.fromkeys(cleaned))


def _limit(value: int | None, name: str, *, minimum: int) -> int | None:
    if value is not None and not minimum <= value <= 1_000_000:
        raise InvalidInput(name, f"must be between {minimum} and 1000000, or null; got {value}")
    return value
