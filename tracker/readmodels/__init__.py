"""Read models: SQL views of the event log, applied exactly once, rebuildable by replay."""

from tracker.readmodels.catalog import Catalog, SearchHit
from tracker.readmodels.projector import CatchUpResult, ProjectionLag, Projector, bring_up_to_date, replay
from tracker.readmodels.view import ProjectionError

__all__ = [
    "Catalog",
    "CatchUpResult",
    "ProjectionError",
    "ProjectionLag",
    "Projector",
    "SearchHit",
    "bring_up_to_date",
    "replay",
]
