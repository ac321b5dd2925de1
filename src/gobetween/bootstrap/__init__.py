"""The composition root: reads settings once and builds the services every entry point uses."""

from __future__ import annotations

from gobetween.bootstrap.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
