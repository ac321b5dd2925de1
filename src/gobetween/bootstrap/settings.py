"""Settings: defaults that work on one machine, overridden by a TOML file, then by environment.

Read once, at start, by the composition root; nothing deeper reads the environment. Every value is
validated here so a typo fails at start with the name of the setting, not later in a request.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "GOBETWEEN_"
CONFIG_ENV = "GOBETWEEN_CONFIG"


class SettingsError(ValueError):
    """A setting is missing, malformed or out of range; the message names it and its source."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of gobetween. Field names are the TOML keys; env vars are GOBETWEEN_<NAME>."""

    database_url: str = "sqlite:///gobetween.db"
    http_host: str = "127.0.0.1"
    http_port: int = 8025
    # Web processes of `gobetween serve` sharing http_port (SO_REUSEPORT): the first is `serve`
    # itself, the others serve HTTP only. More help with PostgreSQL and a free core; each has
    # its own pool and its own token cache, rate limits and latency figures (docs/operations.md).
    http_workers: int = 1
    # PostgreSQL: blocking request handlers each web process runs at once (at most
    # database_pool_size). 4 rather than the pool's 8: at 500 sends/s offered on 2 cores the
    # sends' p99 was 34 against 46 ms (medians of 7 rounds), fewer sends contending for the GIL
    # and PostgreSQL's backends for the cores (docs/operations.md, Web processes).
    http_request_threads: int = 4
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_enabled: bool = True  # the relay's SMTP/LMTP listener in `gobetween serve`
    smtp_protocol: str = "smtp"  # "lmtp" behind a front MTA such as Postfix (docs/relay.md)
    smtp_max_bytes: int = 25 * 1024 * 1024  # larger mail is refused with 552 (relay issue)
    # Listener processes sharing smtp_port (SO_REUSEPORT); 0: on SQLite one per core this process
    # may run on, at most 2, on PostgreSQL one (entrypoints/smtp.py, listener_count; docs/relay.md,
    # Several listeners).
    smtp_listeners: int = 0
    relay_unauthenticated: str = "hold"  # mail failing SPF/DKIM/DMARC: "hold" or "refuse"
    dkim_selector: str = "gobetween"  # DKIM selector of outbound mail (`gobetween dkim keygen`)
    dkim_key_file: str = ""  # PEM private key; empty sends unsigned mail (development only)
    # The operator's mail domain the aliases live on.
    alias_domain: str = "relay.gobetween.localhost"
    # ISO region of the marketplace: phone numbers in national format are read in it.
    marketplace_region: str = "US"
    # Delivery: "folder" writes each delivered message to delivery_folder; "smtp" uses smarthost_*.
    delivery_transport: str = "folder"
    delivery_folder: str = "var/delivered"
    # Attachment contents, content-addressed by SHA-256 (services/attachments.py).
    attachment_folder: str = "var/attachments"
    # Per API token: requests per minute before 429 with Retry-After (0 switches the limit off).
    api_requests_per_minute: int = 1200
    # A token found active is trusted this long per process before it is looked up again: a
    # revoked token stops working within this many seconds (0: looked up on every request).
    api_token_cache_seconds: float = 5.0
    # SP-API surface: Amazon's per-operation rates (1/s burst 5; uploads 10/s) times this; 0 = off.
    spapi_rate_limit_scale: float = 1.0
    # Base of the upload URLs the SP-API hands out behind a proxy; empty: the address served on.
    spapi_public_url: str = ""
    smarthost_host: str = "127.0.0.1"
    smarthost_port: int = 25
    delivery_workers: int = 1
    delivery_poll_seconds: float = 0.5
    # How long a worker's claim on an outbox row lasts before another worker may take it over.
    delivery_lease_seconds: float = 60.0
    # Temporary failures are retried with exponential backoff for this long (relay issue: 5 days).
    delivery_retry_hours: float = 120.0
    # policy.md §4 daily_limit: multiplier x average daily orders over the last N days + base.
    daily_limit_base: int = 600
    daily_limit_multiplier: int = 5
    daily_limit_days: int = 7
    # policy.md §2: proactive messages up to this many days after delivery.
    proactive_window_days: int = 30
    # system.md Cases: a resolved case closes after this many idle days.
    case_idle_days: int = 7
    # PostgreSQL: pooled connections per process (and as many again opened on demand). The API runs
    # at most as many request threads as this (http_request_threads), so it bounds the sends in
    # flight in one `serve` process: 5 capped sends, 16 cost more CPU per send than 8 (threads
    # contending for the GIL after every round trip; docs/performance.md, Messaging API).
    database_pool_size: int = 8
    log_level: str = "INFO"
    # "text" for people, "json" for a log collector: one JSON object per line (docs/operations.md).
    log_format: str = "text"

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"


