"""Configuration: config/default.toml, a file named by TRACKER_CONFIG, then
TRACKER_* environment variables (``TRACKER_WEB_PORT`` sets ``web.port``).

Every value is checked once, here; an invalid one stops with a message naming
the key and the problem.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"


#: The longest interval between two checks of a feed, in seconds (30 days).
MAX_INTERVAL_SECONDS = 30 * 24 * 3600
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


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
    if kind is int:
        return _whole(value, name)
    if kind is float:
        if isinstance(value, bool):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ConfigError(f"{name}: expected a finite number, got {value!r}")
        return number
    if not isinstance(value, str):
        raise ConfigError(f"{name}: expected text, got {value!r}")
    return value


def _whole(value: Any, name: str) -> int:
    """A whole number: 80 or "80", never 80.5 (int() would quietly make it 80) nor true."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    raise ConfigError(f"{name}: expected a whole number, got {value!r}")


def _check_feeds(raw: Any, source: Path) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise ConfigError(f"{source}: feeds must be an array of tables ([[feeds]])")
    for index, feed in enumerate(raw):
        if not isinstance(feed.get("url"), str) or not feed["url"].strip():
            raise ConfigError(f"{source}: feeds[{index}].url is missing")
    return [dict(f) for f in raw]


#: The range each number must fall in, inclusive (the limits keep a typo from
#: overflowing a date or a SQL integer later, in every poll cycle).
BOUNDS: dict[str, tuple[float, float]] = {
    "database.snapshot_interval": (1, 100_000),
    "web.port": (1, 65_535),
    "web.session_lifetime_hours": (1, 24 * 90),
    "web.trusted_proxies": (0, 10),
    "poll.interval_seconds": (1, MAX_INTERVAL_SECONDS),
    "poll.min_interval_seconds": (1, MAX_INTERVAL_SECONDS),
    "poll.max_backoff_seconds": (1, MAX_INTERVAL_SECONDS),
    "fetch.timeout_seconds": (0.1, 3_600),
    "fetch.max_bytes": (1_024, 1024**3),
    "fetch.max_redirects": (0, 30),
}


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def _number(values: Mapping[str, Any], key: str, default: Any) -> Any:
    value = values.get(key, default)
    low, high = BOUNDS[key]
    if not low <= value <= high:
        raise ConfigError(f"{key}: {value!r} is out of range ({_plain(low)} to {_plain(high)})")
    return value


def _build(values: dict[str, Any], feeds: list[dict[str, Any]], source: str) -> Settings:
    data_dir = Path(values.get("data_dir") or "data")
    if not data_dir.is_absolute():
        data_dir = PROJECT_ROOT / data_dir
    url = (values.get("database.url") or "").strip()
    if not url:
        url = f"sqlite:///{data_dir / 'tracker.sqlite3'}"
    url = normalise_database_url(url)
    port = _number(values, "web.port", 5000)
    return Settings(
        data_dir=data_dir,
        database_url=url,
        web_host=values.get("web.host", "127.0.0.1"),
        web_port=port,
        web_require_login=values.get("web.require_login", False),
        web_secret_key=values.get("web.secret_key", ""),
        web_session_lifetime_hours=_number(values, "web.session_lifetime_hours", 12),
        web_trusted_proxies=_number(values, "web.trusted_proxies", 0),
        web_login_rate_limit=values.get("web.login_rate_limit", "5 per minute;30 per hour"),
        web_rate_limit_storage=values.get("web.rate_limit_storage", ""),
        poll_interval_seconds=_number(values, "poll.interval_seconds", 900),
        poll_min_interval_seconds=_number(values, "poll.min_interval_seconds", 60),
        poll_max_backoff_seconds=_number(values, "poll.max_backoff_seconds", 6 * 3600),
        fetch_timeout_seconds=_number(values, "fetch.timeout_seconds", 20.0),
        fetch_max_bytes=_number(values, "fetch.max_bytes", 15 * 1024 * 1024),
        fetch_max_redirects=_number(values, "fetch.max_redirects", 5),
        fetch_allow_private_addresses=values.get("fetch.allow_private_addresses", False),
        fetch_file_root=values.get("fetch.file_root", ""),
        snapshot_interval=_number(values, "database.snapshot_interval", 50),
        feeds=tuple(feeds),
        source=source,
    )


def normalise_database_url(url: str) -> str:
    """Accepts sqlite:///path and postgresql://...; PostgreSQL goes through psycopg 3."""
    if url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        _check_server_url(url)
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        if url == "sqlite:///":
            raise ConfigError("database.url: sqlite:/// needs a file path, e.g. sqlite:///data/tracker.sqlite3")
        return url
    scheme = url.split("://", 1)[0] if "://" in url else url
    raise ConfigError(f"database.url: unsupported database {scheme!r} (use sqlite:///PATH or postgresql://...)")


def _check_server_url(url: str) -> None:
    """Host and port readable now, so a typo is named here and not as a driver's traceback."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as error:
        raise ConfigError(f"database.url: {error} in {_without_password(url)!r}") from None
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError(f"database.url: no host in {_without_password(url)!r}")


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
