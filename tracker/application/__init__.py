"""The service layer: the Newsroom application and what its queries return."""

from tracker.application.newsroom import (
    ConcurrentEdit,
    DuplicateSlug,
    Newsroom,
    StoryNotYetOpened,
    UnknownStory,
    UnknownVersion,
)
from tracker.application.views import HistoryEntry, Mode, StorySummary, StoryView, to_jsonable

__all__ = [
    "ConcurrentEdit",
    "DuplicateSlug",
    "HistoryEntry",
    "Mode",
    "Newsroom",
    "StoryNotYetOpened",
    "StorySummary",
    "StoryView",
    "UnknownStory",
    "UnknownVersion",
    "to_jsonable",
]
