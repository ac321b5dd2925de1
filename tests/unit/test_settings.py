"""Settings: defaults that work, a TOML file, environment variables on top, clear errors."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from gobetween.bootstrap.settings import Settings, SettingsError, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_work_on_one_machine() -> None:
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.database_url == "sqlite:///gobetween.db"
    assert settings.is_sqlite
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8025)


def test_toml_file_then_environment_then_overrides(tmp_path: Path) -> None:
    config = write(
        tmp_path / "gobetween.toml",
        'http_port = 9000\nalias_domain = "relay.example.com"\ndelivery_poll_seconds = 2\n',
    )
    settings = load_settings(
        environ={"GOBETWEEN_HTTP_PORT": "9001", "GOBETWEEN_LOG_LEVEL": "DEBUG"},
        config_file=config,
    )
    assert settings.http_port == 9001  # the environment wins over the file
    assert settings.alias_domain == "relay.example.com"
    assert settings.delivery_poll_seconds == 2.0
    assert settings.log_level == "DEBUG"
    overridden = load_settings(environ={"GOBETWEEN_HTTP_PORT": "9001"}, overrides={"http_port": 0})
    assert overridden.http_port == 0


def test_config_file_named_by_environment_and_gobetween_table(tmp_path: Path) -> None:
    config = write(
        tmp_path / "c.toml",
        '[gobetween]\ndatabase_url = "postgresql://app@db.internal/gobetween"\n',
    )
    settings = load_settings(environ={"GOBETWEEN_CONFIG": str(config)})
    assert settings.database_url == "postgresql://app@db.internal/gobetween"
    assert not settings.is_sqlite


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"GOBETWEEN_HTTP_PORT": "eighty"}, "GOBETWEEN_HTTP_PORT must be an integer; got 'eighty'"),
        ({"GOBETWEEN_HTTP_PORT": "70000"}, "GOBETWEEN_HTTP_PORT (from environment) must be a TCP"),
        ({"GOBETWEEN_DELIVERY_WORKERS": "0"}, "GOBETWEEN_DELIVERY_WORKERS (from environment) must"),
        ({"GOBETWEEN_DELIVERY_POLL_SECONDS": "nan"}, "GOBETWEEN_DELIVERY_POLL_SECONDS must be a"),
        ({"GOBETWEEN_DELIVERY_TRANSPORT": "pigeon"}, "must be one of folder, smtp; got 'pigeon'"),
        ({"GOBETWEEN_DATABASE_URL": "mysql://x/y"}, "must be sqlite:// or postgresql://"),
        (
            {"GOBETWEEN_DATABASE_URL": "not a url"},
            "GOBETWEEN_DATABASE_URL (from environment) is not",
        ),
        (
            {"GOBETWEEN_ALIAS_DOMAIN": "localhost"},
            "GOBETWEEN_ALIAS_DOMAIN (from environment) must be a domain",
        ),
        ({"GOBETWEEN_MARKETPLACE_REGION": "usa"}, "must be a two-letter region"),
        ({"GOBETWEEN_DAILY_LIMIT_BASE": "-1"}, "GOBETWEEN_DAILY_LIMIT_BASE (from environment)"),
        ({"GOBETWEEN_SPAPI_RATE_LIMIT_SCALE": "-2"}, "SPAPI_RATE_LIMIT_SCALE (from environment)"),
        ({"GOBETWEEN_SMTP_MAX_BYTES": "0"}, "GOBETWEEN_SMTP_MAX_BYTES (from environment) must"),
        ({"GOBETWEEN_DATABASE_POOL_SIZE": "0"}, "GOBETWEEN_DATABASE_POOL_SIZE (from environment)"),
        ({"GOBETWEEN_CONFIG": "/nonexistent/gobetween.toml"}, "does not exist"),
    ],
)
def test_bad_values_fail_at_start_naming_the_setting(
    environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=environ)
    assert expected in str(caught.value)


def test_file_errors_name_the_file_and_key(tmp_path: Path) -> None:
    typo = write(tmp_path / "typo.toml", "http_prot = 80\n")
    with pytest.raises(
        SettingsError, match=r"config file .*typo.toml: unknown setting 'http_prot'"
    ):
        load_settings(environ={}, config_file=typo)
    broken = write(tmp_path / "broken.toml", "http_port = \n")
    with pytest.raises(SettingsError, match=r"broken.toml is not valid TOML"):
        load_settings(environ={}, config_file=broken)
    wrong_type = write(tmp_path / "wrong.toml", 'http_port = "80"\nlog_level = 3\n')
    settings = load_settings(environ={"GOBETWEEN_LOG_LEVEL": "INFO"}, config_file=wrong_type)
    assert settings.http_port == 80  # a quoted number is still a number
    out_of_range = write(tmp_path / "range.toml", "smtp_port = 99999\n")
    with pytest.raises(SettingsError, match=r"smtp_port \(from config file .*range.toml\) must be"):
        load_settings(environ={}, config_file=out_of_range)
    boolean = write(tmp_path / "bool.toml", "http_port = true\n")
    with pytest.raises(SettingsError, match="http_port must be an integer; got True"):
        load_settings(environ={}, config_file=boolean)


def test_environment_ignores_variables_that_are_not_settings() -> None:
    settings = load_settings(environ={"GOBETWEEN_TEST_DATABASE_URL": "postgresql://x/y"})
    assert settings.database_url == Settings().database_url


def test_every_setting_is_documented_with_its_default() -> None:
    table = (Path(__file__).parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    for field in fields(Settings):
        default = getattr(Settings(), field.name)
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        if isinstance(default, float) and default.is_integer():
            shown = str(int(default))
        row = f"| `{field.name}` | " + (f"`{shown}`" if shown else "*(empty)*")
        assert row in table, f"docs/operations.md lacks the row for {field.name}: {row}"
