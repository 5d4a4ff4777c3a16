"""Every read the web UI makes goes through here.

Today the answers come from the Newsroom application itself; when the read
models (``tracker.readmodels.Catalog``, same method names plus ``search``)
land, switching is the one line in :func:`source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from tracker.application import HistoryEntry, Mode, StorySummary, StoryView
from tracker.bootstrap import Runtime
from tracker.domain.report import Report


def runtime() -> Runtime:
    return current_app.extensions["tracker.runtime"]  # type: ignore[no-any-return]


def source() -> Any:
    """What answers queries: the Newsroom now, the read models' Catalog later."""
    return runtime().newsroom


def stories() -> Sequence[StorySummary]:
    return source().stories()  # type: ignore[no-any-return]


def story(slug: str) -> StoryView:
    return source().story(slug)  # type: ignore[no-any-return]


def story_at_version(slug: str, version: int) -> StoryView:
    return source().story_at_version(slug, version)  # type: ignore[no-any-return]


def story_as_of(slug: str, moment: datetime, mode: Mode) -> StoryView:
    return source().story_as_of(slug, moment, mode)  # type: ignore[no-any-return]


def history(slug: str) -> Sequence[HistoryEntry]:
    return source().history(slug)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    report: Report


def search(text: str, limit: int = 50) -> list[SearchHit]:
    """Reports whose text contains every word of ``text``, newest published first.

    TEMPORARY fallback until the read models' full-text ``Catalog.search``
    lands: a case-insensitive scan over every story's reports.
    """
    words = [w for w in text.lower().split() if w]
    if not words:
        return []
    hits: list[SearchHit] = []
    for summary in stories():
        view = story(summary.slug)
        for report in view.reports:
            haystack = " ".join(
                [report.headline, report.summary, report.outlet, report.attribution, *report.parties]
            ).lower()
            if all(word in haystack for word in words):
                hits.append(SearchHit(view.slug, view.title, report))
    hits.sort(key=lambda hit: hit.report.published_at, reverse=True)
    return hits[:limit]


def activity(slug: str) -> list[datetime]:
    """When each active report of a story was published (for the index sparklines)."""
    return [r.published_at for r in story(slug).reports if r.active]
