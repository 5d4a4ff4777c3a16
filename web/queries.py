"""Every read the web UI makes goes through here.

Answers come from the one query API, ``StoryQueries``
(tracker/application/queries.py), as the read models' Catalog implements
it; :func:`source` is the one place that picks the implementation. Commands
never go through this module: they are the Newsroom's (see editing.py).

A story's developments chart needs every report of the story, not just the
page being shown, so those are loaded once per story version and kept per
process: a version never changes, so the cache is never stale and any
worker may serve any request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app

from tracker.application import HistoryEntry, Mode, StorySummary, StoryView
from tracker.application.queries import StoryQueries
from tracker.application.views import SearchHit
from tracker.bootstrap import Runtime
from web.charts import KindChart, kind_chart, kind_chart_of_points

T = TypeVar("T")

CHARTS_KEPT = 16


def runtime() -> Runtime:
    return current_app.extensions["tracker.runtime"]  # type: ignore[no-any-return]


def source() -> StoryQueries:
    """What answers queries: the read models' Catalog."""
    return runtime().catalog


def stories() -> Sequence[StorySummary]:
    return source().stories()


def story(slug: str, *, latest: int | None = None) -> StoryView:
    """The story now; with ``latest`` only that many of the newest reports (``timeline_complete`` says so)."""
    return source().story(slug, timeline_limit=latest)


def story_at_version(slug: str, version: int, *, latest: int | None = None) -> StoryView:
    return source().story_at_version(slug, version, timeline_limit=latest)


def story_as_of(slug: str, moment: datetime, mode: Mode, *, latest: int | None = None) -> StoryView:
    return source().story_as_of(slug, moment, mode, timeline_limit=latest)


def history(slug: str, *, after_version: int = 0, limit: int | None = None) -> Sequence[HistoryEntry]:
    return source().history(slug, after_version=after_version, limit=limit)


def search(text: str, limit: int = 50, order: str = "relevance") -> Sequence[SearchHit]:
    """Full-text search over every story's reports (the read models' index), best or newest first."""
    return source().search(text, limit=limit, order=order)


def activity(slug: str) -> list[int]:
    """Reports per period over the story's life, for the index sparklines."""
    return list(source().activity(slug))


_charts: OrderedDict[tuple[str, str, int], KindChart] = OrderedDict()
_charts_lock = threading.Lock()

RENDERED_KEPT = 256
_rendered: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_rendered_lock = threading.Lock()


def version_of(slug: str) -> int:
    return source().version_of(slug)


def rendered(slug: str, key: tuple[Any, ...], build: Callable[[], T]) -> tuple[T, int]:
    """What ``build`` renders for a story, kept per process and keyed by the
    story's current version (one indexed lookup): a new event makes a new key,
    so nothing is ever stale and any worker may serve any request."""
    version = version_of(slug)
    full_key = (str(id(runtime())), slug, version, *key)
    with _rendered_lock:
        if full_key in _rendered:
            _rendered.move_to_end(full_key)
            return _rendered[full_key], version
    value = build()
    with _rendered_lock:
        _rendered[full_key] = value
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return value, version


def chart_of(view: StoryView) -> KindChart:
    """The developments chart of ``view``, from every report it stands for,
    even when the view holds only a page of its timeline. The read models
    give just (published_at, kind) per report; charts of a version are kept
    per process, as a version never changes."""
    if view.timeline_complete:
        return kind_chart(view.reports)
    if view.mode is Mode.REPORTED and view.as_of is not None:
        # as reported = today's knowledge of what was published by then
        return kind_chart_of_points(source().developments(view.slug, published_by=view.as_of))
    key = (str(id(runtime())), view.slug, view.version)
    with _charts_lock:
        if key in _charts:
            _charts.move_to_end(key)
            return _charts[key]
    chart = kind_chart_of_points(source().developments(view.slug, version=view.version))
    with _charts_lock:
        _charts[key] = chart
        while len(_charts) > CHARTS_KEPT:
            _charts.popitem(last=False)
    return chart
