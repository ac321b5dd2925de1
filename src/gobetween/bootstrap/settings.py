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
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    # The operator's mail domain the aliases live on.
    alias_domain: str = "relay.gobetween.localhost"
    # ISO region of the marketplace: phone numbers in national format are read in it.
    marketplace_region: str = "US"
    # Delivery: "folder" writes each delivered message to delivery_folder; "smtp" uses the smarthost.
    delivery_transport: str = "folder"
    delivery_folder: str = "var/delivered"
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
    log_level: str = "INFO"

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"


_CHOICES: dict[str, tuple[str, ...]] = {
    "delivery_transport": ("folder", "smtp"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
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
)


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Defaults, then the TOML file (argument or GOBETWEEN_CONFIG), then env vars, then overrides."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    path = config_file if config_file is not None else environ.get(CONFIG_ENV)
    if path:
        settings = _apply(settings, _read_toml(Path(path)), source=f"config file {path}")
    from_env = {
        field.name: environ[ENV_PREFIX + field.name.upper()]
        for field in fields(Settings)
        if ENV_PREFIX + field.name.upper() in environ
    }
    settings = _apply(settings, from_env, source="environment", env=True)
    if overrides:
        settings = _apply(settings, overrides, source="command line")
    _validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"config file {path} is not valid TOML: {error}") from None
    # Accept both a flat file and one with a [gobetween] table.
    section = data.get("gobetween", data)
    if not isinstance(section, dict):
        raise SettingsError(f"config file {path}: [gobetween] must be a table")
    return section


def _apply(settings: Settings, values: Mapping[str, Any], *, source: str, env: bool = False) -> Settings:
    known = {field.name: field for field in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        label = ENV_PREFIX + name.upper() if env else name
        if name not in known:
            raise SettingsError(f"{source}: unknown setting {label!r} (known: {', '.join(sorted(known))})")
        kind = type(getattr(Settings(), name))
        changes[name] = _coerce(raw, kind, label=label, source=source)
    return replace(settings, **changes)


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
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise ValueError
        return str(raw)
    except ValueError:
        noun = {"bool": "true or false", "int": "an integer", "float": "a number"}.get(kind.__name__, "a string")
        raise SettingsError(f"{source}: {label} must be {noun}; got {raw!r}") from None


def _validate(settings: Settings) -> None:
    for name, allowed in _CHOICES.items():
        if getattr(settings, name) not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {getattr(settings, name)!r}")
    for name in _PORTS:
        port = getattr(settings, name)
        if not 0 <= port <= 65535:
            raise SettingsError(f"{name} must be a TCP port (0-65535); got {port}")
    for name in _POSITIVE:
        if getattr(settings, name) <= 0:
            raise SettingsError(f"{name} must be greater than 0; got {getattr(settings, name)}")
    if settings.daily_limit_base < 0:
        raise SettingsError(f"daily_limit_base must be 0 or more; got {settings.daily_limit_base}")
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except ArgumentError:
        raise SettingsError(f"database_url is not a database URL: {settings.database_url!r}") from None
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(f"database_url must be sqlite:// or postgresql://; got {backend}://")
    domain = settings.alias_domain
    if "." not in domain or any(not part for part in domain.split(".")) or "@" in domain:
        raise SettingsError(f"alias_domain must be a domain name such as relay.example.com; got {domain!r}")
    region = settings.marketplace_region
    if len(region) != 2 or not region.isalpha() or not region.isupper():
        raise SettingsError(f"marketplace_region must be a two-letter region such as US; got {region!r}")
