"""On PostgreSQL, the library's ProjectionRunner keeps the views current:
a LISTEN/NOTIFY subscription delivers each new event to the projection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection, ProjectionRunner

from tracker.application import Newsroom
from tracker.readmodels import tables as tbl
from tracker.readmodels.view import StoryViews


class LiveStoryViews(StoryViews):
    """The live views, as the library's infrastructure factory constructs them."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        kwargs.pop("tracking_table_name", None)  # one tracking table for every process
        super().__init__(datastore, tbl.LIVE, **kwargs)


class StoryProjection(Projection[LiveStoryViews]):
    name = "storyviews"

    def process_event(self, domain_event: DomainEventProtocol[Any], tracking: Tracking) -> None:
        self.view.apply_event(domain_event, tracking)


def projection_runner(env: Mapping[str, str]) -> ProjectionRunner[Newsroom, LiveStoryViews]:
    """Starts following the event log; use as a context manager, ``wait()`` for a position."""
    return ProjectionRunner(
        application_class=Newsroom,
        projection_class=StoryProjection,
        view_class=LiveStoryViews,
        env=dict(env),
    )
