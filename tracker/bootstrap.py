"""Wiring: settings -> a ready Newsroom application on the configured database."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from eventsourcing.persistence import PersistenceError

from tracker.application import Newsroom
from tracker.config import Settings
from tracker.persistence import DatabaseUnavailable, describe_url, event_store_env


def open_newsroom(settings: Settings) -> Newsroom:
    """Opens the event store, creating its tables if missing (idempotent)."""
    try:
        return Newsroom(event_store_env(settings), snapshot_interval=settings.snapshot_interval)
    except (SQLAlchemyError, PersistenceError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatabaseUnavailable(
            f"cannot open database {describe_url(settings.database_url)}: {reason}"
        ) from error
