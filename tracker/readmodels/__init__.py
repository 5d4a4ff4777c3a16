"""Read models: SQL views of the event log, applied exactly once, rebuildable by replay."""

from tracker.readmodels.catalog import Catalog, SearchHit
from tracker.readmodels.projector import CatchUpResult, ProjectionLag, Projector, replay
from tracker.readmodels.view import ProjectionError

__all__ = [
    "Catalog",
    "CatchUpResult",
    "ProjectionError",
    "ProjectionLag",
    "Projector",
    "SearchHit",
    "replay",
]
