"""Queries served from the read models: the stories list, a story now, at a
version or at a moment (as recorded / as reported), and full-text search.

The Catalog implements the one query API, ``tracker.application.queries.StoryQueries``,
that the web, the JSON API, the CLI and ingestion read through; it never
replays events (the Newsroom's replaying queries are the tests' oracle). A
past version is rebuilt from timeline rows, whose corrections and
reclassifications keep their previous values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from tracker.application import (
    HistoryEntry,
    Mode,
    Newsroom,
    StoryNotYetOpened,
    StorySummary,
    StoryView,
    UnknownStory,
    UnknownVersion,
    to_jsonable,
)
from tracker.application.views import SearchHit as SearchHit  # re-exported: tracker.readmodels.SearchHit
from tracker.domain.report import Report
from tracker.domain.state import Cast, Fact, Facts, chronological
from tracker.domain.story import Story, clean_slug
from tracker.domain.vocabulary import Kind
from tracker.moments import utc
from tracker.readmodels import tables as tbl
from tracker.readmodels.activity import published_moments
from tracker.readmodels.report_rows import db_time, load_reports, name_counts, reports_by_id, source_counts
from tracker.readmodels.search import search_reports
from tracker.readmodels.time_travel import PastViews

#: Attributes of a stored event that are its envelope, not its payload.
ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic")


class Catalog:
    """Reads from the read models (``newsroom`` is used for its event store only: the history)."""

    def __init__(self, engine: Engine, newsroom: Newsroom, tables: tbl.ViewTables = tbl.LIVE) -> None:
        self.engine = engine
        self.newsroom = newsroom
        self.t = tables
        self.past = PastViews(engine, tables)

    # -- lists ------------------------------------------------------------------

    def stories(self) -> tuple[StorySummary, ...]:
        s, r = self.t.stories, self.t.reports
        query = (
            select(s, r.c.headline)
            .select_from(s.outerjoin(r, and_(r.c.story_id == s.c.story_id, r.c.report_id == s.c.last_report_id)))
            .order_by(s.c.updated_at.desc(), s.c.slug)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return tuple(
            StorySummary(
                slug=row["slug"],
                title=row["title"],
                status=row["status"],
                version=row["version"],
                report_count=row["report_count"],
                last_development=row["headline"] or "",
                last_published_at=utc(row["last_published_at"]),
                last_recorded_at=utc(row["updated_at"]),
            )
            for row in rows
        )

    def story_slugs(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(self.t.stories.c.slug).order_by(self.t.stories.c.opened_at)).scalars())

    def activity(self, slug: str, *, buckets: int = 12) -> list[int]:
        """Reports per bucket (by publication date) over the story's life, for sparklines."""
        story = self._story_row(slug)
        r = self.t.reports
        with self.engine.connect() as conn:
            moments = [
                utc(m)
                for m in conn.execute(
                    select(r.c.published_at).where(
                        and_(r.c.story_id == story["story_id"], r.c.retracted_version.is_(None))
                    )
                ).scalars()
            ]
        counts = [0] * buckets
        if not moments:
            return counts
        first, last = min(moments), max(moments)
        span = (last - first).total_seconds() or 1.0
        for moment in moments:
            index = min(buckets - 1, int((moment - first).total_seconds() / span * buckets))
            counts[index] += 1
        return counts

    def published_moments(self, slug: str) -> tuple[datetime, ...]:
        """When each active report was published (the index's sparkline and its scale)."""
        return published_moments(self.engine, self.t, self._story_row(slug)["story_id"])

    def developments(
        self, slug: str, *, version: int | None = None, published_by: datetime | None = None
    ) -> tuple[tuple[datetime, Kind], ...]:
        """(published_at, first kind) of every report active at a version (or
        now), optionally only those published by a moment: what a chart of
        developments needs, without building thousands of reports."""
        story = self._story_row(slug)
        r = self.t.reports
        condition = r.c.story_id == story["story_id"]
        if version is not None:
            condition = and_(
                condition,
                r.c.version_added <= version,
                or_(r.c.retracted_version.is_(None), r.c.retracted_version > version),
            )
        else:
            condition = and_(condition, r.c.retracted_version.is_(None))
        if published_by is not None:
            condition = and_(condition, r.c.published_at <= db_time(published_by))
        query = select(r.c.published_at, r.c.kinds, r.c.reclassifications).where(condition)
        points = []
        with self.engine.connect() as conn:
            for published_at, kinds, changes in conn.execute(query):
                if version is not None:
                    for change in reversed(changes):
                        if change["version"] > version:
                            kinds = change["previous"]["kinds"]
                points.append((utc(published_at), Kind(kinds[0])))
        return tuple(points)

    # -- one story ----------------------------------------------------------------

    def version_of(self, slug: str) -> int:
        """The story's current version: one indexed lookup, for caches keyed by it."""
        s = self.t.stories
        story_id = str(Story.create_id(clean_slug(slug)))
        with self.engine.connect() as conn:
            version = conn.execute(select(s.c.version).where(s.c.story_id == story_id)).scalar()
        if version is None:
            raise UnknownStory(slug)
        return int(version)

    def story_exists(self, slug: str) -> bool:
        try:
            self._story_row(slug)
        except UnknownStory:
            return False
        return True

    def story(self, slug: str, *, timeline_limit: int | None = None) -> StoryView:
        """The story now; ``timeline_limit`` keeps only the latest reports
        (the state panel still reflects every report)."""
        story = self._story_row(slug)
        reports, complete = self._current_reports(story, timeline_limit)
        facts = self._facts(story["story_id"])
        fr = self.t.fact_rows
        current = and_(fr.c.version_to.is_(None), fr.c.retracted_version.is_(None))
        facts.counts = name_counts(self.engine, self.t, story["story_id"], current)
        facts.sources = source_counts(self.engine, self.t, story["story_id"], current, None)
        by_id = {r.report_id: r for r in reports}
        missing = {f.report_id for f in facts.latest.values()} - set(by_id)
        if missing:
            by_id.update({r.report_id: r for r in reports_by_id(self.engine, self.t, story["story_id"], missing)})
        return StoryView(
            id=UUID(story["story_id"]),
            slug=story["slug"],
            title=story["title"],
            summary=story["summary"],
            status=story["status"],
            rules=dict(story["rules"]),
            version=story["version"],
            opened_at=utc(story["opened_at"]),
            updated_at=utc(story["updated_at"]),
            reports=tuple(chronological(reports)),
            state=facts.resolve(by_id, Cast.of(story["rules"])),
            report_count=story["report_count"],
            timeline_complete=complete,
        )

    def story_at_version(self, slug: str, version: int, *, timeline_limit: int | None = None) -> StoryView:
        story = self._story_row(slug)
        if not 1 <= version <= story["version"]:
            raise UnknownVersion(slug, version, story["version"])
        if timeline_limit is not None:
            return self.past.travel(story, version=version, limit=timeline_limit)
        return self.past.at_version(story, version)

    def story_as_of(
        self, slug: str, moment: datetime, mode: Mode = Mode.RECORDED, *, timeline_limit: int | None = None
    ) -> StoryView:
        """As recorded: the story at the last version recorded by ``moment``.
        As reported: every report published by ``moment``, as now known.
        With ``timeline_limit`` only the latest reports are loaded and the
        state comes from SQL maxima: fast on stories of thousands of reports."""
        if moment.tzinfo is None:
            raise ValueError("as-of moment must carry a time zone")
        mode = Mode(mode)
        story = self._story_row(slug)
        if mode is Mode.RECORDED:
            version = self.version_at(slug, moment, story=story)
            if version is None:
                raise StoryNotYetOpened(slug, moment)
            if timeline_limit is not None:
                return self.past.travel(story, version=version, limit=timeline_limit, as_of=moment, mode=mode)
            return self.past.at_version(story, version, as_of=moment, mode=mode)
        if timeline_limit is not None:
            return self.past.travel(story, published_by=moment, limit=timeline_limit, as_of=moment, mode=mode)
        r = self.t.reports
        reports = load_reports(
            self.engine, select(r).where(and_(r.c.story_id == story["story_id"], r.c.published_at <= db_time(moment)))
        )
        return self.past.view(story, story["version"], reports, as_of=moment, mode=mode)

    def version_at(self, slug: str, moment: datetime, *, story: Mapping[str, Any] | None = None) -> int | None:
        story = story or self._story_row(slug)
        v = self.t.versions
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.max(v.c.version)).where(
                    and_(v.c.story_id == story["story_id"], v.c.recorded_at <= db_time(moment))
                )
            ).scalar()

    def history(self, slug: str, *, after_version: int = 0, limit: int | None = None) -> tuple[HistoryEntry, ...]:
        """The raw event log comes from the event store itself, a page at a time."""
        story = self._story_row(slug)
        events: Iterable[Any] = self.newsroom.events.get(UUID(story["story_id"]), gt=after_version or None, limit=limit)
        return tuple(
            HistoryEntry(
                version=event.originator_version,
                recorded_at=event.timestamp,
                event_type=type(event).__name__,
                topic=type(event).TOPIC,
                payload={k: to_jsonable(v) for k, v in vars(event).items() if k not in ENVELOPE},
            )
            for event in events
        )

    # -- search -------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 50, order: str = "relevance") -> tuple[SearchHit, ...]:
        return search_reports(self.engine, self.t, query, limit=limit, order=order)

    # -- helpers --------------------------------------------------------------------

    def _story_row(self, slug: str) -> Mapping[str, Any]:
        s = self.t.stories
        story_id = str(Story.create_id(clean_slug(slug)))
        with self.engine.connect() as conn:
            row = conn.execute(select(s).where(s.c.story_id == story_id)).mappings().first()
        if row is None:
            raise UnknownStory(slug)
        return cast(Mapping[str, Any], row)

    def _facts(self, story_id: str) -> Facts:
        f = self.t.facts
        facts = Facts()
        with self.engine.connect() as conn:
            for row in conn.execute(select(f).where(f.c.story_id == story_id)).mappings():
                facts.latest[row["fact_key"]] = Fact(
                    (utc(row["published_at"]), row["seq"]), row["report_id"], row["kind"]
                )
        return facts

    def _current_reports(self, story: Mapping[str, Any], limit: int | None) -> tuple[list[Report], bool]:
        r = self.t.reports
        query = select(r).where(r.c.story_id == story["story_id"])
        if limit is None:
            return load_reports(self.engine, query), True
        query = query.order_by(r.c.published_at.desc(), r.c.seq.desc()).limit(limit)
        reports = load_reports(self.engine, query)
        return reports, len(reports) >= story["report_total"]
