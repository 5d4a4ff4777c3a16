"""Queries served from the read models: the stories list, a story now, at a
version or at a moment (as recorded / as reported), and full-text search.

The Catalog implements the one query API, ``tracker.application.queries.StoryQueries``,
that the web, the JSON API, the CLI and ingestion read through; it never
replays events (the Newsroom's replaying queries are the tests' oracle). A
past version is rebuilt from timeline rows, whose corrections and
reclassifications keep their previous values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import and_, func, or_, select, text
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
from tracker.domain.report import Report, to_report
from tracker.domain.state import Fact, Facts, StoryState, chronological, facts_of
from tracker.domain.story import Story, clean_slug
from tracker.domain.vocabulary import Kind
from tracker.moments import utc
from tracker.readmodels import tables as tbl
from tracker.readmodels.values import order_text, parse_order_text

#: Attributes of a stored event that are its envelope, not its payload.
ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic")


class Catalog:
    """Reads from the read models (``newsroom`` is used for its event store only: the history)."""

    def __init__(self, engine: Engine, newsroom: Newsroom, tables: tbl.ViewTables = tbl.LIVE) -> None:
        self.engine = engine
        self.newsroom = newsroom
        self.t = tables

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
            condition = and_(condition, r.c.published_at <= _db_time(published_by))
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
        by_id = {r.report_id: r for r in reports}
        missing = {f.report_id for f in facts.latest.values()} - set(by_id)
        if missing:
            by_id.update({r.report_id: r for r in self._reports_by_id(story["story_id"], missing)})
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
            state=facts.resolve(by_id),
            report_count=story["report_count"],
            timeline_complete=complete,
        )

    def story_at_version(self, slug: str, version: int, *, timeline_limit: int | None = None) -> StoryView:
        story = self._story_row(slug)
        if not 1 <= version <= story["version"]:
            raise UnknownVersion(slug, version, story["version"])
        if timeline_limit is not None:
            return self._travel(story, version=version, limit=timeline_limit)
        return self._at_version(story, version)

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
                return self._travel(story, version=version, limit=timeline_limit, as_of=moment, mode=mode)
            return self._at_version(story, version, as_of=moment, mode=mode)
        if timeline_limit is not None:
            return self._travel(story, published_by=moment, limit=timeline_limit, as_of=moment, mode=mode)
        r = self.t.reports
        reports = self._load_reports(
            select(r).where(and_(r.c.story_id == story["story_id"], r.c.published_at <= _db_time(moment)))
        )
        return self._view(story, story["version"], reports, as_of=moment, mode=mode)

    def version_at(self, slug: str, moment: datetime, *, story: Mapping[str, Any] | None = None) -> int | None:
        story = story or self._story_row(slug)
        v = self.t.versions
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.max(v.c.version)).where(
                    and_(v.c.story_id == story["story_id"], v.c.recorded_at <= _db_time(moment))
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

    def search(self, query: str, *, limit: int = 50) -> tuple[SearchHit, ...]:
        words = re.findall(r"\w+", query.lower())
        if not words:
            return ()
        r, s = self.t.reports, self.t.stories
        name = self.t.search_name
        if self.engine.dialect.name == "sqlite":
            match = " ".join(f'"{w}"*' if i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words))
            ids_sql = text(f"SELECT rowid AS id FROM {name} WHERE {name} MATCH :q ORDER BY rank LIMIT :n")
            params: dict[str, Any] = {"q": match, "n": limit}
        else:
            terms = " & ".join(words[:-1] + [words[-1] + ":*"])
            ids_sql = text(
                f"SELECT id FROM {name} WHERE document @@ to_tsquery('simple', :q) "
                f"ORDER BY ts_rank(document, to_tsquery('simple', :q)) DESC, id DESC LIMIT :n"
            )
            params = {"q": terms, "n": limit}
        with self.engine.connect() as conn:
            ids = [row.id for row in conn.execute(ids_sql, params)]
            if not ids:
                return ()
            rows = (
                conn.execute(
                    select(r, s.c.slug, s.c.title.label("story_title"))
                    .join(s, s.c.story_id == r.c.story_id)
                    .where(r.c.id.in_(ids))
                )
                .mappings()
                .all()
            )
        order = {id_: index for index, id_ in enumerate(ids)}
        rows = sorted(rows, key=lambda row: order[row["id"]])
        return tuple(
            SearchHit(
                slug=row["slug"],
                story_title=row["story_title"],
                report_id=row["report_id"],
                headline=row["headline"],
                summary=row["summary"],
                outlet=row["outlet"],
                published_at=utc(row["published_at"]),
                retracted=row["retracted_version"] is not None,
            )
            for row in rows
        )

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
            return self._load_reports(query), True
        query = query.order_by(r.c.published_at.desc(), r.c.seq.desc()).limit(limit)
        reports = self._load_reports(query)
        return reports, len(reports) >= story["report_total"]

    def _reports_by_id(self, story_id: str, report_ids: Iterable[str], version: int | None = None) -> list[Report]:
        r = self.t.reports
        query = select(r).where(and_(r.c.story_id == story_id, r.c.report_id.in_(list(report_ids))))
        return self._load_reports(query, version)

    def _load_reports(self, query: Any, version: int | None = None) -> list[Report]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        reports = (report_from_row(cast(Mapping[str, Any], row), version) for row in rows)
        return [report for report in reports if report is not None]

    def _at_version(
        self, story: Mapping[str, Any], version: int, *, as_of: datetime | None = None, mode: Mode | None = None
    ) -> StoryView:
        r = self.t.reports
        reports = self._load_reports(
            select(r).where(and_(r.c.story_id == story["story_id"], r.c.version_added <= version)), version
        )
        return self._view(story, version, reports, as_of=as_of, mode=mode)

    def _travel(
        self,
        story: Mapping[str, Any],
        *,
        limit: int,
        version: int | None = None,
        published_by: datetime | None = None,
        as_of: datetime | None = None,
        mode: Mode | None = None,
    ) -> StoryView:
        """A past state from SQL maxima plus the latest ``limit`` reports."""
        r, fr = self.t.reports, self.t.fact_rows
        story_id = story["story_id"]
        if version is not None:
            visible = and_(r.c.story_id == story_id, r.c.version_added <= version)
            # "+ 0" keeps SQLite off the version index, so it walks the
            # publication index newest-first and stops after `limit` rows.
            shown = and_(r.c.story_id == story_id, (r.c.version_added + 0) <= version)
            active = and_(visible, or_(r.c.retracted_version.is_(None), r.c.retracted_version > version))
            candidates = and_(
                fr.c.version_from <= version,
                or_(fr.c.version_to.is_(None), fr.c.version_to > version),
                or_(fr.c.retracted_version.is_(None), fr.c.retracted_version > version),
            )
        else:
            assert published_by is not None
            visible = and_(r.c.story_id == story_id, r.c.published_at <= _db_time(published_by))
            shown = visible
            active = and_(visible, r.c.retracted_version.is_(None))
            candidates = and_(
                fr.c.version_to.is_(None),
                fr.c.retracted_version.is_(None),
                fr.c.ord <= order_text(published_by, 9_999_999_999),
            )
        facts = self._latest_candidates(story_id, candidates)
        newest_first = select(r).where(shown).order_by(r.c.published_at.desc(), r.c.seq.desc()).limit(limit)
        page = self._load_reports(newest_first, version)
        by_id = {report.report_id: report for report in page}
        missing = {f.report_id for f in facts.latest.values()} - set(by_id)
        if missing:
            by_id.update({x.report_id: x for x in self._reports_by_id(story_id, missing, version)})
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(r).where(active)).scalar_one()
            total = conn.execute(select(func.count()).select_from(r).where(visible)).scalar_one()
        return self._view(
            story,
            version if version is not None else story["version"],
            page,
            as_of=as_of,
            mode=mode,
            state=facts.resolve(by_id),
            report_count=count,
            timeline_complete=len(page) >= total,
        )

    def _latest_candidates(self, story_id: str, condition: Any) -> Facts:
        """The latest candidate row per fact key: for each of the story's fact
        keys, one backward walk of its clustered range until a row qualifies."""
        fr, fk = self.t.fact_rows, self.t.fact_keys
        latest = (
            select(fr.c.ord + "\x1f" + fr.c.kind + "\x1f" + fr.c.report_id)
            .where(and_(fr.c.story_id == fk.c.story_id, fr.c.fact_key == fk.c.fact_key, condition))
            .order_by(fr.c.ord.desc())
            .limit(1)
            .correlate(fk)
            .scalar_subquery()
        )
        query = select(fk.c.fact_key, latest).where(fk.c.story_id == story_id)
        facts = Facts()
        with self.engine.connect() as conn:
            for key, packed in conn.execute(query):
                if packed is None:
                    continue
                ord_, kind, report_id = packed.split("\x1f")
                facts.latest[key] = Fact(parse_order_text(ord_), report_id, kind)
        return facts

    def _view(
        self,
        story: Mapping[str, Any],
        version: int,
        reports: list[Report],
        *,
        as_of: datetime | None = None,
        mode: Mode | None = None,
        state: StoryState | None = None,
        report_count: int | None = None,
        timeline_complete: bool = True,
    ) -> StoryView:
        c, v = self.t.story_changes, self.t.versions
        with self.engine.connect() as conn:
            level = (
                conn.execute(
                    select(c)
                    .where(and_(c.c.story_id == story["story_id"], c.c.version <= version))
                    .order_by(c.c.version.desc())
                    .limit(1)
                )
                .mappings()
                .one()
            )
            updated_at = conn.execute(
                select(v.c.recorded_at).where(and_(v.c.story_id == story["story_id"], v.c.version == version))
            ).scalar_one()
        if state is None:
            state = facts_of(reports).resolve({r.report_id: r for r in reports})
        if report_count is None:
            report_count = sum(1 for r in reports if r.active)
        return StoryView(
            id=UUID(story["story_id"]),
            slug=story["slug"],
            title=level["title"],
            summary=level["summary"],
            status=level["status"],
            rules=dict(level["rules"]),
            version=version,
            opened_at=utc(story["opened_at"]),
            updated_at=utc(updated_at),
            reports=tuple(chronological(reports)),
            state=state,
            report_count=report_count,
            as_of=as_of,
            mode=mode,
            timeline_complete=timeline_complete,
        )


def _db_time(moment: datetime) -> datetime:
    return utc(moment)


def report_from_row(row: Mapping[str, Any], version: int | None = None) -> Report | None:
    """A timeline row as a Report, as it stood at ``version`` (None: now)."""
    if version is not None and row["version_added"] > version:
        return None
    values = {name: row[name] for name in ("headline", "summary", "url")}
    corrections = list(row["corrections"])
    if version is not None:
        for correction in reversed(corrections):
            if correction["version"] > version:
                for name, (old, _new) in correction["changes"].items():
                    values[name] = old
        corrections = [c for c in corrections if c["version"] <= version]
    classification = {
        "kinds": row["kinds"],
        "parties": row["parties"],
        "classified_by": row["classified_by"],
        "evidence": row["evidence"],
        "speakers": row["speakers"],
    }
    if version is not None:
        for change in reversed(row["reclassifications"]):
            if change["version"] > version:
                classification = dict(change["previous"])
    retracted = row["retracted_version"] is not None and (version is None or row["retracted_version"] <= version)
    return to_report(
        {
            "report_id": row["report_id"],
            "headline": values["headline"],
            "summary": values["summary"],
            "outlet": row["outlet"],
            "url": values["url"],
            "attribution": row["attribution"],
            "parties": classification["parties"],
            "kinds": classification["kinds"],
            "origin": {"kind": row["origin_kind"], "ref": row["origin_ref"], "feed": row["origin_feed"]},
            "published_at": utc(row["published_at"]),
            "recorded_at": utc(row["recorded_at"]),
            "version": row["version_added"],
            "sequence": row["seq"],
            "corrections": corrections,
            "retraction": {"reason": row["retraction_reason"], "recorded_at": utc(row["retracted_at"])}
            if retracted
            else None,
            "classified_by": classification["classified_by"],
            "evidence": classification["evidence"],
            "speakers": classification["speakers"],
        }
    )
