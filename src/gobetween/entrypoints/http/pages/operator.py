"""The operator's pages: the reported-messages queue, sellers with their health, the policy."""

from __future__ import annotations

import json
import re
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from gobetween.adapters.db.case_repositories import SqlMetricsReader
from gobetween.adapters.db.web_queries import SqlWebQueries
from gobetween.domain.errors import InvalidInput, NotFound
from gobetween.domain.response_times import ResponseFigures
from gobetween.entrypoints.http.app_state import kept_on_app
from gobetween.entrypoints.http.pages.web import (
    CSRF_FIELD,
    PageError,
    access_uow,
    check_csrf,
    platform,
    principal,
    read_engine,
    read_uow,
    redirect,
    render,
    require,
)
from gobetween.policy.categories import (
    PROACTIVE_CATEGORIES,
    SELLER_CATEGORIES,
    SYSTEM_CATEGORIES,
    WARNING_CATEGORIES,
)
from gobetween.policy.profiles import DEFAULT_PROFILE, get_profile
from gobetween.services.access_ports import SellerPolicy
from gobetween.services.administration import (
    get_policy_profile,
    get_seller_policy,
    put_policy_profile,
    put_seller_policy,
)
from gobetween.services.metrics import all_response_figures
from gobetween.services.reports import handle_report, report_queue

router = APIRouter(prefix="/operator")


@router.get("/reports", response_model=None)
def reports(request: Request, status: str = "open") -> Response:
    """Reported messages, oldest first, with the message and a way to close each."""
    require(request, "operator")
    if status not in ("open", "handled"):
        status = "open"
    queue = report_queue(uow=read_uow(request), status=status, limit=100)
    with read_uow(request) as uow:
        messages = {report.message_id: uow.messages.find(report.message_id) for report in queue}
        threads = {
            m.thread_id: uow.threads.find(m.thread_id) for m in messages.values() if m is not None
        }
    return render(
        request,
        "operator/reports.html",
        title="Reported messages",
        section="reports",
        reports=queue,
        messages=messages,
        threads=threads,
        status=status,
        notice=request.query_params.get("notice"),
    )


