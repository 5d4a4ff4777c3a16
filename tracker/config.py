"""Configuration: config/default.toml, a file named by TRACKER_CONFIG, then
TRACKER_* environment variables (``TRACKER_WEB_PORT`` sets ``web.port``).

Every value is checked once, here; an invalid one stops with a message naming
the key and the problem.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    web_host: str = "127.0.0.1"
    web_port: int = 5000
    web_require_login: bool = False
    web_secret_key: str = ""
    web_session_lifetime_hours: int = 12
    web_trusted_proxies: int = 0
    web_login_rate_limit: str = "5 per minute;30 per hour"
    web_rate_limit_storage: str = ""
    poll_interval_seconds: int = 900
    poll_min_interval_seconds: int = 60
    poll_max_backoff_seconds: int = 6 * 3600
    fetch_timeout_seconds: float = 20.0
    fetch_max_bytes: int = 15 * 1024 * 1024
    fetch_max_redirects: int = 5
    fetch_allow_private_addresses: bool = False
    fetch_file_root: str = ""
    snapshot_interval: int = 50
    feeds: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


# key -> (type, section, name) of every setting a file or the environment may set.
_KEYS: dict[str, type] = {
    "data_dir": str,
    "database.url": str,
    "database.snapshot_interval": int,
    "web.host": str,
    "web.port": int,
    "web.require_login": bool,
    "web.secret_key": str,
    "web.session_lifetime_hours": int,
    "web.trusted_proxies": int,
    "web.login_rate_limit": str,
    "web.rate_limit_storage": str,
    "poll.interval_seconds": int,
    "poll.min_interval_seconds": int,
    "poll.max_backoff_seconds": int,
    "fetch.timeout_seconds": float,
    "fetch.max_bytes": int,
    "fetch.max_redirects": int,
    "fetch.allow_private_addresses": bool,
    "fetch.file_root": str,
}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    feeds: list[dict[str, Any]] = []
    sources = [DEFAULT_CONFIG]
    chosen = environ.get("TRACKER_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"TRACKER_CONFIG: file {chosen!r} does not exist")
        sources.append(path)
    for source in sources:
        document = _read_toml(source)
        values.update(_flatten(document, source))
        if "feeds" in document:
            feeds = _check_feeds(document["feeds"], source)
    for key, kind in _KEYS.items():
        env_name = "TRACKER_" + key.replace(".", "_").upper()
        if env_name in environ:
            values[key] = _convert(environ[env_name], kind, env_name)
    if "TRACKER_DATABASE_URL" in environ:
        values["database.url"] = environ["TRACKER_DATABASE_URL"]
    return _build(values, feeds, " + ".join(str(s) for s in sources))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


def _flatten(document: Mapping[str, Any], source: Path) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in document.items():
        if key == "feeds":
            continue
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                flat[f"{key}.{sub}"] = sub_value
        else:
            flat[key] = value
    for key, value in flat.items():
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key {key!r}")
        flat[key] = _convert(value, _KEYS[key], f"{source}: {key}")
    return flat


def _convert(value: Any, kind: type, name: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    if kind in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number, got {value!r}") from None
    if not isinstance(value, str):
        raise ConfigError(f"{name}: expected text, got {value!r}")
    return value


def _check_feeds(raw: Any, source: Path) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise ConfigError(f"{source}: feeds must be an array of tables ([[feeds]])")
    for index, feed in enumerate(raw):
        if not isinstance(feed.get("url"), str) or not feed["url"].strip():
            raise ConfigError(f"{source}: feeds[{index}].url is missing")
    return [dict(f) for f in raw]


def _positive(values: Mapping[str, Any], key: str, default: Any) -> Any:
    value = values.get(key, default)
    if value <= 0:
        raise ConfigError(f"{key}: must be greater than zero, got {value!r}")
    return value


def _build(values: dict[str, Any], feeds: list[dict[str, Any]], source: str) -> Settings:
    data_dir = Path(values.get("data_dir") or "data")
    if not data_dir.is_absolute():
        data_dir = PROJECT_ROOT / data_dir
    url = (values.get("database.url") or "").strip()
    if not url:
        url = f"sqlite:///{data_dir / 'tracker.sqlite3'}"
    url = normalise_database_url(url)
    port = values.get("web.port", 5000)
    if not 0 < port < 65536:
        raise ConfigError(f"web.port: {port} is not a TCP port (1-65535)")
    return Settings(
        data_dir=data_dir,
        database_url=url,
        web_host=values.get("web.host", "127.0.0.1"),
        web_port=port,
        web_require_login=values.get("web.require_login", False),
        web_secret_key=values.get("web.secret_key", ""),
        web_session_lifetime_hours=_positive(values, "web.session_lifetime_hours", 12),
        web_trusted_proxies=values.get("web.trusted_proxies", 0),
        web_login_rate_limit=values.get("web.login_rate_limit", "5 per minute;30 per hour"),
        web_rate_limit_storage=values.get("web.rate_limit_storage", ""),
        poll_interval_seconds=_positive(values, "poll.interval_seconds", 900),
        poll_min_interval_seconds=_positive(values, "poll.min_interval_seconds", 60),
        poll_max_backoff_seconds=_positive(values, "poll.max_backoff_seconds", 6 * 3600),
        fetch_timeout_seconds=_positive(values, "fetch.timeout_seconds", 20.0),
        fetch_max_bytes=_positive(values, "fetch.max_bytes", 15 * 1024 * 1024),
        fetch_max_redirects=values.get("fetch.max_redirects", 5),
        fetch_allow_private_addresses=values.get("fetch.allow_private_addresses", False),
        fetch_file_root=values.get("fetch.file_root", ""),
        snapshot_interval=_positive(values, "database.snapshot_interval", 50),
        feeds=tuple(feeds),
        source=source,
    )


def normalise_database_url(url: str) -> str:
    """Accepts sqlite:///path and postgresql://...; PostgreSQL goes through psycopg 3."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("postgresql+psycopg://", "sqlite:///")):
        return url
    scheme = url.split("://", 1)[0] if "://" in url else url
    raise ConfigError(
        f"database.url: unsupported database {scheme!r} (use sqlite:///PATH or postgresql://...)"
    )
