"""Configuration: defaults, a chosen file, environment overrides and clear errors."""

from __future__ import annotations

import pytest

from tracker.config import ConfigError, load_settings
from tracker.domain.errors import InvalidField
from tracker.moments import parse_moment


def test_the_default_is_an_sqlite_file_in_the_data_folder(tmp_path) -> None:
    settings = load_settings({"TRACKER_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    assert settings.is_sqlite
    assert settings.web_port == 5000


def test_environment_variables_override_keys_and_postgres_urls_use_psycopg() -> None:
    settings = load_settings(
        {"TRACKER_WEB_PORT": "8080", "TRACKER_DATABASE_URL": "postgresql://postgres@127.0.0.1/test"}
    )
    assert settings.web_port == 8080
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_a_chosen_file_is_layered_over_the_defaults(tmp_path) -> None:
    path = tmp_path / "other.toml"
    path.write_text("[web]\nport = 7000\n[poll]\ninterval_seconds = 30\n")
    settings = load_settings({"TRACKER_CONFIG": str(path)})
    assert (settings.web_port, settings.poll_interval_seconds) == (7000, 30)
    assert settings.web_host == "127.0.0.1"


@pytest.mark.parametrize(
    ("content", "env", "named"),
    [
        ("[web]\nport = 'eighty'\n", {}, "port"),
        ("[web]\nport = 99999\n", {}, "web.port"),
        ("[web]\ncolour = 'blue'\n", {}, "web.colour"),
        ("[web\nport = 1\n", {}, "not valid TOML"),
        ("", {"TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "maybe"}, "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES"),
        ("", {"TRACKER_DATABASE_URL": "mysql://x"}, "database.url"),
        ("", {"TRACKER_POLL_INTERVAL_SECONDS": "0"}, "poll.interval_seconds"),
        (
            "",
            {"TRACKER_POLL_INTERVAL_SECONDS": "9999999999"},
            "poll.interval_seconds: 9999999999 is out of range (1 to 2,592,000)",
        ),
        ("[poll]\ninterval_seconds = 99999999999999999999\n", {}, "not valid TOML|interval_seconds"),
        (
            "",
            {"TRACKER_POLL_INTERVAL_SECONDS": "99999999999999999999"},
            "TRACKER_POLL_INTERVAL_SECONDS: expected a whole number",
        ),
        ("[fetch]\nmax_redirects = -3\n", {}, "fetch.max_redirects: -3 is out of range (0 to 30)"),
        ("", {"TRACKER_FETCH_TIMEOUT_SECONDS": "nan"}, "TRACKER_FETCH_TIMEOUT_SECONDS: expected a finite number"),
        ("[fetch]\ntimeout_seconds = inf\n", {}, "timeout_seconds: expected a finite number"),
        ("[web]\nport = 80.5\n", {}, "port: expected a whole number, got 80.5"),
        ("", {"TRACKER_WEB_PORT": "80.5"}, "TRACKER_WEB_PORT: expected a whole number"),
        ("[fetch]\nmax_bytes = 1.5\n", {}, "max_bytes: expected a whole number"),
        ("[web]\nrequire_login = 1.5\n", {}, "require_login: expected true or false"),
        (
            "",
            {"TRACKER_DATABASE_URL": "postgresql://postgres@127.0.0.1:54x2/test"},
            "database.url: Port could not be cast",
        ),
        ("", {"TRACKER_DATABASE_URL": "postgresql://u:secret@127.0.0.1:99999/test"}, "database.url: Port out of range"),
        ("", {"TRACKER_DATABASE_URL": "sqlite:///"}, "database.url: sqlite:/// needs a file path"),
    ],
)
def test_an_invalid_value_stops_with_the_key_named(tmp_path, content, env, named) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")) as raised:
        load_settings({"TRACKER_CONFIG": str(path), **env})
    assert "secret" not in str(raised.value)


def test_a_missing_config_file_is_named() -> None:
    with pytest.raises(ConfigError, match="nowhere.toml"):
        load_settings({"TRACKER_CONFIG": "/nowhere.toml"})


def test_moments_accept_dates_times_and_zones_and_reject_garbage() -> None:
    assert parse_moment("2024-05-25").isoformat() == "2024-05-25T00:00:00+00:00"
    assert parse_moment("2024-05-25", end_of_day=True).hour == 23
    assert parse_moment("2024-05-25T10:00Z").isoformat() == "2024-05-25T10:00:00+00:00"
    assert parse_moment("2024-05-25T10:00+02:00").utcoffset().total_seconds() == 7200
    with pytest.raises(InvalidField, match="as_of"):
        parse_moment("25/05/2024", "as_of")
