"""Timeline rows as Reports, as they stood at any version.

A row keeps its corrections' and reclassifications' previous values, so a
past version is the row with the later changes undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from tracker.domain.report import Report, to_report
from tracker.moments import utc
from tracker.readmodels import tables as tbl


def load_reports(engine: Engine, query: Any, version: int | None = None) -> list[Report]:
    """The reports a query over the reports table selects, as of ``version`` (None: now)."""
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    reports = (report_from_row(cast(Mapping[str, Any], row), version) for row in rows)
    return [report for report in reports if report is not None]


def reports_by_id(
    engine: Engine, tables: tbl.ViewTables, story_id: str, report_ids: Iterable[str], version: int | None = None
) -> list[Report]:
    r = tables.reports
    query = select(r).where(and_(r.c.story_id == story_id, r.c.report_id.in_(list(report_ids))))
    return load_reports(engine, query, version)


def db_time(moment: datetime) -> datetime:
    return utc(moment)


def report_from_row(row: Mapping[str, Any], version: int | None = None) -> Report | None:
    """A timeline row as a Report, as it stood at ``version`` (None: now)."""
    if version is not None and row["version_added"] > version:
        return None
    values = {name: row[name] for name in ("headline", "summary", "url", "outlet", "attribution")}
    values["published_at"] = utc(row["published_at"])
    corrections = list(row["corrections"])
    if version is not None:
        for correction in reversed(corrections):
            if correction["version"] > version:
                for name, (old, _new) in correction["changes"].items():
                    if name in values:  # parties and speakers: with the classification below
                        values[name] = utc(datetime.fromisoformat(old)) if name == "published_at" else old
        corrections = [c for c in corrections if c["version"] <= version]
    classification = {
        "kinds": row["kinds"],
        "parties": row["parties"],
        "classified_by": row["classified_by"],
        "evidence": row["evidence"],
        "speakers": row["speakers"],
        "reading": row["reading"],
    }
    changes = list(row["reclassifications"])
    if version is not None:
        for change in reversed(changes):
            if change["version"] > version:
                classification = dict(change["previous"])
        changes = [c for c in changes if c["version"] <= version]
    retracted = row["retracted_version"] is not None and (version is None or row["retracted_version"] <= version)
    return to_report(
        {
            "report_id": row["report_id"],
            "headline": values["headline"],
            "summary": values["summary"],
            "outlet": values["outlet"],
            "url": values["url"],
            "attribution": values["attribution"],
            "parties": classification["parties"],
            "kinds": classification["kinds"],
            "origin": {"kind": row["origin_kind"], "ref": row["origin_ref"], "feed": row["origin_feed"]},
            "published_at": values["published_at"],
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
            "reading": classification.get("reading"),
            "cluster_lead": lead_at(row, version),
            "reclassifications": [c for c in changes if not c.get("correction") and "recorded_at" in c],
        }
    )


def lead_at(row: Mapping[str, Any], version: int | None = None) -> str:
    """The report's cluster lead as of ``version`` (None: now); "" when independent."""
    if version is None:
        return row["cluster_lead"] or ""
    lead = ""
    for change in row["clusterings"]:
        if change["version"] <= version:
            lead = change["lead"]
    return lead


def source_counts(
    engine: Engine, tables: tbl.ViewTables, story_id: str, condition: Any, version: int | None
) -> dict[str, int]:
    """Per ``rel:`` fact key, how many distinct outlets the story's reports
    behind it (the candidate rows ``condition`` keeps) come from, copies
    left out: the independent sources of each thread transition. Now it is
    one grouped count; as of a version, the few columns it needs, folded."""
    fr, r = tables.fact_rows, tables.reports
    # On SQLite a range of the key, which LIKE would not use; PostgreSQL's
    # collation may not order "rel:" and "rel;" as bytes, so LIKE there.
    if engine.dialect.name == "sqlite":
        rel = and_(fr.c.fact_key >= "rel:", fr.c.fact_key < "rel;")
    else:
        rel = fr.c.fact_key.like("rel:%")
    joined = and_(fr.c.story_id == story_id, rel, r.c.id == fr.c.row_id, condition)
    with engine.connect() as conn:
        if version is None:
            query = (
                select(fr.c.fact_key, func.count(func.distinct(r.c.outlet)))
                .where(and_(joined, r.c.cluster_lead.is_(None)))
                .group_by(fr.c.fact_key)
            )
            return {key: int(count) for key, count in conn.execute(query)}
        query = select(fr.c.fact_key, r.c.outlet, r.c.cluster_lead, r.c.clusterings).where(joined)
        outlets: dict[str, set[str]] = {}
        for row in conn.execute(query).mappings():
            if not lead_at(cast(Mapping[str, Any], row), version):
                outlets.setdefault(row["fact_key"], set()).add(row["outlet"])
    return {key: len(names) for key, names in outlets.items()}


def name_counts(engine: Engine, tables: tbl.ViewTables, story_id: str, condition: Any) -> dict[str, int]:
    """How many of a story's reports (those ``condition`` keeps) name each
    ``name:`` and ``act:`` key: the counts behind party suggestions."""
    fr = tables.fact_rows
    query = (
        select(fr.c.fact_key, func.count())
        .where(
            and_(fr.c.story_id == story_id, or_(fr.c.fact_key.like("name:%"), fr.c.fact_key.like("act:%")), condition)
        )
        .group_by(fr.c.fact_key)
    )
    with engine.connect() as conn:
        return {key: int(count) for key, count in conn.execute(query)}
