"""Past states of a story from the read models: at a version, or as of a moment.

Without a timeline limit a past version is rebuilt from every timeline row
(each row undoes its later corrections); with one, the state comes from SQL
maxima over the fact candidates and only the latest reports are loaded, which
stays fast on stories of thousands of reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from tracker.application import Mode, StoryView
from tracker.domain.report import Report
from tracker.domain.state import Cast, Fact, Facts, chronological, facts_of
from tracker.moments import utc
from tracker.readmodels import tables as tbl
from tracker.readmodels.report_rows import db_time, load_reports, name_counts, reports_by_id, source_counts
from tracker.readmodels.values import order_text, parse_order_text


class PastViews:
    """Story views at a version or a moment, from a story's row in the stories table."""

    def __init__(self, engine: Engine, tables: tbl.ViewTables) -> None:
        self.engine = engine
        self.t = tables

    def at_version(
        self, story: Mapping[str, Any], version: int, *, as_of: datetime | None = None, mode: Mode | None = None
    ) -> StoryView:
        r = self.t.reports
        reports = load_reports(
            self.engine, select(r).where(and_(r.c.story_id == story["story_id"], r.c.version_added <= version)), version
        )
        return self.view(story, version, reports, as_of=as_of, mode=mode)

    def travel(
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
            visible = and_(r.c.story_id == story_id, r.c.published_at <= db_time(published_by))
            shown = visible
            active = and_(visible, r.c.retracted_version.is_(None))
            candidates = and_(
                fr.c.version_to.is_(None),
                fr.c.retracted_version.is_(None),
                fr.c.ord <= order_text(published_by, 9_999_999_999),
            )
        facts = self.latest_candidates(story_id, candidates)
        facts.counts = name_counts(self.engine, self.t, story_id, candidates)
        facts.sources = source_counts(self.engine, self.t, story_id, candidates, version)
        newest_first = select(r).where(shown).order_by(r.c.published_at.desc(), r.c.seq.desc()).limit(limit)
        page = load_reports(self.engine, newest_first, version)
        by_id = {report.report_id: report for report in page}
        missing = {f.report_id for f in facts.latest.values()} - set(by_id)
        if missing:
            by_id.update({x.report_id: x for x in reports_by_id(self.engine, self.t, story_id, missing, version)})
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(r).where(active)).scalar_one()
            total = conn.execute(select(func.count()).select_from(r).where(visible)).scalar_one()
        return self.view(
            story,
            version if version is not None else story["version"],
            page,
            as_of=as_of,
            mode=mode,
            facts=(facts, by_id),
            report_count=count,
            timeline_complete=len(page) >= total,
        )

    def latest_candidates(self, story_id: str, condition: Any) -> Facts:
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

    def view(
        self,
        story: Mapping[str, Any],
        version: int,
        reports: list[Report],
        *,
        as_of: datetime | None = None,
        mode: Mode | None = None,
        facts: tuple[Facts, Mapping[str, Report]] | None = None,
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
        folded, by_id = facts or (facts_of(reports), {r.report_id: r for r in reports})
        state = folded.resolve(by_id, Cast.of(level["rules"]))
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
