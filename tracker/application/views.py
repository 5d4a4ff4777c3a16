"""What queries return: frozen dataclasses, never aggregates."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tracker.domain.report import Report
from tracker.domain.state import StoryState


class Mode(enum.StrEnum):
    """Two clocks of a bitemporal history."""

    RECORDED = "recorded"  # what the tracker knew at that moment
    REPORTED = "reported"  # what outlets had published by that moment


@dataclass(frozen=True)
class StoryView:
    id: UUID
    slug: str
    title: str
    summary: str
    status: str
    rules: Mapping[str, Any]
    version: int
    opened_at: datetime
    updated_at: datetime
    reports: tuple[Report, ...]
    state: StoryState
    report_count: int
    as_of: datetime | None = None
    mode: Mode | None = None
    #: False when ``reports`` holds only the latest part of the timeline.
    timeline_complete: bool = True


@dataclass(frozen=True)
class StorySummary:
    slug: str
    title: str
    status: str
    version: int
    report_count: int
    last_development: str
    last_published_at: datetime | None
    last_recorded_at: datetime


@dataclass(frozen=True)
class SearchHit:
    """One report found by full-text search, with the story it belongs to."""

    slug: str
    story_title: str
    report_id: str
    headline: str
    summary: str
    outlet: str
    published_at: datetime
    retracted: bool
    kinds: tuple[str, ...] = ()  # the report's kinds, for the search page's badges


@dataclass(frozen=True)
class HistoryEntry:
    """One stored event of a story, as the history screen and CLI show it."""

    version: int
    recorded_at: datetime
    event_type: str
    topic: str
    payload: Mapping[str, Any]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, datetimes and UUIDs as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value