@router.post("/reports/{report_id}/handle", response_model=None)
def handle(
    request: Request,
    report_id: int,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    resolution: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Close a report with what was done about it."""
    session = require(request, "operator")
    check_csrf(session, csrf_token)
    try:
        handle_report(
            report_id,
            resolution=resolution,
            operator=principal(session),
            uow=access_uow(request),
            clock=platform(request).clock,
        )
    except NotFound:
        raise PageError(404, "There is no such report.") from None
    except InvalidInput as error:
        raise PageError(422, f"The report was not closed: {error.problem}") from None
    return redirect("/operator/reports", notice=f"Report {report_id} closed.")


# The sellers page shows every seller's figures, which cost one pass over every running clock and
# the daily roll-ups (tens of milliseconds of CPU at a million messages). An overview may be a
# minute old, and says so; a seller's own health page is always computed at request time.
SELLER_FIGURES_MAX_AGE_SECONDS: Final = 60.0
SELLERS_PER_PAGE: Final = 50


@dataclass(frozen=True, slots=True)
class SellerFigures:
    """Every seller's response figures, as of one moment."""

    as_of: datetime
    figures: Mapping[str, Mapping[int, ResponseFigures]]


class RecentSellerFigures:
    """Every seller's figures, recomputed when older than `max_age_seconds` (per web process).

    One computation at a time: requests arriving during it wait for its result instead of
    starting the same work again.
    """

    def __init__(
        self,
        compute: Callable[[], SellerFigures],
        *,
        max_age_seconds: float = SELLER_FIGURES_MAX_AGE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._compute = compute
        self._max_age = max_age_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._value: SellerFigures | None = None
        self._computed_at = 0.0

    def get(self) -> SellerFigures:
        with self._lock:
            if self._value is None or self._monotonic() - self._computed_at >= self._max_age:
                self._value = self._compute()
                self._computed_at = self._monotonic()
            return self._value


def _recent_seller_figures(request: Request) -> RecentSellerFigures:
    wired = platform(request)
    reading = read_engine(request)

    def build() -> RecentSellerFigures:
        reader = SqlMetricsReader(reading)

        def compute() -> SellerFigures:
            as_of = wired.clock()
            figures = all_response_figures(reader=reader, clock=lambda: as_of)
            return SellerFigures(as_of.astimezone(UTC), figures)

        return RecentSellerFigures(compute)

    return kept_on_app(request, "seller_figures", build)


@router.get("/sellers", response_model=None)
def sellers(request: Request, page: int = 1) -> Response:
    """Sellers by name, a page at a time, with their response figures over 7, 30 and 90 days."""
    require(request, "operator")
    queries = SqlWebQueries(read_engine(request))
    total = queries.seller_count()
    pages = max(1, -(-total // SELLERS_PER_PAGE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * SELLERS_PER_PAGE
    recent = _recent_seller_figures(request).get()
    return render(
        request,
        "operator/sellers.html",
        title="Sellers",
        section="sellers",
        sellers=queries.sellers(offset=offset, limit=SELLERS_PER_PAGE),
        figures=recent.figures,
        as_of=recent.as_of,
        max_age_seconds=int(SELLER_FIGURES_MAX_AGE_SECONDS),
        page=page,
        pages=pages,
        first=offset + 1,
        total=total,
    )


@dataclass(frozen=True, slots=True)
class SellerPolicyForm:
    """The seller-policy form as typed, with the one field that is wrong (if any)."""

    seller_id: str = ""
    profile: str = DEFAULT_PROFILE
    allowed_link_domains: str = ""
    daily_limit_base: str = ""
    daily_limit_multiplier: str = ""
    # Whether the form holds a known seller's settings (and so shows the settings fields).
    loaded: bool = False
    error_field: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileForm:
    """The operator-profile form as typed, with the one field that is wrong (if any)."""

    name: str = ""
    definition: str = ""
    error_field: str | None = None
    error: str | None = None


# What the operator sees a field called, to name it in an error.
SELLER_POLICY_LABELS: Final = {
    "seller_id": "Seller id",
    "profile": "Policy profile",
    "allowed_link_domains": "Allowed link domains",
    "daily_limit_base": "Daily limit base",
    "daily_limit_multiplier": "Daily limit multiplier",
}
_SELLER_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@router.get("/policy", response_model=None)
def policy(request: Request, seller: str = "", profile: str = "") -> Response:
    """The active policy profile; a seller's policy settings and an operator profile to edit."""
    require(request, "operator")
    seller_form = SellerPolicyForm()
    status_code = 200
    if seller:
        seller_form = _load_seller_policy(request, seller)
        status_code = 404 if seller_form.error else 200
    profile_form = ProfileForm()
    if profile:
        try:
            definition = get_policy_profile(profile, uow=read_uow(request))
        except NotFound:
            profile_form = ProfileForm(
                name=profile,
                error_field="name",
                error=f"Name: there is no stored profile called {profile!r}.",
            )
            status_code = 404
        else:
            profile_form = ProfileForm(name=profile, definition=json.dumps(definition, indent=2))
    return _policy_page(
        request, seller_form=seller_form, profile_form=profile_form, status_code=status_code
    )


@router.post("/policy/seller", response_model=None)
def save_seller_policy(
    request: Request,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    seller_id: Annotated[str, Form(max_length=200)] = "",
    profile: Annotated[str, Form(max_length=200)] = DEFAULT_PROFILE,
    allowed_link_domains: Annotated[str, Form(max_length=20_000)] = "",
    daily_limit_base: Annotated[str, Form(max_length=40)] = "",
    daily_limit_multiplier: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Replace a seller's policy settings through the same service and checks as the API."""
    session = require(request, "operator")
    check_csrf(session, csrf_token)
    typed = SellerPolicyForm(
        seller_id=seller_id.strip(),
        profile=profile,
        allowed_link_domains=allowed_link_domains,
        daily_limit_base=daily_limit_base.strip(),
        daily_limit_multiplier=daily_limit_multiplier.strip(),
        loaded=True,
    )
    wired = platform(request)
    try:
        if not _SELLER_ID.fullmatch(typed.seller_id):
            raise InvalidInput("seller_id", "must be a seller id such as s1 or ACME-DE")
        put_seller_policy(
            SellerPolicy(
                seller_id=typed.seller_id,
                profile=typed.profile,
                allowed_link_domains=tuple(
                    line.strip() for line in typed.allowed_link_domains.splitlines() if line.strip()
                ),
                daily_limit_base=_optional_whole_number(typed.daily_limit_base, "daily_limit_base"),
                daily_limit_multiplier=_optional_whole_number(
                    typed.daily_limit_multiplier, "daily_limit_multiplier"
                ),
            ),
            uow=access_uow(request),
            clock=wired.clock,
        )
    except NotFound:
        wrong = replace(
            typed,
            loaded=False,
            error_field="seller_id",
            error=f"Seller id: there is no seller {typed.seller_id!r}. Nothing was changed.",
        )
        return _policy_page(request, seller_form=wrong, status_code=404)
    except InvalidInput as error:
        field = _seller_policy_field(error.field)
        wrong = replace(
            typed,
            error_field=field,
            error=f"{SELLER_POLICY_LABELS[field]}: {error.problem}. Nothing was changed.",
        )
        return _policy_page(request, seller_form=wrong, status_code=422)
    return redirect(
        f"/operator/policy?seller={quote(typed.seller_id)}",
        notice=f"Policy of seller {typed.seller_id} saved.",
    )


@router.post("/policy/profiles", response_model=None)
def save_profile(
    request: Request,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    definition: Annotated[str, Form(max_length=200_000)] = "",
) -> Response:
    """Store an operator profile (TOML as in docs/policy.md, or the API's JSON), checked first."""
    session = require(request, "operator")
    check_csrf(session, csrf_token)
    typed = ProfileForm(name=name.strip(), definition=definition)
    try:
        put_policy_profile(
            typed.name,
            _profile_definition(typed.definition),
            uow=access_uow(request),
            clock=platform(request).clock,
        )
    except InvalidInput as error:
        if error.field == "name":
            wrong = replace(typed, error_field="name", error=f"Name: {error.problem}.")
        else:
            # An unknown `extends` is reported by the checker under its own name for a profile.
            where = "profile.extends" if error.field == "context.profile" else error.field
            wrong = replace(
                typed,
                error_field="definition",
                error=f"Definition: {where}: {error.problem}. Nothing was stored.",
            )
        return _policy_page(request, profile_form=wrong, status_code=422)
    return redirect(
        f"/operator/policy?profile={quote(typed.name)}",
        notice=f"Profile {typed.name} saved; sellers set to it are checked with it from now on.",
    )


def _policy_page(
    request: Request,
    *,
    seller_form: SellerPolicyForm | None = None,
    profile_form: ProfileForm | None = None,
    status_code: int = 200,
) -> Response:
    wired = platform(request)
    profile = get_profile(wired.messaging_limits.policy_profile)
    with read_uow(request) as uow:
        stored = uow.access.seller_policies.all_profiles()
    stored_names = [str(p.get("name", "")) for p in stored]
    return render(
        request,
        "operator/policy.html",
        status_code=status_code,
        title="Policy profile",
        section="policy",
        profile=profile,
        stored_profiles=stored,
        profile_names=[DEFAULT_PROFILE, *(n for n in stored_names if n != DEFAULT_PROFILE)],
        limits=wired.messaging_limits,
        seller_form=seller_form or SellerPolicyForm(),
        profile_form=profile_form or ProfileForm(),
        notice=request.query_params.get("notice"),
        groups=(
            ("Every seller message", SELLER_CATEGORIES),
            ("Proactive seller messages", PROACTIVE_CATEGORIES),
            ("Decided from the system's facts", SYSTEM_CATEGORIES),
            ("Warnings (never block)", WARNING_CATEGORIES),
        ),
    )


def _load_seller_policy(request: Request, seller_id: str) -> SellerPolicyForm:
    try:
        stored = get_seller_policy(seller_id, uow=read_uow(request))
    except NotFound:
        return SellerPolicyForm(
            seller_id=seller_id,
            error_field="seller_id",
            error=f"Seller id: there is no seller {seller_id!r}.",
        )
    return SellerPolicyForm(
        seller_id=stored.seller_id,
        profile=stored.profile,
        allowed_link_domains="\n".join(stored.allowed_link_domains),
        daily_limit_base="" if stored.daily_limit_base is None else str(stored.daily_limit_base),
        daily_limit_multiplier=(
            "" if stored.daily_limit_multiplier is None else str(stored.daily_limit_multiplier)
        ),
        loaded=True,
    )


def _optional_whole_number(typed: str, field: str) -> int | None:
    """Empty means the marketplace's default; anything else must be a whole number."""
    if not typed:
        return None
    if not re.fullmatch(r"-?\d{1,9}", typed):
        raise InvalidInput(
            field, f"must be a whole number, or empty for the default; got {typed!r}"
        )
    return int(typed)


def _seller_policy_field(service_field: str) -> str:
    """The form field that a service's InvalidInput field names (allowed_link_domains[2] ...)."""
    if service_field == "context.profile":  # the checker's name for an unknown profile
        return "profile"
    base = service_field.split("[", 1)[0]
    return base if base in SELLER_POLICY_LABELS else "seller_id"


def _profile_definition(text: str) -> dict[str, Any]:
    """Parse the profile text: JSON when it starts with "{", else TOML as in docs/policy.md."""
    if not text.strip():
        raise InvalidInput("definition", 'is empty; write at least extends = "amazon"')
    if text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput("definition", f"not valid JSON: {error}") from None
        if not isinstance(parsed, dict):
            raise InvalidInput("definition", "must be a JSON object")
        data: dict[str, Any] = parsed
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidInput("definition", f"not valid TOML: {error}") from None
        try:
            # Stored as JSON, like the API's: TOML's dates and times have no place in a profile.
            json.dumps(data)
        except TypeError:
            raise InvalidInput("definition", "dates and times are not profile values") from None
    return data
