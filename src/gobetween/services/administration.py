"""The operator's work through the API: upsert sellers, buyers and orders, configure policy.

Records go through exactly the validation and writing of `gobetween import` (one JSON Lines record
read by `import_files.read_records`, written by `importing.import_records`), so the API and the
import can never disagree about what a valid order is.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Final, Literal

from gobetween import policy
from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound
from gobetween.domain.orders import Order
from gobetween.domain.parties import Buyer, Seller
from gobetween.policy.profiles import get_profile, profile_from_mapping, register_profile
from gobetween.services.access_ports import AccessUnitOfWork, SellerPolicy
from gobetween.services.import_files import ImportRejectedError, read_records
from gobetween.services.importing import import_records
from gobetween.services.ports import Clock

RecordKind = Literal["seller", "buyer", "order"]
_DOMAIN: Final = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_PROFILE_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_LINK_DOMAINS: Final = 50


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
        profile=_known_profile(seller_policy.profile),
        allowed_link_domains=_link_domains(seller_policy.allowed_link_domains),
        daily_limit_base=_limit(seller_policy.daily_limit_base, "daily_limit_base", minimum=0),
        daily_limit_multiplier=_limit(
            seller_policy.daily_limit_multiplier, "daily_limit_multiplier", minimum=1
        ),
    )
    with uow:
        if uow.sellers.find(checked.seller_id) is None:
            raise NotFound("seller", checked.seller_id)
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
    """Validate a profile with the policy's own parser, store it and make it usable at once."""
    if not _PROFILE_NAME.fullmatch(name):
        raise InvalidInput("name", "must be 1-64 of a-z, 0-9, '_' and '-', starting alphanumeric")
    if name == policy.profiles.DEFAULT_PROFILE:
        raise InvalidInput("name", f"{name!r} is the built-in profile and cannot be replaced")
    if definition.get("name", name) != name:
        raise InvalidInput("profile.name", f"must match the name in the path ({name!r})")
    data = {**definition, "name": name}
    profile = profile_from_mapping(data)
    with uow:
        uow.access.seller_policies.upsert_profile(name, data, now=clock().astimezone(UTC))
        uow.commit()
    register_profile(profile)
    return data


def register_stored_profiles(*, uow: AccessUnitOfWork) -> int:
    """Register every stored operator profile with the checker (at start); returns how many."""
    with uow:
        definitions = uow.access.seller_policies.all_profiles()
    for definition in definitions:
        register_profile(profile_from_mapping(definition))
    return len(definitions)


def _known_profile(name: str) -> str:
    get_profile(name)
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
