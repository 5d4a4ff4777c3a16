"""Read models: SQL views of the event log, applied exactly once, rebuildable by replay.

The rebuild from zero is `tracker.readmodels.rebuild.rebuild` (the subpackage keeps its name here).
"""

from tracker.readmodels.catalog import Catalog, SearchHit
from tracker.readmodels.errors import ProjectionError
from tracker.readmodels.projector import CatchUpResult, ProjectionLag, Projector
from tracker.readmodels.rebuild import replay
from tracker.readmodels.startup import bring_up_to_date

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
