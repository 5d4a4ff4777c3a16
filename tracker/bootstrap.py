"""Wiring: settings -> a ready Newsroom application and SQL engine on the configured database."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from eventsourcing.persistence import PersistenceError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker.application import Newsroom
from tracker.config import Settings
from tracker.persistence import DatabaseUnavailable, describe_url, event_store_env
from tracker.readmodels import Catalog, Projector, bring_up_to_date
from tracker.sql import create_schema
from tracker.tuning import Tuning

log = logging.getLogger("tracker.readmodels")

#: How long a command waits for the read models to show its own write.
READ_YOUR_WRITES_TIMEOUT = 10.0


@dataclass
class Runtime:
    """What one process needs: settings, the application, and one SQL engine
    (the event store's own, shared by read models, feeds and accounts)."""

    settings: Settings
    newsroom: Newsroom
    engine: Engine
    projector: Projector
    catalog: Catalog

    def close(self) -> None:
        self.newsroom.after_save = self.newsroom.shown_check = None
        self.newsroom.close()


def open_newsroom(settings: Settings) -> Newsroom:
    """Opens the event store, creating its tables if missing (idempotent)."""
    try:
        return Newsroom(event_store_env(settings), snapshot_interval=settings.snapshot_interval)
    except (SQLAlchemyError, PersistenceError, OSError) as error:
        raise DatabaseUnavailable(_unavailable(settings, error)) from error


def open_runtime(settings: Settings, *, catch_up: bool = True, tuning: Tuning | None = None) -> Runtime:
    """The application, every SQL table the tracker owns (created if missing)
    and read models brought up to date; every save then waits until the read
    models show it, so callers read their own writes. ``tuning`` (default:
    from the settings) sizes the read models' batches and rebuilds."""
    newsroom = open_newsroom(settings)
    engine = newsroom.factory.datastore.engine  # type: ignore[attr-defined]
    projector = Projector(newsroom, tuning=tuning or Tuning.from_settings(settings))
    try:
        create_schema(engine)
        projector.prepare()
    except (SQLAlchemyError, PersistenceError, OSError) as error:
        newsroom.close()
        raise DatabaseUnavailable(_unavailable(settings, error)) from error
    if catch_up:
        bring_up_to_date(projector)
        for poisoning in projector.poisonings():
            log.warning("read models: %s", poisoning.describe())
    newsroom.after_save = lambda notification_id: projector.wait_for(notification_id, READ_YOUR_WRITES_TIMEOUT)
    newsroom.shown_check = projector.check_shown
    return Runtime(
        settings=settings,
        newsroom=newsroom,
        engine=engine,
        projector=projector,
        catalog=Catalog(engine, newsroom),
    )


def _unavailable(settings: Settings, error: BaseException) -> str:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"cannot open database {describe_url(settings.database_url)}: {reason}"
