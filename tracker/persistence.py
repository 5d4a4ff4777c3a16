"""Where events are stored: eventsourcing-sqlalchemy on an SQLite file or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tracker.config import Settings


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the message says which and why."""


def event_store_env(settings: Settings, *, create_tables: bool = True) -> dict[str, str]:
    """The eventsourcing environment for the configured database."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "tracker.eventsourcing_overrides:Factory",  # eventsourcing_sqlalchemy, bulk inserts
        "SQLALCHEMY_URL": url,
        "CREATE_TABLE": "y" if create_tables else "n",
        "IS_SNAPSHOTTING_ENABLED": "y",
    }


def describe_url(url: str) -> str:
    """The URL without a password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