_CHOICES: dict[str, tuple[str, ...]] = {
    "delivery_transport": ("folder", "smtp"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
    "log_format": ("text", "json"),
    "smtp_protocol": ("smtp", "lmtp"),
    "relay_unauthenticated": ("hold", "refuse"),
}
_PORTS = ("http_port", "smtp_port", "smarthost_port")
_POSITIVE = (
    "delivery_workers",
    "delivery_poll_seconds",
    "delivery_lease_seconds",
    "delivery_retry_hours",
    "daily_limit_multiplier",
    "daily_limit_days",
    "proactive_window_days",
    "case_idle_days",
    "smtp_max_bytes",
    "http_workers",
    "http_request_threads",
    "database_pool_size",
)
# Zero is meaningful for these (no base allowance, a rate limit switched off, listeners by cores).
_NOT_NEGATIVE = (
    "smtp_listeners",
    "daily_limit_base",
    "api_requests_per_minute",
    "api_token_cache_seconds",
    "spapi_rate_limit_scale",
)


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read settings: defaults, then the TOML file, then GOBETWEEN_* variables, then overrides.

    The file is `config_file` or, when that is None, the one GOBETWEEN_CONFIG names. Raises
    SettingsError naming the setting and where its value came from.
    """
    environ = os.environ if environ is None else environ
    settings = Settings()
    origins: dict[str, str] = {}
    path = config_file if config_file is not None else environ.get(CONFIG_ENV)
    if path:
        file_label = f"config file {path}"
        settings = _apply(settings, _read_toml(Path(path)), origins, source=file_label)
    from_env = {
        field.name: environ[ENV_PREFIX + field.name.upper()]
        for field in fields(Settings)
        if ENV_PREFIX + field.name.upper() in environ
    }
    settings = _apply(settings, from_env, origins, source="environment", env=True)
    if overrides:
        settings = _apply(settings, overrides, origins, source="command line")
    _validate(settings, origins)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise SettingsError(f"config file {path} is a directory") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"config file {path} is not valid TOML: {error}") from None
    # Accept both a flat file and one with a [gobetween] table.
    section = data.get("gobetween", data)
    if not isinstance(section, dict):
        raise SettingsError(f"config file {path}: [gobetween] must be a table")
    return section


def _apply(
    settings: Settings,
    values: Mapping[str, Any],
    origins: dict[str, str],
    *,
    source: str,
    env: bool = False,
) -> Settings:
    known = {field.name for field in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        label = ENV_PREFIX + name.upper() if env else name
        if name not in known:
            raise SettingsError(
                f"{source}: unknown setting {label!r} (known: {', '.join(sorted(known))})"
            )
        kind = type(getattr(Settings(), name))
        changes[name] = _coerce(raw, kind, label=label, source=source)
        origins[name] = f"{label} (from {source})"
    return replace(settings, **changes)


_NOUNS = {"bool": "true or false", "int": "an integer", "float": "a number"}


def _coerce(raw: Any, kind: type, *, label: str, source: str) -> Any:
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            if isinstance(raw, bool | float):
                raise ValueError
            return int(raw)
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise ValueError
        return str(raw)
    except ValueError:
        noun = _NOUNS.get(kind.__name__, "a string")
        raise SettingsError(f"{source}: {label} must be {noun}; got {raw!r}") from None


def _validate(settings: Settings, origins: Mapping[str, str]) -> None:
    def fail(name: str, problem: str) -> SettingsError:
        return SettingsError(f"{origins.get(name, name)} {problem}")

    for name, allowed in _CHOICES.items():
        if getattr(settings, name) not in allowed:
            value = getattr(settings, name)
            raise fail(name, f"must be one of {', '.join(allowed)}; got {value!r}")
    for name in _PORTS:
        port = getattr(settings, name)
        if not 0 <= port <= 65535:
            raise fail(name, f"must be a TCP port (0-65535); got {port}")
    for name in _POSITIVE:
        if getattr(settings, name) <= 0:
            raise fail(name, f"must be greater than 0; got {getattr(settings, name)}")
    for name in _NOT_NEGATIVE:
        if getattr(settings, name) < 0:
            raise fail(name, f"must be 0 or more; got {getattr(settings, name)}")
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except ArgumentError:
        raise fail("database_url", f"is not a database URL: {settings.database_url!r}") from None
    if backend not in ("sqlite", "postgresql"):
        raise fail("database_url", f"must be sqlite:// or postgresql://; got {backend}://")
    if not settings.http_host.strip():
        raise fail("http_host", "must not be empty")
    domain = settings.alias_domain
    if "." not in domain or any(not part for part in domain.split(".")) or "@" in domain:
        raise fail(
            "alias_domain", f"must be a domain name such as relay.example.com; got {domain!r}"
        )
    region = settings.marketplace_region
    if len(region) != 2 or not region.isalpha() or not region.isupper():
        raise fail("marketplace_region", f"must be a two-letter region such as US; got {region!r}")
